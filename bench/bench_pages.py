"""Benchmark the pages readers and their tools fetch, over generated items.

    python bench/bench_pages.py [--items 100000] [--reuse]

Uses DATABASE_URL (default: a fresh SQLite file in a temporary directory), with the items
that bench_search.py generates (`--reuse` keeps those already there). Each page is fetched
through Django's test client, with DEBUG off; prints the median time and the number of
queries per page. Asserts nothing.
"""

import argparse
import statistics
import time
from functools import partial

from bench_search import populate  # sets Django up before the project is imported
from django.db import connection
from django.test import Client

from bulletins.models import Issue, Item


def _counted(queries, execute, sql, params, many, context):
    queries.append(sql)
    return execute(sql, params, many, context)


def pages(newest, slug):
    deep_archive = max(1, Issue.objects.count() // 40)
    return [
        "/",
        f"/issues/{newest}/",
        "/issues/",
        f"/issues/?page={deep_archive}",
        f"/sections/{slug}/",
        f"/sections/{slug}/?page=50",
        f"/sections/{slug}/feed.rss",
        "/feeds/issues.rss",
        "/search/",
        "/search/?q=台积电",
        "/search/?q=不存在的新闻",
        "/api/items/",
        "/api/items/?page=100",
        "/api/issues/",
        "/sitemap.xml",
        "/sitemap-sections.xml",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the items in DATABASE_URL")
    args = parser.parse_args()
    vendor = populate(args.items, reuse=args.reuse)
    newest = Issue.objects.published().order_by("-number").values_list("number", flat=True)[0]
    slug = Issue.objects.get(number=newest).sections.order_by("position")[1].slug
    client = Client()
    print(f"[{vendor}] {Item.objects.count():,} items; median of {args.repeat} fetches")
    for url in pages(newest, slug):
        queries = []
        with connection.execute_wrapper(partial(_counted, queries)):  # also warms up templates
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"[{vendor}] {url:28} {statistics.median(times):8.1f} ms"
            f"  {len(queries):2} queries  {len(response.content) / 1024:7.0f} KB"
        )
        if "feed" in url:
            # A feed reader's next poll, with the tag of the copy it has.
            etag = response["ETag"]
            queries = []
            with connection.execute_wrapper(partial(_counted, queries)):
                polled = client.get(url, headers={"if-none-match": etag})
            assert polled.status_code == 304, (url, polled.status_code)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                client.get(url, headers={"if-none-match": etag})
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"[{vendor}] {'  … polled again, unchanged':28} {statistics.median(times):8.1f} ms"
                f"  {len(queries):2} queries  (304)"
            )


if __name__ == "__main__":
    main()
