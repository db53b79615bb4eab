"""Several processes write to one database at once: each waits its turn, none fails.

The processes are real (subprocesses) and share a real database: a SQLite file (the
in-memory test database cannot be shared) or, on PostgreSQL, the test database itself.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from bulletins.models import Issue, Item

from .legacy_render import render

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def process_env(database_url):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.test_settings",
        DJANGO_ALLOWED_HOSTS="testserver",
        PYTHONPATH=str(ROOT),
    )
    return env


def start(database_url, *args, stdin=None):
    return subprocess.Popen(
        [sys.executable, *args],
        stdin=stdin,
        cwd=ROOT,
        env=process_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process, timeout=240):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def run(database_url, *args):
    code, out, err = finish(start(database_url, *args))
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("shared-db") / "template.sqlite3"
    run(f"sqlite:///{path}", "manage.py", "migrate", "--noinput", "-v0")
    return path


@pytest.fixture
def shared_database(request, tmp_path):
    """A DATABASE_URL other processes can write to, with this project's migrations applied."""
    if connection.vendor == "sqlite":
        template = request.getfixturevalue("migrated_sqlite_file")
        path = tmp_path / "shared.sqlite3"
        path.write_bytes(template.read_bytes())
        return f"sqlite:///{path}"
    params = connection.settings_dict
    auth = quote(params["USER"], safe="")
    if params["PASSWORD"]:
        auth += ":" + quote(params["PASSWORD"], safe="")
    host = quote(params["HOST"] or "", safe="")
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{params['NAME']}"


def count_in(database_url, model):
    """Count rows as another process sees them (SQLite file) or in this test database."""
    if connection.vendor != "sqlite":
        return model.objects.count()
    code = f"from {model.__module__} import {model.__name__} as M; print(M.objects.count())"
    return int(run(database_url, "-c", f"import django; django.setup(); {code}"))


def write_legacy_files(folder, worker, count):
    folder.mkdir()
    for index in range(count):
        headline = f"第 {worker} 组第 {index} 号文件的新闻标题"
        body = f"这是第 {worker} 组第 {index} 号文件的正文，用来测试几个导入同时进行。"
        text = render([(1, "安全行业一周要闻", [headline], [(headline, body)])])
        # Names without an issue number (a name like "007.txt" would propose No. 7).
        (folder / f"batch{worker}-{index:03}.txt").write_text(text, encoding="utf-8")
    return folder


def test_four_parallel_imports_of_fifty_files_each_all_succeed(shared_database, tmp_path):
    folders = [write_legacy_files(tmp_path / f"batch{w}", w, 50) for w in range(4)]
    processes = [
        start(shared_database, "manage.py", "import_legacy", str(folder), "--json")
        for folder in folders
    ]
    numbers = []
    for code, out, err in [finish(process) for process in processes]:
        assert code == 0, err[-2000:]
        reports = [json.loads(line) for line in out.splitlines()]
        assert len(reports) == 50
        assert all(report["ok"] for report in reports)
        numbers += [report["issue_number"] for report in reports]
    assert sorted(numbers) == list(range(1, 201))
    assert count_in(shared_database, Issue) == 200
    assert count_in(shared_database, Item) == 200


def test_two_editors_saving_the_same_issue_at_the_same_moment_get_no_error(shared_database):
    issue_id = run(shared_database, "-m", "bulletins.tests.concurrency_worker", "setup").strip()
    rounds = 5
    editors = [
        start(
            shared_database,
            *("-m", "bulletins.tests.concurrency_worker", "save", issue_id, label, str(rounds)),
            stdin=subprocess.PIPE,
        )
        for label in ("a", "b")
    ]
    for editor in editors:  # both have the compose screen open
        assert editor.stdout.readline().strip() == "ready", editor.stderr.read()[-2000:]
    moment = f"{time.time() + 0.3}\n"
    for editor in editors:
        editor.stdin.write(moment)
        editor.stdin.flush()
    results = [finish(editor) for editor in editors]
    for code, _, err in results:
        assert code == 0, err[-2000:]
    statuses = [status for _, out, _ in results for status in json.loads(out)]
    assert len(statuses) == 2 * rounds
    # One save waits for the other; the compose screen's edit check may then refuse the
    # later one with a message (200), but nobody gets a server error.
    assert set(statuses) <= {200, 302}
    assert 302 in statuses
    assert count_in(shared_database, Item) == 5
