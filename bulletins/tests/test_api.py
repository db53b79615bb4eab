"""The public JSON API: shapes other tools rely on, published content only, clear errors."""

import pytest
from django.urls import reverse

from bulletins.models import Issue

from .factories import make_issue

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_issue_list_has_the_agreed_shape_and_only_published_issues(client):
    make_issue(number=1, title="第一期")
    make_issue(number=2, title="草稿", status=Issue.Status.DRAFT)
    make_issue(number=3, title="排期", published_at="future")
    data = get_json(client, reverse("bulletins:api_issue_list"))
    assert list(data) == ["count", "next", "previous", "results"]
    assert data["count"] == 1
    assert data["results"] == [
        {"number": 1, "title": "第一期", "issue_date": None, "url": "http://testserver/issues/1/"}
    ]


def test_issue_list_is_paginated_with_links(client):
    for number in range(1, 6):
        make_issue(number=number)
    data = get_json(client, reverse("bulletins:api_issue_list"), page_size=2, page=2)
    assert [r["number"] for r in data["results"]] == [3, 2]
    assert data["next"].endswith("page=3") and data["previous"].endswith("page=1")


def test_issue_detail_is_the_export_shape_plus_urls(client):
    make_issue(number=7, sections=[("半导体行业一周要闻", 2)])
    data = get_json(client, reverse("bulletins:api_issue_detail", args=[7]))
    assert list(data) == ["number", "title", "issue_date", "status", "sections", "url"]
    assert data["url"] == "http://testserver/issues/7/"
    section = data["sections"][0]
    assert list(section) == ["number", "title", "headlines", "items"]
    assert section["items"][1]["url"] == "http://testserver/issues/7/1-2/"
    assert (
        section["items"][0]["body"] == "第一段：半导体行业一周要闻 的第 1 条。\n第二段：更多细节。"
    )


@pytest.mark.parametrize("state", [{"status": "draft"}, {"published_at": "future"}])
def test_unpublished_issue_detail_is_not_found(client, state):
    make_issue(number=7, **state)
    data = get_json(client, reverse("bulletins:api_issue_detail", args=[7]), status=404)
    assert "error" in data


def test_items_have_the_agreed_shape(client):
    make_issue(number=4, sections=[("卫星通信", 1)])
    data = get_json(client, reverse("bulletins:api_item_list"), q="卫星")
    [result] = data["results"]
    assert list(result) == ["id", "issue", "section", "title", "snippet", "url"]
    assert result["issue"] == 4 and result["section"] == "卫星通信"
    assert result["url"] == "http://testserver/issues/4/1-1/"
    assert "卫星" in result["snippet"]


def test_items_without_a_query_list_everything_published_newest_first(client):
    make_issue(number=1, sections=[("A", 1)])
    make_issue(number=2, sections=[("A", 2)])
    make_issue(number=3, sections=[("A", 1)], status=Issue.Status.DRAFT)
    data = get_json(client, reverse("bulletins:api_item_list"))
    assert [r["issue"] for r in data["results"]] == [2, 2, 1]


def test_pages_of_the_listing_follow_reading_order_without_gaps_or_repeats(client):
    for number in (1, 2, 3):
        make_issue(number=number, sections=[("A", 2), ("B", 3)])
    urls, page = [], 1
    while page:
        data = get_json(client, reverse("bulletins:api_item_list"), page=page, page_size=4)
        urls += [result["url"].removeprefix("http://testserver") for result in data["results"]]
        page = page + 1 if data["next"] else None
    in_reading_order = [
        f"/issues/{number}/{section}-{item}/"
        for number in (3, 2, 1)
        for section, items in ((1, 2), (2, 3))
        for item in range(1, items + 1)
    ]
    assert urls == in_reading_order


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "many"},
        {"page": "-1"},
        {"page": "9"},
        {"issue": "abc"},
        {"date_from": "26/02/2024"},
        {"section": "no-such-section"},
        {"date_from": "2024-12-31", "date_to": "2024-01-01"},
    ],
)
def test_bad_parameters_get_400_with_a_message(client, params):
    make_issue(sections=[("A", 1)])
    data = get_json(client, reverse("bulletins:api_item_list"), status=400, **params)
    assert data["error"]


def test_a_section_only_drafts_have_is_no_filter_readers_may_use(client):
    make_issue(number=1, sections=[("公开栏目", 1)])
    make_issue(number=2, sections=[("草稿栏目", 1)], status=Issue.Status.DRAFT)
    url = reverse("bulletins:api_item_list")
    assert get_json(client, url, section="公开栏目")["count"] == 1
    data = get_json(client, url, status=400, section="草稿栏目")
    assert "草稿栏目" in data["fields"]["section"][0]


def test_page_size_up_to_100_is_accepted(client):
    make_issue(sections=[("A", 3)])
    data = get_json(client, reverse("bulletins:api_item_list"), page_size=100)
    assert data["count"] == 3


@pytest.mark.parametrize("path", ["/api/issues/abc/", "/api/nothing/", "/api/"])
def test_paths_under_the_api_that_lead_nowhere_answer_404_in_json(client, path):
    data = get_json(client, path, status=404)
    assert path in data["error"]
