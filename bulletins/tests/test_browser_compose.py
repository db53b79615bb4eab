"""The compose screen in Chromium: reorder by typing, by the grip, by the arrow buttons; the
warning before leaving unsaved work; Ctrl+S; and a save refused after someone else's."""

from datetime import date

import pytest
from django.urls import reverse

from bulletins.models import Issue, Item

from .browsing import log_in, pytestmark  # noqa: F401 (the browser tests' marks)
from .factories import make_issue


def titles_of(issue, position=1):
    return list(
        Item.objects.filter(section__issue=issue, section__position=position)
        .order_by("position")
        .values_list("title", flat=True)
    )


def open_issue(page, live_server, issue):
    page.goto(live_server.url + reverse("admin:bulletins_issue_change", args=[issue.pk]))
    page.wait_for_selector("#compose.compose-on")


def row(page, prefix):
    return page.locator(f"#row-{prefix}")


def save_and_continue(page):
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")


def item_titles(section, *numbers):
    return [f"{section} 第 {n} 条新闻" for n in numbers]


@pytest.fixture
def issue():
    return make_issue(
        number=3,
        status=Issue.Status.DRAFT,
        published_at=None,
        issue_date=date(2024, 3, 4),
        sections=[("半导体行业一周要闻", 3), ("安全行业一周要闻", 2)],
    )


def test_typing_a_position_with_javascript_on_moves_the_row_and_is_saved(
    browser_page, live_server, issue
):
    page = browser_page
    log_in(page, live_server)
    open_issue(page, live_server, issue)

    page.fill("#id_sections-0-items-2-position", "1")
    page.press("#id_sections-0-items-2-position", "Tab")  # the change event
    # The row moves on screen, and the positions are numbered as they now stand.
    rows = page.locator("ol.item-list").first.locator(":scope > li")
    assert rows.first.get_attribute("id") == "row-sections-0-items-2"
    assert page.input_value("#id_sections-0-items-0-position") == "2"
    save_and_continue(page)

    assert titles_of(issue) == item_titles("半导体行业一周要闻", 3, 1, 2)


def test_dragging_a_row_by_its_grip_reorders_the_items(browser_page, live_server, issue):
    page = browser_page
    log_in(page, live_server)
    open_issue(page, live_server, issue)
    grip = row(page, "sections-0-items-2").locator(".grip")
    assert grip.evaluate("el => getComputedStyle(el).cursor") == "grab"
    source = grip.bounding_box()
    target = row(page, "sections-0-items-0").bounding_box()

    page.mouse.move(source["x"] + 4, source["y"] + source["height"] / 2)
    page.mouse.down()
    for step in range(1, 16):
        y = source["y"] + (target["y"] + 2 - source["y"]) * step / 15
        page.mouse.move(source["x"] + 4, y)
    page.mouse.up()
    save_and_continue(page)

    assert titles_of(issue) == item_titles("半导体行业一周要闻", 3, 1, 2)


def test_the_arrow_buttons_reorder_from_the_keyboard_and_cross_sections(
    browser_page, live_server, issue
):
    page = browser_page
    log_in(page, live_server)
    open_issue(page, live_server, issue)

    up = row(page, "sections-0-items-2").locator("button.move-up")
    up.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # focus stays on the button: twice up, to the top
    down = row(page, "sections-0-items-0").locator("button.move-down")
    for _ in range(3):  # past the end of its section: into the next one, first place
        down.focus()
        page.keyboard.press("Enter")
    save_and_continue(page)

    assert titles_of(issue, 1) == item_titles("半导体行业一周要闻", 3, 2)
    assert titles_of(issue, 2) == [
        "半导体行业一周要闻 第 1 条新闻",
        *item_titles("安全行业一周要闻", 1, 2),
    ]


def test_leaving_with_unsaved_changes_warns_and_a_save_does_not(browser_page, live_server, issue):
    page = browser_page
    log_in(page, live_server)
    open_issue(page, live_server, issue)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    page.fill("#id_title", "改了还没保存")
    page.evaluate("location.href = '/admin/'")  # leaving: the warning is dismissed, we stay
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/change/" in page.url

    page.keyboard.press("Control+s")  # saves and keeps the editor on the screen
    page.wait_for_selector("ul.messagelist")
    assert "/change/" in page.url
    assert Issue.objects.get(pk=issue.pk).title == "改了还没保存"
    page.evaluate("location.href = '/admin/'")
    page.wait_for_url("**/admin/")
    assert dialogs == ["beforeunload"]  # no second warning


def test_a_save_after_someone_elses_is_refused_in_the_browser(browser_page, live_server, issue):
    page = browser_page
    log_in(page, live_server, "wang")
    open_issue(page, live_server, issue)

    other = page.context.browser.new_context()
    other_page = other.new_page()
    log_in(other_page, live_server, "li")
    open_issue(other_page, live_server, issue)
    other_page.fill("#id_title", "李先保存的标题")
    save_and_continue(other_page)
    other.close()

    page.fill("#id_title", "王后保存的标题")
    save_and_continue(page)

    conflict = page.locator("#conflict")
    assert "li" in conflict.inner_text() and "保存了它" in conflict.inner_text()
    assert page.input_value("#id_title") == "王后保存的标题"  # their edit, kept on screen
    assert Issue.objects.get(pk=issue.pk).title == "李先保存的标题"


def test_a_section_and_its_items_added_with_the_buttons_are_saved(browser_page, live_server, issue):
    page = browser_page
    log_in(page, live_server)
    open_issue(page, live_server, issue)

    page.click("button.add-section")
    section = page.locator("ol.section-list > li").last
    section.locator("input[name$='-title']").first.fill("物联网行业一周要闻")
    for title in ("第一条物联网新闻", "第二条物联网新闻"):
        section.locator("button.add-item").click()
        row = section.locator("ol.item-list > li").last
        row.locator("input[name$='-title']").fill(title)
        row.locator("textarea[name$='-body']").fill(f"{title}的正文。")
    save_and_continue(page)

    assert list(issue.sections.order_by("position").values_list("title", flat=True)) == [
        "半导体行业一周要闻",
        "安全行业一周要闻",
        "物联网行业一周要闻",
    ]
    assert titles_of(issue, 3) == ["第一条物联网新闻", "第二条物联网新闻"]
