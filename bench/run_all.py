"""Run every benchmark on SQLite, then the database ones on a throwaway PostgreSQL."""

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main():
    legacy, search, pages = (
        str(ROOT / "bench" / name)
        for name in ("bench_legacy.py", "bench_search.py", "bench_pages.py")
    )
    with_postgres = ["bash", str(ROOT / "scripts" / "with-postgres.sh")]
    subprocess.run([PYTHON, legacy], check=True, cwd=ROOT)
    subprocess.run([*with_postgres, PYTHON, legacy, "--skip-parse"], check=True, cwd=ROOT)
    # The pages benchmark reuses the items the search benchmark generated and indexed.
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        subprocess.run([PYTHON, search], check=True, cwd=ROOT, env=env)
        subprocess.run([PYTHON, pages, "--reuse"], check=True, cwd=ROOT, env=env)
    python = shlex.quote(PYTHON)
    both = f"{python} {shlex.quote(search)} && {python} {shlex.quote(pages)} --reuse"
    subprocess.run([*with_postgres, "bash", "-c", both], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
