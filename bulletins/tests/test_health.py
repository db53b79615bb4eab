"""`/healthz`: what a load balancer polls to know whether this server can answer."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_200_without_a_login_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    cache_control = client.get("/healthz")["Cache-Control"]
    assert "no-store" in cache_control and "max-age=0" in cache_control


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_when_everything_else_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_answers_a_load_balancer_that_polls_by_address(client):
    assert client.get("/", HTTP_HOST="10.20.30.40").status_code == 400  # not an allowed host
    assert client.get("/healthz", HTTP_HOST="10.20.30.40").status_code == 200


def poll_with(database_url, timeout=60):
    """Poll /healthz in a fresh process whose database is `database_url`."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "response = Client().get('/healthz'); "
        "print(response.status_code, response.content.decode().strip())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.test_settings",
        DJANGO_ALLOWED_HOSTS="testserver",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


@pytest.mark.parametrize(
    "database_url",
    [
        "sqlite:////nonexistent-folder/newsroom.sqlite3",
        "postgres://postgres@%2Fnonexistent-socket-folder/newsroom",
    ],
    ids=["sqlite-file-cannot-be-opened", "postgresql-server-not-there"],
)
def test_healthz_answers_503_when_the_database_is_unreachable(database_url):
    assert poll_with(database_url) == "503 database unreachable"


def test_healthz_answers_503_for_an_empty_new_sqlite_file(tmp_path):
    # Opening a missing SQLite file creates an empty one: that is no working database.
    assert poll_with(f"sqlite:///{tmp_path / 'empty.sqlite3'}") == "503 database unreachable"


def test_healthz_answers_503_in_seconds_when_the_database_server_never_answers():
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        started = time.monotonic()
        answer = poll_with(f"postgres://newsroom@127.0.0.1:{port}/newsroom", timeout=25)
        assert answer == "503 database unreachable"
        assert time.monotonic() - started < 20  # gunicorn would kill a worker at 30 s


@pytest.mark.django_db
def test_healthz_answers_a_head_request_over_plain_http(client, settings):
    # Load balancers often poll with HEAD; it must not be sent to https or to a 404.
    settings.SECURE_SSL_REDIRECT = True
    response = client.head("/healthz")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
