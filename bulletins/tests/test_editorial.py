"""The weekly routine: each issue starts from the last one's sections."""

from datetime import date

import pytest
from django.urls import reverse

from bulletins.models import Issue

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
    assert client.get(reverse("bulletins:home")).context["issue"].number == 41


def test_a_new_issue_form_suggests_the_next_free_number(editor):
    make_issue(number=41)

    response = editor.get(ADD_URL)

    assert response.context["adminform"].form.initial["number"] == 42
