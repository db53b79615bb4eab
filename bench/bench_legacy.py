"""Benchmark the legacy import: parse time of the sample, bulk import of generated files.

    python bench/bench_legacy.py [--files 1000]

Uses DATABASE_URL (default: a fresh SQLite file in a temporary directory). Prints figures;
asserts nothing. Goals (issue #3): parse < 20 ms, 1,000 files < 60 s per database.
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

from bulletins.legacy import decode_legacy_bytes, parse_legacy  # noqa: E402
from bulletins.legacy.importer import import_legacy_file  # noqa: E402
from bulletins.models import Issue  # noqa: E402
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


def bench_parse(repeat=200):
    if not SAMPLE.exists():
        print(f"parse: sample not found at {SAMPLE}; skipped")
        return
    data = SAMPLE.read_bytes()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_legacy(decode_legacy_bytes(data))
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(
        f"parse sample ({len(data):,} bytes, decode+parse, {repeat} runs): "
        f"median {statistics.median(timings):.2f} ms, p95 {timings[int(repeat * 0.95)]:.2f} ms, "
        f"min {timings[0]:.2f} ms  (goal < 20 ms)"
    )


def bench_import(count):
    rng = random.Random(20240226)
    folder = TMP / "legacy"
    folder.mkdir()
    for index in range(count):
        (folder / f"{index:04d}.txt").write_text(generated_issue(rng), encoding="utf-8")
    call_command("migrate", verbosity=0)
    Issue.objects.all().delete()
    files = sorted(folder.glob("*.txt"))
    start = time.perf_counter()
    failed = sum(not import_legacy_file(path).ok for path in files)
    elapsed = time.perf_counter() - start
    items = Issue.objects.filter(source_hash__gt="").count()
    print(
        f"import {count:,} generated files into {connection.vendor}: {elapsed:.1f} s "
        f"({elapsed / count * 1000:.1f} ms/file, {items:,} issues, {failed} failed)  (goal < 60 s)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--skip-parse", action="store_true")
    args = parser.parse_args()
    if not args.skip_parse:
        bench_parse()
    bench_import(args.files)


if __name__ == "__main__":
    main()
