"""Settings come from the environment; a production start without a secret key fails."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import ROOT

PROBE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps([settings.DEBUG, settings.ALLOWED_HOSTS, db['ENGINE'], str(db['NAME'])]))"
)


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_missing_secret_key_with_debug_off_is_an_error():
    result = run_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_mode_defaults_to_sqlite_file_in_the_project():
    result = run_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert '"django.db.backends.sqlite3"' in result.stdout
    assert str(ROOT / "db.sqlite3") in result.stdout


def test_production_settings_come_from_the_environment():
    result = run_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="archive.example.org, www.archive.example.org",
        DATABASE_URL="postgres://scholar@db.internal:5432/archive",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[false, ["archive.example.org", "www.archive.example.org"], '
        '"django.db.backends.postgresql", "archive"]'
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_database_stores_text_as_utf8():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_connections_plan_no_parallel_queries():
    """The site's queries are short: a parallel plan read whole tables (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
