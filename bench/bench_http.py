"""Benchmark reader pages over HTTP, cached and uncached, next to a static file.

    python bench/bench_http.py [--database sqlite|postgresql|both] [--duration 5]
                               [--connections 8,64] [--pages issue,home,...] [--baseline REV]

For each database: a fresh site with the legacy sample (29 items) published; gunicorn servers
(2 sync workers each, debug off) on the same database:

- cached: as deployed (page cache on; on PostgreSQL, each worker LISTENs for changes);
- unwatched (PostgreSQL only): cached, with NEWSROOM_STATE_WATCH=off, every hit reading the
  public state from the database, as before the watcher;
- uncached: NEWSROOM_PAGE_CACHE=off, every request a page cache miss, as the first view after
  a change to another issue (an issue's rendered contents are kept under its own count);
- cold: NEWSROOM_PAGE_CACHE=off and NEWSROOM_FRAGMENT_CACHE=off, everything rendered;
- today: the code of `--baseline` (default e3900c8, before issue #15), for the issue's pages.

wrk (Debian's) loads each page on each server in turn, right after a static file (whitenoise,
same gunicorn), at each number of connections. Prints requests/s and p50/p99
latencies; each page's cached requests/s as a share of the static file's; the uncached and
cold requests/s as multiples of today's. Goals (issue #15): cached >= 50 % of the static file;
the uncached issue page >= 3x today's. Asserts nothing. The machine's other work moves
absolute figures: the ratios, measured side by side in one run, are what to compare.
"""

import argparse
import contextlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import (  # noqa: E402
    ROOT,
    collect_static,
    gunicorn,
    manage,
    postgres_cluster,
    site_env,
)

SAMPLE = ROOT.parent / "shared" / "legacy" / "000_ac2c61553267274f.txt"
STATIC = "/static/css/site.css"
BASELINE = "e3900c8"  # main before issue #15
# The pages whose uncached render the goal is about, measured on every server.
RENDERED = {"issue", "home", "item"}
POPULATE = """
from bulletins.models import Issue
from django.utils import timezone
Issue.objects.update(status="published", published_at=timezone.now())
"""


def wrk(url, connections, duration):
    """Load `url` with wrk; return (requests/s, p50 ms, p99 ms, non-2xx/3xx + socket errors)."""
    threads = min(2, connections)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M)}
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return rps, latency["50"], latency["99"], errors


def _ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def populate(env, code=ROOT):
    """Build the benchmark's site with the migrations and commands of the code in `code`."""
    manage(env, "migrate", "--noinput", "-v0", code=code)
    collect_static(env, code=code)
    debug_env = {**env, "DJANGO_DEBUG": "1"}
    if SAMPLE.exists():
        manage(debug_env, "import_legacy", str(SAMPLE), capture=True, code=code)
    else:
        print(f"(the legacy sample is not at {SAMPLE}: the demo issue only)")
    manage(debug_env, "load_demo", capture=True, code=code)
    manage(env, "shell", "-c", POPULATE, code=code)


def page_urls():
    """The pages of the issue: the newest published issue, one of its items, a section."""
    script = (
        "from bulletins.models import Issue, Item\n"
        "issue = Issue.objects.get(source_hash__gt='') if Issue.objects.filter("
        "source_hash__gt='').exists() else Issue.objects.first()\n"
        "item = Item.objects.filter(section__issue=issue).order_by('section__position', "
        "'position')[3]\n"
        "print(issue.number, item.get_absolute_url(), item.section.slug)\n"
    )
    return script


def pages(number, item_url, slug):
    return {
        "issue": f"/issues/{number}/",
        "home": "/",
        "item": item_url,
        "archive": "/issues/",
        "section": f"/sections/{slug}/",
        "section feed": f"/sections/{slug}/feed.rss",
        "issues feed": "/feeds/issues.rss",
        "sitemap": "/sitemap.xml",
        "sitemap items": "/sitemap-items.xml",
        "api issues": "/api/issues/",
        "api issue": f"/api/issues/{number}/",
        "search": "/search/?q=%E8%8A%AF%E7%89%87",
        "api items": "/api/items/?q=%E8%8A%AF%E7%89%87",
    }


def export_baseline(revision, tmp):
    """A copy of the code at `revision` (git archive), its static files collected."""
    folder = tmp / "baseline"
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "locale").mkdir(exist_ok=True)
    shutil.copytree(ROOT / "locale", folder / "locale", dirs_exist_ok=True)  # with its .mo
    return folder


def measure(vendor, database_url, args, tmp):
    env = site_env(database_url, STATIC_ROOT=tmp / "static", MEDIA_ROOT=tmp / "media")
    populate(env)
    printed = manage(env, "shell", "-c", page_urls(), capture=True).stdout
    number, item_url, slug = printed.strip().splitlines()[-1].split()
    urls = pages(number, urllib.request.quote(item_url), urllib.request.quote(slug))
    chosen = args.pages.split(",") if args.pages else list(urls)
    variants = {
        "cached": env,
        "uncached": {**env, "NEWSROOM_PAGE_CACHE": "off"},
        "cold": {**env, "NEWSROOM_PAGE_CACHE": "off", "NEWSROOM_FRAGMENT_CACHE": "off"},
    }
    if vendor == "postgresql":
        variants["unwatched"] = {**env, "NEWSROOM_STATE_WATCH": "off"}
    if args.baseline:
        code = export_baseline(args.baseline, tmp)
        old = {**env, "PYTHONPATH": str(code)}
        collect_static(old, code=code)
        variants["today"] = (old, code)
    with contextlib.ExitStack() as stack:
        bases = {}
        for name, variant in variants.items():
            variant, code = variant if isinstance(variant, tuple) else (variant, ROOT)
            server = gunicorn(variant, workers=args.workers, code=code)
            bases[name] = stack.enter_context(server)[0]
        for base in bases.values():  # warm up: templates, connections, the caches
            for url in urls.values():
                for _ in range(3):
                    urllib.request.urlopen(base + url).read()
        for connections in args.connections:
            rows = []
            for name in chosen:
                # The static file right before each page: the machine's other work moves
                # absolute figures during a run, so each page is compared with its neighbour.
                row = {"static": wrk(bases["cached"] + STATIC, connections, args.duration)}
                for variant, base in bases.items():
                    if variant in ("cold", "today") and name not in RENDERED:
                        continue
                    row[variant] = wrk(base + urls[name], connections, args.duration)
                rows.append((name, row))
            _print(vendor, connections, rows)


def _print(vendor, connections, rows):
    statics = [row["static"][0] for _, row in rows]
    print(
        f"\n[{vendor}] {connections} connections; the static file measured before each page: "
        f"{min(statics):,.0f} to {max(statics):,.0f} req/s"
    )
    print(
        f"{'page':14} {'static':>6} | {'cached':>7} {'p50':>6} {'p99':>6} {'%static':>7} | "
        f"{'uncached':>8} {'p50':>6} {'p99':>6} | {'cold':>5} {'today':>5} "
        f"{'uncached/today':>14} {'cold/today':>10} | errors"
        + (f" | {'unwatched':>9} {'%static':>7}" if "unwatched" in rows[0][1] else "")
    )
    for name, row in rows:
        static, hit, miss = row["static"], row["cached"], row["uncached"]
        cold, today = row.get("cold"), row.get("today")
        errors = sum(figures[3] for figures in row.values())
        line = (
            f"{name:14} {static[0]:6,.0f} | "
            f"{hit[0]:7,.0f} {hit[1]:6.1f} {hit[2]:6.1f} {hit[0] / static[0]:7.0%} | "
            f"{miss[0]:8,.0f} {miss[1]:6.1f} {miss[2]:6.1f} | "
        )
        line += f"{cold[0]:5,.0f} " if cold else f"{'-':>5} "
        line += f"{today[0]:5,.0f} " if today else f"{'-':>5} "
        if today:
            line += f"{miss[0] / today[0]:13.1f}x {cold[0] / today[0]:9.1f}x"
        else:
            line += f"{'':14} {'':10}"
        line += f" | {errors:6}"
        if "unwatched" in row:
            unwatched = row["unwatched"][0]
            line += f" | {unwatched:9,.0f} {unwatched / static[0]:7.0%}"
        print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=int, default=3, help="seconds per measurement")
    parser.add_argument("--connections", default="8,64")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="", help="comma-separated names (default: all)")
    parser.add_argument(
        "--baseline", default=BASELINE, help="git revision to compare with ('' for none)"
    )
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: bash scripts/ensure-system-packages.sh --bench")
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-http-") as tmp:
        tmp = Path(tmp)
        if args.database in ("sqlite", "both"):
            measure("sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}", args, tmp / "sqlite")
        if args.database in ("postgresql", "both"):
            with postgres_cluster() as cluster:
                url = cluster.create_database("newsroom")
                measure("postgresql", url, args, tmp / "postgresql")


if __name__ == "__main__":
    main()
