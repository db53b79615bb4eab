"""The compose screen: a compact outline, one closed line an item, that says what it holds."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletins.legacy.importer import import_legacy_file
from bulletins.models import Issue, Item, Section

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def writes(queries):
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
        and "django_session" not in query["sql"]
    ]


def test_each_item_is_one_closed_line_with_its_headline_length_and_badges(editor):
    issue = make_issue(number=30, sections=[("安全行业一周要闻", 2)])
    item = Item.objects.get(section__issue=issue, position=2)
    item.source = "某媒体"
    item.save()

    html = editor.get(change_url(issue)).content.decode()

    rows = re.findall(r'<li class="item-row[^"]*" id="row-sections-0-items-\d".*?</li>', html, re.S)
    assert len(rows) == 3  # two items and the blank line that adds one
    first, second, blank = rows
    assert '<details class="row-details">' in first  # closed
    headline = re.search(r"<summary>(.*?)</summary>", second, re.S).group(1)
    assert "安全行业一周要闻 第 2 条新闻" in headline
    assert f"{len(item.body)} 字" in headline
    assert "来源" in headline and "来源" not in re.search(
        r"<summary>(.*?)</summary>", first, re.S
    ).group(1)
    assert 'class="grip"' in first and "上移" in first and "下移" in first
    assert "新条目（填写后即可添加）" in blank


def test_a_drafts_items_say_preview_and_open_the_staff_preview(editor):
    draft = make_issue(number=31, status=Issue.Status.DRAFT, published_at=None)
    public = make_issue(number=32, issue_date=date(2024, 3, 4))

    draft_html = editor.get(change_url(draft)).content.decode()
    public_html = editor.get(change_url(public)).content.decode()

    preview = reverse("bulletins:issue_preview", args=[31])
    assert f'<a href="{preview}#item-1-1" target="_blank" rel="noopener">预览</a>' in draft_html
    assert "在站点上查看" not in draft_html
    permalink = reverse(
        "bulletins:item_detail", kwargs={"number": 32, "section_position": 1, "item_position": 1}
    )
    assert f'<a href="{permalink}" target="_blank" rel="noopener">查看</a>' in public_html


def test_the_screens_labels_are_in_chinese(editor):
    issue = make_issue(number=33)
    html = editor.get(change_url(issue)).content.decode()
    for label in (
        "历史版本",
        "创建与更新时间",
        "栏目与新闻",
        "新增一条新闻",
        "新增栏目",
        "字段说明",
    ):
        assert label in html
    for english in ("History", "Add another", "Delete?", "Position", "news item"):
        assert english not in html


def test_all_errors_are_listed_at_once_with_links_that_open_their_item(editor):
    issue = make_issue(number=34, sections=[("安全行业一周要闻", 2), ("半导体行业一周要闻", 1)])
    data = form_data(editor.get(change_url(issue)))
    data["title"] = ""
    data["sections-1-title"] = ""
    data["sections-0-items-1-body"] = ""

    response = editor.post(change_url(issue), data)

    assert response.status_code == 200
    html = response.content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))
    ]
    assert "请更正下面的 3 处错误。" in summary
    assert 'href="#id_title"' in summary
    assert 'href="#id_sections-1-title"' in summary and "每个栏目都需要标题" in summary
    assert 'href="#id_sections-0-items-1-body"' in summary and "每条新闻都需要正文" in summary
    assert "第 1 栏“安全行业一周要闻”第 2 条" in summary
    row = re.search(
        r'id="row-sections-0-items-1".*?<details class="row-details"( open)?>', html, re.S
    )
    assert row.group(1) == " open"


def test_two_sections_of_one_issue_may_not_share_a_slug(editor):
    issue = make_issue(number=35, sections=[("安全行业一周要闻", 1), ("半导体行业一周要闻", 1)])
    data = form_data(editor.get(change_url(issue)))
    data["sections-1-title"] = "安全行业一周要闻"
    data["sections-1-slug"] = ""

    response = editor.post(change_url(issue), data)

    assert response.status_code == 200
    assert "本期已有栏目使用这个标识" in response.content.decode()
    assert Section.objects.get(issue=issue, position=2).title == "半导体行业一周要闻"


def test_line_endings_are_stored_as_newlines_whatever_the_browser_sends(editor):
    issue = make_issue(number=36, sections=[("卫星通信", 1)])
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-body"] = "第一段。\r\n第二段。\r第三段。"
    data["editors_note"] = "编者按第一行\r\n第二行"

    editor.post(change_url(issue), data)

    assert Item.objects.get(section__issue=issue).body == "第一段。\n第二段。\n第三段。"
    assert Issue.objects.get(pk=issue.pk).editors_note == "编者按第一行\n第二行"


def test_a_body_sent_back_with_windows_line_endings_is_not_a_change(editor):
    issue = make_issue(number=37, sections=[("卫星通信", 1)])
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-body"] = data["sections-0-items-0-body"].replace("\n", "\r\n")

    with CaptureQueriesContext(connection) as queries:
        assert editor.post(change_url(issue), data).status_code == 302

    assert writes(queries) == []


def test_the_imported_legacy_sample_saved_untouched_writes_nothing(editor, legacy_sample_path):
    issue = Issue.objects.get(number=import_legacy_file(legacy_sample_path).issue_number)
    bodies = dict(Item.objects.values_list("pk", "body"))
    data = form_data(editor.get(change_url(issue)))
    # What a browser sends back: every text area's line endings as CRLF.
    for name, value in data.items():
        if name.endswith(("-body", "editors_note")):
            data[name] = value.replace("\n", "\r\n")

    with CaptureQueriesContext(connection) as queries:
        response = editor.post(change_url(issue), data)

    assert response.status_code == 302
    assert writes(queries) == []
    assert dict(Item.objects.values_list("pk", "body")) == bodies


def test_the_screen_costs_the_same_queries_for_three_items_or_thirty(
    editor, django_assert_num_queries
):
    small = make_issue(number=38, sections=[("A", 3), ("B", 1)])
    large = make_issue(number=39, sections=[("A", 30), ("B", 1)])
    editor.get(change_url(small))  # sessions, content types and the like, once

    with CaptureQueriesContext(connection) as counted:
        editor.get(change_url(small))
    with django_assert_num_queries(len(counted)):
        editor.get(change_url(large))


def test_a_chief_editors_untouched_save_of_a_published_issue_writes_nothing(chief_editor):
    # Its publication time has seconds the screen does not show: that is not a change.
    issue = make_issue(number=40, issue_date=date(2024, 3, 4))
    assert issue.published_at.second or issue.published_at.microsecond
    data = form_data(chief_editor.get(change_url(issue)))
    assert "published_at_0" in data

    with CaptureQueriesContext(connection) as queries:
        assert chief_editor.post(change_url(issue), data).status_code == 302

    assert writes(queries) == []


def test_a_forged_row_id_of_another_issues_item_is_refused(editor):
    issue = make_issue(number=41, sections=[("安全行业一周要闻", 1)])
    other = make_issue(number=42, sections=[("半导体行业一周要闻", 1)])
    stranger = Item.objects.get(section__issue=other)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-id"] = str(stranger.pk)
    data["sections-0-items-0-title"] = "被篡改的标题"

    response = editor.post(change_url(issue), data)

    assert response.status_code == 200
    stranger.refresh_from_db()
    assert stranger.title == "半导体行业一周要闻 第 1 条新闻"
    assert stranger.section.issue == other


def test_a_forged_section_to_move_to_from_another_issue_is_refused(editor):
    issue = make_issue(number=43, sections=[("安全行业一周要闻", 1), ("物联网", 1)])
    other = make_issue(number=44, sections=[("半导体行业一周要闻", 1)])
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-move_to"] = str(other.sections.get().pk)

    response = editor.post(change_url(issue), data)

    assert response.status_code == 200
    assert other.sections.get().items.count() == 1


def test_the_screen_tells_an_editor_whether_readers_see_the_issue_and_who_publishes(
    staff_editor,
):
    published = make_issue(number=40, issue_date=date(2024, 3, 4))
    draft = make_issue(number=41, status=Issue.Status.DRAFT, published_at=None)

    html = staff_editor.get(change_url(published)).content.decode()
    assert "已发布：你保存的每处改动，读者都会立即看到。" in html
    assert "发布、排期和撤回由主编操作。" in html
    assert "草稿：读者看不到本期。" in staff_editor.get(change_url(draft)).content.decode()


def test_the_screen_tells_a_chief_editor_when_a_scheduled_issue_goes_live(chief_editor):
    scheduled = make_issue(number=42, published_at="future", issue_date=date(2024, 3, 11))
    html = chief_editor.get(change_url(scheduled)).content.decode()
    when = timezone.localtime(scheduled.published_at).strftime("%Y-%m-%d %H:%M")
    assert f"已排期：将于 {when} 上线，在此之前读者看不到本期。" in html
    assert "由主编操作" not in html


def test_the_publication_date_and_time_inputs_are_named_for_screen_readers(chief_editor):
    issue = make_issue(number=43, issue_date=date(2024, 3, 4))
    html = chief_editor.get(change_url(issue)).content.decode()
    assert re.search(
        r'<input[^>]*name="published_at_0"[^>]*aria-label="发布日期"', html
    ) or re.search(r'<input[^>]*aria-label="发布日期"[^>]*name="published_at_0"', html)
    assert 'aria-label="发布时间（时:分）"' in html


def test_the_screen_warns_of_a_section_left_without_news(editor):
    issue = make_issue(number=44, sections=[("安全行业一周要闻", 1), ("通信行业一周要闻", 0)])
    html = editor.get(change_url(issue)).content.decode()
    assert "“通信行业一周要闻”栏目还没有新闻：读者会看到一个空栏目。" in html
    full = make_issue(number=45, sections=[("安全行业一周要闻", 1)])
    assert "栏目还没有新闻" not in editor.get(change_url(full)).content.decode()
    just_started = make_issue(number=46, sections=[("安全行业一周要闻", 0), ("通信", 0)])
    assert "栏目还没有新闻" not in editor.get(change_url(just_started)).content.decode()


def test_the_error_summary_numbers_items_as_they_stand_on_screen(editor):
    issue = make_issue(number=47, sections=[("安全行业一周要闻", 2)])
    data = form_data(editor.get(change_url(issue)))
    # As the script sends a row added with ＋: after the blank row in the form, third on
    # screen (the blank row waits at the end, without a position).
    data.update(
        {
            "sections-0-items-TOTAL_FORMS": "4",
            "sections-0-items-3-position": "3",
            "sections-0-items-3-title": "没写正文的新条目",
        }
    )
    response = editor.post(change_url(issue), data)

    summary = [entry["where"] for entry in response.context["error_summary"]]
    assert summary == ["第 1 栏“安全行业一周要闻”第 3 条“没写正文的新条目”"]


def test_the_admins_hidden_column_headings_are_chinese_too(editor):
    html = editor.get(reverse("admin:index")).content.decode()
    assert "内容类型" in html and "修改或查看列表链接" in html
    assert "Model name" not in html and "Change or view list link" not in html


def test_an_items_section_choice_lists_only_the_sections_of_its_issue(editor):
    issue = make_issue(number=45, sections=[("安全行业一周要闻", 1), ("物联网", 1)])
    make_issue(number=46, sections=[("半导体行业一周要闻", 1)])
    html = editor.get(change_url(issue)).content.decode()

    select = re.search(r'<select name="sections-0-items-0-move_to".*?</select>', html, re.S)
    offered = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(0))

    mine = sorted(issue.sections.values_list("pk", flat=True))
    assert sorted(int(pk) for pk, _ in offered) == mine
    assert [label for _, label in offered] == ["1. 安全行业一周要闻", "2. 物联网"]


def test_an_item_sent_to_a_section_the_screen_did_not_show_stays_where_it_was(editor):
    issue = make_issue(number=47, sections=[("安全行业一周要闻", 1), ("物联网", 1)])
    data = form_data(editor.get(change_url(issue)))
    added_meanwhile = Section.objects.create(
        issue=issue, position=3, number=3, title="卫星通信", slug="卫星通信"
    )
    data["sections-0-items-0-move_to"] = str(added_meanwhile.pk)

    response = editor.post(change_url(issue), data)

    assert response.status_code == 200
    assert "这个栏目是打开本页之后才新增的" in response.content.decode()
    assert "这个栏目将被删除" not in response.content.decode()
    assert added_meanwhile.items.count() == 0
    assert issue.sections.get(position=1).items.count() == 1
