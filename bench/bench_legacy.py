"""Benchmark the legacy import: parse times (the sample, a 5 MB file, hostile shapes), and the
bulk import of generated files, as `import_legacy` runs it.

    python bench/bench_legacy.py [--files 1000] [--skip-parse]

Uses DATABASE_URL (default: a fresh SQLite file in a temporary directory). Prints figures;
asserts nothing. Goals (issues #3, #11, #13): the sample parses in < 20 ms, a 5 MB file in
< 2 s; 1,000 files import in < 15 s into SQLite and < 30 s into PostgreSQL, the search index
right at the end.
"""

import argparse
import random
import statistics
import time

import _django  # noqa: I001 (sets Django up before the project is imported)

_django.setup()
ROOT, TMP = _django.ROOT, _django.TMP

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bulletins.legacy import decode_legacy_bytes, parse_legacy  # noqa: E402
from bulletins.legacy.importer import import_legacy_many  # noqa: E402
from bulletins.legacy.parser import MAX_LINES  # noqa: E402
from bulletins.models import Issue, Item  # noqa: E402
from bulletins.tests.legacy_render import render  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "legacy" / "000_ac2c61553267274f.txt"
WORDS = [
    "半导体",
    "芯片",
    "晶圆",
    "代工",
    "封装",
    "安全",
    "漏洞",
    "数据",
    "云服务",
    "网络",
    "通信",
    "基站",
    "卫星",
    "物联网",
    "工业",
    "互联网",
    "标准",
    "发布",
    "市场",
    "研究",
    "公司",
    "企业",
    "技术",
    "产品",
    "平台",
    "用户",
    "增长",
    "投资",
    "政策",
    "试点",
]
LATIN = ["5G", "Wi-Fi 7", "AI", "2024", "RedCap", "37.5%", "IDM 2.0", "SEMI", "Chiplet"]


def sentence(rng):
    parts = [rng.choice(WORDS) for _ in range(rng.randint(4, 12))]
    parts.insert(rng.randint(0, len(parts)), " " + rng.choice(LATIN) + " ")
    return "".join(parts).strip() + rng.choice(["。", "，并表示将继续推进。", "。"])


def generated_issue(rng):
    sections = []
    for number in range(1, rng.randint(4, 8) + 1):
        items = [
            (
                "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6))),
                "\n".join(
                    "".join(sentence(rng) for _ in range(rng.randint(2, 5)))
                    for _ in range(rng.randint(1, 3))
                ),
            )
            for _ in range(rng.randint(2, 6))
        ]
        sections.append((number, f"第{number}类行业一周要闻", [title for title, _ in items], items))
    return render(sections, width=rng.choice([15, 17, 20]), split_section=rng.randint(1, 4))


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def bench_parse(repeat=200):
    if not SAMPLE.exists():
        print(f"parse: sample not found at {SAMPLE}; skipped")
        return
    data = SAMPLE.read_bytes()
    timings = sorted(
        _timed(parse_legacy, decode_legacy_bytes(data))[0] * 1000 for _ in range(repeat)
    )
    print(
        f"parse sample ({len(data):,} bytes, decode+parse, {repeat} runs): "
        f"median {statistics.median(timings):.2f} ms, p95 {timings[int(repeat * 0.95)]:.2f} ms, "
        f"min {timings[0]:.2f} ms  (goal < 20 ms)"
    )
    limit = 5 * 1024 * 1024
    text = SAMPLE.read_text(encoding="utf-8")
    # The sample over and over: one section ends up with thousands of headlines and items (the
    # shape that took 94 s when each item rebuilt the section's headlines).
    repeated = "\n".join([text] * (limit // len(text.encode()) - 1))
    rng = random.Random(11)
    generated = generated_issue(rng)
    while len(generated.encode()) < limit - 40_000:
        generated += "\n" + generated_issue(rng)
    shapes = {
        "the sample repeated": repeated,
        "generated issues": generated,
        **{name: shape for name, shape in hostile_shapes(limit)},
    }
    worst = (0, "")
    for name, shape in shapes.items():
        size = len(shape.encode())
        seconds, parsed = min(_timed(parse_legacy, shape) for _ in range(3))
        worst = max(worst, (seconds, name))
        state = f"{parsed.item_count:,} items" if parsed.ok else f"refused: {parsed.error[:50]}"
        print(f"parse {name} ({size / 1_048_576:.2f} MB): {seconds:.2f} s, {state}")
    print(f"parse worst of 5 MB shapes: {worst[0]:.2f} s ({worst[1]})  (goal < 2 s)")


def hostile_shapes(limit):
    """Texts up to `limit` bytes built to make a parser work hard: many candidate section
    headers, long lines of spaces, dot leaders, items, sections; within the line limit."""

    def fill(unit, lines_in_unit):
        times = min(limit // len(unit.encode()), (MAX_LINES - 100) // lines_in_unit)
        return unit * times

    yield "candidate headers", fill("1 甲乙\n\n", 2)
    yield "one line of spaces", "甲" + " " * (limit - 10) + "乙"
    yield "dot leaders", "1 栏目\n\n标题\n\n" + fill("··\n\n", 2)
    yield "headlines and items", "1 栏目\n\n" + fill("某标题\n\n··\n\n■ 某标题\n正文。\n\n", 9)
    yield "an item a line", "1 栏目\n\n标题\n\n··\n\n" + fill("■ 标题甲乙丙丁\n", 2)
    yield (
        "long headline",
        "1 栏目\n\n" + "甲" * 100_000 + "\n\n··\n\n■ " + fill("甲" * 50 + "\n", 1),
    )


def bench_import(count):
    rng = random.Random(20240226)
    folder = TMP / "legacy"
    folder.mkdir()
    for index in range(1, count + 1):
        # Named as archives often are: the number of the issue (taken from the name).
        (folder / f"{index:04d}.txt").write_text(generated_issue(rng), encoding="utf-8")
    call_command("migrate", verbosity=0)
    Issue.objects.all().delete()
    files = sorted(folder.glob("*.txt"))
    start, cpu = time.perf_counter(), time.process_time()
    results = list(import_legacy_many(files))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    failed = sum(not result.ok for result in results)
    issues = Issue.objects.filter(source_hash__gt="").count()
    items = Item.objects.count()
    # CPU time of this process (parse, rows, index text, history revisions): on a shared
    # machine it moves far less than the wall time.
    print(
        f"import {count:,} generated files into {connection.vendor}: {elapsed:.1f} s "
        f"({elapsed / count * 1000:.1f} ms/file, {cpu:.1f} s CPU here, {issues:,} issues, "
        f"{items:,} items, {failed} failed)  "
        f"(goal < {15 if connection.vendor == 'sqlite' else 30} s)"
    )
    check_index(items)


def check_index(items):
    """The search index holds every item once, and finds what the items hold."""
    from bulletins.search import SearchResults, query_terms
    from bulletins.search_backends import TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        rows = cursor.fetchone()[0]
    Issue.objects.update(status=Issue.Status.PUBLISHED, published_at=timezone.now())
    wrong = []
    for item in Item.objects.order_by("?")[:20]:
        query = item.title
        found = SearchResults(query_terms(query), issues=Issue.objects.published())
        expected = Item.objects.filter(title__contains=query).count()
        if found.count() < expected or item.pk not in [hit.pk for hit in found[: found.count()]]:
            wrong.append(query)
    verdict = "right" if rows == items and not wrong else f"WRONG ({rows:,} rows, {wrong[:3]})"
    print(f"search index after the import: {rows:,} rows for {items:,} items, {verdict}")


def big_issue(rng, limit):
    """An issue of nearly `limit` bytes within the item limit: ten sections of long items."""
    per_item = limit // 900
    sections = []
    for number in range(1, 11):
        items = []
        for index in range(90):
            body = ""
            while len(body.encode()) < per_item - 400:
                body += sentence(rng)
            items.append((f"第{number}栏第{index + 1}条：" + "".join(rng.sample(WORDS, 4)), body))
        sections.append((number, f"第{number}类行业一周要闻", [t for t, _ in items], items))
    # Cut at the limit, on a character's boundary.
    return render(sections, width=20).encode()[:limit].decode("utf-8", "ignore").encode()


def bench_desk():
    """What the import desk's requests cost at their limits: the preview of a batch of 25 MB
    (five 5 MB files), and the import of one 5 MB file of 900 long items."""
    from bulletins.legacy import desk
    from bulletins.legacy.batch import Upload
    from bulletins.legacy.spool import Batch

    rng = random.Random(5)
    limit = 5 * 1024 * 1024
    uploads = [Upload(f"big-{index}.txt", data=big_issue(rng, limit)) for index in range(5)]
    folder = TMP / "desk"
    folder.mkdir()
    batch = Batch(folder)
    seconds, rows = _timed(desk.preview, batch, uploads)
    size = sum(len(upload.data) for upload in uploads) / 1_048_576
    items = sum(row.get("items", 0) for row in rows)
    refused = [row["error"] for row in rows if row["error"]]
    print(
        f"desk preview of {len(uploads)} files of 5 MB ({size:.0f} MB): {seconds:.1f} s, "
        f"{items:,} items, {len(refused)} refused  (a worker has 30 s)"
    )
    row = next(row for row in rows if not row["error"])
    seconds, (results, left) = _timed(desk.confirm, batch, [(row, 900_000, None)])
    print(
        f"desk import of one 5 MB file ({row['items']:,} items): {seconds:.1f} s, "
        f"{results[0]['status']}  (a request stops importing after 15 s, then offers to go on)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--skip-parse", action="store_true")
    parser.add_argument("--skip-desk", action="store_true")
    args = parser.parse_args()
    if not args.skip_parse:
        bench_parse()
    bench_import(args.files)
    if not args.skip_desk:
        bench_desk()


if __name__ == "__main__":
    main()
