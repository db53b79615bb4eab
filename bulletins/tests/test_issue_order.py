"""Readers meet issues by issue date, then number, newest first: on the front page, in the
archive, the feeds, the sitemap and search. An older issue added today changes none of them."""

import importlib
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from bulletins.legacy.importer import import_legacy_file
from bulletins.models import Issue, Item
from bulletins.search import index_issue

from .admin_forms import form_data
from .factories import make_issue
from .searching import api_ids, containing

pytestmark = pytest.mark.django_db


def test_newest_first_orders_by_issue_date_then_number_and_undated_last():
    made = {
        "old date, high number": make_issue(number=9, issue_date=date(2024, 1, 1), sections=[]),
        "new date, low number": make_issue(number=2, issue_date=date(2024, 3, 4), sections=[]),
        "same date, higher number": make_issue(number=3, issue_date=date(2024, 3, 4), sections=[]),
        "undated, highest number": make_issue(number=10, sections=[]),
        "undated, lower number": make_issue(number=1, sections=[]),
    }
    expected = [
        "same date, higher number",
        "new date, low number",
        "old date, high number",
        "undated, highest number",
        "undated, lower number",
    ]
    assert list(Issue.objects.newest_first()) == [made[name] for name in expected]


def shown_number(response, css_class):
    """The first issue number a page shows in an element of `css_class` ("第 N 期")."""
    html = response.content.decode()
    return int(re.search(rf'class="{css_class}">第 (\d+) 期<', html).group(1))


def first_entries(client):
    """What a reader sees first: the front page's issue, the archive's and the feed's first
    entries, and the first search result for 台积电."""
    home = shown_number(client.get("/"), "issue-number")
    archive = shown_number(client.get(reverse("bulletins:issue_archive")), "archive-number")
    feed = client.get(reverse("bulletins:feed_atom")).content.decode()
    feed_first = feed.split("<entry>")[1].split("</title>")[0]
    sitemap = client.get("/sitemap-issues.xml").content.decode()
    sitemap_first = sitemap.split("<loc>")[1].split("</loc>")[0]
    api = client.get(reverse("bulletins:api_issue_list")).json()["results"][0]["number"]
    search = api_ids(client, q="台积电")[0][0]
    return home, archive, feed_first, sitemap_first, api, search


@pytest.fixture
def newest(client):
    """Issue No. 1, dated 2024-03-04, with 台积电 in a headline."""
    issue = make_issue(number=1, issue_date=date(2024, 3, 4), sections=[("半导体", 0)])
    Item.objects.create(
        section=issue.sections.get(), position=1, title="台积电公布新工艺", body="正文。"
    )
    index_issue(issue)
    return issue


def publish(issue):
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )


def test_an_older_issue_added_later_changes_nothing_readers_see_first(client, newest):
    before = first_entries(client)
    assert before[0] == before[1] == before[4] == 1 and "第 1 期" in before[2]
    older = make_issue(number=2, issue_date=date(2023, 12, 25), sections=[("半导体", 0)])
    Item.objects.create(
        section=older.sections.get(), position=1, title="台积电扩产", body="台积电。"
    )
    index_issue(older)
    assert first_entries(client) == before
    # It does stand first among the results once it is the newest.
    assert api_ids(client, q="台积电", date_to="2024-01-01")[0] == [
        older.sections.get().items.get().id
    ]


def test_an_older_issue_imported_and_published_changes_nothing_readers_see_first(
    client, newest, legacy_sample_path
):
    before = first_entries(client)
    result = import_legacy_file(legacy_sample_path, issue_date=date(2024, 2, 26))
    assert result.ok, result.error
    imported = Issue.objects.get(number=result.issue_number)
    assert imported.number > newest.number
    publish(imported)
    assert first_entries(client) == before
    titles = api_ids(client, q="台积电")[0]
    assert len(titles) > 1 and titles[0] == newest.sections.get().items.get().id


def test_an_issue_whose_date_changes_moves_in_search_with_its_items(editor, client, newest):
    older = make_issue(number=2, issue_date=date(2024, 2, 26), sections=[("半导体", 0)])
    moved = Item.objects.create(
        section=older.sections.get(), position=1, title="台积电扩产", body="正文。"
    )
    index_issue(older)
    first = newest.sections.get().items.get()
    assert api_ids(client, q="台积电")[0] == [first.id, moved.id]

    change = reverse("admin:bulletins_issue_change", args=[older.pk])
    data = form_data(editor.get(change))
    data["issue_date"] = "2024-03-11"
    assert editor.post(change, data).status_code == 302

    assert api_ids(client, q="台积电")[0] == [moved.id, first.id]
    assert client.get("/").context["issue"] == older
    # The section filter keys on the same slots.
    assert api_ids(client, q="台积电", section="半导体")[0] == [moved.id, first.id]


def test_an_issue_of_the_same_date_with_a_smaller_number_takes_its_place_below(client, newest):
    # Issues of one date rank by number: No. 5 is indexed with its items, then No. 3 of the
    # same date comes between No. 1 and No. 5, which moves up with its items.
    five = make_issue(number=5, issue_date=date(2024, 3, 4), sections=[("半导体", 2)])
    three = make_issue(number=3, issue_date=date(2024, 3, 4), sections=[("半导体", 2)])
    newest.sections.get().items.update(title="半导体 第 1 条新闻")
    index_issue(newest)
    ids = {
        issue.number: list(
            issue.sections.get().items.order_by("position").values_list("pk", flat=True)
        )
        for issue in (newest, three, five)
    }
    in_order = ids[5][:1] + ids[3][:1] + ids[1]
    assert api_ids(client, q="第 1 条新闻")[0] == in_order
    assert api_ids(client, q="第 1 条新闻", section="半导体")[0] == in_order
    assert api_ids(client, q="新闻", issue=5)[0] == ids[5]
    assert api_ids(client, q="新闻", issue=3)[0] == ids[3]
    slots = dict(Issue.objects.values_list("number", "search_slot"))
    assert slots[5] > slots[3] > slots[1]


def test_published_issues_without_a_date_take_the_day_they_went_live():
    migration = importlib.import_module("bulletins.migrations.0009_issue_order_and_number_limit")
    went_live = datetime(2024, 2, 26, 20, 30, tzinfo=UTC)  # 2024-02-27 in Shanghai
    published = make_issue(number=1, sections=[], published_at=went_live)
    draft = make_issue(number=2, sections=[], status=Issue.Status.DRAFT, published_at=None)
    dated = make_issue(number=3, sections=[], issue_date=date(2024, 1, 1))
    updated_at = Issue.objects.get(pk=published.pk).updated_at

    migration.date_published_issues(apps, None)

    published.refresh_from_db()
    assert published.issue_date == date(2024, 2, 27)
    assert published.updated_at == updated_at
    assert Issue.objects.get(pk=draft.pk).issue_date is None
    assert Issue.objects.get(pk=dated.pk).issue_date == date(2024, 1, 1)


def test_a_reimport_under_a_newer_date_moves_the_issue_first(client, newest, legacy_sample_path):
    result = import_legacy_file(legacy_sample_path, issue_date=date(2024, 2, 26))
    imported = Issue.objects.get(number=result.issue_number)
    publish(imported)
    assert client.get("/").context["issue"] == newest
    again = import_legacy_file(legacy_sample_path, issue_date=date(2024, 3, 11), replace=True)
    assert again.ok and again.status == "replaced", again.error
    publish(imported)
    assert client.get("/").context["issue"] == imported
    # Its items are keyed under the new date: a date filter finds them by it.
    later = api_ids(client, q="台积电", date_from="2024-03-05")[0]
    in_imported = Item.objects.filter(section__issue=imported, pk__in=containing("台积电"))
    assert later and set(later) == set(in_imported.values_list("pk", flat=True))
    assert api_ids(client, q="台积电", date_to="2024-03-10")[0] == [
        newest.sections.get().items.get().id
    ]
