"""The admin's compose screen works in Chromium under the site's Content-Security-Policy."""

from django.urls import reverse

from bulletins.models import Item

from .browsing import (
    log_in,
    pytestmark,  # noqa: F401  (transactional db; skipped without Chromium)
)
from .factories import make_issue

WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watch(page):
    """Collect policy violations from every page this tab loads (and Chromium's reports)."""
    reported = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            reported.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reported


def violations(page):
    return page.evaluate("window.cspViolations")


def test_compose_screen_adds_reorders_and_saves_under_the_policy(browser_page, live_server):
    page = browser_page
    reported = watch(page)
    issue = make_issue(number=5, sections=[("半导体行业一周要闻", 2)])
    first, second = issue.sections.get().items.order_by("position")
    log_in(page, live_server)  # through the login form, under the policy too
    page.goto(live_server.url + reverse("admin:bulletins_issue_change", args=[issue.pk]))
    assert "script-src 'self'" in page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )

    page.wait_for_selector("#compose.compose-on")  # the outline's script runs
    rows = page.locator("ol.item-list").first.locator(":scope > li.item-row")
    assert rows.count() == 3  # two items and the blank line that adds one
    page.locator("button.add-item").first.click()
    assert rows.count() == 4
    new_row = rows.nth(2)  # added last, before the blank line that waits at the end
    new_row.locator("input[name$='-title']").fill("新加的一条")
    new_row.locator("textarea[name$='-body']").fill("新加的正文。")

    grips = rows.locator(".grip")
    source, target = grips.nth(1).bounding_box(), rows.nth(0).bounding_box()
    page.mouse.move(source["x"] + 4, source["y"] + source["height"] / 2)
    page.mouse.down()
    for step in range(1, 16):
        y = source["y"] + (target["y"] + 2 - source["y"]) * step / 15
        page.mouse.move(source["x"] + 4, y)
    page.mouse.up()
    assert violations(page) == []
    page.click("input[name=_save]")
    page.wait_for_url("**/bulletins/issue/")

    titles = list(Item.objects.order_by("position").values_list("title", flat=True))
    assert titles == [second.title, first.title, "新加的一条"]
    assert violations(page) == [] and reported == []


def test_a_reader_page_shows_no_policy_violation(browser_page, live_server):
    page = browser_page
    reported = watch(page)
    issue = make_issue(number=6, title="读者页面", sections=[("安全行业一周要闻", 2)])
    page.goto(live_server.url + issue.get_absolute_url())
    assert page.locator("h1").inner_text() == "读者页面"
    page.goto(live_server.url + reverse("bulletins:search") + "?q=新闻")
    assert violations(page) == [] and reported == []
