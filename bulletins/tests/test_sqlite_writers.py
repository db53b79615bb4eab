"""SQLite with an editor saving while others read or save: each waits, none fails.

Each test runs a fresh Python process on a new SQLite file with the production settings and
the environment given, so what is checked is what `newsroom/settings.py` configures: the WAL
journal (readers never hold up a save) and the busy timeout (a save waits its turn,
`SQLITE_BUSY_TIMEOUT` seconds, 20 by default).
"""

import os
import textwrap

import pytest

from .test_deployment_settings import PRODUCTION, run

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the SQLite settings are checked once, in the SQLite run of the suite",
)

# A reader half-way through a long page (a feed, the archive) keeps its read open meanwhile.
SAVE_WHILE_A_READER_READS = """
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE page (id INTEGER PRIMARY KEY, body TEXT)")
    cursor.executemany("INSERT INTO page (body) VALUES (%s)", [("text",)] * 500)
reader = connections.create_connection("default")
reading = reader.cursor()
reading.execute("SELECT body FROM page")
reading.fetchone()
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.execute("UPDATE page SET body = 'saved' WHERE id = 1")
print("saved")
"""

# One editor's save holds the write lock for HOLD seconds; another saves meanwhile.
SAVE_WHILE_ANOTHER_SAVES = """
import threading, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
holding = threading.Event()

def first_editor():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO note (body) VALUES ('first')")
        holding.set()
        time.sleep(HOLD)
    connection.close()

thread = threading.Thread(target=first_editor)
thread.start()
holding.wait()
try:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO note (body) VALUES ('second')")
    print("saved")
finally:
    thread.join()
"""


def run_on_a_new_sqlite_file(tmp_path, script, **environment):
    database = tmp_path / "newsroom.sqlite3"
    return run(
        ["-c", textwrap.dedent(script)],
        **PRODUCTION,
        DATABASE_URL=f"sqlite:///{database}",
        **environment,
    )


def test_a_save_is_not_held_up_by_a_reader_still_reading(tmp_path):
    # Without the WAL journal the save waits for the reader until the busy timeout and fails.
    result = run_on_a_new_sqlite_file(tmp_path, SAVE_WHILE_A_READER_READS, SQLITE_BUSY_TIMEOUT="1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "saved"


def test_a_save_waits_for_another_editors_long_save_instead_of_failing(tmp_path):
    # Longer than the 5 s SQLite drivers wait by default, well within the 20 s configured.
    script = SAVE_WHILE_ANOTHER_SAVES.replace("HOLD", "6")
    result = run_on_a_new_sqlite_file(tmp_path, script)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "saved"


def test_the_wait_for_another_save_is_bounded_by_sqlite_busy_timeout(tmp_path):
    script = SAVE_WHILE_ANOTHER_SAVES.replace("HOLD", "3")
    result = run_on_a_new_sqlite_file(tmp_path, script, SQLITE_BUSY_TIMEOUT="1")
    assert result.returncode != 0
    assert "database is locked" in result.stderr
