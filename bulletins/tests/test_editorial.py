"""The weekly routine: each issue starts from the last one's sections."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletins import editorial
from bulletins.models import Issue

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:bulletins_issue_changelist")
ADD_URL = reverse("admin:bulletins_issue_add")

SECTIONS = [("安全行业一周要闻", 2), ("半导体行业一周要闻", 3), ("5G/6G 行业一周要闻", 1)]


def sections_of(issue):
    return list(issue.sections.order_by("position").values_list("position", "title", "slug"))


def test_next_issue_starts_with_the_selected_issues_sections_and_no_items(editor):
    last_week = make_issue(
        number=41, title="产业一周要闻", issue_date=date(2024, 2, 26), sections=SECTIONS
    )
    make_issue(number=40, sections=[("旧栏目", 1)])

    response = editor.post(LIST_URL, {"action": "start_next", "_selected_action": [last_week.pk]})

    issue = Issue.objects.get(number=42)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:bulletins_issue_change", args=[issue.pk])
    assert sections_of(issue) == sections_of(last_week)
    assert not issue.sections.filter(items__isnull=False).exists()
    assert (issue.title, issue.issue_date) == ("产业一周要闻", date(2024, 3, 4))
    assert issue.status == Issue.Status.DRAFT and not issue.is_public
    message = "已按第 41 期的栏目新建第 42 期草稿，请添加本周新闻。"
    assert message in editor.get(response["Location"]).content.decode()


def test_next_issue_takes_the_next_free_number_whichever_issue_it_starts_from(editor):
    older = make_issue(number=3, sections=SECTIONS)
    make_issue(number=9)

    editor.post(LIST_URL, {"action": "start_next", "_selected_action": [older.pk]})

    assert sections_of(Issue.objects.get(number=10)) == sections_of(older)


def test_next_issue_of_an_undated_issue_is_undated(editor):
    undated = make_issue(number=5, issue_date=None)

    editor.post(LIST_URL, {"action": "start_next", "_selected_action": [undated.pk]})

    assert Issue.objects.get(number=6).issue_date is None


def test_starting_the_next_issue_from_two_issues_is_refused_with_a_message(editor):
    first, second = make_issue(number=1), make_issue(number=2)

    response = editor.post(
        LIST_URL,
        {"action": "start_next", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert "请只选择一期，作为新一期的模板。" in response.content.decode()
    assert Issue.objects.count() == 2


def test_the_next_issue_readers_see_nothing_of_until_it_is_published(editor, client):
    last_week = make_issue(number=41, sections=SECTIONS)
    editor.post(LIST_URL, {"action": "start_next", "_selected_action": [last_week.pk]})
    client.logout()

    assert client.get(reverse("bulletins:issue_detail", args=[42])).status_code == 404
    assert (
        '<p class="issue-number">第 41 期</p>'
        in client.get(reverse("bulletins:home")).content.decode()
    )


def test_a_new_issue_form_suggests_the_next_free_number(editor):
    make_issue(number=41)

    response = editor.get(ADD_URL)

    assert response.context["adminform"].form.initial["number"] == 42


# Publishing, withdrawing and scheduling (bulletins.editorial), and the issue-date rule.


def undated_draft(number=50):
    return make_issue(number=number, status=Issue.Status.DRAFT, published_at=None)


def test_publish_action_refuses_an_issue_without_its_date_with_a_clear_message(chief_editor):
    issue = undated_draft()

    response = chief_editor.post(
        LIST_URL, {"action": "publish", "_selected_action": [issue.pk]}, follow=True
    )

    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert "第 50 期没有期刊日期：请先填写本期对应的日期，再发布。" in response.content.decode()


def test_publish_action_publishes_the_dated_issues_and_names_the_undated_one(chief_editor):
    dated = make_issue(
        number=51, status=Issue.Status.DRAFT, published_at=None, issue_date=date(2024, 3, 4)
    )
    undated = undated_draft(52)

    response = chief_editor.post(
        LIST_URL, {"action": "publish", "_selected_action": [dated.pk, undated.pk]}, follow=True
    )

    dated.refresh_from_db()
    undated.refresh_from_db()
    assert dated.is_public and not undated.is_public
    html = response.content.decode()
    assert "第 52 期没有期刊日期" in html and "已发布 1 期。" in html


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "published"},
        {"published_at_0": "2030-01-01", "published_at_1": "08:00"},
    ],
)
def test_the_form_refuses_to_publish_or_schedule_without_the_issue_date(chief_editor, fields):
    issue = undated_draft()
    url = reverse("admin:bulletins_issue_change", args=[issue.pk])
    data = {**form_data(chief_editor.get(url)), **fields}

    response = chief_editor.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "发布期刊前请填写期刊日期。" in html or "设置发布时间前，请先填写期刊日期。" in html
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and issue.published_at is None


def test_publish_unpublish_and_schedule_touch_updated_at(django_user_model):
    issue = make_issue(
        number=60, status=Issue.Status.DRAFT, published_at=None, issue_date=date(2024, 3, 4)
    )
    stamps = [issue.updated_at]
    editorial.publish(issue)
    stamps.append(Issue.objects.get(pk=issue.pk).updated_at)
    editorial.unpublish(issue)
    stamps.append(Issue.objects.get(pk=issue.pk).updated_at)
    editorial.schedule(issue, timezone.now() + timedelta(days=1))
    stamps.append(Issue.objects.get(pk=issue.pk).updated_at)
    assert stamps == sorted(stamps) and len(set(stamps)) == 4


def test_schedule_makes_the_issue_go_live_at_the_given_time():
    issue = make_issue(
        number=61, status=Issue.Status.DRAFT, published_at=None, issue_date=date(2024, 3, 4)
    )
    when = timezone.now() + timedelta(hours=3)

    editorial.schedule(issue, when)

    issue.refresh_from_db()
    assert issue.is_scheduled and issue.published_at == when


def test_schedule_and_publish_refuse_an_undated_issue():
    issue = undated_draft(62)
    with pytest.raises(editorial.EditorialError, match="没有期刊日期"):
        editorial.publish(issue)
    with pytest.raises(editorial.EditorialError):
        editorial.schedule(issue, timezone.now() + timedelta(days=1))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
