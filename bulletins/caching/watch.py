"""Know when the public state may have changed without asking PostgreSQL on every request.

A page cache hit needs the public state (`state.public_state`) to build its tag. On SQLite that
query runs in-process and costs little; on PostgreSQL it is a round trip to a server process
that shares the machine's cores, and it held a hit to about half of what a static file costs.

So on PostgreSQL each app process keeps one more connection, which LISTENs on `CHANNEL`; a
trigger on the counter's table NOTIFYs it whenever the counter or the epoch moves
(`triggers.postgres_statements`), as the write commits, whoever writes. A reader's request
first reads, without waiting, whatever notifications have reached the process, and reuses the
state last read unless one has, or the next scheduled issue's publication time has come. No
thread: reading the socket at the request is what makes a notification count as soon as it
has arrived.

When it connects, the listener checks that the notifying trigger is there and enabled. Then,
at most once a second (`PING_EVERY`), a request has it prove itself by notifying itself on a
channel of its own and hearing it back in the same command: a session that cannot (the server
ended it, a pooler put its LISTEN on another server connection) is not trusted, and every
request reads the state, as without the watcher, until a new connection proves itself (tried
at most once a second). Over TCP, keepalives and `tcp_user_timeout` bound how long a silently
cut connection can hold a request (`_TCP_OPTIONS`). Behind PgBouncer in transaction mode the
proof may still pass by chance: there `NEWSROOM_STATE_WATCH` must be off.

What is left: PostgreSQL hands a notification to the listening sessions just after the writer's
commit returns, not before, so a reader's request that reaches another process within that
moment can still be answered the page as it was just before: on this 2-core machine, a few
percent of requests asked within 0.1 ms of the commit and under 1 % of those asked 0.2 to 1 ms
after it (`bench/bench_watch.py`). A request carrying a session cookie (an editor's) always
reads the state, and a process forgets what it read once it has served a write, so an editor
sees their own change on the very next page. `NEWSROOM_STATE_WATCH=off` reads the state on
every request, which closes that moment at the cost of a round trip per hit.
"""

import contextlib
import logging
import os
import secrets
import select
import threading
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .state import PublicState, public_state

logger = logging.getLogger(__name__)

CHANNEL = "bulletins_public_changes"
NOTIFY_TRIGGER = "bulletins_publicchanges_notify"
APPLICATION_NAME = "newsroom-state-watch"  # how the listener shows in pg_stat_activity
PING_EVERY = 1.0  # seconds a proof of the connection is trusted
RETRY_AFTER = 1.0  # seconds between attempts to connect after a failure
RETRY_WITHOUT_TRIGGER = 60.0
# libpq applies these to TCP connections only: a peer gone silent (a NAT or firewall that
# dropped the idle connection) fails the session within seconds instead of hanging a request.
_TCP_OPTIONS = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 5000,  # milliseconds
}


@dataclass(frozen=True)
class _Memo:
    generation: int
    state: PublicState


class Listener:
    """One process's LISTENing connection, read without waiting at each request.

    `generation` moves on every notification heard, and on every new connection, since
    whatever happened while none was listening went unheard.
    """

    def __init__(self, alias="default"):
        self.alias = alias
        self.generation = 0
        self.memo = None
        self._wrapper = None
        self._proven_at = None
        self._retry_at = 0.0
        self._failing = False
        self._pong = False
        self._ended = None
        self._ping_channel = f"{CHANNEL}_{os.getpid()}_{secrets.token_hex(4)}"
        self._lock = threading.Lock()

    def heard(self):
        """Take in the notifications that have arrived (never waits for one); whether the
        state remembered under `generation` can be trusted. False while not listening."""
        if not self._lock.acquire(blocking=False):
            return False  # another thread of this process is at it: read the state instead
        try:
            now = time.monotonic()
            if self._wrapper is None:
                if now < self._retry_at:
                    return False
                self._connect()
            self._take_in()
            if now - self._proven_at >= PING_EVERY:
                self._ping()
                self._proven_at = now
            self._failing = False
            return True
        except Exception as error:  # noqa: BLE001 - whatever broke: distrust, retry later
            self._drop(error, RETRY_WITHOUT_TRIGGER if isinstance(error, _NoTrigger) else None)
            return False
        finally:
            self._lock.release()

    def wait(self, timeout):
        """Block until something reaches the listening connection, or `timeout` seconds pass
        (tests and benchmarks: requests never wait)."""
        if self._wrapper is not None:
            select.select([self._wrapper.connection.fileno()], [], [], timeout)

    def close(self):
        with self._lock:
            self._drop(None)

    def _connect(self):
        default = connections[self.alias]
        options = {**default.settings_dict["OPTIONS"], **_TCP_OPTIONS}
        wrapper = type(default)({**default.settings_dict, "OPTIONS": options}, self.alias)
        wrapper.inc_thread_sharing()  # any thread of this process may use it or close it
        self._wrapper = wrapper
        self._ended = None
        wrapper.ensure_connection()
        conn = wrapper.connection
        conn.add_notify_handler(self._on_notify)
        conn.add_notice_handler(self._on_notice)
        conn.execute(f"SET application_name = '{APPLICATION_NAME}'")
        conn.execute(f"LISTEN {CHANNEL}")
        conn.execute(f"LISTEN {self._ping_channel}")
        present = conn.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgenabled <> 'D' "
            "AND tgrelid = 'bulletins_publicchanges'::regclass",
            [NOTIFY_TRIGGER],
        ).fetchone()
        if not present:
            raise _NoTrigger(f"trigger {NOTIFY_TRIGGER} is missing or disabled: run migrate")
        self._ping()
        self._proven_at = time.monotonic()
        # Whatever changed before LISTEN took effect went unheard: a new generation.
        self.generation += 1

    def _take_in(self):
        pgconn = self._wrapper.connection.pgconn
        pgconn.consume_input()  # reads what the socket holds; raises if the session is gone
        while notification := pgconn.notifies():  # also passes on a FATAL to _on_notice
            pgconn.notify_handler(notification)
        if self._ended:
            raise ConnectionError(self._ended)

    def _on_notify(self, notification):
        if notification.channel == self._ping_channel:
            self._pong = True
        else:
            self.generation += 1

    def _on_notice(self, diagnostic):
        # A session the server ends (a restart, pg_terminate_backend) says so before it closes.
        if diagnostic.severity_nonlocalized in ("FATAL", "PANIC"):
            self._ended = diagnostic.message_primary

    def _ping(self):
        self._pong = False
        self._wrapper.connection.execute(f"NOTIFY {self._ping_channel}")
        if not self._pong:  # PostgreSQL returns a session's own notification with its command
            raise ConnectionError("the listening session did not hear itself")

    def _drop(self, error, retry_after=None):
        if error is not None and not self._failing:  # once per outage, not once a second
            logger.warning("Not listening for changes to published content: %s", error)
        self._failing = error is not None
        wrapper, self._wrapper = self._wrapper, None
        self.memo = None
        self.generation += 1
        self._retry_at = time.monotonic() + (retry_after or RETRY_AFTER)
        if wrapper is not None:
            with contextlib.suppress(Exception):  # it is being dropped for being broken
                wrapper.close()


class _NoTrigger(Exception):
    pass


_lock = threading.Lock()
_listener = None
_listener_pid = None


def listener():
    """This process's listener; a forked process makes its own and leaves its parent's be."""
    global _listener, _listener_pid
    if _listener_pid != os.getpid():
        with _lock:
            if _listener_pid != os.getpid():
                _listener, _listener_pid = Listener(), os.getpid()
    return _listener


def enabled():
    return settings.NEWSROOM_STATE_WATCH and connections["default"].vendor == "postgresql"


def current_state(now=None):
    """The public state now: as last read while no change can have come since; else read."""
    now = now or timezone.now()
    watching = listener()
    if not watching.heard():
        return public_state(now)
    memo, generation = watching.memo, watching.generation
    if (
        memo is not None
        and memo.generation == generation
        and (memo.state.next_live is None or now < memo.state.next_live)
    ):
        return replace(memo.state, now=now)
    state = public_state(now)  # read after the notifications were taken in
    watching.memo = _Memo(generation, state)
    return state


def forget():
    """Read the state afresh on this process's next request (after it served a write)."""
    if _listener is not None and _listener_pid == os.getpid():
        _listener.memo = None
