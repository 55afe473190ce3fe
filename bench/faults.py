"""Faults: restart PostgreSQL under a write load; nothing half-written, quick errors, recovery.

    .venv/bin/python bench/faults.py [--port 5439] [--duration 45] [--down 8] [--clients 6]

Runs its OWN throwaway PostgreSQL cluster (initdb into a temporary directory as the postgres
user, listening on 127.0.0.1:``--port`` only; removed at the end) and never touches the main
one. Loads the articles, creates scholars, starts gunicorn (2 workers, 127.0.0.1) and runs
``--clients`` client threads for ``--duration`` seconds, each alternately editing its own
annotation (form, then post with the base version) and creating a new annotation on a passage.
``--down`` seconds after the start of the load the database is stopped (fast shutdown, which
cuts open transactions) for ``--down`` seconds, then started again; the app is not restarted.

Checks, from the database afterwards: every annotation has at least one version and its version
counter equals its number of versions (every write was all or nothing), every version of an
annotation points at an existing annotation, no revision is empty; while the database was down
every request answered an error (503) and none took longer than 5 s; after it came back the
app served writes again without a restart, and every write the clients saw accepted is there.
Prints the figures as JSON; exits 1 if a check fails.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PASSWORD,
    Client,
    hidden_value,
    manage,
    setup_django,
    start_gunicorn,
    stop,
)

BIN = Path("/usr/lib/postgresql/15/bin")
SLOW = 5.0  # seconds: an answer slower than this while the database is down is a hang


def as_postgres(*command, check=True):
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, command)],
        check=check,
        capture_output=True,
        text=True,
    )


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory."""

    def __init__(self, port):
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="archive-faults-"))
        self.data = self.root / "data"
        shutil.chown(self.root, "postgres", "postgres")
        as_postgres(BIN / "initdb", "-D", self.data, "-U", "root", "--auth=trust", "-E", "UTF8")

    def pg_ctl(self, action, *extra):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        return as_postgres(
            BIN / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.root / "log",
            "-o",
            options,
            "-w",
            action,
            *extra,
        )

    def start(self):
        self.pg_ctl("start")

    def stop(self):
        self.pg_ctl("stop", "-m", "fast")

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def prepare(database_url, clients):
    manage(database_url, "migrate", "--noinput")
    manage(database_url, "loaddata", "articles")
    setup_django(database_url)
    from django.contrib.auth.models import Group, User

    from annotations import services
    from annotations.services import TargetData
    from archive.models import Passage

    scholars = Group.objects.get(name="Scholars")
    passage = Passage.objects.filter(document__language="en").order_by("order").first()
    own = []
    for number in range(clients):
        user = User.objects.create_user(f"fault{number:02d}", password=PASSWORD)
        user.groups.add(scholars)
        own.append(
            services.create_annotation(
                user=user,
                target=TargetData(passage=passage),
                body="initial",
                motivation="commenting",
                visibility="public",
            )
        )
    return own, passage


def run_client(number, base, own_pk, passage_path, deadline, log):
    client = Client(base, timeout=15)
    client.login(f"fault{number:02d}")
    step = 0
    while time.monotonic() < deadline:
        step += 1
        started = time.monotonic()
        body = f"fault{number:02d} write {step}"
        try:
            if step % 2:
                status, html = client.get(f"/annotations/{own_pk}/edit/")
                kind = "edit"
                if status == 200:
                    status, _ = client.post(
                        f"/annotations/{own_pk}/edit/",
                        {
                            "body": body,
                            "motivation": "commenting",
                            "visibility": "public",
                            "tags": "faults",
                            "base_version": hidden_value(html, "base_version"),
                        },
                    )
            else:
                kind = "create"
                status, _ = client.post(
                    f"{passage_path}annotate/",
                    {"body": body, "motivation": "commenting", "visibility": "public"},
                )
        except OSError as error:  # timeouts and refused connections count as hangs
            status = f"error: {type(error).__name__}"
        log.append(
            {
                "client": number,
                "kind": kind,
                "body": body,
                "status": status,
                "start": started,
                "seconds": time.monotonic() - started,
            }
        )
        if status != 302:
            time.sleep(0.1)


def verify(accepted_bodies):
    from django.db import connections
    from django.db.models import Count

    connections.close_all()  # this script's own connection did not survive the restart
    from reversion.models import Revision, Version

    from annotations.models import Annotation

    problems = []
    annotation_type = Version.objects.get_for_model(Annotation)
    counts = dict(
        annotation_type.values_list("object_id")
        .annotate(n=Count("pk"))
        .values_list("object_id", "n")
    )
    annotations = list(Annotation.objects.values_list("pk", "version"))
    for pk, version in annotations:
        if counts.get(str(pk), 0) < 1:
            problems.append(f"annotation {pk} has no version")
        elif counts[str(pk)] != version:
            problems.append(f"annotation {pk}: counter {version}, {counts[str(pk)]} versions")
    existing = {str(pk) for pk, _ in annotations}
    orphans = [object_id for object_id in counts if object_id not in existing]
    if orphans:
        problems.append(f"{len(orphans)} versions of annotations that do not exist")
    empty = Revision.objects.annotate(n=Count("version")).filter(n=0).count()
    if empty:
        problems.append(f"{empty} empty revisions")
    stored = set(Annotation.objects.values_list("body", flat=True)) | {
        version.field_dict["body"] for version in annotation_type.iterator()
    }
    lost = [body for body in accepted_bodies if body not in stored]
    if lost:
        problems.append(f"{len(lost)} accepted writes not in the database")
    return problems, {
        "annotations checked": len(annotations),
        "versions checked": sum(counts.values()),
        "revisions checked": Revision.objects.count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=5439)
    parser.add_argument("--app-port", type=int, default=8766)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--duration", type=float, default=45)
    parser.add_argument("--down", type=float, default=8)
    args = parser.parse_args()

    cluster = Cluster(args.port)
    try:
        return run(args, cluster)
    finally:
        cluster.remove()


@dataclass
class Outage:
    """When the database went down and came back (time.monotonic())."""

    down_at: float
    stopped_at: float
    up_at: float
    started_at: float

    def phase(self, entry):
        if entry["start"] + entry["seconds"] < self.down_at:
            return "before"
        if entry["start"] >= self.stopped_at and entry["start"] + entry["seconds"] <= self.up_at:
            return "down"
        if entry["start"] >= self.started_at:
            return "after"
        return "during stop/start"


def run(args, cluster):
    server = None
    try:
        cluster.start()
        subprocess.run(
            [BIN / "createdb", "-h", "127.0.0.1", "-p", str(args.port), "-U", "root",
             "archive_faults"],
            check=True,
        )  # fmt: skip
        database_url = f"postgres://root@127.0.0.1:{args.port}/archive_faults"
        own, passage = prepare(database_url, args.clients)
        passage_path = f"/documents/{passage.document.slug}/{passage.anchor}/"
        server = start_gunicorn(database_url, args.app_port, workers=2)
        server_pid = server.pid
        log, outage = drive_through_outage(args, cluster, own, passage_path)
        same_server = server.poll() is None and server.pid == server_pid
    finally:
        if server is not None:
            stop(server)
    problems, report = judge(args, log, outage, same_server)
    print(json.dumps(report, indent=2))
    return 1 if problems else 0


def drive_through_outage(args, cluster, own, passage_path):
    """Clients write for ``args.duration`` seconds while the database stops for ``args.down``
    seconds and starts again; returns their log and when it happened."""
    log = []
    deadline = time.monotonic() + args.duration
    base = f"http://127.0.0.1:{args.app_port}"
    threads = [
        threading.Thread(target=run_client, args=(n, base, own[n].pk, passage_path, deadline, log))
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(args.down)
    down_at = time.monotonic()
    cluster.stop()
    stopped_at = time.monotonic()
    time.sleep(args.down)
    up_at = time.monotonic()
    cluster.start()
    started_at = time.monotonic()
    for thread in threads:
        thread.join(timeout=args.duration + 60)
    return log, Outage(down_at, stopped_at, up_at, started_at)


def judge(args, log, outage, same_server):
    """The problems seen, and the report: answers by phase, what was accepted and kept."""
    phases = {}
    for entry in log:
        phases.setdefault(outage.phase(entry), Counter())[str(entry["status"])] += 1
    down = [e for e in log if outage.phase(e) == "down"]
    after = [e for e in log if outage.phase(e) == "after"]
    first_ok = min((e["start"] for e in after if e["status"] == 302), default=None)
    accepted = [e["body"] for e in log if e["status"] == 302]
    problems, figures = verify(accepted)
    slow = [e for e in down if e["seconds"] > SLOW]
    if any(e["status"] == 302 for e in down):
        problems.append("a write was accepted while the database was down")
    if any(e["status"] not in (503, 500) for e in down):
        problems.append(f"answers while down: {dict(Counter(str(e['status']) for e in down))}")
    if slow:
        problems.append(f"{len(slow)} requests took over {SLOW} s while the database was down")
    if first_ok is None:
        problems.append("no write succeeded after the database came back")
    if not same_server:
        problems.append("the app server did not survive")
    report = {
        "clients": args.clients,
        "requests": len(log),
        "writes accepted": len(accepted),
        "by phase (status: count)": {k: dict(v) for k, v in phases.items()},
        "database down for s": round(outage.up_at - outage.stopped_at, 1),
        "slowest answer while down s": round(max((e["seconds"] for e in down), default=0), 2),
        "first accepted write after restart s": (
            round(first_ok - outage.started_at, 2) if first_ok is not None else None
        ),
        **figures,
        "problems": problems,
    }
    return problems, report


if __name__ == "__main__":
    sys.exit(main())
