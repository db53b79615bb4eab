"""Feeds, sitemap, robots.txt and the meta tags that let readers and crawlers find issues."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletins.models import Issue
from bulletins.sitemaps import ItemSitemap

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issues():
    public = make_issue(number=1, title="公开的一期", sections=[("卫星通信", 2)])
    hidden = make_issue(
        number=2, title="草稿一期", status=Issue.Status.DRAFT, sections=[("隐藏栏目", 1)]
    )
    scheduled = make_issue(
        number=3, title="排期一期", published_at="future", sections=[("卫星通信", 1)]
    )
    return public, hidden, scheduled


def text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("name", ["bulletins:feed_rss", "bulletins:feed_atom"])
def test_issue_feeds_carry_whole_published_issues_only(client, issues, name):
    feed = text_of(client, reverse(name))
    assert "第 1 期：公开的一期" in feed
    assert "第二段：更多细节。" in feed  # the whole issue, not a summary
    assert "草稿一期" not in feed and "排期一期" not in feed


def test_issue_feed_carries_the_ten_newest_issues(client):
    for number in range(1, 13):
        make_issue(number=number, title=f"第{number}号", sections=[("栏目", 1)])
    feed = text_of(client, reverse("bulletins:feed_rss"))
    numbers = [int(n) for n in re.findall(r"<title>第 (\d+) 期", feed)]
    assert numbers == list(range(12, 2, -1))


def poll(client, url, etag):
    """Fetch a feed as a feed reader polls it: with the tag of the copy it already has."""
    return client.get(url, headers={"if-none-match": etag})


def edit_in_admin(admin_client, issue, **changes):
    """Change fields of an issue's compose screen and save it, as an editor does."""
    change = reverse("admin:bulletins_issue_change", args=[issue.pk])
    data = {**form_data(admin_client.get(change)), **changes}
    assert admin_client.post(change, data).status_code == 302


FEEDS = {
    # url: queries a repeat poll may cost (the stamps of what the feed carries)
    reverse("bulletins:feed_rss"): 1,
    reverse("bulletins:feed_atom"): 1,
    reverse("bulletins:section_feed_rss", args=["卫星通信"]): 2,
    reverse("bulletins:section_feed_atom", args=["卫星通信"]): 2,
}


@pytest.mark.parametrize("url", FEEDS)
def test_a_repeat_poll_of_an_unchanged_feed_is_not_modified(
    client, issues, url, django_assert_max_num_queries
):
    etag = client.get(url)["ETag"]

    with django_assert_max_num_queries(FEEDS[url]):
        response = poll(client, url, etag)

    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_changes_when_an_editor_edits_one_of_its_items(client, admin_client, issues, url):
    etag = client.get(url)["ETag"]

    edit_in_admin(admin_client, issues[0], **{"sections-0-items-1-title": "改过的标题"})
    response = poll(client, url, etag)

    assert response.status_code == 200
    assert "改过的标题" in response.content.decode()


def test_a_section_feed_changes_when_its_section_is_renamed(client, admin_client, issues):
    url = reverse("bulletins:section_feed_rss", args=["卫星通信"])
    etag = client.get(url)["ETag"]

    edit_in_admin(admin_client, issues[0], **{"sections-0-title": "卫星与通信"})
    response = poll(client, url, etag)

    assert response.status_code == 200
    assert "卫星与通信" in response.content.decode()


def test_an_unknown_section_feed_is_still_not_found(client, issues):
    url = reverse("bulletins:section_feed_rss", args=["没有这个栏目"])
    assert client.get(url).status_code == 404


def test_the_issues_feed_changes_when_an_issue_goes_live_or_is_withdrawn(client, issues):
    public, _, scheduled = issues
    url = reverse("bulletins:feed_rss")
    etag = client.get(url)["ETag"]

    Issue.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    response = poll(client, url, etag)
    assert response.status_code == 200
    assert "排期一期" in response.content.decode()

    etag = response["ETag"]
    Issue.objects.filter(pk=public.pk).update(status=Issue.Status.DRAFT)
    response = poll(client, url, etag)
    assert response.status_code == 200
    assert "公开的一期" not in response.content.decode()


@pytest.mark.parametrize("name", ["bulletins:section_feed_rss", "bulletins:section_feed_atom"])
def test_section_feeds_carry_the_sections_published_items(client, issues, name):
    feed = text_of(client, reverse(name, args=["卫星通信"]))
    assert "卫星通信 第 1 条新闻" in feed and "/issues/1/1-2/" in feed
    assert "/issues/3/" not in feed


def test_feed_of_an_unpublished_section_is_not_found(client, issues):
    assert client.get(reverse("bulletins:section_feed_rss", args=["隐藏栏目"])).status_code == 404


def test_pages_announce_their_feeds(client, issues):
    html = text_of(client, "/")
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html
    section = text_of(client, reverse("bulletins:section_archive", args=["卫星通信"]))
    assert reverse("bulletins:section_feed_atom", args=["卫星通信"]) in section


def sitemap_urls(client):
    """Every <loc> of the sitemaps that the sitemap index at /sitemap.xml lists."""
    index = text_of(client, reverse("sitemap"))
    urls = []
    for sitemap in re.findall(r"<loc>http://testserver([^<]+)</loc>", index):
        urls += re.findall(r"<loc>([^<]+)</loc>", text_of(client, sitemap.replace("&amp;", "&")))
    return urls


def test_sitemap_lists_published_issues_items_and_sections_only(client, issues):
    xml = "".join(f"{url}</loc>" for url in sitemap_urls(client))
    assert "http://testserver/issues/1/</loc>" in xml
    assert "http://testserver/issues/1/1-2/</loc>" in xml
    assert "/sections/%E5%8D%AB%E6%98%9F%E9%80%9A%E4%BF%A1/</loc>" in xml
    assert "/issues/2/" not in xml and "/issues/3/" not in xml
    assert "%E9%9A%90%E8%97%8F" not in xml  # 隐藏栏目


def test_sitemaps_reach_every_published_item_past_their_first_page(client, monkeypatch):
    monkeypatch.setattr(ItemSitemap, "limit", 2)
    make_issue(number=1, sections=[("A", 3), ("B", 2)])
    make_issue(number=2, sections=[("A", 2)])
    items = [url for url in sitemap_urls(client) if re.search(r"/issues/\d+/\d+-\d+/$", url)]
    assert len(items) == len(set(items)) == 7


def test_robots_txt_points_to_the_sitemap(client):
    text = text_of(client, "/robots.txt")
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_issue_and_item_pages_have_canonical_and_opengraph_meta(client, issues):
    issue_html = text_of(client, "/issues/1/")
    assert '<link rel="canonical" href="http://testserver/issues/1/">' in issue_html
    assert '<meta property="og:title" content="第 1 期：公开的一期">' in issue_html
    item_html = text_of(client, "/issues/1/1-2/")
    assert '<link rel="canonical" href="http://testserver/issues/1/1-2/">' in item_html
    assert 'property="og:description"' in item_html


def test_unpublished_content_never_appears_in_search(client, issues):
    html = client.get(reverse("bulletins:search"), {"q": "隐藏栏目"}).content.decode()
    assert "找到 0 条新闻" in html
    assert "隐藏栏目 第 1 条新闻" not in html
