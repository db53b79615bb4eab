"""A search costs bounded work whatever a reader types: few terms, each looked up once, and a
time budget past which the reader is asked to narrow the search (never a 500)."""

import pytest
from django.db import connection
from django.urls import reverse

from bulletins.filters import MAX_TERMS
from bulletins.models import Item
from bulletins.search import index_issue, query_terms

from .factories import make_issue
from .searching import API, api_ids, containing

pytestmark = pytest.mark.django_db

SEARCH = reverse("bulletins:search")
TOO_BROAD = "搜索范围太广"


def test_repeated_terms_and_terms_inside_other_terms_are_looked_up_once():
    assert query_terms("的 的是 是 的") == ["的是"]
    assert query_terms("卫星 卫 星 通信 卫星通信") == ["卫星通信"]
    assert query_terms("5G 5g-a") == ["5g-a"]
    assert query_terms("芯片 华为") == ["芯片", "华为"]


def test_a_term_inside_another_term_changes_no_result(client):
    issue = make_issue(number=1, sections=[("S", 0)])
    section = issue.sections.get()
    both = Item.objects.create(section=section, position=1, title="卫星", body="卫星通信")
    other = Item.objects.create(section=section, position=2, title="卫", body="通信")
    index_issue(issue)
    assert api_ids(client, q="卫 卫星 通信 卫星通信")[0] == [both.id]
    assert api_ids(client, q="卫 通信")[0] == [both.id, other.id]


def test_up_to_ten_terms_are_searched_and_more_are_refused_with_a_reason(client):
    issue = make_issue(number=1, sections=[("S", 0)])
    section = issue.sections.get()
    words = [f"词{n}号" for n in range(MAX_TERMS + 1)]
    item = Item.objects.create(section=section, position=1, title="全部", body=" ".join(words))
    index_issue(issue)
    assert api_ids(client, q=" ".join(words[:MAX_TERMS]))[0] == [item.id]

    response = client.get(API, {"q": " ".join(words)})
    assert response.status_code == 400
    assert response.json()["fields"]["q"] == [
        f"Search for at most {MAX_TERMS} words at a time (this search has {MAX_TERMS + 1})."
    ]
    html = client.get(SEARCH, {"q": " ".join(words)}).content.decode()
    assert f"一次最多搜索 {MAX_TERMS} 个词（本次搜索有 {MAX_TERMS + 1} 个）" in html
    assert "<mark>" not in html


def test_repeated_terms_do_not_count_against_the_limit(client):
    make_issue(number=1, sections=[("卫星通信", 2)])
    ids, count = api_ids(client, q=" ".join(["卫星"] * 50))
    assert count == 2 and set(ids) == containing("卫星")


@pytest.fixture
def many_matches():
    """Three hundred items that all contain 卫星: enough rows for any budget to run out."""
    make_issue(number=1, sections=[("卫星通信", 100), ("卫星导航", 100), ("卫星互联网", 100)])


def test_a_search_past_its_time_budget_asks_the_reader_to_narrow_it(client, settings, many_matches):
    settings.SEARCH_TIME_BUDGET = 0  # spent before the search starts
    response = client.get(API, {"q": "卫星"})
    assert response.status_code == 400
    assert "too broad" in response.json()["error"]
    response = client.get(SEARCH, {"q": "卫星"})
    assert TOO_BROAD in response.content.decode() and "<mark>" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    section_archive = reverse("bulletins:section_archive", args=["卫星通信"])
    response = client.get(section_archive, {"q": "卫星"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert TOO_BROAD in response.content.decode()
    # The budget spent, the next request searches as ever (the connection is usable), and no
    # cache kept the "too broad" answer.
    settings.SEARCH_TIME_BUDGET = 30
    assert client.get(API, {"q": "卫星"}).json()["count"] == 300
    assert "找到 300 条新闻" in client.get(SEARCH, {"q": "卫星"}).content.decode()
    assert "<mark>" in client.get(section_archive, {"q": "卫星"}).content.decode()


def test_within_its_time_budget_a_search_answers_as_ever(client, many_matches):
    data = client.get(API, {"q": "卫星", "page_size": 100}).json()
    assert data["count"] == 300 and len(data["results"]) == 100
    assert TOO_BROAD not in client.get(SEARCH, {"q": "卫星"}).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
@pytest.mark.django_db(transaction=True)
def test_a_search_statement_that_runs_past_its_budget_is_cancelled(client, settings):
    make_issue(number=1, sections=[("卫星通信", 3)])
    settings.SEARCH_TIME_BUDGET = 0.2
    # Another session holds the index: the search waits, and its statement runs out of time.
    # (Should it not, the wait ends at the lock timeout: an error, not a hung test.)
    other = connection.get_new_connection(connection.get_connection_params())
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN; LOCK TABLE bulletins_search IN ACCESS EXCLUSIVE MODE")
            response = client.get(API, {"q": "卫星"})
        assert response.status_code == 400
        assert "too broad" in response.json()["error"]
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert client.get(API, {"q": "卫星"}).json()["count"] == 3
