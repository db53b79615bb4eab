"""The state of what readers can see, read in one small query: the validator of every cache.

Readers' pages change in two ways only:

- a write to a published (or scheduled) issue, its sections or its items: the database counts
  every such change as it commits (triggers of migration 0013), whoever writes;
  A random epoch, drawn with the database, tells databases apart (a restored backup, say).
- time, when a scheduled issue reaches its publication time: the latest publication time that
  has passed moves to it. No cron and no worker are needed for the page to show it.

Both are answered from indexes (the counter is one row; the publish rule's index gives the
latest passed and the next coming publication time), whatever the size of the archive.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..models import Issue

_SQL = """
SELECT
    (SELECT changes FROM bulletins_publicchanges WHERE id = 1),
    (SELECT epoch FROM bulletins_publicchanges WHERE id = 1),
    (SELECT MAX(published_at) FROM bulletins_issue WHERE status = %s AND published_at <= %s),
    (SELECT MIN(published_at) FROM bulletins_issue WHERE status = %s AND published_at > %s)
"""


@dataclass(frozen=True)
class PublicState:
    changes: int
    epoch: str
    last_live: datetime | None
    next_live: datetime | None
    now: datetime

    @property
    def version(self):
        """What the content depends on; equal versions mean identical pages."""
        return (self.epoch, self.changes, self.last_live.isoformat() if self.last_live else None)

    def seconds_to_next_live(self):
        """Whole seconds until the next scheduled issue goes live; None if none is scheduled."""
        if self.next_live is None:
            return None
        return max(0, int((self.next_live - self.now).total_seconds()))


def _as_datetime(value):
    # A raw cursor on SQLite returns the stored text (UTC); PostgreSQL an aware datetime.
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def public_state(now=None):
    """Read the state of the published content, in one query (see the module's docstring)."""
    now = now or timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    published = Issue.Status.PUBLISHED.value
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [published, stamp, published, stamp])
        changes, epoch, last_live, next_live = cursor.fetchone()
    return PublicState(
        changes or 0, epoch or "", _as_datetime(last_live), _as_datetime(next_live), now
    )


@cache
def release():
    """Fingerprint the code and the templates and translations that shape every page, so that
    a deployment never serves pages, or answers 304 for pages, that an older release rendered.

    `NEWSROOM_RELEASE` names the release instead (say, a git commit) when set.
    """
    if settings.NEWSROOM_RELEASE:
        return settings.NEWSROOM_RELEASE
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    patterns = ("bulletins/**/*.py", "bulletins/**/*.html", "templates/**/*.html", "locale/**/*.mo")
    for path in sorted(p for pattern in patterns for p in root.glob(pattern)):
        if "tests" in path.relative_to(root).parts:
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def count_public_change():
    """Count a change to what readers see that the database cannot see as one: a rebuilt
    search index, say. Writes to issues, sections and items are counted by the database."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bulletins_publicchanges SET changes = changes + 1 WHERE id = 1")


def issue_changes():
    """An issue's own count of changes, to `annotate` issues with (0 before its first)."""
    return RawSQL(
        "SELECT changes FROM bulletins_issuechanges WHERE issue_id = bulletins_issue.id", ()
    )
