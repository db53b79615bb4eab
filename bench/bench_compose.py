"""Benchmark the compose screen on the 29-item legacy sample: HTML size, page height, render time.

    python bench/bench_compose.py [--repeat 15] [--no-browser]

Imports ../shared/legacy's sample into a fresh SQLite file (or DATABASE_URL), then:
- renders the issue's compose screen through Django's test client (DEBUG off) and prints the
  median server time of `--repeat` renders (wall clock, and the process's CPU time, which other
  work on a shared machine disturbs less) and the size of the HTML;
- saves the screen back unchanged, and prints the median time of that POST;
- serves the site on a free loopback port and opens the screen in Debian's chromium at
  1280x900 with the items closed, printing the page height, the number of DOM nodes and of
  form fields.
Targets (issue #12): at most 200 KB, 8,000 px, and 150 ms. Prints figures; asserts nothing.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

import _django  # noqa: I001 (sets Django up before the project is imported)

_django.setup()
ROOT = _django.ROOT

from django.conf import settings  # noqa: E402

# The admin's static files are not collected for a benchmark: plain URLs, no manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bulletins.legacy.importer import import_legacy_file  # noqa: E402
from bulletins.models import Issue  # noqa: E402
from bulletins.tests.browsing import launch_chromium  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "legacy" / "000_ac2c61553267274f.txt"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_figures(url, repeat):
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    response = client.get(url)  # warms templates and caches
    assert response.status_code == 200, response.status_code
    times, cpu_times = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    return len(response.content), statistics.median(times), statistics.median(cpu_times)


def unchanged_save_figures(url, repeat):
    """Median time of saving the screen back as it was sent (what an editor's 保存 costs)."""
    from bulletins.tests.admin_forms import form_data

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    times = []
    for _ in range(repeat):
        data = form_data(client.get(url))
        start = time.perf_counter()
        response = client.post(url, data)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
    return statistics.median(times)


def browser_figures(path, screenshot=None):
    """Serve the site (runserver, DEBUG on for static files) and measure the page in chromium."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + reverse("admin:login"))
            page.fill("#id_username", "bench")
            page.fill("#id_password", "bench-password")
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/")
            page.goto(base + path, wait_until="load")
            figures = page.evaluate(
                """() => ({
                    height: document.documentElement.scrollHeight,
                    nodes: document.getElementsByTagName('*').length,
                    fields: document.querySelectorAll('input, textarea, select').length,
                })"""
            )
            if screenshot:
                page.screenshot(path=screenshot, full_page=True)
            browser.close()
        return figures
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-browser", action="store_true", help="skip the page height")
    parser.add_argument("--screenshot", help="save a full-page screenshot to this PNG file")
    args = parser.parse_args()
    if not SAMPLE.exists():
        sys.exit(f"the legacy sample is not at {SAMPLE}")
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="bench").exists():
        User.objects.create_superuser("bench", password="bench-password")
    result = import_legacy_file(SAMPLE)
    issue = Issue.objects.get(number=result.issue_number)
    path = reverse("admin:bulletins_issue_change", args=[issue.pk])
    items = sum(section.items.count() for section in issue.sections.all())
    size, median, cpu = server_figures(path, args.repeat)
    print(f"compose screen of the legacy sample ({items} items), machine shared with others:")
    print(f"  HTML            {size / 1024:8.1f} KB   (target <= 200 KB)")
    print(f"  server render   {median:8.1f} ms   median of {args.repeat}, wall (< 150 ms)")
    print(f"  server CPU      {cpu:8.1f} ms   median, CPU time of the process")
    saved = unchanged_save_figures(path, max(3, args.repeat // 3))
    print(f"  unchanged save  {saved:8.1f} ms   median, wall (POST of the screen as sent)")
    if not args.no_browser:
        figures = browser_figures(path, args.screenshot)
        print(f"  page height     {figures['height']:8d} px   at 1280x900, items closed")
        print(f"  DOM nodes       {figures['nodes']:8d}")
        print(f"  form fields     {figures['fields']:8d}")


if __name__ == "__main__":
    main()
