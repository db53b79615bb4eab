"""Know when the public state may have changed without asking PostgreSQL on every request.

A page cache hit needs the public state (`state.public_state`) to build its tag. On SQLite that
query runs in-process and costs little; on PostgreSQL it is a round trip to a server process
that shares the machine's cores, and it made a hit cost twice what a static file costs.

So on PostgreSQL each app process LISTENs on `CHANNEL`, which a trigger on the counter's table
NOTIFYs whenever the counter or the epoch moves (`triggers.postgres_statements`): whoever
writes, by whatever path, the notification is sent when the write commits. The process keeps
the state it last read and reuses it until one of these happens, then reads it again:

- a notification arrives (the listening thread counts it as a new generation);
- the next scheduled issue's publication time comes (the state says when);
- the listener has not proved its connection alive for `STALE_AFTER` seconds, or never
  connected, or found the notifying trigger missing: then every request reads the state,
  as without the watcher, until it is back.

A request carrying a session cookie (an editor's) always reads the state, so an editor sees
their own change on the very next page whichever process serves it; readers see it as soon as
the notification reaches the process, a fraction of a millisecond after the commit.
`NEWSROOM_STATE_WATCH=off` turns the watcher off.
"""

import logging
import os
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
# How often the listener proves its connection alive, and how long a proof is trusted.
PING_EVERY = 1.0
STALE_AFTER = 3.0
RETRY_AFTER = 1.0


class Watcher:
    """A daemon thread that LISTENs on `CHANNEL` on its own connection and counts what it hears.

    `generation` moves on every notification, and on every (re)connection, since whatever
    happened while it was not listening went unheard.
    """

    def __init__(self, alias="default"):
        self.alias = alias
        self.generation = 0
        self._alive_until = 0.0  # monotonic time until which the connection is trusted
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="newsroom-state-watch", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self, timeout=5.0):
        self._stop.set()
        self._thread.join(timeout)

    @property
    def listening(self):
        return time.monotonic() < self._alive_until

    def _run(self):
        failing = False
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as error:  # noqa: BLE001 - whatever broke: distrust, reconnect
                if not failing:  # once per outage, not once a second
                    logger.warning("Not listening for changes to published content: %s", error)
                failing = True
            else:
                failing = False
            self._alive_until = 0.0
            self.generation += 1
            self._stop.wait(RETRY_AFTER)

    def _listen(self):
        wrapper = connections.create_connection(self.alias)
        try:
            wrapper.ensure_connection()
            conn = wrapper.connection
            conn.execute(f"SET application_name = '{APPLICATION_NAME}'")
            conn.execute(f"LISTEN {CHANNEL}")
            if not conn.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = %s", [NOTIFY_TRIGGER]
            ).fetchone():
                logger.warning("Trigger %s is missing: run migrate", NOTIFY_TRIGGER)
                self._stop.wait(60)
                return
            # Whatever changed before LISTEN took effect is unknown: start a new generation.
            self.generation += 1
            self._alive_until = time.monotonic() + STALE_AFTER
            while not self._stop.is_set():
                for _notification in conn.notifies(timeout=PING_EVERY):
                    self.generation += 1
                conn.execute("SELECT 1")
                self._alive_until = time.monotonic() + STALE_AFTER
        finally:
            self._alive_until = 0.0
            wrapper.close()


@dataclass(frozen=True)
class _Memo:
    generation: int
    state: PublicState


_lock = threading.Lock()
_watcher = None
_watcher_pid = None
_memo = None


def watcher():
    """This process's watcher, started on first use (after gunicorn forked the worker)."""
    global _watcher, _watcher_pid
    if _watcher_pid != os.getpid():
        with _lock:
            if _watcher_pid != os.getpid():
                _watcher, _watcher_pid = Watcher().start(), os.getpid()
    return _watcher


def enabled():
    return settings.NEWSROOM_STATE_WATCH and connections["default"].vendor == "postgresql"


def current_state(now=None):
    """The public state now: as last read, while nothing can have changed it; else read."""
    global _memo
    now = now or timezone.now()
    watching = watcher()
    generation = watching.generation  # before reading: a change during the read is a new one
    memo = _memo
    if (
        watching.listening
        and memo is not None
        and memo.generation == generation
        and (memo.state.next_live is None or now < memo.state.next_live)
    ):
        return replace(memo.state, now=now)
    state = public_state(now)
    if watching.listening:
        _memo = _Memo(generation, state)
    return state


def reset():
    """Forget the state last read (tests)."""
    global _memo
    _memo = None
