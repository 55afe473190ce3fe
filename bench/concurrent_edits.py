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
number of versions, and its body is that of the last accepted edit. Prints the figures as JSON
and exits 1 if any check fails.
"""

import argparse
import json
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PASSWORD,
    Client,
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
        results.append(
            {"client": number, "pk": pk, "base": int(base_version), "body": body, "status": status}
        )


def verify(results, shared, own):
    from reversion.models import Version

    from annotations.models import Annotation

    problems = []
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
        versions = list(Version.objects.get_for_object(current))
        rows += len(versions)
        mine = accepted[pk]
        by_number = {}
        for version in versions:
            number = version.field_dict["version"]
            if number in by_number:
                problems.append(f"{pk}: two versions numbered {number}")
            by_number[number] = version.field_dict["body"]
        expected = len(mine) + 1
        if sorted(by_number) != list(range(1, expected + 1)):
            problems.append(f"{pk}: version numbers {sorted(by_number)[:5]}… for {expected}")
        if current.version != expected:
            problems.append(f"{pk}: counter {current.version}, expected {expected}")
        bases = Counter(result["base"] for result in mine)
        if any(count > 1 for count in bases.values()):
            problems.append(f"{pk}: two edits accepted from one base version (overwrite)")
        for result in mine:
            if by_number.get(result["base"] + 1) != result["body"]:
                problems.append(f"{pk}: edit on base {result['base']} not stored as its version")
        if mine:
            last = max(mine, key=lambda result: result["base"])
            if current.body != last["body"]:
                problems.append(f"{pk}: body is not the last accepted edit's")
        stored = set(by_number.values())
        if stored & refused_bodies:
            problems.append(f"{pk}: a refused edit was stored")
    return problems, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="archive_load")
    parser.add_argument("--server", default="postgres://root@127.0.0.1:5432")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--time-limit", type=float, default=300)
    args = parser.parse_args()
    if "127.0.0.1" not in args.server and "localhost" not in args.server:
        parser.error("the database must be on this machine (127.0.0.1)")
    database_url = f"{args.server}/{args.database}"
    recreate_postgres_database(f"{args.server}/postgres", args.database)
    shared, own = prepare(database_url, args.clients)
    server = start_gunicorn(database_url, args.port, workers=args.workers)
    results = []
    started = time.monotonic()
    try:
        deadline = started + args.time_limit
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
    finally:
        stop(server)
    duration = time.monotonic() - started
    statuses = Counter(result["status"] for result in results)
    problems, rows = verify(results, shared, own)
    errors = sum(n for status, n in statuses.items() if status not in (302, 409))
    shared_results = [r for r in results if r.get("pk") == str(shared.pk)]
    report = {
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
        "problems": problems,
        "duration s": round(duration, 1),
        "edits per s": round(len(results) / duration, 1),
    }
    print(json.dumps(report, indent=2))
    return 1 if problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())
