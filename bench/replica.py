"""Read replica figures with a real primary and hot standby (bench/replica_pair.py).

    .venv/bin/python bench/replica.py [--writes 100] [--cooldown 30]

Makes its own primary and standby in a temporary folder (initdb, pg_basebackup -R, free ports,
run as the postgres user when root; removed at the end; the machine's cluster is not touched),
loads the articles and the demo, and serves the archive with gunicorn (one worker) reading
from both. It measures:

- the queries each public page type sends to each server (from the servers' statement logs),
  for an anonymous reader and for a signed-in scholar, the second request of each (warm);
- the replication lag a reader sees after a write: a scholar's note posted through the app,
  then the standby polled (every millisecond) until it has the note; p50, p95 and max over
  ``--writes`` writes;
- the standby stopped: how long the first anonymous page takes (it falls back to the
  primary in the same request) and the pages after it; with the standby back, how long until
  reads return to it (the cool-down);
- a replica that accepts connections and never answers (a second app pointed at a silent
  port): the first page pays the connect timeout, the others nothing;
- the primary stopped: what anonymous and signed-in reads and a write answer; then, with the
  primary started again, how long until a write is accepted (the app is not restarted).

Prints the figures as JSON; exits 1 if a check fails (a 500, a public page that queries the
primary while both servers are up, a page that fails during either fault).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.replica_pair import (  # noqa: E402
    EN,
    PASSWORD,
    Client,
    Pair,
    SilentServer,
    free_port,
    public_pages,
    start_app,
    stop,
    wait_until,
)

ACCOUNT = (
    "from django.contrib.auth.models import Group, User\n"
    f"user = User.objects.create_user('bench', password='{PASSWORD}')\n"
    "user.groups.add(Group.objects.get(name='Scholars'))\n"
)
ANNOTATE = f"/documents/{EN}/p-2/annotate/"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Bench:
    def __init__(self, pair, base):
        self.pair = pair
        self.base = base
        self.problems = []
        self.reader = Client(base, timeout=30)
        self.scholar = Client(base, timeout=30)
        self.scholar.login("bench")

    def get(self, client, path):
        primary, standby = self.pair.primary, self.pair.standby
        offsets = primary.log_size(), standby.log_size()
        started = time.monotonic()
        status, html = client.get(path)
        seconds = time.monotonic() - started
        return (
            status,
            primary.statements_since(offsets[0]),
            standby.statements_since(offsets[1]),
            seconds,
        )

    def queries_per_page(self):
        table = {}
        for name, path in public_pages().items():
            row = {}
            for who, client in (("anonymous", self.reader), ("signed in", self.scholar)):
                self.get(client, path)  # cold: fills caches and connections
                status, primary, standby, seconds = self.get(client, path)
                row[who] = f"{primary} + {standby}" if status == 200 else f"status {status}"
                if status != 200:
                    self.problems.append(f"{who} {name}: {status}")
                if who == "anonymous" and primary:
                    self.problems.append(f"anonymous {name} sent {primary} queries to the primary")
            table[name] = row
        return table

    def replication_lag(self, writes):
        import psycopg

        lags = []
        query = "SELECT count(*) FROM annotations_annotation WHERE body = %s"
        with psycopg.connect(self.pair.standby.url, autocommit=True) as standby:
            for number in range(writes):
                body = f"lag probe {number} {time.time()}"
                status, _ = self.scholar.post(
                    ANNOTATE,
                    {"body": body, "motivation": "commenting", "visibility": "public", "tags": ""},
                )
                written = time.monotonic()
                if status != 302:
                    self.problems.append(f"write {number} answered {status}")
                    continue
                seen = wait_until(
                    lambda body=body: standby.execute(query, (body,)).fetchone()[0],
                    seconds=10,
                    step=0.0005,
                )
                if not seen:
                    self.problems.append(f"write {number} not on the standby after 10 s")
                    continue
                lags.append((time.monotonic() - written) * 1000)
        return {
            "writes": writes,
            "p50 ms": round(statistics.median(lags), 1),
            "p95 ms": round(percentile(lags, 0.95), 1),
            "max ms": round(max(lags), 1),
        }

    def standby_stopped(self, cooldown):
        standby = self.pair.standby
        standby.stop()
        first = self.get(self.reader, "/documents/")
        pages = [self.get(self.reader, path) for path in public_pages().values()]
        failed = [status for status, *_ in pages if status != 200]
        if first[0] != 200 or failed:
            self.problems.append(f"with the standby down: {first[0]}, {failed}")
        standby.start()
        started = time.monotonic()
        back = wait_until(
            lambda: self.get(self.reader, "/documents/")[1] == 0, seconds=cooldown + 15
        )
        returned = time.monotonic() - started
        if not back:
            self.problems.append("reads did not return to the standby")
        return {
            "first page after the stop, falling back in the same request: s": round(first[3], 3),
            "every public page type with the standby down: statuses": sorted(
                {status for status, *_ in pages}
            ),
            "slowest of those pages: s": round(max(p[3] for p in pages), 3),
            "their queries on the primary": sum(p[1] for p in pages),
            "standby started again: reads back on it after s": round(returned, 2),
        }

    def silent_replica(self):
        """Another app whose replica accepts connections and never answers."""
        silent = SilentServer()
        port = free_port()
        app = start_app(self.pair, port, replica_url=silent.url)
        try:
            reader = Client(f"http://127.0.0.1:{port}", timeout=30)
            timed = []
            for path in public_pages().values():
                started = time.monotonic()
                status, _ = reader.get(path)
                timed.append((status, time.monotonic() - started))
        finally:
            stop(app)
            silent.close()
        if {status for status, _ in timed} != {200}:
            self.problems.append(f"with a silent replica: {timed}")
        return {
            "first page: s (the connect timeout, then the primary)": round(timed[0][1], 3),
            "every other public page type: slowest s": round(max(s for _, s in timed[1:]), 3),
        }

    def primary_stopped(self):
        primary = self.pair.primary
        primary.stop()
        anonymous = [self.get(self.reader, path)[0] for path in public_pages().values()]
        signed_in = [self.get(self.scholar, path)[0] for path in public_pages().values()]
        note = {"body": "refused", "motivation": "commenting", "visibility": "public"}
        started = time.monotonic()
        refused, _ = self.scholar.post(ANNOTATE, note)
        refused_in = time.monotonic() - started
        if set(anonymous) != {200} or set(signed_in) != {200} or refused != 503:
            self.problems.append(f"primary down: {anonymous}, {signed_in}, write {refused}")
        primary.start()
        started = time.monotonic()
        accepted = wait_until(lambda: self.scholar.post(ANNOTATE, note)[0] == 302, seconds=60)
        if not accepted:
            self.problems.append("no write accepted after the primary came back")
        return {
            "anonymous pages: statuses": sorted(set(anonymous)),
            "signed-in pages: statuses": sorted(set(signed_in)),
            "a write: status": refused,
            "a write: answered in s": round(refused_in, 3),
            "primary started (pg_ctl -w returned): first write accepted after s": round(
                time.monotonic() - started, 3
            ),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--cooldown", type=float, default=30)
    args = parser.parse_args()
    pair = Pair()
    app = None
    try:
        started = time.monotonic()
        pair.create()
        pair.manage("migrate", "--noinput")
        pair.manage("loaddata", "articles", "demo")
        pair.manage("shell", "-c", ACCOUNT)
        pair.add_standby()
        port = free_port()
        app = start_app(pair, port, DJANGO_DB_COOLDOWN=str(args.cooldown))
        bench = Bench(pair, f"http://127.0.0.1:{port}")
        report = {"set-up s": round(time.monotonic() - started, 1)}
        report["queries per page, warm: on the primary + on the standby"] = bench.queries_per_page()
        report["replication lag seen by a reader"] = bench.replication_lag(args.writes)
        report["standby stopped"] = bench.standby_stopped(args.cooldown)
        report["replica that never answers"] = bench.silent_replica()
        report["primary stopped"] = bench.primary_stopped()
        report["problems"] = bench.problems
    finally:
        if app is not None:
            stop(app)
        pair.remove()
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
