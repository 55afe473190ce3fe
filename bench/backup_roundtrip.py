"""Backup and restore round trip, taken under write load; every table compared.

    .venv/bin/python bench/backup_roundtrip.py postgres [--server postgres://root@127.0.0.1:5432]
    .venv/bin/python bench/backup_roundtrip.py sqlite [--workdir /tmp]

postgres: recreates ``archive_backup_src`` and ``archive_backup_dst`` (own names, on
127.0.0.1), migrates and loads the source, and starts writer threads (annotations created,
edited, flagged, cross-referenced through the services). While they write, a REPEATABLE READ
transaction exports its snapshot and counts and checksums every table in it (count and md5 of
the rows as text, in order); ``pg_dump -Fc --snapshot=…`` dumps exactly that state while the
writers go on; ``pg_restore`` loads it into the empty destination, whose tables are then counted
and checksummed the same way. Every table must match.

sqlite: the same load on a SQLite file, then ``dumpdata --natural-foreign --natural-primary``
(without contenttypes, auth.permission, admin.logentry and sessions, which ``migrate``
recreates or which are not worth keeping), ``loaddata`` into a freshly migrated file, and
the same dump of the copy: every model's records (count and SHA-256, natural keys) must match.
Django's JSON keeps times to the millisecond: that is the precision compared (an exact copy of
a SQLite file is ``sqlite3 FILE ".backup COPY"``, see docs/operations.md).

Prints the figures as JSON; exits 1 on any difference.
"""

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    drop_postgres_database,
    manage,
    recreate_postgres_database,
    setup_django,
)

EXCLUDE = ["contenttypes", "auth.permission", "admin.logentry", "sessions"]


def writer(number, stop_at, counts):
    """Create, edit and flag through the services until ``stop_at``."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from annotations import services
    from annotations.services import TargetData
    from archive.models import ExternalLink, Passage

    user = User.objects.create_user(f"backup{number}", password="x")
    user.groups.add(Group.objects.get(name="Scholars"))
    passages = list(Passage.objects.order_by("pk")[:20])
    link = ExternalLink.objects.order_by("pk").first()
    step = 0
    while time.monotonic() < stop_at:
        passage = passages[step % len(passages)]
        annotation = services.create_annotation(
            user=user,
            target=TargetData(passage=passage),
            body=f"writer {number} note {step} — ăîșț «»",
            motivation="commenting",
            visibility="private" if step % 3 == 0 else "public",
            tags=["backup", f"w{number}"],
        )
        services.update_annotation(
            annotation=annotation, user=user, data={"body": f"edited {step}"}, base_version=1
        )
        if step % 4 == 0:
            services.create_flag(
                user=user, target=TargetData(passage=passage), category="date", statement="?"
            )
        if step % 5 == 0:
            services.create_crossref(
                user=user, target=TargetData(passage=passage), relation="see_also", to_link=link
            )
        step += 1
        counts[number] = step
    connection.close()


def start_writers(seconds, writers=3):
    counts = {}
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=writer, args=(n, stop_at, counts)) for n in range(writers)]
    for thread in threads:
        thread.start()
    return threads, counts


# --- PostgreSQL -----------------------------------------------------------------------------


def table_checksums(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    result = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            f' FROM "{table}" t'
        )
        result[table] = list(cursor.fetchone())
    return result


def roundtrip_postgres(server, seconds):
    import psycopg

    source, target = "archive_backup_src", "archive_backup_dst"
    recreate_postgres_database(f"{server}/postgres", source)
    recreate_postgres_database(f"{server}/postgres", target)
    source_url = f"{server}/{source}"
    manage(source_url, "migrate", "--noinput")
    manage(source_url, "loaddata", "articles")
    setup_django(source_url)
    threads, counts = start_writers(seconds)
    time.sleep(seconds / 2)  # the writers are busy: take the backup now
    dump = Path(tempfile.mkdtemp(prefix="archive-backup-")) / "archive.dump"
    with psycopg.connect(source_url) as snapshot:
        snapshot.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot_id = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]
        before = table_checksums(snapshot.cursor())
        started = time.monotonic()
        subprocess.run(
            ["pg_dump", "-Fc", f"--snapshot={snapshot_id}", "-f", str(dump), source_url],
            check=True,
        )
        dump_seconds = time.monotonic() - started
    for thread in threads:
        thread.join()
    started = time.monotonic()
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", f"{server}/{target}", str(dump)],
        check=True,
    )
    restore_seconds = time.monotonic() - started
    with psycopg.connect(f"{server}/{target}") as restored:
        after = table_checksums(restored.cursor())
    with psycopg.connect(source_url) as live:
        now = table_checksums(live.cursor())
    differences = [table for table in before if before[table] != after.get(table)]
    differences += [table for table in after if table not in before]
    for name in (source, target):
        drop_postgres_database(f"{server}/postgres", name)
    return {
        "mode": "postgres (pg_dump -Fc / pg_restore)",
        "writer steps during the run": sum(counts.values()),
        "rows written after the snapshot": sum(now[t][0] for t in now)
        - sum(before[t][0] for t in before),
        "tables compared": len(before),
        "rows compared": sum(count for count, _ in before.values()),
        "versions compared": before["reversion_version"][0],
        "dump bytes": dump.stat().st_size,
        "dump s": round(dump_seconds, 2),
        "restore s": round(restore_seconds, 2),
        "differences": differences,
    }


# --- SQLite ---------------------------------------------------------------------------------


#: Django's JSON serializer writes times to the millisecond (…:55.123Z) and leaves the
#: fraction out when that is .000 after a load; compare at the precision it keeps.
_TIME = re.compile(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{3})?Z"')


def model_checksums(dump_file):
    text = Path(dump_file).read_text(encoding="utf-8")
    text = _TIME.sub(lambda m: f'"{m.group(1)}{m.group(2) or ".000"}Z"', text)
    records = json.loads(text)
    by_model = {}
    for record in records:
        by_model.setdefault(record["model"], []).append(
            json.dumps(record, sort_keys=True, ensure_ascii=False)
        )
    return {
        model: [len(rows), hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()]
        for model, rows in sorted(by_model.items())
    }


def dumpdata(database_url, output):
    manage(
        database_url,
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *[f"--exclude={name}" for name in EXCLUDE],
        "--indent=1",
        f"--output={output}",
    )


def roundtrip_sqlite(workdir, seconds):
    folder = Path(tempfile.mkdtemp(prefix="archive-backup-", dir=workdir))
    source_url = f"sqlite:///{folder / 'source.sqlite3'}"
    target_url = f"sqlite:///{folder / 'restored.sqlite3'}"
    manage(source_url, "migrate", "--noinput")
    manage(source_url, "loaddata", "articles")
    setup_django(source_url)
    threads, counts = start_writers(seconds)
    for thread in threads:
        thread.join()
    # SQLite has no exported snapshots: dumpdata runs in one read transaction on a quiet file.
    started = time.monotonic()
    dumpdata(source_url, folder / "backup.json")
    dump_seconds = time.monotonic() - started
    manage(target_url, "migrate", "--noinput")
    started = time.monotonic()
    manage(target_url, "loaddata", str(folder / "backup.json"))
    restore_seconds = time.monotonic() - started
    dumpdata(target_url, folder / "copy.json")
    before, after = model_checksums(folder / "backup.json"), model_checksums(folder / "copy.json")
    differences = sorted(set(before) ^ set(after)) + [
        model for model in before if model in after and before[model] != after[model]
    ]
    report = {
        "mode": "sqlite (dumpdata / loaddata, natural keys)",
        "writer steps during the run": sum(counts.values()),
        "models compared": len(before),
        "rows compared": sum(count for count, _ in before.values()),
        "versions compared": before.get("reversion.version", [0])[0],
        "dump bytes": (folder / "backup.json").stat().st_size,
        "dump s": round(dump_seconds, 2),
        "restore s": round(restore_seconds, 2),
        "differences": differences,
    }
    if not differences:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
    else:
        report["kept for inspection"] = str(folder)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["postgres", "sqlite"])
    parser.add_argument("--server", default="postgres://root@127.0.0.1:5432")
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args(argv)
    if args.mode == "postgres":
        if "127.0.0.1" not in args.server and "localhost" not in args.server:
            parser.error("the database must be on this machine (127.0.0.1)")
        report = roundtrip_postgres(args.server, args.seconds)
    else:
        report = roundtrip_sqlite(args.workdir, args.seconds)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if report["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
