"""Replica routing, fallback and read-only mode (config/routers.py, config/readonly.py), on
SQLite and PostgreSQL, with the test settings' ``replica`` alias (a second connection to the
test database). ``tests/test_replica_standby.py`` does the same against a real standby."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext as capture
from django.urls import reverse

from annotations.models import Annotation, DisputedClaim
from archive.models import Document
from bench.replica_pair import public_pages
from config import readonly, routers
from config.routers import REPLICA
from tests.conftest import ROOT, load_set

ROUTED = {
    "DATABASE_ROUTERS": ["config.routers.ReplicaRouter"],
    "MIDDLEWARE": ["config.routers.ReplicaMiddleware", *settings.MIDDLEWARE],
}
BANNER = "The archive is read-only for a moment"
TYPED = "My careful note on the date — ăîșț «3 July»"


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
@pytest.mark.commits("the replica alias is a second connection: it sees committed rows only")
def test_no_public_page_type_sends_a_query_to_the_primary(client, fixture_snapshots, scholar):
    load_set(fixture_snapshots, "demo")
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    with override_settings(**ROUTED):
        for name, path in public_pages().items():
            with capture(primary) as on_primary, capture(replica) as on_replica:
                response = client.get(path)
            assert response.status_code == 200, f"{name} ({path})"
            assert [q["sql"] for q in on_primary.captured_queries] == [], name
            assert len(on_replica) > 0 or name == "API page", name
        # A signed-in reader reads from the primary.
        client.force_login(scholar)
        with capture(primary) as on_primary, capture(replica) as on_replica:
            assert client.get(public_pages()["reading page"]).status_code == 200
        assert len(on_replica) == 0 and len(on_primary) > 0


def refuse_connections(monkeypatch, alias):
    """Make new connections to ``alias`` fail as a stopped server's do; count the attempts."""
    attempts = []

    def refused():
        attempts.append(time.monotonic())
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(connections[alias], "ensure_connection", refused)
    return attempts


# The router's choice, called directly: inside a test's transaction every read stays on the
# primary (tests/test_replica_standby.py serves pages through the fallback for real).
PUBLIC_ORDER = (REPLICA, DEFAULT_DB_ALIAS)


@override_settings(DATABASE_COOLDOWN_SECONDS=0.3)
def test_an_unreachable_replica_is_skipped_for_the_cooldown_then_tried_again(
    db, monkeypatch, caplog
):
    attempts = refuse_connections(monkeypatch, REPLICA)
    assert routers.choose(PUBLIC_ORDER) == DEFAULT_DB_ALIAS  # in the same call
    assert len(attempts) == 1 and routers.is_down(REPLICA)
    assert [r.alias for r in caplog.records if r.msg == "database.down"] == [REPLICA]
    # Out of rotation: the next readers do not try it...
    assert routers.choose(PUBLIC_ORDER) == DEFAULT_DB_ALIAS
    assert routers.choose(PUBLIC_ORDER) == DEFAULT_DB_ALIAS
    assert len(attempts) == 1
    # ...until the cool-down has passed.
    time.sleep(0.35)
    assert routers.choose(PUBLIC_ORDER) == DEFAULT_DB_ALIAS
    assert len(attempts) == 2
    monkeypatch.setattr(connections[REPLICA], "ensure_connection", lambda: None)
    time.sleep(0.35)
    assert routers.choose(PUBLIC_ORDER) == REPLICA  # back in rotation
    assert [r.msg for r in caplog.records if r.name == "archive.database"][-1] == "database.up"


@override_settings(DATABASE_REPLICA_MAX_LAG=5, DATABASE_COOLDOWN_SECONDS=0.3)
def test_a_replica_too_far_behind_is_skipped_and_measured_once_per_cooldown(db, monkeypatch):
    monkeypatch.setattr(connections[REPLICA], "ensure_connection", lambda: None)
    measured = []
    monkeypatch.setattr(routers, "replica_lag", lambda alias=REPLICA: measured.append(1) or 9.0)
    for _ in range(3):
        assert routers.choose(PUBLIC_ORDER) == DEFAULT_DB_ALIAS
    assert len(measured) == 1 and routers.is_down(REPLICA)
    time.sleep(0.35)
    monkeypatch.setattr(routers, "replica_lag", lambda alias=REPLICA: measured.append(1) or 1.0)
    assert routers.choose(PUBLIC_ORDER) == REPLICA
    assert routers.choose(PUBLIC_ORDER) == REPLICA
    assert len(measured) == 2  # the second call is within the new cool-down: not measured


def test_with_the_primary_down_a_signed_in_read_goes_to_the_replica(db, monkeypatch):
    monkeypatch.setattr(connections[REPLICA], "ensure_connection", lambda: None)
    routers.mark_down(DEFAULT_DB_ALIAS, "test")
    assert routers.choose((DEFAULT_DB_ALIAS, REPLICA)) == REPLICA
    assert readonly.reason() == readonly.PRIMARY_DOWN


def test_the_lag_of_a_database_that_is_no_replica_is_zero(db):
    assert routers.replica_lag(DEFAULT_DB_ALIAS) == 0.0


def annotate_url(passage):
    return reverse(
        "annotations:annotation-create",
        kwargs={"slug": passage.document.slug, "anchor": passage.anchor},
    )


def note():
    return {"body": TYPED, "motivation": "commenting", "visibility": "public", "tags": "dates"}


def assert_refused(response, retry_after):
    html = response.content.decode()
    assert response.status_code == 503, html[:500]
    assert response["Retry-After"] == str(retry_after)
    assert BANNER in html and "Nothing you sent was saved" in html
    return html


@override_settings(READ_ONLY=True, READ_ONLY_RETRY_AFTER=120)
def test_maintenance_mode_refuses_every_write_and_keeps_what_was_typed(
    client, lead, scholar, moderator
):
    documents = Document.objects.count()
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "ana", "password": "archive-test"})
    assert_refused(response, 120)
    assert "archive-test" not in response.content.decode()  # a password is not written back

    client.force_login(scholar)
    html = assert_refused(client.post(annotate_url(lead), note()), 120)
    assert TYPED in html and 'name="body"' in html and "being maintained" in html
    flag = {"category": "date", "statement": TYPED}
    flag_url = reverse(
        "annotations:flag-create", kwargs={"slug": lead.document.slug, "anchor": lead.anchor}
    )
    assert_refused(client.post(flag_url, flag), 120)
    assert_refused(client.post(reverse("logout")), 120)
    page = client.get(lead.document.get_absolute_url())
    assert page.status_code == 200 and BANNER in page.content.decode()

    client.force_login(moderator)
    document = Document.objects.first()
    change = reverse("admin:archive_document_change", args=[document.pk])
    assert_refused(client.post(change, {"title": "Renamed"}), 120)
    action = {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"}
    assert_refused(client.post(reverse("admin:archive_document_changelist"), action), 120)

    assert not Annotation.objects.exists() and not DisputedClaim.objects.exists()
    assert Document.objects.count() == documents and document.title != "Renamed"
    client.logout()
    assert BANNER not in client.get(lead.document.get_absolute_url()).content.decode()


def test_a_write_that_finds_the_primary_gone_is_refused_then_accepted_when_it_is_back(
    client, lead, scholar, monkeypatch
):
    from annotations import services

    def primary_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    client.force_login(scholar)
    with monkeypatch.context() as patched:
        patched.setattr(services, "create_annotation", primary_gone)
        html = assert_refused(client.post(annotate_url(lead), note()), 30)
    assert TYPED in html and "cannot reach its main database" in html
    assert readonly.reason() == readonly.PRIMARY_DOWN
    assert BANNER in client.get(lead.document.get_absolute_url()).content.decode()
    # The next write finds the primary answering: accepted, and the banner goes.
    response = client.post(annotate_url(lead), note())
    assert response.status_code == 302
    assert Annotation.objects.get().body == TYPED
    assert readonly.reason() is None
    assert BANNER not in client.get(lead.document.get_absolute_url()).content.decode()


def test_a_write_is_refused_before_its_view_while_the_primary_refuses_connections(
    client, lead, scholar, monkeypatch
):
    client.force_login(scholar)
    primary = connections[DEFAULT_DB_ALIAS]
    with monkeypatch.context() as patched:
        attempts = refuse_connections(patched, DEFAULT_DB_ALIAS)
        patched.setattr(primary, "close", lambda: None)  # keep the test's own transaction
        html = assert_refused(client.post(annotate_url(lead), note()), 30)
    assert attempts and TYPED in html
    assert routers.is_down(DEFAULT_DB_ALIAS)
    assert not Annotation.objects.exists()


def test_typed_fields_drop_passwords_and_hide_form_machinery():
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    post.update({"csrfmiddlewaretoken": "t", "password": "secret", "body": "text"})
    post.setlist("_selected_action", ["1", "2"])
    post.update({"base_version": "3", "form-TOTAL_FORMS": "1"})
    assert readonly.typed_fields(post) == [
        ("body", ["text"], True),
        ("_selected_action", ["1", "2"], False),
        ("base_version", ["3"], False),
        ("form-TOTAL_FORMS", ["1"], False),
    ]


SETTINGS_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "r = s.DATABASES.get('replica', {}).get('OPTIONS', {}); "
    "print(json.dumps([r.get('connect_timeout'), r.get('pool', {}).get('timeout'), "
    "getattr(s, 'DATABASE_ROUTERS', []), s.MIDDLEWARE[0], "
    "'config.readonly.ReadOnlyMiddleware' in s.MIDDLEWARE, s.DATABASE_COOLDOWN_SECONDS, "
    "s.DATABASE_REPLICA_MAX_LAG, s.READ_ONLY]))"
)


def probe_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_DEBUG="1", **env)
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_replica_fallback_and_read_only_settings_come_from_the_environment():
    assert probe_settings(
        DATABASE_URL="postgres://scholar@db.internal:5432/archive",
        DATABASE_REPLICA_URL="postgres://scholar@replica.internal:5432/archive",
        DJANGO_DB_POOL_MAX="4",
        DJANGO_DB_COOLDOWN="10",
        DJANGO_DB_REPLICA_MAX_LAG="2.5",
        DJANGO_READ_ONLY="1",
    ) == [
        2,
        2,
        ["search.routers.DerivedDataRouter", "config.routers.ReplicaRouter"],
        "config.routers.ReplicaMiddleware",
    ] + [
        True,
        10.0,
        2.5,
        True,
    ]
    # Without a replica: only the search's router, read-only mode still there (off), the defaults.
    without = probe_settings(DATABASE_URL="postgres://scholar@db.internal:5432/archive")
    assert without[2:6] == [
        ["search.routers.DerivedDataRouter"],
        "django.middleware.security.SecurityMiddleware",
        True,
        30.0,
    ]
    assert without[6:] == [None, False]
