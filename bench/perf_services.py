"""Time the services' writes against the physical floor, on the benchmark database (run by
bench/run.py).

The floor is one bare ``INSERT`` of an annotation row and its ``COMMIT`` (bench/write_floor.py),
sent on the same connection to the same table. Each round times, in this order, a floor write,
``create_annotation``, a floor write, ``update_annotation`` (of an annotation made earlier in the
run), a floor write, ``create_flag`` (with one piece of evidence), a floor write and
``create_crossref`` (passage to passage) — each service write one transaction with its row lock
where it has one, permission check, revision, version and change-counter bump, committed — so
that the floor and the writes share the machine's load of the moment. All rounds run twice:
with ``synchronous_commit`` on (the server's setting: each commit waits for the write-ahead
log's fsync) and with it off for this session only (the commit returns before the fsync), which
leaves the Python, ORM and statement part. Each write's process CPU time is recorded too: the
Python and driver part alone, without the waits on the server.

Reported per write: p50, p95, p99, mean, the overhead (write p50 − floor p50 of the same phase)
and the ratio to the floor, CPU p50, and the statements one write sends. Everything written is
removed again afterwards (records, tag rows, versions, revisions, floor rows), so repeated runs
leave the data as they found it; the document and passage change counters keep their bumps.
Prints one JSON line, ``BENCH {...}``.

    DATABASE_URL=postgres://…/archive_writes .venv/bin/python bench/perf_services.py \
        [--rounds 300] [--warm-up 20] [--profile out.html]

``--profile`` runs the rounds with ``synchronous_commit`` off under pyinstrument (the ``bench``
extra) instead, and writes its HTML report there.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITES = ("create_annotation", "update_annotation", "create_flag", "create_crossref")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def figures(seconds):
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.perf_settings")
    import django

    django.setup()


class Workload:
    """The writes of one round, on generated passages (documents whose slug starts with
    ``slugs``), as a scholar of the scale data makes them; remembers what it wrote so that
    :meth:`remove` can take it away again."""

    def __init__(self, rounds, seed=1940, slugs="scale-"):
        from django.contrib.auth.models import User

        from archive.models import Passage, Reference

        rng = random.Random(seed)
        self.user = User.objects.filter(groups__name="Scholars").order_by("pk").first()
        ids = list(
            Passage.objects.filter(document__slug__startswith=slugs).values_list("pk", flat=True)
        )
        chosen = rng.sample(ids, min(len(ids), 2 * rounds))
        passages = Passage.objects.filter(pk__in=chosen).select_related("document").in_bulk()
        self.passages = [passages[pk] for pk in chosen]
        self.reference = Reference.objects.order_by("pk").first()
        self.annotations, self.flags, self.crossrefs = [], [], []

    def passage(self, number):
        return self.passages[number % len(self.passages)]

    def create_annotation(self, number):
        from annotations import services
        from annotations.services import TargetData

        passage = self.passage(number)
        annotation = services.create_annotation(
            user=self.user,
            target=TargetData(passage=passage, start=0, end=min(12, len(passage.text))),
            body=f"Benchmark note {number}: the date differs from the Romanian text.",
            motivation="commenting",
            visibility="public",
            tags=["benchmark", "dates"],
        )
        self.annotations.append(annotation)
        return annotation

    def update_annotation(self, number):
        from annotations import services

        index = (number // 2) % len(self.annotations)  # one made a while ago
        annotation = self.annotations[index]
        self.annotations[index] = services.update_annotation(
            annotation=annotation,
            user=self.user,
            data={"body": f"Benchmark note {number}, corrected.", "tags": ["benchmark"]},
            base_version=annotation.version,
        )

    def create_flag(self, number):
        from annotations import services
        from annotations.services import TargetData

        evidence = []
        if self.reference is not None:
            evidence = [{"reference": self.reference, "locator": "p. 12", "stance": "contradicts"}]
        self.flags.append(
            services.create_flag(
                user=self.user,
                target=TargetData(passage=self.passage(number)),
                category="date",
                statement=f"Benchmark flag {number}: the Romanian text gives another date.",
                evidence=evidence,
            )
        )

    def create_crossref(self, number):
        from annotations import services
        from annotations.services import TargetData

        self.crossrefs.append(
            services.create_crossref(
                user=self.user,
                target=TargetData(passage=self.passage(number)),
                relation="see_also",
                note=f"Benchmark cross-reference {number}.",
                to_target=TargetData(passage=self.passage(number + 1)),
            )
        )

    def remove(self):
        """Delete every record written, with its tag rows, versions and revisions."""
        from django.db import transaction
        from reversion.models import Revision, Version

        from annotations.models import Annotation

        records = [*self.annotations, *self.flags, *self.crossrefs]
        with transaction.atomic():
            revisions = set()
            for model in {type(record) for record in records}:
                pks = [str(record.pk) for record in records if type(record) is model]
                versions = Version.objects.get_for_model(model).filter(object_id__in=pks)
                revisions.update(versions.values_list("revision_id", flat=True))
            # A revision's versions (a flag's evidence included) go with it.
            Revision.objects.filter(pk__in=revisions).delete()
            Annotation.tags.through.objects.filter(annotation__in=self.annotations).delete()
            for record in [*self.crossrefs, *self.flags, *self.annotations]:
                type(record).objects.filter(pk=record.pk).delete()


def timed(function, *args):
    """Run ``function``; return (wall seconds, process CPU seconds)."""
    cpu, wall = time.process_time(), time.perf_counter()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


@contextmanager
def synchronous_commit(on):
    """``synchronous_commit`` for this session only (the benchmark's; never the server's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO " + ("on" if on else "off"))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def run_rounds(workload, floor, rounds, warm_up, first):
    """Time ``rounds`` rounds after ``warm_up`` untimed ones; return {name: [(wall, cpu)]}."""
    times = {name: [] for name in ("floor", *WRITES)}
    for number in range(first, first + warm_up + rounds):
        for name in WRITES:
            floor_time = timed(floor.write)
            write_time = timed(getattr(workload, name), number)
            if number >= first + warm_up:
                times["floor"].append(floor_time)
                times[name].append(write_time)
    return times


def phase_figures(times):
    """The figures of one phase: each write's, and its overhead and ratio to the floor."""
    floor_p50 = percentile([wall for wall, _ in times["floor"]], 0.5) * 1000
    result = {}
    for name, pairs in times.items():
        row = figures([wall for wall, _ in pairs])
        row["cpu_p50_ms"] = round(percentile([cpu for _, cpu in pairs], 0.5) * 1000, 2)
        if name != "floor":
            row["overhead_p50_ms"] = round(row["p50_ms"] - floor_p50, 2)
            row["times_floor"] = round(row["p50_ms"] / floor_p50, 2)
        result[name] = row
    return result


def statement_counts(workload, floor):
    """How many statements one write of each kind sends (BEGIN and COMMIT included; an
    ``executemany``, logged as "N times: …", counts N)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, function in (("floor", floor.write), *((n, getattr(workload, n)) for n in WRITES)):
        with CaptureQueriesContext(connection) as captured:
            function(*([] if name == "floor" else [10**6]))
        counts[name] = sum(
            int(query["sql"].split(" times: ")[0]) if " times: " in query["sql"][:20] else 1
            for query in captured.captured_queries
        )
    return counts


def profile(workload, floor, rounds, warm_up, path):
    from pyinstrument import Profiler

    run_rounds(workload, floor, 0, warm_up, 0)
    profiler = Profiler(interval=0.0002)
    with synchronous_commit(False), profiler:
        run_rounds(workload, floor, rounds, 0, warm_up)
    Path(path).write_text(profiler.output_html(), encoding="utf-8")
    print(profiler.output_text(unicode=True, show_all=False))


def measure(workload, floor, rounds, warm_up):
    result = {"load_before": list(os.getloadavg())}
    # Both phases warm up the connection, the caches and the annotations to update first.
    on = run_rounds(workload, floor, rounds, warm_up, 0)
    with synchronous_commit(False):
        off = run_rounds(workload, floor, rounds, warm_up, warm_up + rounds)
    counts = statement_counts(workload, floor)
    result["synchronous_commit_on"] = phase_figures(on)
    result["synchronous_commit_off"] = phase_figures(off)
    for phase in ("synchronous_commit_on", "synchronous_commit_off"):
        for name, count in counts.items():
            result[phase][name]["queries"] = count
    result["load_after"] = list(os.getloadavg())
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument("--profile", metavar="HTML", help="profile instead (pyinstrument)")
    args = parser.parse_args()
    setup()
    from write_floor import FloorWriter

    workload = Workload(args.rounds + args.warm_up)
    floor = FloorWriter(workload.user, workload.passages)
    try:
        if args.profile:
            profile(workload, floor, args.rounds, args.warm_up, args.profile)
            return
        result = measure(workload, floor, args.rounds, args.warm_up)
    finally:
        workload.remove()
        floor.remove()
    print("BENCH " + json.dumps(result))


if __name__ == "__main__":
    main()
