"""Time the services' writes on the benchmark database (run by bench/run.py).

``create_annotation`` and ``update_annotation`` — each one transaction with its row lock,
permission check, revision, version and change-counter bump, committed — timed one by one on
generated passages, then removed again (annotations, their tags, versions and revisions), so
that repeated runs leave the data as they found it. Prints one JSON line.

    DATABASE_URL=postgres://…/archive_perf .venv/bin/python bench/perf_services.py [COUNT]
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def main(count):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.perf_settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from reversion.models import Revision, Version

    from annotations import services
    from annotations.models import Annotation
    from annotations.services import TargetData
    from archive.models import Passage

    rng = random.Random(1940)
    user = User.objects.filter(groups__name="Scholars").order_by("pk").first()
    ids = list(
        Passage.objects.filter(document__slug__startswith="scale-").values_list("pk", flat=True)
    )
    passages = list(
        Passage.objects.filter(pk__in=rng.sample(ids, min(len(ids), count + 20))).select_related(
            "document"
        )
    )
    created, create_times, update_times, queries = [], [], [], {}

    def create(passage, number):
        return services.create_annotation(
            user=user,
            target=TargetData(passage=passage, start=0, end=min(12, len(passage.text))),
            body=f"Benchmark note {number}: the date differs from the Romanian text.",
            motivation="commenting",
            visibility="public",
            tags=["benchmark", "dates"],
        )

    def update(annotation, number):
        return services.update_annotation(
            annotation=annotation,
            user=user,
            data={"body": f"Benchmark note {number}, corrected.", "tags": ["benchmark"]},
            base_version=annotation.version,
        )

    try:
        for number, passage in enumerate(passages):
            started = time.perf_counter()
            annotation = create(passage, number)
            elapsed = time.perf_counter() - started
            created.append(annotation)
            if number >= 20:  # the first ones warm up the connection and caches
                create_times.append(elapsed)
        for number, annotation in enumerate(created):
            started = time.perf_counter()
            created[number] = update(annotation, number)
            elapsed = time.perf_counter() - started
            if number >= 20:
                update_times.append(elapsed)
        with CaptureQueriesContext(connection) as captured:
            extra = create(passages[0], -1)
        queries["create"] = len(captured)
        created.append(extra)
        with CaptureQueriesContext(connection) as captured:
            created[-1] = update(extra, -1)
        queries["update"] = len(captured)
    finally:
        pks = [str(a.pk) for a in created]
        with transaction.atomic():
            versions = Version.objects.get_for_model(Annotation).filter(object_id__in=pks)
            revisions = list(versions.values_list("revision_id", flat=True))
            versions.delete()
            Revision.objects.filter(pk__in=revisions).delete()
            Annotation.tags.through.objects.filter(annotation_id__in=pks).delete()
            Annotation.objects.filter(pk__in=pks).delete()
    result = {
        "create_annotation": {**figures(create_times), "queries": queries.get("create")},
        "update_annotation": {**figures(update_times), "queries": queries.get("update")},
    }
    print("BENCH " + json.dumps(result))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
