"""A site backed up into one archive and restored into an empty database is the same site."""

import json
import os
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from reversion.models import Revision

from bench.servers import manage, site_env
from bulletins.backup import back_up, restore
from bulletins.models import Issue

from .searching import api_ids
from .site_content import build
from .site_snapshot import snapshot
from .test_two_instances import scratch_database

pytestmark = pytest.mark.django_db


def wipe(media_root):
    Issue.objects.all().delete()
    Revision.objects.all().delete()
    LogEntry.objects.all().delete()
    User.objects.all().delete()
    for path in sorted(Path(media_root).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_a_site_restored_from_its_backup_is_the_same_site(tmp_path, settings, client):
    build()
    before = snapshot()
    assert before["pictures"] and before["history"] and before["media"]  # all of it, really
    back_up(tmp_path / "site.tar.gz")
    wipe(settings.MEDIA_ROOT)
    assert snapshot()["issues"] == []

    restore(tmp_path / "site.tar.gz")

    assert snapshot() == before
    assert len(api_ids(client, q="卫星与半导体")[0]) == 12  # the index rebuilt: 2 issues of 6


def test_restore_refuses_a_site_that_has_content(tmp_path):
    build()
    back_up(tmp_path / "site.tar.gz")
    with pytest.raises(CommandError, match="restore into an empty database"):
        call_command("restore_site", str(tmp_path / "site.tar.gz"))


def test_restore_refuses_a_file_that_is_not_a_site_archive(tmp_path):
    (tmp_path / "notes.tar.gz").write_text("not an archive")
    with pytest.raises(CommandError, match="not a site archive"):
        call_command("restore_site", str(tmp_path / "notes.tar.gz"))
    with pytest.raises(CommandError, match="there is no file"):
        call_command("restore_site", str(tmp_path / "missing.tar.gz"))


def test_backup_refuses_to_overwrite_an_archive(tmp_path):
    (tmp_path / "site.tar.gz").write_text("yesterday's backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_site", str(tmp_path / "site.tar.gz"))


SNAPSHOT = "from bulletins.tests.site_snapshot import main; main()"


def printed(process):
    """The last line a `manage.py shell` printed (the shell announces its imports first)."""
    return process.stdout.strip().splitlines()[-1]


def test_a_site_moved_from_sqlite_to_postgresql_through_an_archive_is_identical(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs in the PostgreSQL pass of `make test` (DATABASE_URL is not PostgreSQL)")
    archive = tmp_path / "site.tar.gz"
    sqlite = site_env(f"sqlite:///{tmp_path / 'site.sqlite3'}", MEDIA_ROOT=tmp_path / "media-a")
    manage(sqlite, "migrate", "--noinput", "-v0")
    content = "from bulletins.tests.site_content import main; main()"
    manage(sqlite, "shell", "-c", content)
    manage(sqlite, "backup_site", str(archive), capture=True)

    with scratch_database(url) as database:
        postgres = site_env(database, MEDIA_ROOT=tmp_path / "media-b")
        manage(postgres, "migrate", "--noinput", "-v0")
        restored = manage(postgres, "restore_site", str(archive), capture=True)
        assert "Restored 4 issues, 24 items, 3 users" in restored.stdout

        before = json.loads(printed(manage(sqlite, "shell", "-c", SNAPSHOT, capture=True)))
        after = json.loads(printed(manage(postgres, "shell", "-c", SNAPSHOT, capture=True)))
        search = manage(
            postgres,
            "shell",
            "-c",
            "from django.test import Client; print(Client(HTTP_HOST='localhost')"
            ".get('/api/items/', {'q': '卫星与半导体'}).json()['count'])",
            capture=True,
            check=False,
        )

    assert before["media"] and before["history"] and before["users"]
    assert after == before
    assert search.returncode == 0, search.stderr
    assert printed(search) == "12"
