"""Response headers that tell browsers what a page may do: CSP, HSTS and their companions."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from bulletins.models import Issue

from .factories import make_issue

pytestmark = pytest.mark.django_db


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    parts = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {part[0]: part[1:] for part in parts if part}


class _InlineCode(HTMLParser):
    """Collect what a strict policy would block: inline scripts, handlers and styles."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in attrs and attrs.get("type") != "application/json"
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.found.append(f'{tag} {name}="{value}"')
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f'{tag} {name}="{value}"')

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}")


def inline_code(response):
    parser = _InlineCode()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def reader_urls():
    issue = make_issue(number=9, sections=(("安全行业一周要闻", 2),))
    make_issue(number=10, status=Issue.Status.DRAFT)
    item = issue.sections.get().items.first()
    return [
        "/",
        reverse("bulletins:issue_archive"),
        issue.get_absolute_url(),
        item.get_absolute_url(),
        reverse("bulletins:section_archive", args=[issue.sections.get().slug]),
        reverse("bulletins:search") + "?q=新闻",
        "/issues/999/",  # the 404 page
    ]


def test_reader_pages_allow_no_inline_script_or_script_from_elsewhere(client, reader_urls):
    # Each page twice: the second answer may come from the page cache.
    for url in reader_urls + reader_urls:
        response = client.get(url)
        rules = policy(response)
        assert rules["script-src"] == ["'self'"], url
        assert rules["object-src"] == ["'none'"] and rules["base-uri"] == ["'none'"], url
        assert rules["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url


def test_reader_pages_hold_nothing_the_policy_would_block(client, reader_urls):
    for url in reader_urls:
        assert inline_code(client.get(url)) == [], url


def test_the_policy_finder_sees_inline_code():
    class Page:
        content = b'<p style="x" onclick="y"><script>alert(1)</script><a href="javascript:z">'

    assert len(inline_code(Page)) == 4


def test_admin_pages_carry_the_same_policy(admin_client):
    issue = make_issue()
    for url in [
        reverse("admin:index"),
        reverse("admin:bulletins_issue_changelist"),
        reverse("admin:bulletins_issue_change", args=[issue.pk]),
    ]:
        response = admin_client.get(url)
        assert policy(response)["script-src"] == ["'self'"], url


def test_the_admin_login_page_holds_nothing_the_policy_would_block(client):
    assert inline_code(client.get(reverse("admin:login"))) == []


def test_https_responses_carry_hsts_for_a_year_with_subdomains(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_pages_forbid_framing_and_sniffing_and_keep_referrers_on_the_site(client):
    make_issue()
    for _ in range(2):  # rendered, then (maybe) from the page cache
        response = client.get("/")
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_plain_http_requests_are_sent_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/issues/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/issues/?page=2"


def test_admin_pages_hold_nothing_the_policy_would_block(admin_client):
    from bulletins.history import record_revision, revisions_of

    issue = make_issue(sections=(("安全行业一周要闻", 2),))
    record_revision(issue, summary="新建")
    version = revisions_of(issue)[0]
    for url in [
        reverse("admin:index"),
        reverse("admin:bulletins_issue_changelist"),
        reverse("admin:bulletins_issue_add"),
        reverse("admin:bulletins_issue_change", args=[issue.pk]),
        reverse("admin:bulletins_issue_history", args=[issue.pk]),
        reverse("admin:bulletins_issue_compare", args=[issue.pk])
        + f"?old={version.pk}&new={version.pk}",
        reverse("admin:bulletins_issue_revert", args=[issue.pk, version.pk]),
        reverse("admin:bulletins_issue_delete", args=[issue.pk]),
        reverse("admin:bulletins_issue_import_legacy"),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response) == [], url
