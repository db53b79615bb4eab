"""Load the site over HTTP for a fixed time: reader pages, search and the API, mixed.

    python bench/load.py [--database postgresql|sqlite] [--duration 60] [--connections 64]

A fresh site (the legacy sample and the demo issue, published) behind gunicorn (2 sync
workers, debug off, page cache on) on 127.0.0.1; wrk cycles through every reader page, feed,
sitemap, a dozen searches (each page of results a separate query) and the API. Prints
requests/s, latency percentiles and the count of each status class; the goal (issue #15) is
zero errors and zero 5xx. Exits 1 if any request failed or answered 5xx.
"""

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import page_urls, populate  # noqa: E402
from servers import gunicorn, manage, postgres_cluster, site_env  # noqa: E402

SEARCHES = [
    "芯片",
    "安全",
    "卫星",
    "5G",
    "数据",
    "漏洞",
    "半导体",
    "发布",
    "市场",
    "AI",
    "网络",
    "标准",
]

LUA = """
local paths = {%(paths)s}
local threads = {}
local counter = 0
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} counter = math.random(#paths) end
function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("counts")) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do io.write(string.format("status %%d: %%d\\n", code, n)) end
  io.write(string.format("socket errors: %%d %%d %%d %%d\\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%%s: %%.1f ms\\n", p, latency:percentile(p) / 1000))
  end
end
"""


def site_paths(env):
    """Every reader page of the site, searches and API queries, as paths."""
    script = (
        "from bulletins.models import Issue, Item, Section\n"
        "for issue in Issue.objects.published():\n"
        "    print(issue.get_absolute_url())\n"
        "    print(f'/api/issues/{issue.number}/')\n"
        "for item in Item.objects.filter(section__issue__status='published'):\n"
        "    print(item.get_absolute_url())\n"
        "for slug in set(Section.objects.values_list('slug', flat=True)):\n"
        "    print(f'/sections/{slug}/')\n"
        "    print(f'/sections/{slug}/feed.rss')\n"
        "    print(f'/sections/{slug}/feed.atom')\n"
    )
    printed = manage(env, "shell", "-c", script, capture=True).stdout.splitlines()
    paths = [urllib.parse.quote(line.strip()) for line in printed if line.startswith("/")]
    paths += ["/", "/issues/", "/feeds/issues.rss", "/feeds/issues.atom", "/sitemap.xml"]
    paths += ["/sitemap-issues.xml", "/sitemap-items.xml", "/sitemap-sections.xml"]
    paths += ["/robots.txt", "/api/issues/", "/api/items/", "/api/items/?page=2"]
    for term in SEARCHES:
        q = urllib.parse.quote(term)
        paths += [f"/search/?q={q}", f"/search/?q={q}&page=2", f"/api/items/?q={q}"]
    return paths


def wrk_command(base, paths, connections, duration, tmp):
    """The wrk command that cycles through `paths` on `base` (a Lua script written in `tmp`)."""
    script = Path(tmp) / "mix.lua"
    script.write_text(LUA % {"paths": ", ".join(f'"{p}"' for p in paths)})
    return [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base,
    ]


def run_wrk(base, paths, connections, duration, tmp):
    command = wrk_command(base, paths, connections, duration, tmp)
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def summarize(output):
    codes = {int(c): int(n) for c, n in re.findall(r"status (\d+): (\d+)", output)}
    statuses = {}
    for code, n in codes.items():
        statuses[code // 100] = statuses.get(code // 100, 0) + n
    sockets = [int(n) for n in re.search(r"socket errors: ([\d ]+)", output).group(1).split()]
    figures = {
        "requests/s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": sum(statuses.values()),
        "statuses": statuses,
        "codes": codes,
        "socket errors": sum(sockets),
        "latency": dict(re.findall(r"latency (p[\d.]+): ([\d.]+) ms", output)),
    }
    return figures


def setup_site(database_url, tmp):
    env = site_env(database_url, STATIC_ROOT=Path(tmp) / "static", MEDIA_ROOT=Path(tmp) / "media")
    populate(env)
    manage(env, "shell", "-c", page_urls(), capture=True)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    postgres = args.database == "postgresql"
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-load-") as tmp,
        postgres_cluster() if postgres else contextlib.nullcontext() as cluster,
    ):
        url = (
            cluster.create_database("newsroom")
            if postgres
            else f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        )
        env = setup_site(url, tmp)
        paths = site_paths(env)
        with gunicorn(env, workers=args.workers) as (base, _):
            output = run_wrk(base, paths, args.connections, args.duration, tmp)
    figures = summarize(output)
    failed = figures["socket errors"] + figures["statuses"].get(5, 0)
    print(
        f"[{args.database}] {args.duration} s at {args.connections} connections over "
        f"{len(paths)} URLs (pages, feeds, sitemaps, searches, API): "
        f"{figures['requests']:,} requests, {figures['requests/s']:,.0f} req/s"
    )
    print(f"  latency: {figures['latency']}")
    print(f"  statuses: {dict(sorted(figures['codes'].items()))}")
    print(f"  socket errors: {figures['socket errors']}; 5xx: {figures['statuses'].get(5, 0)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
