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
    legacy, search, pages, hostile = (
        str(ROOT / "bench" / name)
        for name in ("bench_legacy.py", "bench_search.py", "bench_pages.py", "bench_hostile.py")
    )
    with_postgres = ["bash", str(ROOT / "scripts" / "with-postgres.sh")]
    subprocess.run([PYTHON, legacy], check=True, cwd=ROOT)
    subprocess.run([*with_postgres, PYTHON, legacy, "--skip-parse"], check=True, cwd=ROOT)
    # The pages and hostile benchmarks reuse the items the search benchmark generated.
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        subprocess.run([PYTHON, search], check=True, cwd=ROOT, env=env)
        subprocess.run([PYTHON, pages, "--reuse"], check=True, cwd=ROOT, env=env)
        subprocess.run([PYTHON, hostile, "--reuse"], check=True, cwd=ROOT, env=env)
    python = shlex.quote(PYTHON)
    every = " && ".join(
        [f"{python} {shlex.quote(search)}"]
        + [f"{python} {shlex.quote(script)} --reuse" for script in (pages, hostile)]
    )
    subprocess.run([*with_postgres, "bash", "-c", every], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
