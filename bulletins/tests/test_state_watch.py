"""On PostgreSQL a reader's cache hit does not query the database, and is still not stale.

Each process LISTENs for the notification a trigger sends as a change to published content
commits, and reads what has arrived at each request (`caching.watch`). These tests commit for
real (transactional tests), as the app servers do, and change content from another
connection, as another app server would.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
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


@pytest.fixture
def issue():
    return make_issue(number=7, title="七号刊", sections=[("半导体行业一周要闻", 3)])


def listen(settings, monkeypatch):
    settings.NEWSROOM_STATE_WATCH = True
    listener = watch.Listener()
    monkeypatch.setattr(watch, "_listener", listener)
    monkeypatch.setattr(watch, "_listener_pid", watch.os.getpid())
    return listener


@pytest.fixture
def watching(issue, settings, monkeypatch):
    """This process's listener (made after the issue was), with nothing remembered."""
    listener = listen(settings, monkeypatch)
    yield listener
    listener.close()


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


def test_a_readers_cache_hit_does_not_query_the_database(
    watching, client, django_assert_num_queries
):
    for url in (ISSUE_URL, "/", "/feeds/issues.rss"):
        client.get(url)
        served_from_cache_without_queries(client, django_assert_num_queries, url)


def test_a_write_committed_by_another_server_shows_once_its_notification_arrived(
    watching, issue, client, django_assert_num_queries
):
    client.get(ISSUE_URL)
    served_from_cache_without_queries(client, django_assert_num_queries)
    item = Item.objects.filter(section__issue=issue).first()
    sql = "UPDATE bulletins_item SET title = %s WHERE id = %s"
    commit_elsewhere(sql, ["量子芯片新闻", item.pk])
    watching.wait(5)

    response = client.get(ISSUE_URL)

    assert response["X-Page-Cache"] == "miss"
    assert "量子芯片新闻" in response.content.decode()


def test_a_write_through_the_orm_shows_once_its_notification_arrived(watching, issue, client):
    client.get(ISSUE_URL)
    Issue.objects.filter(pk=issue.pk).update(title="改过的七号刊")
    watching.wait(5)

    assert "改过的七号刊" in client.get(ISSUE_URL).content.decode()


def test_an_editors_request_reads_the_state_even_on_a_hit(
    watching, client, django_assert_num_queries
):
    client.get(ISSUE_URL)
    client.cookies["sessionid"] = "an-editor"
    with django_assert_num_queries(1):  # the state; the cached page needs nothing else
        response = client.get(ISSUE_URL)
    assert response["X-Page-Cache"] == "hit"


def test_a_process_that_served_a_write_reads_the_state_afresh(
    watching, client, django_assert_num_queries
):
    client.get(ISSUE_URL)
    client.post("/search/", {"q": "芯片"})  # any write request, even one changing nothing

    with django_assert_num_queries(1):
        response = client.get(ISSUE_URL)
    assert response["X-Page-Cache"] == "hit"


@pytest.fixture
def go_live(issue):
    when = timezone.now().replace(microsecond=0) + timedelta(days=1)
    make_issue(number=8, title="八号刊", published_at=when)
    return when


def test_a_scheduled_issue_goes_live_on_time_without_a_notification(
    go_live, watching, django_assert_num_queries
):
    assert watch.current_state().next_live == go_live
    with django_assert_num_queries(0):
        assert watch.current_state().last_live < go_live

    with django_assert_num_queries(1):
        later = watch.current_state(now=go_live + timedelta(seconds=1))

    assert later.last_live == go_live
    assert later.next_live is None


def test_without_the_notifying_trigger_every_request_reads_the_state(
    issue, settings, monkeypatch, client, django_assert_num_queries
):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {watch.NOTIFY_TRIGGER} ON bulletins_publicchanges")
    listener = listen(settings, monkeypatch)
    try:
        client.get(ISSUE_URL)
        for _ in range(2):
            with django_assert_num_queries(1):
                client.get(ISSUE_URL)
        assert listener.memo is None
    finally:
        triggers.ensure()
        listener.close()


def test_a_listening_session_that_stopped_hearing_is_no_longer_trusted(
    watching, client, django_assert_num_queries, monkeypatch
):
    # As a connection pooler would: LISTEN went to a session this connection no longer is.
    client.get(ISSUE_URL)
    watching._wrapper.connection.execute("UNLISTEN *")
    monkeypatch.setattr(watch, "PING_EVERY", 0)  # the next request proves the session

    with django_assert_num_queries(1):
        client.get(ISSUE_URL)


def test_a_change_made_while_the_listener_was_cut_off_shows_and_it_listens_again(
    watching, issue, client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(watch, "RETRY_AFTER", 0)
    client.get(ISSUE_URL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [watch.APPLICATION_NAME],
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                [watch.APPLICATION_NAME],
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.01)
    Issue.objects.filter(pk=issue.pk).update(title="断线时改的标题")

    assert "断线时改的标题" in client.get(ISSUE_URL).content.decode()
    assert "断线时改的标题" in client.get(ISSUE_URL).content.decode()  # on a new connection
    served = served_from_cache_without_queries(client, django_assert_num_queries)
    assert "断线时改的标题" in served.content.decode()


def test_a_forked_process_does_not_reuse_its_parents_state(watching, monkeypatch):
    watch.current_state()
    assert watching.memo is not None
    monkeypatch.setattr(watch, "_listener_pid", -1)  # as seen from a child after fork

    assert watch.listener() is not watching
    assert watch.listener().memo is None


def test_a_rolled_back_write_sends_no_notification(watching, issue, client):
    client.get(ISSUE_URL)
    heard = watching.generation
    with pytest.raises(RuntimeError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(title="没保存的标题")
        raise RuntimeError("the editor's save failed")
    # A notification committed after it arrives after anything it could have sent.
    commit_elsewhere("SELECT pg_notify(%s, '')", [watching._ping_channel])
    watching.wait(5)
    client.get(ISSUE_URL)

    assert watching.generation == heard
