"""Faults under load: a gunicorn worker killed, PostgreSQL restarted. Bounded in time.

    python bench/faults.py [--scenario worker,postgres] [--duration 20] [--connections 64]

A fresh site on a throwaway PostgreSQL cluster behind gunicorn (2 sync workers) on 127.0.0.1,
loaded by wrk over the reader pages, searches and the API (see load.py) while:

- worker: one worker is killed (SIGKILL) 5 s in. Expected: only its in-flight requests fail,
  the master starts a new worker, the site answers throughout.
- postgres: PostgreSQL is stopped 5 s in and started again 5 s later. A probe fetches a page
  and /healthz every 0.2 s. Expected: while it is down, a clean 503 page in Chinese (never a
  500 or a traceback) and /healthz 503; afterwards full recovery, without restarting the app.

Prints what happened; exits 1 if an expectation failed.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import setup_site, site_paths, summarize, wrk_command  # noqa: E402
from servers import gunicorn, postgres_cluster  # noqa: E402


def start_wrk(base, paths, connections, duration, tmp):
    command = wrk_command(base, paths, connections, duration, tmp)
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def workers_of(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError as error:
        return None, str(error)


class Probe(threading.Thread):
    """Fetch a page and /healthz every 0.2 s; keep (time, page status, clean, health status)."""

    def __init__(self, base, page):
        super().__init__(daemon=True)
        self.base, self.page, self.seen, self.running = base, page, [], True

    def run(self):
        while self.running:
            status, body = fetch(self.base + self.page)
            clean = status == 200 or (
                status == 503 and "网站暂时无法访问" in body and "Traceback" not in body
            )
            health, _ = fetch(self.base + "/healthz")
            self.seen.append((time.monotonic(), status, clean, health))
            time.sleep(0.2)


def worker_scenario(env, paths, args, tmp):
    with gunicorn(env, workers=2) as (base, master):
        before = workers_of(master.pid)
        load = start_wrk(base, paths, args.connections, args.duration, tmp)
        time.sleep(5)
        victim = before[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        replaced_after = None
        while time.monotonic() - killed_at < 10:
            now = workers_of(master.pid)
            if len(now) == 2 and victim not in now:
                replaced_after = time.monotonic() - killed_at
                break
            time.sleep(0.05)
        output, _ = load.communicate()
        after = workers_of(master.pid)
        status, _ = fetch(base + "/")
    figures = summarize(output)
    failed = figures["socket errors"] + figures["statuses"].get(5, 0)
    print(f"worker killed {args.duration - 5} s before the end of {args.duration} s of load:")
    print(
        f"  {figures['requests']:,} requests, {figures['requests/s']:,.0f} req/s; failed: "
        f"{figures['socket errors']} socket errors, {figures['statuses'].get(5, 0)} 5xx"
    )
    replaced = f"{replaced_after:.2f} s" if replaced_after is not None else "not within 10 s"
    print(f"  worker {victim} replaced after {replaced}; workers now {after}; GET / -> {status}")
    ok = replaced_after is not None and status == 200 and failed <= args.connections
    print(f"  {'OK' if ok else 'FAILED'}: only the killed worker's requests failed")
    return ok


def postgres_scenario(env, cluster, paths, args, tmp):
    with gunicorn(env, workers=2) as (base, master):
        workers = workers_of(master.pid)
        probe = Probe(base, paths[0])
        probe.start()
        load = start_wrk(base, paths + ["/healthz"], args.connections, args.duration, tmp)
        time.sleep(5)
        cluster.stop()
        down_at = time.monotonic()
        time.sleep(5)
        # PostgreSQL answers before `pg_ctl start -w` returns: the down window ends as the
        # start begins, and recovery is counted from its return.
        starting_at = time.monotonic()
        cluster.start()
        up_at = time.monotonic()
        output, _ = load.communicate()
        time.sleep(1)
        probe.running = False
        probe.join()
        restarted = workers_of(master.pid) != workers
    figures = summarize(output)
    down = [s for s in probe.seen if down_at + 0.5 < s[0] < starting_at]
    after = [s for s in probe.seen if s[0] >= up_at]
    recovered = next((s[0] - up_at for s in after if s[1] == 200 and s[3] == 200), None)
    unclean = [s for s in probe.seen if not s[2]]
    print(f"PostgreSQL stopped 5 s into {args.duration} s of load, started again 5 s later:")
    print(
        f"  load: {figures['requests']:,} requests, {figures['requests/s']:,.0f} req/s, "
        f"statuses {dict(sorted(figures['codes'].items()))}, "
        f"{figures['socket errors']} socket errors"
    )
    print(
        f"  while down, the probe saw pages {sorted({s[1] for s in down})} and /healthz "
        f"{sorted({s[3] for s in down})} over {len(down)} probes"
    )
    back = f"{recovered:.1f} s" if recovered is not None else "never"
    print(f"  page and /healthz 200 again {back} after PostgreSQL was back")
    print(
        f"  unclean answers (500, traceback, no answer): {len(unclean)}; workers restarted: "
        f"{restarted}"
    )
    ok = (
        down
        and all(s[1] == 503 and s[3] == 503 for s in down)
        and not unclean
        and recovered is not None
        and figures["socket errors"] == 0
        and set(figures["codes"]) <= {200, 503}
    )
    print(f"  {'OK' if ok else 'FAILED'}: a clean 503 while down, full recovery after")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="worker,postgres")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="newsroom-faults-") as tmp, postgres_cluster() as pg:
        env = setup_site(pg.create_database("newsroom"), tmp)
        paths = site_paths(env)
        for scenario in args.scenario.split(","):
            if scenario == "worker":
                results.append(worker_scenario(env, paths, args, tmp))
            elif scenario == "postgres":
                results.append(postgres_scenario(env, pg, paths, args, tmp))
            else:
                parser.error(f"unknown scenario {scenario}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
