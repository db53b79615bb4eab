"""A migration that rebuilds the issue, section or item table runs on SQLite as written, with
no trick, and the site goes on counting changes and searching after it.

On SQLite, Django rebuilds a table for most schema changes and renames the copy into place;
SQLite refuses the rename while the counting triggers of the other tables name the table that
is away (`newsroom.db_backends.sqlite3.schema`). Each test migrates a real SQLite file in a
subprocess (`migrating.py`), with two test migrations after the real ones that rebuild the
three tables (`rebuild_migrations/`).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite rebuilds tables to alter them; PostgreSQL alters them in place",
)

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *steps):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        DJANGO_SETTINGS_MODULE="newsroom.test_settings",
        DJANGO_DEBUG="1",  # load_demo runs in development only
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bulletins.tests.migrating", *steps],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_rebuilt(seen):
    """The test migrations did rebuild the three tables (or this file tests nothing)."""
    assert "rebuild_test_issue_number_positive" in seen["schemas"]["bulletins_issue"]
    assert "varchar(250)" in seen["schemas"]["bulletins_section"]
    assert "varchar(350)" in seen["schemas"]["bulletins_item"]


def assert_the_site_counts_and_searches(seen):
    assert seen["installed"] == seen["expected"]
    assert seen["edit_counted"], "an edit to a published item left the page cache's version"
    assert seen["delete_counted"], "deleting a published item left the page cache's version"
    assert seen["found_edited"] == [1, [seen["edited"]]], "search misses the edited item"
    assert seen["found_deleted"][0] == 0, "search still counts the deleted item"


def test_a_migration_that_rebuilds_issue_section_and_item_runs_on_sqlite_and_keeps_counting(
    tmp_path,
):
    """An existing site with published content: the rebuilds of issue, section and item."""
    seen = run(tmp_path, "migrate", "content", "rebuild")
    assert_rebuilt(seen)
    assert_the_site_counts_and_searches(seen)
    assert seen["found_deleted_by_migration"][0] == 0, (
        "search still counts the item a data migration deleted after the item table's rebuild"
    )


def test_a_new_sqlite_site_migrates_in_one_run_past_the_counting_triggers_and_the_rebuilds(
    tmp_path,
):
    """Migration 0013 makes the triggers and the rebuilds follow in the same `migrate`."""
    seen = run(tmp_path, "rebuild", "content")
    assert_rebuilt(seen)
    assert_the_site_counts_and_searches(seen)
