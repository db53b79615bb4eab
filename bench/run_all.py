"""Run every benchmark on SQLite, then the database ones on a throwaway PostgreSQL."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main():
    legacy = str(ROOT / "bench" / "bench_legacy.py")
    search = str(ROOT / "bench" / "bench_search.py")
    with_postgres = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), PYTHON]
    subprocess.run([PYTHON, legacy], check=True, cwd=ROOT)
    subprocess.run([*with_postgres, legacy, "--skip-parse"], check=True, cwd=ROOT)
    subprocess.run([PYTHON, search], check=True, cwd=ROOT)
    subprocess.run([*with_postgres, search], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
