"""Two app servers behind one load balancer: a shared Redis cache and one PostgreSQL database.

Runs in the PostgreSQL pass of `make test`: it makes its own database in the cluster that
pass started, starts Redis (Debian's redis-server) and two gunicorn instances on free ports
of 127.0.0.1, and talks to them over HTTP as a browser and an editor would.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
import uuid

import dj_database_url
import psycopg
import pytest

from bench.servers import gunicorn, manage, redis_server, site_env

from .admin_forms import _FormReader

SETUP = """
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from bulletins.models import Issue
User.objects.create_superuser("chief", password="two-servers-pw")
on_the_minute = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
issue = Issue.objects.create(number=42, title="两台服务器", status="published",
                             published_at=on_the_minute)
section = issue.sections.create(position=1, number=1, title="卫星通信", slug="weixing")
section.items.create(position=1, title="第一条", body="正文。")
print(issue.pk)
"""


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs in the PostgreSQL pass of `make test` (DATABASE_URL is not PostgreSQL)")
    if not shutil.which("redis-server"):
        message = "redis-server is missing: bash scripts/ensure-system-packages.sh --redis"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextlib.contextmanager
def scratch_database(url):
    """A database of its own in the test run's PostgreSQL cluster, dropped afterwards."""
    params = dj_database_url.parse(url)
    name = f"two_instances_{uuid.uuid4().hex[:8]}"
    admin = dict(host=params["HOST"], port=params["PORT"] or None, user=params["USER"])
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        parts = urllib.parse.urlsplit(url)
        yield urllib.parse.urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """One browser that reaches both servers under one name, as behind a load balancer: the
    same Host header, the same cookies."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, url, body=None):
        request = urllib.request.Request(url, body, headers={"Host": "localhost"})
        return self.opener.open(request, timeout=30)

    def get(self, url):
        with self._open(url) as response:
            return response.status, dict(response.headers), response.read().decode(), response.url

    def post(self, url, data):
        body = urllib.parse.urlencode(data).encode()
        try:
            with self._open(url, body) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), url

    def log_in(self, base, password):
        _, _, page, _ = self.get(base + "/admin/login/")
        form = {
            "username": "chief",
            "password": password,
            "csrfmiddlewaretoken": form_fields(page)["csrfmiddlewaretoken"],
        }
        return self.post(base + "/admin/login/?next=/admin/", form)


def form_fields(html):
    reader = _FormReader()
    reader.feed(html)
    return {
        name: value
        for name, value in reader.data.items()
        if "__prefix__" not in name and "-empty-" not in name and name != "action"
    }


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    url = _postgres_url()
    tmp = tmp_path_factory.mktemp("two-instances")
    with scratch_database(url) as database, redis_server() as redis:
        env = site_env(database, REDIS_URL=redis, STATIC_ROOT=tmp / "static", MEDIA_ROOT=tmp)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        issue_pk = manage(env, "shell", "-c", SETUP, capture=True).stdout.split()[-1]
        with gunicorn(env, workers=1) as (a, _), gunicorn(env, workers=1) as (b, _):
            yield a, b, issue_pk


def title_on(browser, base):
    status, headers, html, _ = browser.get(base + "/issues/42/")
    assert status == 200
    return re.search(r'<h1 class="issue-title">([^<]*)</h1>', html).group(1), headers


def test_a_page_one_server_cached_is_refreshed_by_an_edit_made_through_the_other(two_servers):
    a, b, issue_pk = two_servers
    reader, editor = Browser(), Browser()

    title, headers = title_on(reader, a)
    assert (title, headers["X-Page-Cache"]) == ("两台服务器", "miss")
    title, headers = title_on(reader, b)
    assert (title, headers["X-Page-Cache"]) == ("两台服务器", "hit")  # the page `a` rendered

    # The editor logs in on one server...
    _, _, landed_on = editor.log_in(a, "two-servers-pw")
    assert landed_on.endswith("/admin/")

    # ...is logged in on the other, and saves the issue there.
    change = f"{b}/admin/bulletins/issue/{issue_pk}/change/"
    status, _, compose, landed_on = editor.get(change)
    assert (status, landed_on) == (200, change)
    fields = {**form_fields(compose), "title": "两台服务器，改过的标题"}
    status, _, _ = editor.post(change, fields)
    assert status == 200

    title, headers = title_on(reader, a)
    assert (title, headers["X-Page-Cache"]) == ("两台服务器，改过的标题", "miss")
    title, headers = title_on(reader, b)
    assert (title, headers["X-Page-Cache"]) == ("两台服务器，改过的标题", "hit")


def test_failed_logins_on_either_server_count_together(two_servers):
    # Last in this module: it locks the account (and the loopback address) out.
    a, b, _ = two_servers
    for attempt in range(9):  # the limit is 10: 4 failures on one server, 5 on the other
        status, page, _ = Browser().log_in(a if attempt % 2 else b, "wrong password")
        assert status == 200 and "errornote" in page, attempt

    tenth, _, _ = Browser().log_in(a, "wrong password")
    right_password, _, _ = Browser().log_in(b, "two-servers-pw")  # too late, on the other

    assert (tenth, right_password) == (429, 429)
