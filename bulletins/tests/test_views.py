"""The reader site: what readers see, what they never see, and what it costs to show it."""

import re
from datetime import date
from urllib.parse import quote, unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletins.models import Issue

from .factories import make_issue

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_shows_the_latest_published_issue(client):
    make_issue(number=1, title="第一期标题")
    make_issue(number=2, title="第二期标题")
    make_issue(number=3, title="草稿标题", status=Issue.Status.DRAFT)
    html = html_of(client, "/")
    assert "第二期标题" in html
    assert "草稿标题" not in html


def test_home_without_any_issue_says_so(client):
    assert "还没有发布任何一期" in html_of(client, "/")


def test_issue_page_has_a_table_of_contents_linking_to_every_item(client):
    issue = make_issue(number=5, sections=[("安全行业一周要闻", 2), ("半导体行业一周要闻", 1)])
    html = html_of(client, issue.get_absolute_url())
    assert "第 5 期" in html
    assert "本期目录" in html
    for anchor in ["section-1", "section-2", "item-1-1", "item-1-2", "item-2-1"]:
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}"' in html
    assert "<p>第一段：安全行业一周要闻 的第 1 条。</p>" in html
    assert "<p>第二段：更多细节。</p>" in html


def test_a_section_without_items_yet_keeps_its_place_on_the_issue_page(client):
    issue = make_issue(sections=[("安全行业一周要闻", 1), ("待补充", 0), ("半导体行业一周要闻", 1)])
    html = html_of(client, issue.get_absolute_url())
    assert html.count('href="#section-2"') == 1 and 'id="section-2"' in html
    assert html.index("待补充") < html.index('href="#item-3-1"')
    assert 'href="#item-1-1"' in html


def test_issue_page_is_semantic_and_in_chinese(client):
    html = html_of(client, make_issue().get_absolute_url())
    assert '<html lang="zh-Hans">' in html
    assert "<main" in html and "<nav" in html and "<article" in html
    assert '<h1 class="issue-title">' in html


def test_archive_lists_published_issues_newest_first_grouped_by_year(client):
    make_issue(number=1, title="旧的一期", issue_date=date(2023, 12, 25), sections=[("S", 3)])
    make_issue(
        number=2, title="新的一期", issue_date=date(2024, 1, 8), sections=[("A", 2), ("B", 3)]
    )
    make_issue(number=4, title="空的一期", issue_date=date(2024, 1, 15), sections=[])
    make_issue(number=3, title="未发布的一期", status=Issue.Status.DRAFT)
    html = html_of(client, reverse("bulletins:issue_archive"))
    assert (
        html.index("2024 年")
        < html.index("新的一期")
        < html.index("2023 年")
        < html.index("旧的一期")
    )
    assert "未发布的一期" not in html
    counts = re.findall(r">([^<>]+的一期)</span>.*?(\d+) 条新闻", html, re.S)
    assert counts == [("空的一期", "0"), ("新的一期", "5"), ("旧的一期", "3")]


def test_archive_is_paginated(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    for number in range(1, 6):
        make_issue(number=number, title=f"标题{number}号")
    first = html_of(client, reverse("bulletins:issue_archive"))
    last = html_of(client, reverse("bulletins:issue_archive") + "?page=3")
    assert "标题5号" in first and "标题1号" not in first
    assert "标题1号" in last and "第 3 页，共 3 页" in last


def test_a_later_archive_page_counts_the_items_of_its_own_issues(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    for number in range(1, 6):
        make_issue(number=number, title=f"标题{number}号", sections=[("S", number)])
    html = html_of(client, reverse("bulletins:issue_archive") + "?page=2")
    counts = re.findall(r">(标题\d号)</span>.*?(\d+) 条新闻", html, re.S)
    assert counts == [("标题3号", "3"), ("标题2号", "2")]


def test_item_permalink_shows_the_item_with_previous_and_next(client):
    issue = make_issue(number=8, sections=[("安全行业一周要闻", 2), ("半导体行业一周要闻", 1)])
    html = html_of(client, "/issues/8/1-2/")
    assert '<h1 class="item-title">安全行业一周要闻 第 2 条新闻</h1>' in html
    assert 'href="/issues/8/1-1/"' in html and 'href="/issues/8/2-1/"' in html
    assert issue.get_absolute_url() in html


def test_a_section_without_an_archive_is_named_on_its_items_pages_and_left_out_of_listings(
    client,
):
    # The legacy importer keeps a section whose title makes no slug (say "——") without one:
    # it has no archive to link to, and the sitemap and the section filter must not offer one.
    issue = make_issue(number=8, sections=[("——", 1), ("半导体行业一周要闻", 1)])
    issue.sections.filter(position=1).update(slug="")

    html = html_of(client, "/issues/8/1-1/")
    assert "——" in html
    assert 'href="/sections/' not in html.split('class="breadcrumb"')[1].split("</p>")[0]
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    sections = client.get("/sitemap-sections.xml")
    assert sections.status_code == 200
    assert "/sections/半导体行业一周要闻/" in unquote(sections.content.decode())
    assert "/sections/</loc>" not in sections.content.decode()
    assert client.get("/search/?q=" + quote("新闻")).status_code == 200


def test_unknown_item_position_is_not_found(client):
    make_issue(number=8, sections=[("A", 1)])
    assert client.get("/issues/8/1-9/").status_code == 404


def test_section_archive_lists_the_sections_items_across_issues_newest_first(client):
    make_issue(number=1, sections=[("半导体行业一周要闻", 1)], title="一")
    make_issue(number=2, sections=[("半导体行业一周要闻", 1), ("其他", 1)], title="二")
    html = html_of(client, reverse("bulletins:section_archive", args=["半导体行业一周要闻"]))
    assert html.count("半导体行业一周要闻 第 1 条新闻") == 2
    assert html.index('href="/issues/2/1-1/"') < html.index('href="/issues/1/1-1/"')
    assert "其他 第 1 条新闻" not in html


@pytest.mark.parametrize(
    "state",
    [
        {"status": Issue.Status.DRAFT},
        {"published_at": "future"},
        {"status": Issue.Status.DRAFT, "published_at": None},
    ],
    ids=["draft", "scheduled", "never-published"],
)
def test_unpublished_issue_is_invisible_on_every_public_url(client, state):
    make_issue(number=1, title="公开的一期", sections=[("公开栏目", 1)])
    hidden = make_issue(number=2, title="隐藏的一期", sections=[("隐藏栏目", 1)], **state)
    for url in [
        "/issues/2/",
        "/issues/2/1-1/",
        reverse("bulletins:section_archive", args=["隐藏栏目"]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in ["/", "/issues/", reverse("bulletins:section_archive", args=["公开栏目"])]:
        html = html_of(client, url)
        assert "隐藏" not in html, url
        assert hidden.get_absolute_url() not in html, url


def test_user_content_is_escaped(client):
    issue = make_issue(title="<script>alert('期刊')</script>", sections=[("<b>栏目</b>", 1)])
    item = issue.sections.get().items.get()
    item.title = "<img src=x onerror=alert(1)>"
    item.body = "<script>alert('正文')</script>"
    item.save()
    for url in [issue.get_absolute_url(), item.get_absolute_url(), "/issues/"]:
        html = html_of(client, url)
        assert "<script>alert(" not in html and "<img src=x" not in html and "<b>栏目" not in html
    assert "&lt;script&gt;alert(" in html_of(client, issue.get_absolute_url())


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_issue_page_costs_the_same_queries_for_5_or_100_items(client):
    small = make_issue(sections=[("A", 3), ("B", 2)])
    large = make_issue(sections=[(f"S{n}", 10) for n in range(10)])
    # The public state (the page cache's validator), then the issue, its sections with their
    # items (one query).
    assert count_queries(client, small.get_absolute_url()) == 1 + 2
    assert count_queries(client, large.get_absolute_url()) == 1 + 2
    # The home page shows the latest issue, whose contents are kept rendered: no sections or
    # items to fetch again (caching.fragments).
    assert count_queries(client, "/") == 1 + 1


def test_other_pages_cost_a_constant_number_of_queries(client, settings):
    settings.ARCHIVE_PAGE_SIZE = settings.SECTION_PAGE_SIZE = 50
    make_issue(number=1, sections=[("S", 5)])
    archive = count_queries(client, "/issues/")
    section = count_queries(client, reverse("bulletins:section_archive", args=["s"]))
    item = count_queries(client, "/issues/1/1-3/")
    for number in range(2, 30):
        make_issue(number=number, sections=[("S", 20)])
    # Each first reads the public state (the page cache's validator), then:
    assert count_queries(client, "/issues/") == archive == 1 + 3  # total, page, its item counts
    section_archive = reverse("bulletins:section_archive", args=["s"])
    assert count_queries(client, section_archive) == section == 1 + 3  # total, ids, rows
    assert count_queries(client, "/issues/29/1-3/") == item == 1 + 2
