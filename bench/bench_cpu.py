"""CPU time per request, in-process: what each page costs the app, whatever else the machine does.

    python bench/bench_cpu.py [--requests 300] [--baseline e3900c8]

bench_http.py measures through gunicorn and wrk, which share the machine's cores with
everything else running; this measures the same requests as CPU seconds of the process that
serves them (`time.process_time`), calling the WSGI application directly (middleware, views,
templates, SQLite queries included; no HTTP server). On a shared machine it moves far less
than requests/s do. One subprocess per variant, on one SQLite site (the legacy sample
published): cached, uncached (NEWSROOM_PAGE_CACHE=off), edited (the first view after an
editor changed one item of the latest issue: a page cache miss, its other items kept), cold
(and NEWSROOM_FRAGMENT_CACHE=off) and today's code (`--baseline`, on a site its own code
built, so that its search reads its own index). Prints milliseconds of CPU
per request and the ratios of the goals. Asserts nothing.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PAGES = {
    "static file": "/static/css/site.css",
    "issue": None,  # filled in from the site
    "home": "/",
    "item": None,
    "archive": "/issues/",
    "section": None,
    "issues feed": "/feeds/issues.rss",
    "api issue": None,
    "search": "/search/?q=" + urllib.parse.quote("芯片"),
}


def measure(urls, requests):
    """In the worker: CPU ms per request of each URL through the WSGI application."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def call(url):
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            # WSGI carries the path's bytes as latin-1 characters.
            "PATH_INFO": urllib.parse.unquote(
                urllib.parse.quote(path, safe="/%"), encoding="latin-1"
            ),
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = application(environ, lambda s, headers, exc_info=None: status.append(s))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return status[0]

    edit = edit_one_item() if os.environ.get("BENCH_EDIT_BEFORE_EACH") else None
    figures = {}
    for name, url in urls.items():
        for _ in range(5):
            status = call(url)  # warm up: templates, connection, caches
        if not status.startswith("200"):
            raise SystemExit(f"{url}: {status}")
        spent = 0.0
        for _ in range(requests):
            if edit:
                edit()  # not timed: only the first view after it is
            start = time.process_time()
            call(url)
            spent += time.process_time() - start
        figures[name] = spent / requests * 1000
    print(json.dumps(figures))


def edit_one_item():
    """Return a function that changes one item of the latest issue, as an editor's save does:
    every page showing it is then a cache miss, and its issue's other items are unchanged."""
    import itertools

    from bulletins.models import Issue, Item

    item = Item.objects.filter(section__issue=Issue.objects.published().newest_first()[0])[0]
    counter = itertools.count(1)

    def edit():
        Item.objects.filter(pk=item.pk).update(title=f"{item.title}（第 {next(counter)} 次修改）")

    return edit


def run_variant(code, env, urls, requests):
    command = [sys.executable, __file__, "--worker", json.dumps(urls), "--requests", str(requests)]
    done = subprocess.run(
        command, env={**env, "PYTHONPATH": str(code)}, cwd=code, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"the measurement in {code} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--baseline", default="e3900c8")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, os.getcwd())
        measure(json.loads(args.worker), args.requests)
        return

    from bench_http import export_baseline, page_urls, populate
    from servers import ROOT, manage, site_env

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-cpu-") as tmp:
        tmp = Path(tmp)
        env = site_env(f"sqlite:///{tmp / 'site.sqlite3'}", STATIC_ROOT=tmp / "static")
        env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
        populate(env)
        printed = manage(env, "shell", "-c", page_urls(), capture=True).stdout
        number, item_url, slug = printed.strip().splitlines()[-1].split()
        urls = {
            **PAGES,
            "issue": f"/issues/{number}/",
            "item": item_url,
            "section": f"/sections/{slug}/",
            "api issue": f"/api/issues/{number}/",
        }
        variants = {
            "cached": (ROOT, env),
            "uncached": (ROOT, {**env, "NEWSROOM_PAGE_CACHE": "off"}),
            "edited": (ROOT, {**env, "BENCH_EDIT_BEFORE_EACH": "1"}),
            "cold": (
                ROOT,
                {**env, "NEWSROOM_PAGE_CACHE": "off", "NEWSROOM_FRAGMENT_CACHE": "off"},
            ),
        }
        if args.baseline:
            code = export_baseline(args.baseline, tmp)
            # A site of its own, built by that code: it could not read the search index (and
            # other tables) of today's, and would measure a search that finds nothing.
            old_env = {**env, "DATABASE_URL": f"sqlite:///{tmp / 'baseline.sqlite3'}"}
            populate(old_env, code=code)
            printed = manage(old_env, "shell", "-c", page_urls(), capture=True, code=code).stdout
            if printed.strip().splitlines()[-1].split() != [number, item_url, slug]:
                raise SystemExit("the baseline's site does not have the same pages")
            variants["today"] = (code, old_env)
        results = {
            name: run_variant(code, e, urls, args.requests) for name, (code, e) in variants.items()
        }

    print(f"CPU ms per request, in-process, SQLite, {args.requests} requests each")
    names = list(variants)
    header = "  cached/static  today/uncached  today/edited"
    print(f"{'page':12} " + " ".join(f"{n:>9}" for n in names) + header)
    static = results["cached"]["static file"]
    for page in urls:
        row = [results[n][page] for n in names]
        line = f"{page:12} " + " ".join(f"{v:9.3f}" for v in row)
        if page != "static file":
            line += f"  {static / results['cached'][page]:12.0%}"
            if "today" in results:
                line += f"  {results['today'][page] / results['uncached'][page]:13.1f}x"
                line += f"  {results['today'][page] / results['edited'][page]:11.1f}x"
        print(line)


if __name__ == "__main__":
    main()
