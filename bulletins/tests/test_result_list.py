"""A list of results names each item's own issue, however many items an issue has on the page."""

import re
from datetime import date

import pytest
from django.urls import reverse

from bulletins.models import Issue

from .factories import make_issue

pytestmark = pytest.mark.django_db

META = re.compile(
    r'<span class="archive-meta"><a href="([^"]+)">([^<]+)</a> · ([^<]+?)'
    r'(?: · <time datetime="([^"]+)">([^<]+)</time>)?</span>'
)


@pytest.fixture
def issues():
    """Three issues with items of one section: dated, undated (its publication day shows),
    dated."""
    return [
        make_issue(number=1, issue_date=date(2024, 1, 8), sections=[("芯片要闻", 3)]),
        make_issue(number=2, issue_date=None, sections=[("芯片要闻", 2)]),
        make_issue(number=3, issue_date=date(2024, 3, 4), sections=[("芯片要闻", 3)]),
    ]


def _metas(client, url, query):
    html = client.get(url, query).content.decode()
    return META.findall(html)


@pytest.mark.parametrize("page", ["search", "section"])
def test_each_result_names_its_own_issue_and_date(client, issues, page):
    url = reverse("bulletins:search")
    if page == "section":
        url = reverse("bulletins:section_archive", args=["芯片要闻"])
    metas = _metas(client, url, {"q": "芯片"})
    undated = issues[1].display_date
    expected = [(3, "2024-03-04", "2024年3月4日")] * 3
    expected += [(1, "2024-01-08", "2024年1月8日")] * 3
    # Undated issues come after dated ones (Issue.objects.newest_first).
    shown = f"{undated.year}年{undated.month}月{undated.day}日"
    expected += [(2, f"{undated:%Y-%m-%d}", shown)] * 2
    assert metas == [
        (f"/issues/{n}/", f"第 {n} 期", "芯片要闻", iso, shown) for n, iso, shown in expected
    ]


def test_a_result_list_links_each_issue_once_however_many_of_its_items_it_shows(
    client, issues, monkeypatch
):
    linked = []
    original = Issue.get_absolute_url

    def counted(issue):
        linked.append(issue.number)
        return original(issue)

    monkeypatch.setattr(Issue, "get_absolute_url", counted)
    metas = _metas(client, reverse("bulletins:search"), {"q": "芯片"})
    assert len(metas) == 8
    assert linked == [3, 1, 2]
