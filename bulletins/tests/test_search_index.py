"""The search index follows the content: edits, deletions, publishing, go-live, rebuilds."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bulletins.legacy.importer import import_legacy_file
from bulletins.models import Issue, Item
from bulletins.search import index_items

from .factories import make_issue
from .searching import API, api_ids, containing

pytestmark = pytest.mark.django_db


def test_index_follows_edits_and_deletions(client):
    issue = make_issue(sections=[("S", 2)])
    first, second = issue.sections.get().items.order_by("position")
    first.title = "量子计算新突破"
    first.save()
    index_items([first])
    assert api_ids(client, q="量子计算")[0] == [first.id]
    second.delete()
    assert api_ids(client, q="第 2 条新闻")[0] == []


def test_publishing_unpublishing_and_go_live_need_no_reindexing(client):
    issue = make_issue(status=Issue.Status.DRAFT, published_at=None, sections=[("卫星通信", 1)])
    assert api_ids(client, q="卫星")[0] == []
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=1)
    )
    assert api_ids(client, q="卫星")[0] == []  # scheduled
    Issue.objects.filter(pk=issue.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert len(api_ids(client, q="卫星")[0]) == 1  # gone live
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT)
    assert api_ids(client, q="卫星")[0] == []


def test_search_sees_every_published_issue_between_many_drafts(client):
    # Every other issue a draft: the published ones are too scattered to be a few ranges.
    for number in range(1, 24):
        published = number % 2 == 1
        make_issue(
            number=number,
            status=Issue.Status.PUBLISHED if published else Issue.Status.DRAFT,
            published_at="past" if published else None,
            sections=[("卫星通信", 1)],
        )

    ids, count = api_ids(client, q="卫星")

    assert count == 12
    assert set(ids) == containing("卫星")
    numbers = Item.objects.filter(pk__in=ids).values_list("section__issue__number", flat=True)
    assert sorted(numbers) == list(range(1, 24, 2))


def test_rebuild_command_rebuilds_the_index_from_scratch(client):
    make_issue(sections=[("S", 3)])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bulletins_search")
    assert api_ids(client, q="第 1 条")[0] == []
    call_command("rebuild_search_index", stdout=StringIO())
    assert len(api_ids(client, q="第 1 条")[0]) == 1


def test_deleting_an_issue_removes_its_items_from_the_index():
    issue = make_issue(sections=[("S", 2)])
    issue.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bulletins_search")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_empties_the_index_too():
    make_issue(sections=[("S", 2)])
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bulletins_search")
        assert cursor.fetchone()[0] == 0


def test_a_reimport_replaces_the_issues_items_in_the_index(client, legacy_sample_path):
    assert import_legacy_file(legacy_sample_path, number=40).ok
    Issue.objects.filter(number=40).update(
        status=Issue.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    first = Item.objects.filter(section__issue__number=40).earliest("section__position", "position")
    original_title = first.title
    first.title = "被编辑改过的标题"
    first.save()
    index_items([first])
    assert api_ids(client, q="被编辑改过的标题") == ([first.pk], 1)

    result = import_legacy_file(legacy_sample_path, replace=True)

    assert result.ok and result.status == "replaced"
    assert api_ids(client, q="被编辑改过的标题") == ([], 0)
    ids, count = api_ids(client, q=original_title)
    assert count == len(ids) == len(containing(original_title)) >= 1
    assert set(ids) == containing(original_title)


def test_a_migration_that_drops_the_index_trigger_gets_it_back(client, settings):
    settings.NEWSROOM_PAGE_CACHE = False  # every answer searched afresh
    issue = make_issue(number=1, sections=[("卫星通信", 2)])
    first, second = issue.sections.get().items.order_by("position")
    on_table = " ON bulletins_item" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:  # what a table rebuild on SQLite does to it
        cursor.execute("DROP TRIGGER bulletins_search_item_deleted" + on_table)
    call_command("migrate", verbosity=0)
    second.delete()
    # The deleted item is gone from the count, and a new item can take its place.
    assert api_ids(client, q="卫星")[0] == [first.id]
    assert client.get(API, {"q": "卫星"}).json()["count"] == 1
    replacement = Item.objects.create(section=second.section, position=2, title="卫星", body="新")
    index_items([replacement])
    assert api_ids(client, q="卫星")[1] == 2
