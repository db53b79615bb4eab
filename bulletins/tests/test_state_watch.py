"""On PostgreSQL a reader's cache hit asks the database nothing, and is still never stale.

Each process LISTENs for the notification a trigger sends as a change to published content
commits (`caching.watch`). These tests commit for real (transactional tests), as the app
servers do, and change content from another connection, as another app server would.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from bulletins.caching import triggers, watch
from bulletins.models import Issue, Item

from .factories import make_issue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the watcher LISTENs on PostgreSQL only"
    ),
]

ISSUE_URL = "/issues/7/"


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.005)


@pytest.fixture
def issue():
    return make_issue(number=7, title="七号刊", sections=[("半导体行业一周要闻", 3)])


@pytest.fixture
def watching(issue, settings, monkeypatch):
    """This process's watcher, listening (after the issue was made), with nothing remembered."""
    settings.NEWSROOM_STATE_WATCH = True
    watcher = watch.Watcher().start()
    monkeypatch.setattr(watch, "_watcher", watcher)
    monkeypatch.setattr(watch, "_watcher_pid", watch.os.getpid())
    watch.reset()
    wait_for(lambda: watcher.listening)
    yield watcher
    watcher.stop()
    watch.reset()


def commit_elsewhere(sql, params):
    """Run `sql` on a connection of its own, committed at once: another app server's write."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        other.close()


def served_from_cache_without_queries(client, django_assert_num_queries, url=ISSUE_URL):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    return response


def test_a_readers_cache_hit_asks_the_database_nothing(
    watching, issue, client, django_assert_num_queries
):
    for url in (ISSUE_URL, "/", "/feeds/issues.rss"):
        client.get(url)
        served_from_cache_without_queries(client, django_assert_num_queries, url)


def test_a_write_committed_by_another_server_shows_on_the_next_request(
    watching, issue, client, django_assert_num_queries
):
    client.get(ISSUE_URL)
    served_from_cache_without_queries(client, django_assert_num_queries)
    heard = watching.generation
    item = Item.objects.filter(section__issue=issue).first()
    sql = "UPDATE bulletins_item SET title = %s WHERE id = %s"
    commit_elsewhere(sql, ["量子芯片新闻", item.pk])
    wait_for(lambda: watching.generation != heard)

    response = client.get(ISSUE_URL)

    assert response["X-Page-Cache"] == "miss"
    assert "量子芯片新闻" in response.content.decode()


def test_a_write_through_the_orm_shows_on_the_next_request(watching, issue, client):
    client.get(ISSUE_URL)
    heard = watching.generation
    Issue.objects.filter(pk=issue.pk).update(title="改过的七号刊")
    wait_for(lambda: watching.generation != heard)

    assert "改过的七号刊" in client.get(ISSUE_URL).content.decode()


def test_a_rolled_back_write_keeps_the_cache(watching, issue, client, django_assert_num_queries):
    from django.db import transaction

    client.get(ISSUE_URL)
    heard = watching.generation
    with pytest.raises(RuntimeError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(title="没保存的标题")
        raise RuntimeError("the editor's save failed")
    client.get("/")  # time for a notification, had one been sent
    time.sleep(0.05)

    assert watching.generation == heard
    served_from_cache_without_queries(client, django_assert_num_queries)


def test_an_editors_request_reads_the_state_even_on_a_hit(
    watching, issue, client, django_assert_num_queries
):
    client.get(ISSUE_URL)
    client.cookies["sessionid"] = "an-editor"
    with django_assert_num_queries(1):  # the state; the cached page needs nothing else
        response = client.get(ISSUE_URL)
    assert response["X-Page-Cache"] == "hit"


GO_LIVE = timezone.now().replace(microsecond=0) + timedelta(minutes=5)


@pytest.fixture
def scheduled(issue):
    return make_issue(number=8, title="八号刊", published_at=GO_LIVE)


def test_a_scheduled_issue_goes_live_on_time_without_a_notification(scheduled, watching):
    go_live = GO_LIVE
    heard = watching.generation
    assert watch.current_state().next_live == go_live
    assert watch.current_state().last_live < go_live

    later = watch.current_state(now=go_live + timedelta(seconds=1))

    assert watching.generation == heard
    assert later.last_live == go_live
    assert later.next_live is None


def test_without_the_notifying_trigger_every_request_reads_the_state(
    settings, issue, client, django_assert_num_queries, monkeypatch
):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {watch.NOTIFY_TRIGGER} ON bulletins_publicchanges")
    try:
        settings.NEWSROOM_STATE_WATCH = True
        watcher = watch.Watcher().start()
        monkeypatch.setattr(watch, "_watcher", watcher)
        monkeypatch.setattr(watch, "_watcher_pid", watch.os.getpid())
        client.get(ISSUE_URL)
        time.sleep(0.2)  # time to connect and find the trigger missing

        assert not watcher.listening
        with django_assert_num_queries(1):
            client.get(ISSUE_URL)
        watcher.stop(timeout=0.1)
    finally:
        triggers.ensure()
        watch.reset()


def test_a_change_made_while_the_watcher_was_cut_off_shows_once_it_is_back(watching, issue, client):
    client.get(ISSUE_URL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [watch.APPLICATION_NAME],
        )
    wait_for(lambda: not watching.listening)
    Issue.objects.filter(pk=issue.pk).update(title="断线时改的标题")

    assert "断线时改的标题" in client.get(ISSUE_URL).content.decode()
    wait_for(lambda: watching.listening)
    assert "断线时改的标题" in client.get(ISSUE_URL).content.decode()


class QuietWatcher:
    """A watcher whose connection stopped proving itself alive (a hung network, say): no
    notification can reach it, yet none says it broke."""

    generation = 1
    listening = True


def test_a_watcher_that_stopped_answering_is_no_longer_trusted(
    issue, settings, monkeypatch, client, django_assert_num_queries
):
    settings.NEWSROOM_STATE_WATCH = True
    quiet = QuietWatcher()
    monkeypatch.setattr(watch, "_watcher", quiet)
    monkeypatch.setattr(watch, "_watcher_pid", watch.os.getpid())
    watch.reset()
    client.get(ISSUE_URL)
    served_from_cache_without_queries(client, django_assert_num_queries)

    quiet.listening = False

    with django_assert_num_queries(1):
        client.get(ISSUE_URL)
    watch.reset()
