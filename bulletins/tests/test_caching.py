"""The page cache and conditional GET: one small query decides, before any rendering."""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from bulletins.caching import fragments, public_state, reader_page, triggers
from bulletins.caching.fragments import render_around
from bulletins.caching.middleware import PageCacheMiddleware
from bulletins.models import Issue, Item

from . import pictures
from .factories import make_issue

pytestmark = pytest.mark.django_db

ON_THE_MINUTE = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)


@pytest.fixture
def issue():
    return make_issue(
        number=7, title="本周要闻", published_at=ON_THE_MINUTE, sections=[("卫星通信", 3)]
    )


def reader_urls(issue):
    item = issue.sections.get().items.order_by("position").first()
    return [
        "/",
        issue.get_absolute_url(),
        item.get_absolute_url(),
        reverse("bulletins:issue_archive"),
        reverse("bulletins:section_archive", args=["卫星通信"]),
        reverse("bulletins:section_feed_rss", args=["卫星通信"]),
        reverse("bulletins:feed_atom"),
        reverse("sitemap"),
        reverse("sitemap_section", args=["items"]),
        reverse("bulletins:search") + "?q=卫星",
        reverse("bulletins:api_issue_list"),
        reverse("bulletins:api_issue_detail", args=[issue.number]),
        reverse("bulletins:api_item_list") + "?q=卫星",
    ]


def fetch(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_repeat_request_for_an_unchanged_page_is_answered_304_after_one_query(client, issue):
    for url in reader_urls(issue):
        first, _ = fetch(client, url)
        assert first.status_code == 200, url

        again, queries = fetch(client, url, if_none_match=first["ETag"])

        assert (again.status_code, queries, again.content) == (304, 1, b""), url
        assert again["ETag"] == first["ETag"]


def test_a_page_already_rendered_is_served_from_the_cache_after_one_query(client, issue):
    for url in reader_urls(issue):
        first, _ = fetch(client, url)
        assert first["X-Page-Cache"] == "miss", url

        again, queries = fetch(client, url)

        assert (again.status_code, again["X-Page-Cache"], queries) == (200, "hit", 1), url
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]


def test_reader_pages_and_the_api_say_how_long_browsers_and_cdns_may_keep_them(
    client, issue, settings
):
    settings.NEWSROOM_BROWSER_MAX_AGE, settings.NEWSROOM_SHARED_MAX_AGE = 0, 60
    for url in reader_urls(issue):
        cache_control = client.get(url)["Cache-Control"]
        assert set(cache_control.split(", ")) == {"public", "max-age=0", "s-maxage=60"}, url


def test_no_cache_keeps_a_page_past_the_next_scheduled_go_live(client, issue, settings):
    settings.NEWSROOM_BROWSER_MAX_AGE, settings.NEWSROOM_SHARED_MAX_AGE = 300, 600
    make_issue(number=8, published_at=timezone.now() + timedelta(seconds=45))

    cache_control = client.get("/")["Cache-Control"]

    ages = dict(part.split("=") for part in cache_control.split(", ") if "=" in part)
    assert 40 <= int(ages["max-age"]) <= 45 and 40 <= int(ages["s-maxage"]) <= 45


def test_a_scheduled_issue_shows_everywhere_the_moment_its_time_comes(client, issue, monkeypatch):
    go_live = ON_THE_MINUTE + timedelta(hours=2)
    make_issue(number=8, title="定时发布的一期", published_at=go_live, sections=[("卫星通信", 1)])
    urls = ["/", reverse("bulletins:issue_archive"), reverse("bulletins:feed_rss")]
    tags = {url: client.get(url)["ETag"] for url in urls}
    assert all("定时发布的一期" not in client.get(url).content.decode() for url in urls)

    monkeypatch.setattr(timezone, "now", lambda: go_live)

    for url in urls:
        response = client.get(url, headers={"if-none-match": tags[url]})
        assert response.status_code == 200, url
        assert "定时发布的一期" in response.content.decode(), url


def test_drafts_and_previews_never_enter_the_cache(admin_client, issue):
    draft = make_issue(number=9, title="草稿", status=Issue.Status.DRAFT, published_at=None)
    for _ in range(2):
        response = admin_client.get(draft.get_preview_url())
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_editing_a_draft_leaves_the_readers_cache_alone(issue):
    draft = make_issue(number=9, status=Issue.Status.DRAFT, published_at=None)
    before = public_state().version

    Item.objects.filter(section__issue=draft).update(title="改了草稿")
    draft.title = "草稿的新标题"
    draft.save()

    assert public_state().version == before


def test_any_write_to_published_content_is_counted_even_one_that_skips_save(issue):
    before = public_state().version

    Item.objects.filter(section__issue=issue).update(title="脚本改的标题")  # no updated_at

    assert public_state().version != before


def test_a_rolled_back_write_is_not_counted(issue):
    before = public_state().version
    with pytest.raises(RuntimeError), transaction.atomic():
        Item.objects.filter(section__issue=issue).update(title="不会保存")
        raise RuntimeError
    assert public_state().version == before


def test_with_the_page_cache_off_every_request_renders_but_304_still_works(client, issue, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    url = issue.get_absolute_url()
    first, _ = fetch(client, url)

    again, queries = fetch(client, url)
    polled, poll_queries = fetch(client, url, if_none_match=first["ETag"])

    assert "X-Page-Cache" not in again and queries > 1
    assert (polled.status_code, poll_queries) == (304, 1)


def test_a_page_that_read_the_session_or_set_a_cookie_is_not_kept(issue):
    factory = RequestFactory()

    @reader_page
    def personal(request):
        response = HttpResponse("你好，编辑")
        patch_vary_headers(response, ["Cookie"])  # what reading the session does
        return response

    @reader_page
    def with_cookie(request):
        response = HttpResponse("欢迎")
        response.set_cookie("seen", "1")
        return response

    @reader_page
    def everyones(request):
        return HttpResponse("本周要闻")

    served = {}
    for view in (personal, with_cookie, everyones):
        cache = PageCacheMiddleware(view)
        served[view] = [cache(factory.get("/somewhere/")).get("X-Page-Cache") for _ in "12"]
    assert served == {personal: [None, None], with_cookie: [None, None], everyones: ["miss", "hit"]}


def test_repeated_searches_are_answered_from_the_cache_until_the_content_changes(client, issue):
    urls = [
        reverse("bulletins:search") + "?q=卫星",
        reverse("bulletins:api_item_list") + "?q=卫星",
    ]
    for url in urls:
        fetch(client, url)
        again, queries = fetch(client, url)
        assert (again["X-Page-Cache"], queries) == ("hit", 1), url

    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT, updated_at=timezone.now())

    assert client.get(urls[1]).json()["count"] == 0
    assert "找到 0 条" in client.get(urls[0]).content.decode()


def test_bad_requests_and_missing_pages_are_not_kept(client, issue):
    for url in [reverse("bulletins:api_item_list") + "?page_size=0", "/issues/999/"]:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code in (400, 404)
            assert "X-Page-Cache" not in response


def test_every_table_of_published_content_counts_its_changes():
    assert triggers.installed(connection) == triggers.expected(connection)


def test_a_migration_that_rebuilds_a_table_does_not_stop_the_counting(issue):
    # What Django's SQLite schema editor does to alter many fields: the table's triggers go.
    with connection.cursor() as cursor:
        for name in triggers.installed(connection):
            table = "bulletins_" + name.split("_")[1]
            on = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER {name}{on}")
    assert triggers.installed(connection) == set()

    triggers.ensure(using=connection.alias)  # what every `migrate` does at its end
    if connection.vendor == "postgresql":  # as the test fixture does for the old ones
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS bulletins_item_counts IMMEDIATE")

    before = public_state().version
    Item.objects.filter(section__issue=issue).update(title="迁移之后改的标题")
    assert public_state().version != before


@pytest.mark.parametrize("page", ["issue", "item"])
def test_a_change_to_another_issue_leaves_this_issues_pages_rendered(client, issue, page):
    other = make_issue(number=8, published_at=ON_THE_MINUTE, sections=[("半导体", 2)])
    url = {"issue": issue.get_absolute_url(), "item": f"/issues/{issue.number}/1-2/"}[page]
    fetch(client, url)

    Item.objects.filter(section__issue=other).update(title="另一期改过")  # a page cache miss
    again, queries = fetch(client, url)

    assert again["X-Page-Cache"] == "miss"
    assert queries == 2  # the public state; the issue with its count of changes: no items


def test_a_change_to_an_issue_renders_its_contents_afresh_whoever_made_it(client, issue):
    fetch(client, issue.get_absolute_url())

    Item.objects.filter(section__issue=issue, position=2).update(title="脚本改过的标题")

    assert "脚本改过的标题" in client.get(issue.get_absolute_url()).content.decode()
    assert "脚本改过的标题" in client.get("/").content.decode()


def test_after_an_edit_to_one_item_only_that_item_is_rendered_again(client, issue):
    fetch(client, issue.get_absolute_url())
    item = issue.sections.get().items.get(position=2)
    item.title = "只改了这一条"
    item.save()
    rendered = []

    def note(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        html = client.get(issue.get_absolute_url()).content.decode()
    finally:
        template_rendered.disconnect(note)
    assert "只改了这一条" in html
    assert rendered.count("bulletins/_issue_item.html") == 1


def test_after_an_edit_to_a_headline_the_table_of_contents_lists_the_new_one(client, issue):
    fetch(client, issue.get_absolute_url())
    edited = Item.objects.filter(section__issue=issue, position=2)
    old_title = edited.get().title
    edited.update(title="目录里的新标题")

    html = client.get(issue.get_absolute_url()).content.decode()

    toc = html[html.index('<nav class="toc"') : html.index("</nav>", html.index('class="toc"'))]
    assert '<li><a href="#item-1-2">目录里的新标题</a></li>' in toc
    assert old_title not in html


def test_an_issue_page_assembled_from_kept_parts_is_the_page_rendered_whole(
    client, issue, settings
):
    settings.NEWSROOM_PAGE_CACHE = False  # each request renders (from kept parts or whole)
    url = issue.get_absolute_url()

    def whole():
        settings.NEWSROOM_FRAGMENT_CACHE = False
        html = client.get(url).content
        settings.NEWSROOM_FRAGMENT_CACHE = True
        return html

    assert client.get(url).content == whole()  # rendered, its parts kept
    Item.objects.filter(section__issue=issue, position=3).update(body="改过的正文。")
    assert client.get(url).content == whole()  # put together from kept parts and one new item


def test_an_edit_to_a_sections_title_shows_on_the_next_view(client, issue):
    fetch(client, issue.get_absolute_url())
    issue.sections.update(title="新的栏目名")

    html = client.get(issue.get_absolute_url()).content.decode()

    assert "</span>卫星通信<" not in html and "</span>卫星通信\n" not in html
    assert html.count("新的栏目名") == 3  # the contents, the heading, "more from"


def test_an_edit_to_the_issues_title_shows_on_the_next_view(client, issue):
    fetch(client, issue.get_absolute_url())
    Issue.objects.filter(pk=issue.pk).update(title="新的期刊名")

    html = client.get(issue.get_absolute_url()).content.decode()

    assert "本周要闻" not in html
    assert '<h1 class="issue-title">新的期刊名</h1>' in html


def test_a_page_template_that_leaves_out_a_part_fails_loudly_rather_than_lose_it(rf):
    def context_with(part):
        return {"title": part(0)}

    with pytest.raises(ValueError, match="left out or altered"):
        render_around(
            "bulletins/no_issue.html", rf.get("/"), context_with, ["<p>a</p>"], kept_as=("x",)
        )


def rendered_templates(client, url):
    rendered = []

    def note(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        html = client.get(url).content.decode()
    finally:
        template_rendered.disconnect(note)
    return html, rendered


def test_an_item_page_is_not_rendered_again_after_an_edit_to_an_item_it_does_not_show(
    client, issue
):
    url = reverse("bulletins:item_detail", args=[issue.number, 1, 1])  # its next: item 1-2
    before = client.get(url).content.decode()
    Item.objects.filter(section__issue=issue, position=3).update(title="另一条改过")

    html, rendered = rendered_templates(client, url)

    assert html == before
    assert "bulletins/item_detail.html" not in rendered


def test_an_item_page_shows_its_neighbours_new_headline_on_the_next_view(client, issue):
    url = reverse("bulletins:item_detail", args=[issue.number, 1, 1])
    client.get(url)
    Item.objects.filter(section__issue=issue, position=2).update(title="下一条的新标题")

    html, rendered = rendered_templates(client, url)

    assert "下一条的新标题" in html and "bulletins/item_detail.html" in rendered


def test_a_preview_neither_reads_nor_keeps_any_rendered_part(admin_client, monkeypatch):
    draft = make_issue(number=9, title="草稿", status=Issue.Status.DRAFT, published_at=None)

    class NoStore:
        def __getattr__(self, name):
            raise AssertionError(f"a preview used the cache ({name})")

    monkeypatch.setattr(fragments, "_store", NoStore)
    response = admin_client.get(draft.get_preview_url())

    assert response.status_code == 200
    assert "半导体行业一周要闻 第 1 条新闻" in response.content.decode()


def head_summaries(html):
    return re.findall(
        r'<meta (?:property="og:description"|name="description") content="[^"]*">', html
    )


@pytest.mark.parametrize("kept", [True, False])
def test_the_issue_pages_head_summarises_its_description_as_every_pages_head_does(
    client, issue, settings, kept
):
    settings.NEWSROOM_FRAGMENT_CACHE = kept
    note = "本期聚焦 <卫星> & “互联网” 'Wi-Fi 7'。" * 12  # longer than a summary, to be escaped
    Issue.objects.filter(pk=issue.pk).update(editors_note=note)

    html = client.get(issue.get_absolute_url()).content.decode()

    head = render_to_string(
        "bulletins/_meta.html", {"description": note}, RequestFactory().get("/")
    )
    assert len(head_summaries(html)) == 2
    assert head_summaries(html) == head_summaries(head)


def test_after_an_edit_to_a_first_headline_the_heads_description_shows_it(client, issue, settings):
    settings.NEWSROOM_PAGE_CACHE = False  # each request renders (from kept parts or whole)
    url = issue.get_absolute_url()
    client.get(url)
    Item.objects.filter(section__issue=issue, position=1).update(title="头条 <改过> & 更新")

    html = client.get(url).content.decode()

    assert all("头条 &lt;改过&gt; &amp; 更新" in summary for summary in head_summaries(html))
    settings.NEWSROOM_FRAGMENT_CACHE = False
    assert client.get(url).content.decode() == html  # the page rendered whole


def test_a_picture_given_to_an_item_of_a_kept_issue_page_shows_in_its_head(client, issue):
    url = issue.get_absolute_url()
    assert 'property="og:image"' not in client.get(url).content.decode()

    pictures.give_pictures(issue.sections.get().items.filter(position=2))

    assert '<meta property="og:image" content="http://testserver/media/' in (
        client.get(url).content.decode()
    )


def test_an_edit_reads_and_writes_its_issues_kept_items_once_whatever_their_number(
    client, monkeypatch
):
    issue = make_issue(number=8, published_at=ON_THE_MINUTE, sections=[("甲", 5), ("乙", 6)])
    client.get(issue.get_absolute_url())
    Item.objects.filter(section__issue=issue, section__position=2, position=3).update(title="改过")
    store, calls = fragments._store(), []

    class Counted:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(store, name)

    monkeypatch.setattr(fragments, "_store", Counted)
    html = client.get(issue.get_absolute_url()).content.decode()

    assert html.count("改过") == 2  # its entry in the contents, its heading
    # The page as the issue's count of changes last saw it, the page around its parts (both
    # kept), the issue's items; the page and the items written back.
    assert sorted(calls) == ["get", "get", "get", "set", "set"]
