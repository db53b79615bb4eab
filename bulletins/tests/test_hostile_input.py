"""Whatever a visitor puts in a URL, every page answers with a page, a 400 or a 404: never a
500. One table of hostile values, tried in every parameter and path segment of every public
URL and of the editors' issue list."""

from datetime import date
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User

from .factories import make_issue

pytestmark = pytest.mark.django_db

# Each value as it stands in a URL: percent-escaped, or raw bytes no UTF-8 decoder accepts.
HOSTILE = {
    "superscript two": quote("²"),
    "circled one": quote("①"),
    "Arabic-Indic digits": quote("١٢"),
    "fullwidth digits": quote("１２"),
    "zero": "0",
    "negative": "-1",
    "2^63": str(2**63),
    "10^11": str(10**11),
    "twenty nines": "9" * 20,
    "10,000 nines": "9" * 10_000,
    "exponent": "1e5",
    "decimal": "1.5",
    "underscored": "1_000",
    "NUL": "%00",
    "NUL inside": "a%00b",
    "lone surrogate": "%ED%A0%80",
    "invalid UTF-8": "%ff%fe",
    "10,000 characters": "字" * 10_000,
    "markup": quote("<script>alert(1)</script>"),
    "quotes and operators": quote("'\" OR 1=1 -- * : ^ ( ) NEAR"),
    "blank": quote("   "),
    "empty": "",
    "year zero date": "0000-00-00",
    "far date": "99999-12-31",
}

READER_PAGES = {
    "/": [],
    "/issues/": ["page"],
    "/issues/1/": [],
    "/issues/1/preview/": [],
    "/issues/1/1-1/": [],
    "/sections/{slug}/": ["q", "issue", "date_from", "date_to", "page"],
    "/sections/{slug}/feed.rss": [],
    "/sections/{slug}/feed.atom": [],
    "/search/": ["q", "section", "issue", "date_from", "date_to", "page"],
    "/feeds/issues.rss": [],
    "/feeds/issues.atom": [],
    "/sitemap.xml": [],
    "/sitemap-issues.xml": ["p"],
    "/sitemap-items.xml": ["p"],
    "/sitemap-sections.xml": ["p"],
    "/robots.txt": [],
    "/api/issues/": ["page", "page_size"],
    "/api/issues/1/": [],
    "/api/items/": ["q", "section", "issue", "date_from", "date_to", "page", "page_size"],
}
PATHS_WITH_A_SEGMENT = [
    "/issues/{}/",
    "/issues/{}/preview/",
    "/issues/1/{}-1/",
    "/issues/1/1-{}/",
    "/sections/{}/",
    "/sections/{}/feed.rss",
    "/sitemap-{}.xml",
    "/api/issues/{}/",
]
ADMIN_LIST = "/admin/bulletins/issue/"
ADMIN_PARAMS = [
    "year",
    "status__exact",
    "q",
    "issue_date__year",
    "issue_date__month",
    "issue_date__day",
    "o",
    "p",
    "e",
    "_facets",
]
# What a filled-in search form sends along with the value under test.
GOOD = {"q": "卫星", "section": "卫星通信", "issue": "1", "date_from": "2024-01-01"}


def requests(slug):
    """(who, path): every URL with the value's placeholder {v}, alone or among good params."""
    out = []
    for page, params in READER_PAGES.items():
        page = page.format(slug=slug)
        out.append(("reader", page + "?{v}={v}"))  # an unknown parameter, named oddly too
        for name in params:
            out.append(("reader", f"{page}?{name}={{v}}"))
            others = "&".join(f"{key}={quote(value)}" for key, value in GOOD.items() if key != name)
            out.append(("reader", f"{page}?{others}&{name}={{v}}"))
    out += [("reader", path.format("{v}")) for path in PATHS_WITH_A_SEGMENT]
    out += [("editor", path.format("{v}")) for path in PATHS_WITH_A_SEGMENT[:2]]
    out += [("editor", f"{ADMIN_LIST}?{name}={{v}}") for name in ADMIN_PARAMS]
    out.append(("editor", f"{ADMIN_LIST}?year=2024&issue_date__year={{v}}&q={{v}}&o={{v}}"))
    return out


@pytest.fixture
def site(client):
    issue = make_issue(number=1, issue_date=date(2024, 2, 26), sections=[("卫星通信", 2)])
    make_issue(number=2, issue_date=date(2024, 3, 4), sections=[("卫星通信", 1), ("芯片", 1)])
    editor = User.objects.create_superuser("chief", password="pw")
    return {"slug": issue.sections.get().slug, "editor": editor}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_no_hostile_value_in_any_parameter_or_path_gets_a_server_error(client, site, value):
    from django.test import Client

    editor = Client()
    editor.force_login(site["editor"])
    clients = {"reader": client, "editor": editor}
    failures = []
    for who, template in requests(quote(site["slug"])):
        url = template.replace("{v}", value)
        response = clients[who].get(url)  # an exception in the view fails the test here
        if response.status_code >= 500:
            failures.append(f"{who} {url[:120]}: {response.status_code}")
    assert failures == []
