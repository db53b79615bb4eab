"""The compose screen in a real browser: Debian's Chromium driven by Playwright."""

import os
import shutil

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.urls import reverse

from bulletins.models import Item

from .factories import make_issue

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and os.environ.get("CI", "").lower() != "true",
        reason="Debian's chromium is not installed (make test installs it)",
    ),
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls around it are
    # still synchronous, so Django may run them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 3600})  # every row in view
        yield page
        # While Playwright's event loop counts as running, Django keeps the test's database
        # connections apart from the thread's usual ones: close them here, or the test
        # database cannot be dropped at the end of the run.
        connections.close_all()
        browser.close()


def log_in(page, live_server):
    User.objects.create_superuser("chief", password="pw-for-tests")
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_editor_reorders_items_by_drag_and_drop(browser_page, live_server):
    page = browser_page
    issue = make_issue(number=3, sections=[("半导体行业一周要闻", 3)])
    first, second, third = issue.sections.get().items.order_by("position")
    log_in(page, live_server)
    page.goto(live_server.url + reverse("admin:bulletins_issue_change", args=[issue.pk]))

    handles = page.locator(".djn-item .djn-item h3.djn-drag-handler")
    assert handles.count() == 3
    source = handles.nth(2).bounding_box()
    target = handles.nth(0).bounding_box()
    page.mouse.move(source["x"] + 20, source["y"] + source["height"] / 2)
    page.mouse.down()
    for step in range(1, 21):
        y = source["y"] + (target["y"] - 5 - source["y"]) * step / 20
        page.mouse.move(source["x"] + 20, y)
    page.mouse.up()
    page.click("input[name=_save]")
    page.wait_for_url("**/bulletins/issue/")

    order = list(Item.objects.order_by("position").values_list("pk", flat=True))
    assert order == [third.pk, first.pk, second.pk]


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
