"""Backup and restore round trips under write load (bench/backup_roundtrip.py), as tests."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import ROOT

SCRIPT = ROOT / "bench" / "backup_roundtrip.py"


def run(*args):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(result.stdout[result.stdout.index("{") :])


@pytest.mark.slow
def test_sqlite_dumpdata_loaddata_round_trip_keeps_every_record_and_version():
    report = run("sqlite", "--seconds", "2")
    assert report["differences"] == []
    # Writes went on (versions exist) and more than the 181 catalogue rows were compared; how
    # many depends on the machine's speed during the two seconds of load.
    assert report["versions compared"] > 0 and report["rows compared"] > 181


@pytest.mark.postgres
def test_postgres_pg_dump_under_load_restores_every_row():
    database = settings.DATABASES["default"]
    server = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    report = run("postgres", "--server", server, "--seconds", "4")
    assert report["differences"] == []
    assert report["rows written after the snapshot"] > 0  # the writers went on during the dump
    assert report["versions compared"] > 0
