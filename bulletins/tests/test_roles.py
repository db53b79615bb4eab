"""Roles: editors (编辑) write drafts; chief editors (主编) also publish, schedule and delete.

The admin hides what a role may not do, and the server refuses it when a request is forged.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from bulletins.models import Issue

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:bulletins_issue_changelist")


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def delete_url(issue):
    return reverse("admin:bulletins_issue_delete", args=[issue.pk])


def draft(**kwargs):
    return make_issue(
        status=Issue.Status.DRAFT, published_at=None, issue_date=date(2024, 3, 4), **kwargs
    )


def test_the_two_groups_exist_with_their_permissions():
    editor = set(Group.objects.get(name="编辑").permissions.values_list("codename", flat=True))
    chief = set(Group.objects.get(name="主编").permissions.values_list("codename", flat=True))
    assert {"add_issue", "change_issue", "change_item", "delete_item"} <= editor
    assert "publish_issue" not in editor
    assert chief == editor | {"publish_issue"}


def test_an_editor_is_not_offered_publishing_actions(staff_editor):
    draft()
    html = staff_editor.get(LIST_URL).content.decode()
    assert 'value="start_next"' in html
    for action in ("publish", "unpublish", "schedule"):
        assert f'value="{action}"' not in html


def test_a_chief_editor_is_offered_publishing_actions(chief_editor):
    draft()
    html = chief_editor.get(LIST_URL).content.decode()
    for action in ("publish", "unpublish", "schedule"):
        assert f'value="{action}"' in html


@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_a_forged_publish_or_schedule_action_from_an_editor_changes_nothing(staff_editor, action):
    issue = draft()
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    staff_editor.post(
        LIST_URL, {"action": action, "_selected_action": [issue.pk], "publish_at": later}
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and issue.published_at is None


def test_a_forged_unpublish_action_from_an_editor_changes_nothing(staff_editor):
    issue = make_issue(issue_date=date(2024, 3, 4))
    staff_editor.post(LIST_URL, {"action": "unpublish", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.is_public


def test_an_editor_sees_status_and_publication_time_but_cannot_edit_them(staff_editor):
    issue = draft()
    html = staff_editor.get(change_url(issue)).content.decode()
    assert 'name="status"' not in html and 'name="published_at_0"' not in html
    assert "草稿" in html  # shown, read-only


@pytest.mark.parametrize(
    "forged",
    [
        {"status": "published"},
        {"published_at_0": "2024-03-04", "published_at_1": "08:00"},
    ],
)
def test_status_or_publication_time_forged_into_an_editors_form_is_refused(staff_editor, forged):
    issue = draft()
    data = {**form_data(staff_editor.get(change_url(issue))), **forged}
    response = staff_editor.post(change_url(issue), data)
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and issue.published_at is None


def test_an_editor_saves_a_draft_without_the_publication_fields(staff_editor):
    issue = draft()
    data = {**form_data(staff_editor.get(change_url(issue))), "title": "编辑改过的标题"}
    assert staff_editor.post(change_url(issue), data).status_code == 302
    issue.refresh_from_db()
    assert issue.title == "编辑改过的标题" and issue.status == Issue.Status.DRAFT


def test_an_editor_cannot_delete_a_published_issue(staff_editor):
    issue = make_issue(issue_date=date(2024, 3, 4))
    assert staff_editor.get(delete_url(issue)).status_code == 403
    assert staff_editor.post(delete_url(issue), {"post": "yes"}).status_code == 403
    assert Issue.objects.filter(pk=issue.pk).exists()


@pytest.mark.parametrize("confirmed", [False, True], ids=["asked", "forged confirmation"])
def test_an_editor_cannot_delete_a_published_issue_from_the_list(staff_editor, confirmed):
    issue = make_issue(number=31, issue_date=date(2024, 3, 4))
    other = draft(number=32)
    data = {"action": "delete_selected", "_selected_action": [issue.pk, other.pk]}
    response = staff_editor.post(
        LIST_URL, {**data, "post": "yes"} if confirmed else data, follow=True
    )

    # Told why, in one line naming the issue; not Django's page about "related objects".
    html = response.content.decode()
    assert "第 31 期：已发布的期刊只有主编可以删除。没有删除任何期刊。" in html
    assert "相关对象" not in html
    assert Issue.objects.filter(pk__in=[issue.pk, other.pk]).count() == 2


def test_an_editor_deletes_drafts_from_the_list(staff_editor):
    issue = draft()
    data = {"action": "delete_selected", "_selected_action": [issue.pk]}
    assert "是的，我确定" in staff_editor.post(LIST_URL, data).content.decode()
    staff_editor.post(LIST_URL, {**data, "post": "yes"})
    assert not Issue.objects.filter(pk=issue.pk).exists()


def test_an_editor_is_not_shown_the_go_live_time_of_the_schedule_action(staff_editor):
    draft()
    assert 'name="publish_at"' not in staff_editor.get(LIST_URL).content.decode()


def test_a_chief_editor_is_shown_the_go_live_time_with_the_schedule_action(chief_editor):
    draft()
    html = chief_editor.get(LIST_URL).content.decode()
    assert (
        '<label class="publish-at">上线时间 <input type="datetime-local" name="publish_at"' in html
    )


def test_publishing_an_issue_that_has_a_future_time_says_when_it_goes_live(chief_editor):
    later = timezone.now() + timedelta(days=2)
    issue = draft(number=33)
    Issue.objects.filter(pk=issue.pk).update(published_at=later)
    response = chief_editor.post(
        LIST_URL, {"action": "publish", "_selected_action": [issue.pk]}, follow=True
    )
    html = response.content.decode()
    when = timezone.localtime(later).strftime("%Y-%m-%d %H:%M")
    assert f"第 33 期已有发布时间，将于 {when} 上线。" in html
    assert "已发布 1 期" not in html  # readers do not see it yet
    issue.refresh_from_db()
    assert issue.is_scheduled


def test_the_change_screen_hides_delete_from_an_editor_on_a_published_issue(staff_editor):
    issue = make_issue(issue_date=date(2024, 3, 4))
    assert delete_url(issue) not in staff_editor.get(change_url(issue)).content.decode()


def test_an_editor_may_delete_a_draft(staff_editor):
    issue = draft()
    assert staff_editor.post(delete_url(issue), {"post": "yes"}).status_code == 302
    assert not Issue.objects.filter(pk=issue.pk).exists()


def test_a_chief_editor_deletes_a_published_issue(chief_editor):
    issue = make_issue(issue_date=date(2024, 3, 4))
    assert chief_editor.post(delete_url(issue), {"post": "yes"}).status_code == 302
    assert not Issue.objects.filter(pk=issue.pk).exists()


def test_a_chief_editor_publishes_from_the_compose_screen(chief_editor):
    issue = draft()
    data = {**form_data(chief_editor.get(change_url(issue))), "status": "published"}
    assert chief_editor.post(change_url(issue), data).status_code == 302
    issue.refresh_from_db()
    assert issue.is_public


def test_a_chief_editor_schedules_from_the_list(chief_editor):
    issue = draft()
    later = timezone.localtime() + timedelta(days=2)
    response = chief_editor.post(
        LIST_URL,
        {
            "action": "schedule",
            "_selected_action": [issue.pk],
            "publish_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    issue.refresh_from_db()
    assert issue.is_scheduled
    assert timezone.localtime(issue.published_at).strftime("%Y-%m-%d %H:%M") == later.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert "已排期 1 期。" in response.content.decode()


def test_scheduling_needs_a_time_in_the_future(chief_editor):
    issue = draft()
    response = chief_editor.post(
        LIST_URL, {"action": "schedule", "_selected_action": [issue.pk]}, follow=True
    )
    assert "排期需要填写一个将来的上线时间。" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_starting_the_next_issue_twice_warns_that_the_date_is_taken(staff_editor):
    last_week = make_issue(number=50, issue_date=date(2024, 3, 4))
    data = {"action": "start_next", "_selected_action": [last_week.pk]}
    first = staff_editor.post(LIST_URL, data, follow=True).content.decode()
    assert "出版日期也是" not in first
    second = staff_editor.post(LIST_URL, data, follow=True).content.decode()
    assert "第 51 期的出版日期也是 2024-03-11：请核对新一期的日期" in second


def test_publishing_an_issue_with_an_empty_section_warns_which(chief_editor):
    issue = draft(number=52, sections=[("安全行业一周要闻", 2), ("通信行业一周要闻", 0)])
    response = chief_editor.post(
        LIST_URL, {"action": "publish", "_selected_action": [issue.pk]}, follow=True
    )
    html = response.content.decode()
    assert "已发布 1 期。" in html
    assert "第 52 期：“通信行业一周要闻”栏目还没有新闻：读者会看到一个空栏目。" in html
