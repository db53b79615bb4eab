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
    for _ in range(2):  # to the last item, then past the end of its section (not past the
        down.focus()  # blank row waiting there): into the next one, first place
        page.keyboard.press("Enter")
    # A screen reader hears where the item went, and which item each button moves.
    assert page.inner_text("#compose-status") == (
        "“半导体行业一周要闻 第 1 条新闻”现在是“安全行业一周要闻”的第 1 条。"
    )
    described = down.get_attribute("aria-describedby")
    assert page.inner_text(f"#{described}") == "半导体行业一周要闻 第 1 条新闻"
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

    assert page.inner_text("a.viewsitelink") == "预览"
    page.fill("#id_title", "改了还没保存")
    # The preview shows what is saved, and now says so.
    assert page.inner_text("a.viewsitelink") == "预览已保存的版本"
    page.evaluate("location.href = '/admin/'")  # leaving: the warning is dismissed, we stay
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/change/" in page.url

    page.keyboard.press("Control+s")  # saves and keeps the editor on the screen
    page.wait_for_selector("ul.messagelist")
    assert "/change/" in page.url
    assert Issue.objects.get(pk=issue.pk).title == "改了还没保存"
    assert page.inner_text("a.viewsitelink") == "预览"
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
    # Added rows go last, before the blank row that waits at the end of each list.
    section = page.locator("ol.section-list > li").nth(2)
    section.locator("input[name$='-title']").first.fill("物联网行业一周要闻")
    for index, title in enumerate(("第一条物联网新闻", "第二条物联网新闻")):
        section.locator("button.add-item").click()
        row = section.locator("ol.item-list > li").nth(index)
        row.locator("input[name$='-title']").fill(title)
        row.locator("textarea[name$='-body']").fill(f"{title}的正文。")
    save_and_continue(page)

    assert list(issue.sections.order_by("position").values_list("title", flat=True)) == [
        "半导体行业一周要闻",
        "安全行业一周要闻",
        "物联网行业一周要闻",
    ]
    assert titles_of(issue, 3) == ["第一条物联网新闻", "第二条物联网新闻"]


def test_choosing_another_section_for_an_item_moves_it_there_and_is_saved(
    browser_page, live_server, issue
):
    page = browser_page
    log_in(page, live_server)
    open_issue(page, live_server, issue)

    item = row(page, "sections-0-items-0")
    item.locator("summary").click()
    item.locator("select[name$='-move_to']").select_option(label="2. 安全行业一周要闻")
    # The row goes to the end of that section at once, before its blank row.
    second = page.locator("ol.item-list").nth(1).locator(":scope > li")
    assert second.nth(2).get_attribute("id") == "row-sections-0-items-0"
    save_and_continue(page)

    assert titles_of(issue, 1) == item_titles("半导体行业一周要闻", 2, 3)
    assert titles_of(issue, 2) == [
        *item_titles("安全行业一周要闻", 1, 2),
        "半导体行业一周要闻 第 1 条新闻",
    ]


def test_save_and_continue_brings_the_editor_back_to_the_item_they_were_writing(
    browser_page, live_server
):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    issue = make_issue(
        number=4,
        status=Issue.Status.DRAFT,
        published_at=None,
        sections=[("半导体行业一周要闻", 12), ("安全行业一周要闻", 12)],
    )
    log_in(page, live_server)
    open_issue(page, live_server, issue)

    page.click("button.add-item[data-list='sections-1-items']")
    new_row = page.locator("ol.item-list").nth(1).locator(":scope > li").nth(12)
    page.keyboard.type("新加的第十三条")  # the new row's headline has the focus
    # Numbered as soon as it is written in, ahead of the blank row waiting at the end.
    assert new_row.locator("input.position").input_value() == "13"
    new_row.locator("textarea[name$='-body']").fill("第十三条的正文。")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 1000
    page.keyboard.press("Control+s")
    page.wait_for_selector("ul.messagelist")

    assert titles_of(issue, 2)[-1] == "新加的第十三条"
    saved_row = page.locator("ol.item-list").nth(1).locator(":scope > li").nth(12)
    assert saved_row.locator("details").evaluate("element => element.open")
    focused = page.evaluate("document.activeElement.name")
    assert focused == saved_row.locator("textarea").get_attribute("name")
    assert abs(page.evaluate("window.scrollY") - scrolled) < 50


def test_a_refused_save_shows_each_error_in_view_and_warns_before_leaving(
    browser_page, live_server, issue
):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server)
    open_issue(page, live_server, issue)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    item = row(page, "sections-1-items-1")
    item.locator("summary").click()
    item.locator("input[name$='-title']").fill("")
    item.locator("textarea[name$='-body']").fill("只改了正文，标题被误删了。")
    save_and_continue(page)

    page.click("#error-summary a")
    label = page.locator("label[for='id_sections-1-items-1-title']").bounding_box()
    assert 0 <= label["y"] < 900 - label["height"]  # the label too, not only the input
    assert page.evaluate("document.activeElement.id") == "id_sections-1-items-1-title"
    # The edits exist only on this screen: leaving must warn.
    page.evaluate("location.href = '/admin/'")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_a_stored_picture_keeps_its_clear_box_by_its_label_and_its_neighbour_wide(
    browser_page, live_server
):
    page = browser_page
    issue = make_issue(number=5, sections=[("半导体行业一周要闻", 1)])
    Item.objects.filter(section__issue=issue).update(image=f"images/ab/{'ab' * 32}.jpg")
    log_in(page, live_server)
    open_issue(page, live_server, issue)

    item = row(page, "sections-0-items-0")
    item.locator("summary").click()
    clear = item.locator("input[name$='-image-clear']").bounding_box()
    label = item.locator("label[for$='-image-clear_id']").bounding_box()
    assert abs(label["y"] - clear["y"]) < clear["height"]  # on one line
    assert label["x"] > clear["x"]
    alt = item.locator("input[name$='-image_alt']").bounding_box()
    caption = item.locator("input[name$='-image_caption']").bounding_box()
    assert alt["width"] == pytest.approx(caption["width"], abs=2)  # not squeezed by the name
