"""The README's production steps, run as written on a fresh clone, give a site in Chinese.

Runs in the PostgreSQL pass of `make test` (production runs on PostgreSQL): it clones this
repository's committed state into a temporary directory, makes a database of its own in the
cluster that pass started, and runs the README's block of steps with bash — a new virtualenv
and `pip install` (from the package index, about 15 s), `compilemessages`, `collectstatic`,
`migrate` and gunicorn — then asks the site for pages.
"""

import os
import re
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.servers import free_port, wait_for

from .test_two_instances import scratch_database

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- production-steps"


def production_steps():
    readme = (ROOT / "README.md").read_text()
    after = readme[readme.index(MARKER) :]
    return re.search(r"```sh\n(.*?)```", after, re.S).group(1)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_readme_production_steps_give_a_site_that_answers_in_chinese(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs in the PostgreSQL pass of `make test` (DATABASE_URL is not PostgreSQL)")
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to clone")
    port = free_port()
    with scratch_database(url) as database:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            "NEWSROOM_REPO": str(ROOT),
            "PORT": str(port),
            "DJANGO_SECRET_KEY": "production-steps-test-key-" + "x" * 30,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_HTTPS": "0",  # plain HTTP on the loopback; TLS is nginx's in production
            "DATABASE_URL": database,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STATIC_ROOT": str(tmp_path / "static"),
        }
        log = tmp_path / "steps.log"
        with open(log, "wb") as output:
            steps = subprocess.Popen(
                ["bash", "-euo", "pipefail", "-c", production_steps()],
                cwd=tmp_path,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                try:
                    wait_for(f"http://127.0.0.1:{port}/healthz", timeout=300, process=steps)
                except (RuntimeError, TimeoutError) as error:
                    pytest.fail(f"{error}\n{log.read_text()[-3000:]}")
                home = get(f"http://127.0.0.1:{port}/")
                login = get(f"http://127.0.0.1:{port}/admin/login/")
                health = get(f"http://127.0.0.1:{port}/healthz")
                html = home[1]
                stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html)
                css = get(f"http://127.0.0.1:{port}{stylesheet.group(1)}") if stylesheet else None
            finally:
                os.killpg(steps.pid, signal.SIGTERM)
                steps.wait(timeout=30)

    assert (tmp_path / "newsroom" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists()
    assert home[0] == 200 and "还没有发布任何一期" in html  # translated: compilemessages ran
    assert login[0] == 200 and "登录" in login[1]
    assert health == (200, "ok\n")  # migrated
    assert css and css[0] == 200  # collected, under its hashed name
