"""Pages in a real browser: Debian's Chromium driven by Playwright (the compose screen's are
in test_browser_compose.py)."""

from .browsing import pytestmark  # noqa: F401 (the browser tests' marks)
from .factories import make_issue


def test_reader_page_needs_no_javascript(browser_page, live_server):
    page = browser_page
    issue = make_issue(number=4, title="无脚本也能读", sections=[("安全行业一周要闻", 2)])
    context = page.context.browser.new_context(java_script_enabled=False)
    reader = context.new_page()
    reader.goto(live_server.url + issue.get_absolute_url())
    assert reader.locator("h1").inner_text() == "无脚本也能读"
    reader.click("nav.toc >> text=安全行业一周要闻 第 2 条新闻")
    assert reader.url.endswith("#item-1-2")
    context.close()
