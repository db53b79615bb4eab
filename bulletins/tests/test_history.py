"""Every change keeps a revision of the whole issue; the admin compares two and restores one."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bulletins import editorial
from bulletins.history import record_revision, revisions_of
from bulletins.models import Issue, Item

from .admin_forms import form_data
from .factories import make_issue
from .searching import api_ids

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:bulletins_issue_add")


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def history_url(issue):
    return reverse("admin:bulletins_issue_history", args=[issue.pk])


def summaries(issue):
    return [revision.comment for revision in revisions_of(issue)]


@pytest.fixture
def issue():
    issue = make_issue(
        number=20,
        status=Issue.Status.DRAFT,
        published_at=None,
        issue_date=date(2024, 3, 4),
        sections=[("安全行业一周要闻", 3), ("半导体行业一周要闻", 2)],
    )
    record_revision(issue, summary="新建")
    return issue


def edit(client, issue, **changes):
    data = {**form_data(client.get(change_url(issue))), **changes}
    response = client.post(change_url(issue), data)
    assert response.status_code == 302, response.context and response.context["error_summary"]


def test_a_save_keeps_a_revision_with_who_and_a_summary(editor, issue):
    edit(editor, issue, **{"sections-0-items-0-title": "改过的标题"})

    latest = revisions_of(issue)[0]
    assert latest.user.username == "editor"
    assert latest.comment == "修改 1 条新闻"
    assert len(revisions_of(issue)) == 2


def test_a_save_that_changes_nothing_writes_nothing(
    editor, issue, django_capture_on_commit_callbacks
):
    from django.contrib.admin.models import LogEntry
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = Issue.objects.get(pk=issue.pk).updated_at
    data = form_data(editor.get(change_url(issue)))
    with CaptureQueriesContext(connection) as queries:
        response = editor.post(change_url(issue), data, follow=True)

    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert Issue.objects.get(pk=issue.pk).updated_at == before
    assert len(revisions_of(issue)) == 1
    assert not LogEntry.objects.exists()
    assert "没有改动，无需保存。" in response.content.decode()


def test_publish_unpublish_and_schedule_each_keep_a_revision(issue):
    chief = User.objects.create_user("chief")
    editorial.publish(issue, user=chief)
    editorial.unpublish(issue, user=chief)
    editorial.schedule(issue, timezone.now() + timedelta(days=1), user=chief)

    assert summaries(issue)[:3] == [
        f"已排期：{timezone.localtime(issue.published_at):%Y-%m-%d %H:%M}",
        "撤回发布",
        "已发布",
    ]
    assert all(revision.user == chief for revision in revisions_of(issue)[:3])


def test_the_publish_action_keeps_a_revision_naming_the_chief_editor(chief_editor, issue):
    chief_editor.post(
        reverse("admin:bulletins_issue_changelist"),
        {"action": "publish", "_selected_action": [issue.pk]},
    )
    latest = revisions_of(issue)[0]
    assert (latest.comment, latest.user.username) == ("已发布", "zhubian")


def test_the_import_command_keeps_a_revision(legacy_sample_path):
    call_command("import_legacy", str(legacy_sample_path), stdout=StringIO())
    issue = Issue.objects.get()
    assert summaries(issue) == ["从旧版文件导入"]


def test_the_admin_import_keeps_a_revision_naming_who_imported(editor, legacy_sample_bytes):
    from .desk import confirm, upload

    preview = upload(editor, ("sample.txt", legacy_sample_bytes))
    confirm(editor, preview, {"sample.txt": (1, "")})

    latest = revisions_of(Issue.objects.get())[0]
    assert (latest.comment, latest.user.username) == ("从旧版文件导入", "editor")


def test_the_history_page_lists_revisions_newest_first(editor, issue):
    edit(editor, issue, title="第二版标题")
    html = editor.get(history_url(issue)).content.decode()
    assert html.index("修改了本期的标题") < html.index("新建")
    assert "editor" in html


def compare_html(client, issue, old, new):
    url = reverse("admin:bulletins_issue_compare", args=[issue.pk])
    return client.get(url, {"old": old.pk, "new": new.pk}).content.decode()


def test_the_comparison_names_fields_in_chinese_and_shows_only_what_changed(editor, issue):
    edit(
        editor,
        issue,
        title="新的期刊标题",
        **{"sections-0-items-1-body": "第一段：改写后的内容。\n第二段：更多细节。"},
    )
    new, old = revisions_of(issue)[:2]

    html = compare_html(editor, issue, old, new)

    assert '<th scope="row">标题</th>' in html and "正文" in html
    assert "<ins>" in html and "<del>" in html
    assert "安全行业一周要闻 第 2 条新闻" in html
    assert "安全行业一周要闻 第 1 条新闻" not in html  # unchanged items are left out
    assert "期号" not in html


def test_a_moved_item_is_said_once_as_moved(editor, issue):
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-2-position"] = "1"  # the third item to the top
    editor.post(change_url(issue), data)
    new, old = revisions_of(issue)[:2]

    html = compare_html(editor, issue, old, new)

    assert html.count("移动") == 1
    assert "安全行业一周要闻 第 3 条新闻" in html
    assert "从第 3 位移到第 1 位" in html
    assert "安全行业一周要闻 第 1 条新闻" not in html


def test_added_removed_and_cross_section_moves_are_told_apart(editor, issue):
    security, chips = issue.sections.order_by("position")
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-DELETE"] = "on"
    data["sections-0-items-1-move_to"] = str(chips.pk)
    data["sections-1-items-2-title"] = "新增的一条"
    data["sections-1-items-2-body"] = "正文。"
    editor.post(change_url(issue), data)
    new, old = revisions_of(issue)[:2]

    html = compare_html(editor, issue, old, new)

    assert "从“安全行业一周要闻”移到“半导体行业一周要闻”" in html
    assert 'class="change-added"' in html and "新增的一条" in html
    assert 'class="change-removed"' in html and "安全行业一周要闻 第 1 条新闻" in html


def test_a_revert_restores_the_issue_touches_it_and_reindexes_it(editor):
    issue = make_issue(
        number=21, issue_date=date(2024, 3, 4), sections=[("卫星通信", 3), ("物联网", 2)]
    )
    record_revision(issue, summary="新建")
    original = revisions_of(issue)[0]
    edit(editor, issue, **{"sections-0-items-0-title": "量子纠缠卫星"})
    data = form_data(editor.get(change_url(issue)))
    data["sections-1-DELETE"] = "on"
    editor.post(change_url(issue), data)
    assert len(api_ids(editor, q="量子纠缠")[0]) == 1
    stamp = Issue.objects.get(pk=issue.pk).updated_at

    url = reverse("admin:bulletins_issue_revert", args=[issue.pk, original.pk])
    assert "恢复这个版本" in editor.get(url).content.decode()
    response = editor.post(url)

    assert response.status_code == 302
    assert Issue.objects.get(pk=issue.pk).updated_at > stamp
    titles = list(
        Item.objects.filter(section__issue=issue)
        .order_by("section__position", "position")
        .values_list("title", flat=True)
    )
    assert titles == [f"卫星通信 第 {n} 条新闻" for n in (1, 2, 3)] + [
        f"物联网 第 {n} 条新闻" for n in (1, 2)
    ]
    assert api_ids(editor, q="量子纠缠")[0] == []
    assert len(api_ids(editor, q="物联网")[0]) == 2
    latest = revisions_of(issue)[0]
    assert latest.comment.startswith("恢复到") and latest.user.username == "editor"


def test_an_editors_revert_keeps_the_current_publication(staff_editor, issue):
    first = revisions_of(issue)[0]
    editorial.publish(issue)
    url = reverse("admin:bulletins_issue_revert", args=[issue.pk, first.pk])

    staff_editor.post(url)

    assert Issue.objects.get(pk=issue.pk).is_public


def test_another_issues_version_cannot_be_compared_or_restored_here(editor, issue):
    other = make_issue(number=22)
    record_revision(other, summary="新建")
    foreign = revisions_of(other)[0]
    mine = revisions_of(issue)[0]

    revert = reverse("admin:bulletins_issue_revert", args=[issue.pk, foreign.pk])
    assert editor.post(revert).status_code == 404
    compare = reverse("admin:bulletins_issue_compare", args=[issue.pk])
    assert editor.get(compare, {"old": foreign.pk, "new": mine.pk}).status_code == 404


def test_adding_items_is_not_called_a_change_of_order(editor, issue):
    edit(
        editor,
        issue,
        **{"sections-1-items-2-title": "新增的一条", "sections-1-items-2-body": "正文。"},
    )
    assert revisions_of(issue)[0].comment == "新增 1 条新闻"


def test_moving_items_is_called_a_change_of_order_not_an_edit(editor, issue):
    security, chips = issue.sections.order_by("position")
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-2-position"] = "1"
    data["sections-0-items-0-move_to"] = str(chips.pk)
    editor.post(change_url(issue), data)
    assert revisions_of(issue)[0].comment == "调整顺序"


def test_the_history_and_restore_pages_speak_chinese_and_name_each_choice(editor, issue):
    edit(editor, issue, title="第二版标题")
    html = editor.get(history_url(issue)).content.decode()
    assert html.count('aria-label="旧版本 ') == 2 and html.count('aria-label="新版本 ') == 2
    links = re.findall(r'<td class="links">(.*?)</td>', html, re.S)
    assert len(links) == 2 and all(not cell.strip().startswith("·") for cell in links)
    oldest = revisions_of(issue)[-1]
    url = reverse("admin:bulletins_issue_revert", args=[issue.pk, oldest.pk])
    restore = editor.get(url).content.decode()
    assert "取消" in restore and "Cancel" not in restore


def test_a_revert_undoes_a_reordering_of_three_items(editor, issue):
    first = revisions_of(issue)[0]
    section = issue.sections.order_by("position").first()
    before = list(section.items.order_by("position").values_list("title", flat=True))
    data = form_data(editor.get(change_url(issue)))
    for row, position in enumerate(["2", "3", "1"]):  # a rotation: the last item first
        data[f"sections-0-items-{row}-position"] = position
    edit(editor, issue, **data)
    rotated = list(section.items.order_by("position").values_list("title", flat=True))
    assert rotated == [before[2], before[0], before[1]]

    response = editor.post(reverse("admin:bulletins_issue_revert", args=[issue.pk, first.pk]))

    assert response.status_code == 302
    assert list(section.items.order_by("position").values_list("title", flat=True)) == before
    assert list(section.items.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]


def test_someone_who_may_only_view_issues_cannot_restore_a_version(editor, issue):
    from django.contrib.auth.models import Permission
    from django.test import Client

    first = revisions_of(issue)[0]
    edit(editor, issue, title="第二版标题")
    reader = User.objects.create_user("reader", password="pw", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_issue"))
    viewer = Client()
    viewer.force_login(reader)

    response = viewer.post(reverse("admin:bulletins_issue_revert", args=[issue.pk, first.pk]))

    assert response.status_code == 403
    assert Issue.objects.get(pk=issue.pk).title == "第二版标题"
    assert len(revisions_of(issue)) == 2
