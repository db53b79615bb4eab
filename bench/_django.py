"""Set up Django for a benchmark: DATABASE_URL, or a fresh SQLite file in a temporary folder."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_DEBUG"] = ""
    os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain HTTP
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
