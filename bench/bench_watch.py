"""What the state watcher (bulletins/caching/watch.py) costs and how soon it hears a change.

    python bench/bench_watch.py [--rounds 2000]

On a throwaway PostgreSQL cluster (unix socket), with a published issue:

- cost: wall microseconds to find the public state, read from the database on every request
  (NEWSROOM_STATE_WATCH=off) against taken from the watcher (nothing changed meanwhile);
- window: a writer commits a change to the published issue, then, 0 to 1000 µs later, asks
  another process (a reader with its own watcher, over a pipe: far quicker than any HTTP
  request) for the state it would serve. Prints the share of those answers that were the
  state from before the commit, the moment the watcher cannot close (see watch's docstring),
  with the reader idle and with its CPU busy in another thread, as a worker rendering a
  page is;
- over HTTP: gunicorn (2 sync workers) serves the issue page from its cache; another
  connection commits a new title, and the page is fetched at once, or 5 ms later. Counts the
  old pages.

Prints figures; asserts nothing.
"""

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import PYTHON, gunicorn, manage, postgres_cluster, site_env  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _spin():
    while True:
        sum(range(10_000))


def reader(pipe, busy):
    from django.db import connections

    from bulletins.caching import watch
    from bulletins.caching.state import public_state

    connections.close_all()
    if busy:
        threading.Thread(target=_spin, daemon=True).start()
    while (message := pipe.recv()) != "stop":
        served = watch.current_state().version
        if message == "go":
            pipe.send(served != public_state().version)
        else:
            pipe.send(None)


def window(rounds, busy, delay=0.0):
    from django.db import connections

    from bulletins.models import Issue

    connections.close_all()  # nothing shared across the fork
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=reader, args=(theirs, busy))
    process.start()
    issue = Issue.objects.first()
    stale = 0
    for number in range(rounds):
        ours.send("prime")  # the reader remembers the state as it is
        ours.recv()
        Issue.objects.filter(pk=issue.pk).update(title=f"第 {number} 次修改")  # committed
        until = time.perf_counter() + delay
        while time.perf_counter() < until:
            pass
        ours.send("go")
        stale += ours.recv()
    ours.send("stop")
    process.join()
    return stale


def cost(rounds):
    from bulletins.caching import watch
    from bulletins.caching.state import public_state

    def timed(function):
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            function()
            samples.append((time.perf_counter() - start) * 1e6)
        return statistics.median(samples)

    watch.current_state()
    return timed(public_state), timed(watch.current_state)


def inner(rounds):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    from bulletins.tests.factories import make_issue

    make_issue(number=1, title="基准")
    read, watched = cost(rounds)
    print(f"finding the public state, median wall µs over {rounds}:")
    print(f"  read from PostgreSQL each time   {read:8.1f}")
    print(f"  taken from the watcher           {watched:8.1f}")
    print("a reader asked right after a commit: answers that were the state from before it")
    print(f"{'asked after':>12} {'reader idle':>12} {'reader busy':>12}")
    for delay_us in (0, 50, 100, 200, 500, 1000):
        stale = [window(rounds, busy, delay_us / 1e6) for busy in (False, True)]
        print(f"{delay_us:>9} µs " + " ".join(f"{count / rounds:>12.2%}" for count in stale))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return inner(args.rounds)
    with postgres_cluster() as cluster:
        env = site_env(cluster.create_database("newsroom"))
        manage(env, "migrate", "--noinput", "-v0")
        command = [PYTHON, __file__, "--inner", "--rounds", str(args.rounds)]
        subprocess.run(command, env=env, check=True)
        over_http(env, args.rounds // 4)


def over_http(env, rounds):
    import re
    import tempfile
    import urllib.request

    import psycopg

    env = {**env, "STATIC_ROOT": tempfile.mkdtemp(prefix="newsroom-bench-watch-")}
    manage(env, "collectstatic", "--noinput", "-v0")
    database = psycopg.connect(env["DATABASE_URL"], autocommit=True)
    number = database.execute("SELECT min(number) FROM bulletins_issue").fetchone()[0]
    title = re.compile(r'<h1 class="issue-title">([^<]*)</h1>')
    print(f"over HTTP (gunicorn, 2 workers), {rounds} commits each: old pages served")
    with gunicorn(env, workers=2) as (base, _process):
        url = f"{base}/issues/{number}/"
        for delay in (0.0, 0.005):
            old = 0
            for round_ in range(rounds):
                for _ in range(3):  # the page cached, on both workers
                    urllib.request.urlopen(url).read()
                new = f"第 {round_} 次 {delay}"
                sql = "UPDATE bulletins_issue SET title = %s WHERE number = %s"
                database.execute(sql, [new, number])
                time.sleep(delay)
                page = urllib.request.urlopen(url).read().decode()
                old += title.search(page).group(1) != new
            print(f"  fetched {delay * 1000:.0f} ms after the commit: {old} of {rounds}")


if __name__ == "__main__":
    main()
