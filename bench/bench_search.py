"""Benchmark search: index build time and query latency over generated items.

    python bench/bench_search.py [--items 100000]

Uses DATABASE_URL (default: a fresh SQLite file in a temporary directory). Prints figures;
asserts nothing. Goals (issue #4): p50 < 10 ms, p95 < 50 ms over 100,000 items.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

import _django  # noqa: I001 (sets Django up before the project is imported)

_django.setup()
ROOT, TMP = _django.ROOT, _django.TMP

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bulletins.filters import ItemFilter  # noqa: E402
from bulletins.models import Issue, Item, Section  # noqa: E402
from bulletins.search import rebuild_index, tidy_index  # noqa: E402

COMMON = list("的是在了和有为与将等年月日中国市场技术发展企业产品数据网络服务行业全球公司")
WORDS = [
    "芯片",
    "半导体",
    "晶圆",
    "代工",
    "封装",
    "卫星",
    "通信",
    "基站",
    "网络安全",
    "漏洞",
    "数据中心",
    "云服务",
    "人工智能",
    "大模型",
    "物联网",
    "工业互联网",
    "光刻机",
    "存储",
    "台积电",
    "华为",
    "英伟达",
    "路透社",
    "高通",
    "英特尔",
    "三星",
    "中国移动",
    "奇安信",
    "Azure",
    "Wi-Fi 7",
    "5G-A",
    "5G",
    "RedCap",
    "AI",
    "CPU",
    "GPU",
    "EUV",
    "OpenAI",
]
SECTIONS = [
    "安全行业一周要闻",
    "半导体行业一周要闻",
    "物联网行业一周要闻",
    "5G/6G 行业一周要闻",
    "科技行业一周要闻",
]
QUERIES = [
    "卫", "芯", "鼠",
    "华为", "卫星", "芯片", "光刻",
    "台积电", "英伟达", "路透社",
    "网络安全", "工业互联", "数据中心",
    "azure", "wi-fi 7", "5G-A", "redcap", "openai",
    "5G 基站", "AI 芯片", "华为 卫星",
    "不存在的新闻",
]  # fmt: skip


# Word frequencies fall off as in real news (Zipf): 芯片 is common, 路透社 is rare.
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]


def text(rng, length):
    out = []
    while sum(map(len, out)) < length:
        if rng.random() < 0.04:
            word = rng.choices(WORDS, WEIGHTS)[0]
            out.append(f" {word} " if word.isascii() else word)
        else:
            out.append("".join(rng.choices(COMMON, k=rng.randint(2, 6))))
        if rng.random() < 0.08:
            out.append("。")
    return "".join(out).replace("  ", " ").strip()


def generate(count):
    rng = random.Random(4)
    per_section, per_issue = 10, 50
    now = timezone.now()
    with transaction.atomic():
        issues = Issue.objects.bulk_create(
            Issue(
                number=n,
                title=f"第{n}期",
                status=Issue.Status.PUBLISHED,
                published_at=now - timedelta(days=7 * (count // per_issue - n + 1)),
                issue_date=timezone.localdate(now)
                - timedelta(days=7 * (count // per_issue - n + 1)),
            )
            for n in range(1, count // per_issue + 1)
        )
        sections = Section.objects.bulk_create(
            Section(issue=issue, position=p, title=title, slug=f"s{p}")
            for issue in issues
            for p, title in enumerate(SECTIONS, start=1)
        )
        batch = []
        for section in sections:
            for p in range(1, per_section + 1):
                batch.append(
                    Item(
                        section=section,
                        position=p,
                        title=text(rng, rng.randint(12, 28)),
                        body="\n".join(text(rng, rng.randint(80, 160)) for _ in range(3)),
                    )
                )
            if len(batch) >= 5000:
                Item.objects.bulk_create(batch)
                batch = []
        Item.objects.bulk_create(batch)


def populate(count, *, reuse=False):
    """Generate and index `count` items (unless `reuse` finds items there); return the vendor.

    Prints how long generating and indexing took. On PostgreSQL, ANALYZE follows, so that
    queries are planned from the items' figures.
    """
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    if not (reuse and Item.objects.exists()):
        start = time.perf_counter()
        generate(count)
        elapsed = time.perf_counter() - start
        print(f"[{vendor}] generated {Item.objects.count():,} items in {elapsed:.1f} s")

        start = time.perf_counter()
        with transaction.atomic():
            indexed = rebuild_index()
        tidy_index()  # as rebuild_search_index does
        print(f"[{vendor}] index build: {indexed:,} items in {time.perf_counter() - start:.1f} s")
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return vendor


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the items and index already in DATABASE_URL (to compare query changes)",
    )
    parser.add_argument("--per-query", action="store_true", help="print each query's median")
    args = parser.parse_args()
    vendor = populate(args.items, reuse=args.reuse)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('bulletins_search')), "
                "pg_size_pretty(pg_relation_size('bulletins_search_document'))"
            )
            total, gin = cursor.fetchone()
        print(f"[{vendor}] index size: {total} with its GIN index of the text {gin}")

    core, api = [], []
    client = Client()
    hits, per_query = {}, {query: [] for query in QUERIES}
    for _ in range(args.repeat):
        for query in QUERIES:
            start = time.perf_counter()
            results = ItemFilter({"q": query}).results()
            hits[query] = results.count()
            list(results[:20])
            core.append((time.perf_counter() - start) * 1000)
            per_query[query].append(core[-1])
            start = time.perf_counter()
            response = client.get("/api/items/", {"q": query})
            api.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    print(
        f"[{vendor}] search (count + first page of 20), {len(core)} runs: "
        f"p50 {statistics.median(core):.1f} ms, p95 {percentile(core, 0.95):.1f} ms, "
        f"max {max(core):.1f} ms  (goal p50 < 10 ms, p95 < 50 ms)"
    )
    print(
        f"[{vendor}] GET /api/items/?q= (whole request), {len(api)} runs: "
        f"p50 {statistics.median(api):.1f} ms, p95 {percentile(api, 0.95):.1f} ms"
    )
    print(f"[{vendor}] hits per query: " + ", ".join(f"{q}={n}" for q, n in hits.items()))
    if args.per_query:
        for query, times in per_query.items():
            print(
                f"  {query!r:>12}  {hits[query]:>6} hits  median {statistics.median(times):6.1f} ms"
            )


if __name__ == "__main__":
    main()
