"""Chromium driven by Playwright, for the browser tests: their marks, a page, logging in."""

import os
import shutil

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.urls import reverse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and os.environ.get("CI", "").lower() != "true",
        reason="Debian's chromium is not installed (make test installs it)",
    ),
]


def launch_chromium(playwright):
    """Start Debian's chromium, headless, as the browser tests and the benchmarks use it
    (never a browser Playwright downloads)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls around it are
    # still synchronous, so Django may run them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 3600})  # every row in view
        yield page
        # While Playwright's event loop counts as running, Django keeps the test's database
        # connections apart from the thread's usual ones: close them here, or the test
        # database cannot be dropped at the end of the run.
        connections.close_all()
        browser.close()


def log_in(page, live_server, username="chief"):
    User.objects.create_superuser(username, password="pw-for-tests")
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
