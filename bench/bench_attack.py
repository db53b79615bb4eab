"""Probe as an attacker: hostile searches from several clients at once against gunicorn, while
a reader fetches an issue page. Prints each kind of hostile request's status and time, and
the reader's latency.

    DATABASE_URL=… python bench/bench_attack.py [--attackers 4] [--seconds 30] [--code DIR]

DATABASE_URL must hold the items bench_search.py generates (say, 100,000 of them); `--code`
serves another checkout of the project (to compare with an earlier version). The site runs in
production mode (debug off, 2 sync workers, plain HTTP on 127.0.0.1, a free port); each
hostile request carries a parameter of its own, so that no cache answers it. Asserts nothing.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench_search import COMMON
from servers import PYTHON, ROOT, gunicorn, site_env

HOSTILE = [
    {"q": " ".join(COMMON[:37])},
    {"q": " ".join(COMMON[:20])},
    {"q": " ".join(COMMON[:10])},
    {"q": "的" * 200},
    {"q": "的", "page": "4000"},
]


def fetch(url, timeout=120):
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError as error:
        status = type(error).__name__
    return status, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    env = site_env(os.environ["DATABASE_URL"], PYTHONPATH=args.code)
    subprocess.run(  # the served checkout's static files, into its own STATIC_ROOT
        [PYTHON, str(args.code / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=args.code,
        check=True,
    )
    with gunicorn(env, workers=2, timeout=60, code=args.code) as (base, _process):
        issues = json.load(urllib.request.urlopen(base + "/api/issues/"))
        issue_url = f"{base}/issues/{issues['results'][0]['number']}/"
        stop = time.monotonic() + args.seconds
        hostile = []

        def attack(attacker):
            for turn in range(10**9):
                if time.monotonic() >= stop:
                    return
                params = dict(HOSTILE[turn % len(HOSTILE)])
                name = params["q"][:12]
                params["bust"] = f"{attacker}-{turn}-{random.random()}"
                for path in ("/search/", "/api/items/"):
                    status, took = fetch(f"{base}{path}?{urllib.parse.urlencode(params)}")
                    hostile.append((path, name, status, took))

        threads = [threading.Thread(target=attack, args=(n,)) for n in range(args.attackers)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        reader = []
        while time.monotonic() < stop:
            reader.append(fetch(f"{issue_url}?r={random.random()}"))
            time.sleep(0.2)
        for thread in threads:
            thread.join()

    print(f"{args.attackers} attackers for {args.seconds:.0f} s against 2 gunicorn workers")
    kinds = {}
    for path, name, status, took in hostile:
        kinds.setdefault((path, name, status), []).append(took)
    for (path, name, status), times in sorted(kinds.items(), key=str):
        print(
            f"  {path:12} {name!r:16} {status}: {len(times):4} requests, "
            f"median {statistics.median(times) * 1000:7.0f} ms, max {max(times) * 1000:7.0f} ms"
        )
    times = [took for _status, took in reader]
    statuses = sorted({str(status) for status, _took in reader})
    print(
        f"  reader {issue_url.removeprefix(base)}: {len(times)} fetches {'/'.join(statuses)}, "
        f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
