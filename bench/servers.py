"""Start the servers that benchmarks, load runs and multi-process tests need, on 127.0.0.1.

Every server listens on a free port picked here, runs as a child of the caller and is stopped
with it (use the context managers). Nothing here touches a fixed, well-known port.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=30, process=None):
    """Wait until `url` answers at all (any HTTP status), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def site_env(database_url, **extra):
    """The environment of a production-like site (debug off) on `database_url`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "local-servers-only-key"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "0",  # plain HTTP on the loopback
        "DJANGO_HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, check=True, capture=False, code=ROOT):
    """Run `manage.py` of the code in `code` with `env`; return the completed process."""
    return subprocess.run(
        [PYTHON, str(code / "manage.py"), *args],
        env={**env, "PYTHONPATH": str(code)},
        cwd=code,
        check=check,
        text=True,
        capture_output=capture,
    )


def collect_static(env, code=ROOT):
    """Collect the static files once into the STATIC_ROOT of `env` (whitenoise serves them)."""
    manage(env, "collectstatic", "--noinput", "-v0", code=code)


@contextlib.contextmanager
def gunicorn(env, workers=2, timeout=30, log=None, extra_args=(), code=ROOT):
    """Serve the site (its code in `code`) with gunicorn (sync workers); yield (base URL,
    process)."""
    port = free_port()
    args = [
        PYTHON,
        "-m",
        "gunicorn",
        "newsroom.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--timeout={timeout}",
        "--graceful-timeout=5",
        f"--chdir={code}",
        *extra_args,
    ]
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        args, env=env, cwd=code, stdout=output, stderr=output, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/robots.txt", process=process)
        yield base, process
    finally:
        _stop(process)
        if log:
            output.close()


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def redis_server():
    """Run Debian's redis-server on a free port, without persistence; yield its URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


class PostgresCluster:
    """A throwaway PostgreSQL 15 cluster on a unix socket in a private temporary directory,
    that can be stopped and started again (to see what the site does while it is down)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.dir / "data"
        self._as_owner = []
        if os.getuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
            shutil.chown(self.dir, "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args, **kwargs):
        return subprocess.run([*self._as_owner, *args], check=True, capture_output=True, **kwargs)

    def init(self):
        self._run(
            str(PGBIN / "initdb"),
            "-D",
            str(self.data),
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        return self

    def start(self):
        options = f"-k {self.dir} -c listen_addresses='' -c fsync=off -c max_connections=200"
        self._run(
            str(PGBIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self, mode="fast"):
        self._run(str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name):
        self._run(str(PGBIN / "createdb"), "-h", str(self.dir), "-U", "postgres", name)
        return self.url(name)

    def url(self, name):
        from urllib.parse import quote

        return f"postgres://postgres@{quote(str(self.dir), safe='')}/{name}"

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop(mode="immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster():
    cluster = PostgresCluster().init()
    try:
        yield cluster
    finally:
        cluster.destroy()
