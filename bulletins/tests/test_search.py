"""Search finds every published item that contains what the reader typed, and nothing else."""

import random
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletins.filters import ItemFilter
from bulletins.legacy.importer import import_legacy_file
from bulletins.models import BODY_MAX_LENGTH, Issue, Item
from bulletins.search import index_issue, index_items, rebuild_index

from .factories import make_issue
from .searching import API, api_ids, containing

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_issue(legacy_sample_path):
    result = import_legacy_file(legacy_sample_path, issue_date=date(2024, 2, 26))
    assert result.ok, result.error
    Issue.objects.filter(number=result.issue_number).update(
        status=Issue.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    return Issue.objects.get(number=result.issue_number)


QUERIES = [
    # one Chinese character
    "卫",
    "芯",
    "鼠",
    "沪",
    # two
    "华为",
    "卫星",
    "光盘",
    "英伟",
    # three
    "台积电",
    "路透社",
    "英伟达",
    "奇安信",
    # four
    "脑机接口",
    "数据泄露",
    "集成电路",
    # Latin, any case, with punctuation
    "Azure",
    "gemma",
    "wi-fi 7",
    "5G-A",
    "redcap",
    "Dell'Oro",
    "EAL4+",
    # mixed
    "5G 基站",
    "IDM 2.0",
    "Wi-Fi 7 芯片",
    "2023 年",
    # words that were cut by line breaks or a headline list in the original text
    "奇安信科技集团",
    "云存储服务器",
    "Hughes Network Systems",
    "Dave Bolan",
    "英特尔和 AMD",
    # nothing
    "不存在的新闻",
    "nvidia",
]


@pytest.mark.parametrize("query", QUERIES)
def test_api_finds_exactly_the_items_containing_the_query(client, sample_issue, query):
    ids, count = api_ids(client, q=query)
    expected = containing(query)
    assert set(ids) == expected
    assert count == len(ids) == len(set(ids))
    if query not in ("不存在的新闻", "nvidia"):
        assert expected, f"{query} should occur in the sample"


def test_5g_a_does_not_find_every_5g(client, sample_issue):
    ids, _ = api_ids(client, q="5G-A")
    assert len(ids) < len(containing("5G"))


def test_title_matches_come_first_then_newer_issues(client):
    old = make_issue(number=1, sections=[("S", 0)])
    new = make_issue(number=2, sections=[("S", 0)])
    old_title = Item.objects.create(
        section=old.sections.get(), position=1, title="台积电扩产", body="正文。"
    )
    new_title = Item.objects.create(
        section=new.sections.get(), position=1, title="台积电新工艺", body="正文。"
    )
    new_body = Item.objects.create(
        section=new.sections.get(), position=2, title="晶圆代工", body="消息称台积电将扩产。"
    )
    rebuild_index()
    ids, _ = api_ids(client, q="台积电")
    assert ids == [new_title.id, old_title.id, new_body.id]


def ranked_sample():
    """Three issues, each with title matches, body-only matches and an item without 台积电;
    return the ids in the order readers should see them."""
    titles, bodies = [], []
    for number in (1, 2, 3):
        section = make_issue(number=number, sections=[("S", 0)]).sections.get()
        for position in range(1, 8):
            if position in (2, 5):
                title, body = f"台积电动态{position}", "正文。"
            elif position == 7:
                title, body = "其他新闻", "与此无关。"
            else:
                title, body = "晶圆代工", f"消息称台积电第{position}条。"
            item = Item.objects.create(section=section, position=position, title=title, body=body)
            (titles if "台积电" in title else bodies if "台积电" in body else []).append(item)
    rebuild_index()

    def newest_issue_first(items):
        return sorted(items, key=lambda item: (-item.section.issue.number, item.position))

    return [item.id for item in newest_issue_first(titles) + newest_issue_first(bodies)]


def test_matches_within_an_issue_follow_its_reading_order(client):
    old = make_issue(number=1, sections=[("S", 0)])
    issue = make_issue(number=2, sections=[("A", 0), ("B", 0)])
    first, second = issue.sections.order_by("position")
    found = [
        Item.objects.create(section=section, position=position, title="晶圆", body="据悉台积电。")
        for section in (second, first)
        for position in (2, 1)
    ]
    in_old = Item.objects.create(
        section=old.sections.get(), position=1, title="晶圆", body="台积电"
    )
    rebuild_index()
    expected = [found[3], found[2], found[1], found[0], in_old]  # B-1, B-2, then No. 1
    assert api_ids(client, q="台积电")[0] == [item.id for item in expected]


@pytest.mark.parametrize("page_size", [1, 2, 4, 5, 6, 7, 100])
def test_pages_follow_the_ranking_across_title_and_body_matches(client, page_size):
    expected = ranked_sample()
    ids, count = api_ids(client, page_size=page_size, q="台积电")
    assert (ids, count) == (expected, 18)


def test_any_slice_of_search_results_follows_the_ranking():
    expected = ranked_sample()
    for start in range(0, 20):
        for stop in range(start, 21):
            results = ItemFilter({"q": "台积电"}).results()
            assert [item.id for item in results[start:stop]] == expected[start:stop]
    results = ItemFilter({"q": "台积电"}).results()
    assert results.count() == 18
    assert [item.id for item in results[3:]] == expected[3:]  # after the count: from its window
    assert [item.id for item in results[16:40]] == expected[16:]


@pytest.mark.parametrize(
    ("query", "decoy"),
    [
        ("台积电", "台积公司与积电无关"),  # every bigram, apart
        ("网络安全", "网络与络安、安全"),
        ("人工智能芯片", "人工智能芯粒与智能芯片"),  # every 4-gram, apart
        ("openai", "open-ai、penai 和 opena"),  # white space is folded away: not "open ai"
    ],
)
def test_a_term_is_found_only_where_its_characters_stand_together(client, query, decoy):
    issue = make_issue(number=1, sections=[("S", 0)])
    section = issue.sections.get()
    match = Item.objects.create(section=section, position=1, title="标题", body=f"据悉{query}。")
    Item.objects.create(section=section, position=2, title=decoy, body=decoy)
    rebuild_index()
    assert api_ids(client, q=query)[0] == [match.id]


@pytest.mark.parametrize("query", ["O'Neil", "C:\\盘", "A&B", "(注)", "!:*", "a|b"])
def test_quotes_backslashes_and_query_operators_are_searched_as_text(client, query):
    issue = make_issue(number=1, sections=[("S", 0)])
    section = issue.sections.get()
    item = Item.objects.create(section=section, position=1, title="标题", body=f"原文写作{query}。")
    Item.objects.create(section=section, position=2, title="标题", body="原文写作其他内容。")
    rebuild_index()
    assert api_ids(client, q=query)[0] == [item.id]


def test_a_term_does_not_run_from_the_title_into_the_body(client):
    issue = make_issue(number=1, sections=[("S", 0)])
    section = issue.sections.get()
    item = Item.objects.create(section=section, position=1, title="消息称台积", body="电子产品")
    rebuild_index()
    assert api_ids(client, q="台积电")[0] == []
    assert api_ids(client, q="称台积")[0] == [item.id]  # at the end of the title
    assert api_ids(client, q="品")[0] == [item.id]  # the last character of the body


def test_long_terms_rank_title_matches_first(client):
    issue = make_issue(number=1, sections=[("S", 0)])
    section = issue.sections.get()
    in_body = Item.objects.create(
        section=section, position=1, title="行业动态", body="多家厂商发布人工智能芯片。"
    )
    in_title = Item.objects.create(
        section=section, position=2, title="人工智能芯片出货量增长", body="正文。"
    )
    rebuild_index()
    assert api_ids(client, q="人工智能芯片")[0] == [in_title.id, in_body.id]


@pytest.mark.parametrize(
    "alphabet",
    [
        range(0x20000, 0x2A6DF),  # beyond the Basic Multilingual Plane: the longest tokens
        range(0x21, 0x7F),  # ASCII: the most tokens per character
    ],
)
def test_the_longest_body_an_item_may_have_is_indexed_and_found(client, alphabet):
    rng = random.Random(7)
    body = "".join(chr(rng.choice(alphabet)) for _ in range(BODY_MAX_LENGTH))
    issue = make_issue(number=1, sections=[("S", 0)])
    item = Item.objects.create(section=issue.sections.get(), position=1, title="长稿", body=body)
    index_items([item])
    assert api_ids(client, q=body[-9:])[0] == [item.id]
    assert api_ids(client, q=body[10_000:10_003])[0] == [item.id]


def test_search_page_highlights_the_match_in_a_snippet(client, sample_issue):
    response = client.get(reverse("bulletins:search"), {"q": "路透社"})
    html = response.content.decode()
    assert "<mark>路透社</mark>" in html
    assert "英伟达切入 300 亿美元的定制芯片市场" in html
    title_hit = client.get(reverse("bulletins:search"), {"q": "英伟达"}).content.decode()
    assert "<mark>英伟达</mark>切入 300 亿美元的定制芯片市场" in title_hit
    assert "找到 1 条新闻" in html


def test_search_is_paginated(client, sample_issue, settings):
    settings.SEARCH_PAGE_SIZE = 3
    html = client.get(reverse("bulletins:search"), {"q": "5G", "page": 2}).content.decode()
    assert "第 2 页" in html


def test_filters_combine_with_the_query(client, sample_issue):
    other = make_issue(number=90, issue_date=date(2025, 1, 6), sections=[("半导体行业一周要闻", 0)])
    Item.objects.create(section=other.sections.get(), position=1, title="台积电年报", body="内容。")
    rebuild_index()
    all_ids, _ = api_ids(client, q="台积电")
    by_issue, _ = api_ids(client, q="台积电", issue=sample_issue.number)
    by_date, _ = api_ids(client, q="台积电", date_from="2025-01-01")
    by_section, _ = api_ids(client, q="台积电", section="半导体行业一周要闻")
    by_range, _ = api_ids(client, q="台积电", date_from="2024-01-01", date_to="2024-12-31")
    assert len(all_ids) == len(by_issue) + 1
    assert by_date == [Item.objects.get(title="台积电年报").id]
    assert set(by_range) == set(by_issue)
    # Exactly the matches in that section's issues, and none of any other section's.
    in_section = Item.objects.filter(section__slug="半导体行业一周要闻", pk__in=all_ids)
    assert set(by_section) == set(in_section.values_list("pk", flat=True))
    assert Item.objects.get(title="台积电年报").id in by_section
    assert 0 < len(by_section) < len(all_ids)  # other sections had matches to leave out


def test_a_date_range_that_ends_before_it_starts_is_refused_with_a_reason(client, sample_issue):
    html = client.get(
        reverse("bulletins:search"),
        {"q": "台积电", "date_from": "2024-12-31", "date_to": "2024-01-01"},
    ).content.decode()
    assert "截止日期早于起始日期" in html
    assert "<mark>" not in html
    data = client.get(
        reverse("bulletins:api_item_list"), {"date_from": "2024-12-31", "date_to": "2024-01-01"}
    ).json()
    assert data["fields"]["date_to"] == ["The end date is before the start date."]
    one_day, _ = api_ids(client, q="台积电", date_from="2024-02-26", date_to="2024-02-26")
    assert one_day == api_ids(client, q="台积电", issue=sample_issue.number)[0]


def test_section_archive_filters_by_query(client, sample_issue, settings):
    url = reverse("bulletins:section_archive", args=["半导体行业一周要闻"])
    html = client.get(url, {"q": "英伟达"}).content.decode()
    assert "<mark>英伟达</mark>切入 300 亿美元的定制芯片市场" in html
    assert "Arm 新产品可加速创建定制数据中心芯片" not in html
    settings.SECTION_PAGE_SIZE = 1000
    settings.NEWSROOM_PAGE_CACHE = False  # each page rendered, with its context
    for query in ["芯片", "英伟达"]:
        shown = [item.id for item in client.get(url, {"q": query}).context["page"].object_list]
        in_section = Item.objects.filter(
            section__slug="半导体行业一周要闻", pk__in=containing(query)
        ).values_list("pk", flat=True)
        assert shown and set(shown) == set(in_section), query
        if query == "芯片":
            assert len(shown) < len(containing(query))  # matches in other sections stay out


def test_markup_in_found_items_is_shown_as_text_with_the_match_highlighted(client):
    issue = make_issue(number=1, sections=[("安全", 0)])
    section = issue.sections.get()
    Item.objects.create(
        section=section,
        position=1,
        title="<b>台积电</b><img src=x onerror=alert(1)>",
        body="消息称<script>alert('台积电')</script>将扩产。",
    )
    Item.objects.create(section=section, position=2, title="<i>晶圆</i>", body="<u>台积电</u>")
    index_issue(issue)
    for url in [reverse("bulletins:search"), section.get_absolute_url()]:
        html = client.get(url, {"q": "台积电"}).content.decode()
        assert "&lt;b&gt;<mark>台积电</mark>&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;script&gt;alert(&#x27;<mark>台积电</mark>&#x27;)&lt;/script&gt;" in html
        assert "&lt;i&gt;晶圆&lt;/i&gt;" in html  # a title without the match
        assert "&lt;u&gt;<mark>台积电</mark>&lt;/u&gt;" in html
        for raw in ["<b>台积电", "<img src=x", "<script>alert(", "<i>晶圆", "<u>"]:
            assert raw not in html, (url, raw)


def test_search_page_costs_the_same_queries_for_few_or_many_results(client):
    make_issue(number=1, sections=[("芯片", 2)])
    url = reverse("bulletins:search")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "芯片"})
    for number in range(2, 12):
        make_issue(number=number, sections=[("芯片", 5)])
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "芯片"})
    assert len(few) == len(many)


def test_section_filter_offers_each_section_once_under_its_latest_title(client):
    older = make_issue(number=1, sections=[])
    newer = make_issue(number=2, sections=[])
    draft = make_issue(number=3, sections=[], status=Issue.Status.DRAFT)
    scheduled = make_issue(number=4, sections=[])
    Issue.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() + timedelta(days=1))
    for issue, title, slug in [
        (older, "安全行业一周要闻", "security"),
        (newer, "网络安全一周要闻", "security"),
        (newer, "半导体行业一周要闻", "chips"),
        (draft, "尚未发布的栏目", "draft-only"),
        (scheduled, "定时发布的新标题", "security"),
    ]:
        issue.sections.create(position=issue.sections.count() + 1, title=title, slug=slug)
    html = client.get(reverse("bulletins:search"), {"q": "芯片"}).content.decode()
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
    assert options == [
        ("", "全部栏目"),
        ("chips", "半导体行业一周要闻"),
        ("security", "网络安全一周要闻"),
    ]


def test_an_api_search_costs_a_fixed_few_queries(client):
    for number in range(1, 4):
        make_issue(number=number, sections=[("芯片", 5)])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(API, {"q": "芯片"})
    assert response.json()["count"] == 15
    # The state of the published content (the page cache's validator); the published issues;
    # the search (PostgreSQL: count and ranked page in one statement, here within a savepoint,
    # as a test runs in a transaction; SQLite: the count, then the title matches, which fill
    # this page); the page's items.
    assert len(queries) == {"postgresql": 6, "sqlite": 5}[connection.vendor]
