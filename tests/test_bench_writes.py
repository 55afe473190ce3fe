"""The write benchmark (bench/perf_services.py) measures what it says and leaves the data as it
found it; PostgreSQL only, like the benchmark (``synchronous_commit``, the floor's SQL)."""

import pytest
from django.db import connection
from reversion.models import Revision, Version

from annotations.models import Annotation, CrossReference, DisputedClaim, Evidence
from bench import perf_services
from bench.write_floor import FloorWriter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WRITTEN = (Annotation, Annotation.tags.through, DisputedClaim, Evidence, CrossReference)


def counts():
    return {model: model.objects.count() for model in (*WRITTEN, Revision, Version)}


def synchronous_commit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_the_write_benchmark_reports_each_write_against_the_floor_and_removes_its_rows(
    articles, scholar
):
    before = counts()
    workload = perf_services.Workload(8, slugs="")
    floor = FloorWriter(workload.user, workload.passages)
    setting = synchronous_commit()
    try:
        with perf_services.synchronous_commit(False):
            assert synchronous_commit() == "off"
        assert synchronous_commit() == setting
        result = perf_services.measure(workload, floor, rounds=3, warm_up=1)
        assert counts()[Annotation] == before[Annotation] + 8 + 1 + len(floor.written)
    finally:
        workload.remove()
        floor.remove()
    assert counts() == before
    for phase in ("synchronous_commit_on", "synchronous_commit_off"):
        figures = result[phase]
        assert figures["floor"]["count"] == 3 * 4
        assert figures["floor"]["queries"] == 3  # BEGIN, INSERT, COMMIT
        for name in perf_services.WRITES:
            row = figures[name]
            assert row["count"] == 3
            overhead = row["p50_ms"] - figures["floor"]["p50_ms"]
            assert abs(row["overhead_p50_ms"] - overhead) <= 0.011  # each rounded to 0.01
            ratio = row["p50_ms"] / figures["floor"]["p50_ms"]
            assert row["times_floor"] == pytest.approx(ratio, rel=0.02, abs=0.01)
            assert row["queries"] > 3
    # BEGIN and COMMIT (savepoints here) and the nine of tests/test_fast_paths.py.
    assert result["synchronous_commit_on"]["create_flag"]["queries"] == 11
