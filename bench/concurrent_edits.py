"""Concurrent writers: optimistic locking under gunicorn and PostgreSQL, checked end to end.

    .venv/bin/python bench/concurrent_edits.py [--database archive_load] [--clients 20]
        [--edits 50] [--workers 3] [--port 8765] [--time-limit 300]

Recreates the PostgreSQL database ``--database`` on 127.0.0.1:5432 (never another host),
migrates it, loads the articles, creates one moderator account per client (moderators may edit
any public annotation, so they can all edit the shared one), a shared annotation and one
annotation of each client's own. Starts gunicorn on 127.0.0.1 with ``--workers`` workers. Each
client thread logs in (session and CSRF cookie, like a browser) and makes ``--edits`` edits,
alternately to the shared annotation and to its own: it opens the edit form, reads the version
it shows, and posts a new body with that base version. A 302 is an accepted edit, a 409 a stale
one refused; anything else is an error. Bounded: at most clients × edits edits, and the clients
stop at ``--time-limit`` seconds.

Then, from the database: every accepted edit is exactly one new version (the version numbers
of each annotation run 1..n without gaps or repeats, and version k holds the body of the edit
based on k-1), no refused body was stored anywhere, the annotation's version counter equals its
number of versions, and its body is that of the last accepted edit. Two counts sum it up:
**lost writes** (accepted edits whose body is not stored as the version after their base) and
**writes without a revision** (accepted edits whose version is not in a revision of their
client's user with the form's comment, and version-counter steps with no version row).

Prints the figures as JSON — throughput (accepted writes and requests a second) and the
latency of the edits' POSTs (p50, p95, p99), with the load average before and after — and
exits 1 if any check fails. The database is dropped at the end unless ``--keep-database``.
"""

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PASSWORD,
    Client,
    drop_postgres_database,
    hidden_value,
    manage,
    recreate_postgres_database,
    setup_django,
    start_gunicorn,
    stop,
)


def prepare(database_url, clients):
    manage(database_url, "migrate", "--noinput")
    manage(database_url, "loaddata", "articles")
    setup_django(database_url)
    from django.contrib.auth.models import Group, User

    from annotations import services
    from annotations.services import TargetData
    from archive.models import Passage

    moderators = Group.objects.get(name="Moderators")
    users = []
    for number in range(clients):
        user = User.objects.create_user(f"bench{number:02d}", password=PASSWORD)
        user.groups.add(moderators)
        users.append(user)
    passage = Passage.objects.filter(document__language="en").order_by("order").first()

    def annotate(user, body):
        return services.create_annotation(
            user=user,
            target=TargetData(passage=passage),
            body=body,
            motivation="commenting",
            visibility="public",
        )

    shared = annotate(users[0], "shared: initial")
    own = [annotate(user, f"{user.username}: initial") for user in users]
    return shared, own


def run_client(number, base, shared_pk, own_pk, edits, deadline, results):
    client = Client(base)
    client.login(f"bench{number:02d}")
    for edit in range(edits):
        if time.monotonic() > deadline:
            results.append({"client": number, "status": "not sent (time limit)"})
            continue
        pk = shared_pk if edit % 2 == 0 else own_pk
        status, html = client.get(f"/annotations/{pk}/edit/")
        base_version = hidden_value(html, "base_version") if status == 200 else None
        if base_version is None:
            results.append({"client": number, "pk": pk, "status": f"form {status}"})
            continue
        body = f"client {number:02d} edit {edit:02d}"
        sent = time.perf_counter()
        status, _ = client.post(
            f"/annotations/{pk}/edit/",
            {
                "body": body,
                "motivation": "commenting",
                "visibility": "public",
                "tags": "",
                "exact": "",
                "prefix": "",
                "suffix": "",
                "start": "",
                "end": "",
                "base_version": base_version,
                "comment": "bench",
            },
        )
        seconds = time.perf_counter() - sent
        results.append(
            {
                "client": number,
                "pk": pk,
                "base": int(base_version),
                "body": body,
                "status": status,
                "seconds": seconds,
            }
        )


def verify(results, shared, own):
    """Check the database against the clients' results; return (problems, version rows,
    lost writes, writes without a revision)."""
    from reversion.models import Version

    from annotations.models import Annotation

    problems = []
    lost = unrevised = 0
    accepted = defaultdict(list)
    refused_bodies = set()
    for result in results:
        if result["status"] == 302:
            accepted[result["pk"]].append(result)
        elif result["status"] == 409:
            refused_bodies.add(result["body"])
    rows = 0
    for annotation in [shared, *own]:
        pk = str(annotation.pk)
        current = Annotation.objects.get(pk=annotation.pk)
        versions = list(Version.objects.get_for_object(current).select_related("revision__user"))
        rows += len(versions)
        mine = accepted[pk]
        by_number, revisions = {}, {}
        for version in versions:
            number = version.field_dict["version"]
            if number in by_number:
                problems.append(f"{pk}: two versions numbered {number}")
            by_number[number] = version.field_dict["body"]
            revisions[number] = version.revision
        expected = len(mine) + 1
        if sorted(by_number) != list(range(1, expected + 1)):
            problems.append(f"{pk}: version numbers {sorted(by_number)[:5]}… for {expected}")
        if current.version != expected:
            problems.append(f"{pk}: counter {current.version}, expected {expected}")
        unrevised += max(0, current.version - len(versions))
        bases = Counter(result["base"] for result in mine)
        if any(count > 1 for count in bases.values()):
            problems.append(f"{pk}: two edits accepted from one base version (overwrite)")
        for result in mine:
            number = result["base"] + 1
            if by_number.get(number) != result["body"]:
                lost += 1
                problems.append(f"{pk}: edit on base {result['base']} not stored as its version")
                continue
            revision = revisions[number]
            if revision.comment != "bench" or revision.user.username != client_name(result):
                unrevised += 1
                problems.append(f"{pk}: version {number} is not in its client's revision")
        if mine:
            last = max(mine, key=lambda result: result["base"])
            if current.body != last["body"]:
                problems.append(f"{pk}: body is not the last accepted edit's")
        stored = set(by_number.values())
        if stored & refused_bodies:
            problems.append(f"{pk}: a refused edit was stored")
    return problems, rows, lost, unrevised


def client_name(result):
    return f"bench{result['client']:02d}"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if values else 0


def run_clients(args, shared, own):
    """Start the clients together against gunicorn; return their results and how long they
    took (from the first client's start, the server already answering)."""
    server = start_gunicorn(args.database_url, args.port, workers=args.workers)
    results = []
    started = time.monotonic()
    try:
        deadline = time.monotonic() + args.time_limit
        threads = [
            threading.Thread(
                target=run_client,
                args=(
                    number,
                    f"http://127.0.0.1:{args.port}",
                    str(shared.pk),
                    str(own[number].pk),
                    args.edits,
                    deadline,
                    results,
                ),
            )
            for number in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.time_limit + 60)
        duration = time.monotonic() - started
    finally:
        stop(server)
    return results, duration


def report(args, results, duration, shared, own, load_before):
    statuses = Counter(result["status"] for result in results)
    problems, rows, lost, unrevised = verify(results, shared, own)
    errors = sum(n for status, n in statuses.items() if status not in (302, 409))
    shared_results = [r for r in results if r.get("pk") == str(shared.pk)]
    posts = [r["seconds"] * 1000 for r in results if "seconds" in r]
    return {
        "clients": args.clients,
        "workers": args.workers,
        "edits attempted": len(results),
        "requests": 2 * len(results) + 2 * args.clients,
        "accepted (302)": statuses[302],
        "refused as stale (409)": statuses[409],
        "shared annotation: accepted": sum(r["status"] == 302 for r in shared_results),
        "shared annotation: refused": sum(r["status"] == 409 for r in shared_results),
        "other statuses": errors,
        "versions checked": rows,
        "annotations checked": 1 + len(own),
        "lost writes": lost,
        "writes without a revision": unrevised,
        "problems": problems,
        "duration s": round(duration, 1),
        "edits per s": round(len(results) / duration, 1),
        "accepted writes per s": round(statuses[302] / duration, 1),
        "requests per s": round((2 * len(results) + 2 * args.clients) / duration, 1),
        "edit POST p50 ms": round(percentile(posts, 0.50), 1),
        "edit POST p95 ms": round(percentile(posts, 0.95), 1),
        "edit POST p99 ms": round(percentile(posts, 0.99), 1),
        "load average before": [round(x, 2) for x in load_before],
        "load average after": [round(x, 2) for x in os.getloadavg()],
    }, bool(problems or errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="archive_load")
    parser.add_argument("--server", default="postgres://root@127.0.0.1:5432")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--time-limit", type=float, default=300)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    if "127.0.0.1" not in args.server and "localhost" not in args.server:
        parser.error("the database must be on this machine (127.0.0.1)")
    args.database_url = f"{args.server}/{args.database}"
    recreate_postgres_database(f"{args.server}/postgres", args.database)
    try:
        shared, own = prepare(args.database_url, args.clients)
        load_before = os.getloadavg()
        results, duration = run_clients(args, shared, own)
        figures, failed = report(args, results, duration, shared, own, load_before)
    finally:
        if not args.keep_database:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(f"{args.server}/postgres", args.database)
    print(json.dumps(figures, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
