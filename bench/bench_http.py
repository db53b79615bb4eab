"""Benchmark reader pages over HTTP, cached and uncached, next to a static file.

    python bench/bench_http.py [--database sqlite|postgresql|both] [--duration 5]
                               [--connections 8,64] [--pages issue,home,...]

For each database: a fresh site with the legacy sample (29 items) and the demo issue, both
published; two gunicorn servers (2 sync workers each, debug off), one with the page cache on
and one with it off (NEWSROOM_PAGE_CACHE=off); wrk (Debian's) loads each page on each server
in turn, and a static file (whitenoise, same gunicorn) before and after, at each number of
connections. Prints requests/s and p50/p99 latencies, and each page's cached requests/s as a
share of the static file's. Goals (issue #15): cached >= 50 % of the static file; the uncached
issue page >= 3x 114 req/s. Asserts nothing. Run it on a quiet machine: the figures are ratios
measured side by side in one run precisely because absolute figures vary with load.
"""

import argparse
import contextlib
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import ROOT, collect_static, gunicorn, manage, postgres_cluster, site_env  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "legacy" / "000_ac2c61553267274f.txt"
STATIC = "/static/css/site.css"
POPULATE = """
from bulletins.models import Issue
from django.utils import timezone
Issue.objects.update(status="published", published_at=timezone.now())
"""


def wrk(url, connections, duration):
    """Load `url` with wrk; return (requests/s, p50 ms, p99 ms, non-2xx/3xx + socket errors)."""
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
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


def populate(env):
    manage(env, "migrate", "--noinput", "-v0")
    collect_static(env)
    debug_env = {**env, "DJANGO_DEBUG": "1"}
    if SAMPLE.exists():
        manage(debug_env, "import_legacy", str(SAMPLE), capture=True)
    else:
        print(f"(the legacy sample is not at {SAMPLE}: the demo issue only)")
    manage(debug_env, "load_demo", capture=True)
    manage(env, "shell", "-c", POPULATE)


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


def measure(vendor, database_url, args, tmp):
    env = site_env(database_url, STATIC_ROOT=tmp / "static", MEDIA_ROOT=tmp / "media")
    populate(env)
    printed = manage(env, "shell", "-c", page_urls(), capture=True).stdout
    number, item_url, slug = printed.strip().splitlines()[-1].split()
    urls = pages(number, urllib.request.quote(item_url), urllib.request.quote(slug))
    chosen = args.pages.split(",") if args.pages else list(urls)
    off = {**env, "NEWSROOM_PAGE_CACHE": "off"}
    rows = []
    with contextlib.ExitStack() as stack:
        cached, _ = stack.enter_context(gunicorn(env, workers=args.workers))
        uncached, _ = stack.enter_context(gunicorn(off, workers=args.workers))
        for base in (cached, uncached):  # warm up: templates, connections, the cache
            for url in urls.values():
                for _ in range(3):
                    urllib.request.urlopen(base + url).read()
        for connections in args.connections:
            static_before = wrk(cached + STATIC, connections, args.duration)
            for name in chosen:
                hit = wrk(cached + urls[name], connections, args.duration)
                miss = wrk(uncached + urls[name], connections, args.duration)
                rows.append((name, connections, hit, miss))
            static_after = wrk(cached + STATIC, connections, args.duration)
            static = tuple((a + b) / 2 for a, b in zip(static_before, static_after, strict=True))
            rows.append(("static file", connections, static, None))
            _print(vendor, connections, rows, static, static_before[0], static_after[0])
            rows = []


def _print(vendor, connections, rows, static, before, after):
    print(
        f"\n[{vendor}] {connections} connections; static file {static[0]:,.0f} req/s "
        f"(before {before:,.0f}, after {after:,.0f})"
    )
    print(
        f"{'page':14} {'cached req/s':>12} {'p50 ms':>7} {'p99 ms':>7} {'% static':>8}   "
        f"{'uncached req/s':>14} {'p50 ms':>7} {'p99 ms':>7}  errors"
    )
    for name, _, hit, miss in rows:
        line = f"{name:14} {hit[0]:12,.0f} {hit[1]:7.1f} {hit[2]:7.1f} {hit[0] / static[0]:8.0%}   "
        if miss:
            line += f"{miss[0]:14,.0f} {miss[1]:7.1f} {miss[2]:7.1f}  {hit[3] + miss[3]}"
        else:
            line += f"{'':14} {'':7} {'':7}  {hit[3]}"
        print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", default="8,64")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="", help="comma-separated names (default: all)")
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
