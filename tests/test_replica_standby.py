"""Reads and faults against a real hot standby: a primary and a standby made for these tests
(``bench/replica_pair.py``: initdb, pg_basebackup -R, free ports, a temporary folder) and the
archive under gunicorn reading from both. Each server logs its statements, so a test counts
the queries a request sent to each.

- Both up: every public page type reads from the standby only; signed-in reads and writes
  use the primary, and a write reaches anonymous readers through replication.
- The standby stopped: every public page type answers 200 from the primary in the same
  request; once it is back and the cool-down has passed, reads return to it.
- The primary stopped: every public page type and every signed-in read answers 200 from the
  standby (signed-in pages with the read-only banner); every write answers 503 with
  Retry-After and what was typed, never 500; nothing is half-written, and writes work again
  as soon as the primary is back, without restarting the app.

Each test leaves both servers running, so any one runs alone; under pytest-xdist a worker that
gets some of them makes its own pair (own folder, own ports).
"""

import os
import shutil
import time
from pathlib import Path

import pytest

from bench.replica_pair import (
    EN,
    PASSWORD,
    Client,
    Pair,
    SilentServer,
    free_port,
    public_pages,
    start_app,
    stop,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

COOLDOWN = 2  # seconds, instead of 30: the return to rotation is tested too
BANNER = "The archive is read-only for a moment"
ACCOUNTS = (
    "from django.contrib.auth.models import Group, User\n"
    "for name, group in (('reader', 'Scholars'), ('keeper', 'Moderators')):\n"
    "    staff = group == 'Moderators'\n"
    "    user = User.objects.create_user(name, password='{password}', is_staff=staff)\n"
    "    user.groups.add(Group.objects.get(name=group))\n"
)


def _skip_reason():
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup")):
        return "no PostgreSQL binaries under /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser to start PostgreSQL as postgres"
    return None


class Site:
    def __init__(self, pair, app, base):
        self.pair, self.app, self.base = pair, app, base
        self.primary, self.standby = pair.primary, pair.standby
        self.scholar = self.signed_in("reader")
        self.moderator = self.signed_in("keeper")

    def signed_in(self, username):
        client = Client(self.base, timeout=15)
        client.login(username)
        return client

    def get(self, client, path):
        """(status, html, statements on the primary, on the standby, seconds)."""
        offsets = self.primary.log_size(), self.standby.log_size()
        started = time.monotonic()
        status, html = client.get(path)
        seconds = time.monotonic() - started
        return (
            status,
            html,
            self.primary.statements_since(offsets[0]),
            self.standby.statements_since(offsets[1]),
            seconds,
        )

    def count(self, sql):
        return self.pair.sql(self.primary, sql)[0][0]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The pair with the articles, the demo and two accounts, served by gunicorn; the app's
    log stays in pytest's temporary folder (``gunicorn.log``) for a failure's post-mortem."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    pair = Pair()
    app = None
    log_path = tmp_path_factory.mktemp("replica-app") / "gunicorn.log"
    try:
        pair.create()
        pair.manage("migrate", "--noinput")
        pair.manage("loaddata", "articles", "demo")
        pair.manage("shell", "-c", ACCOUNTS.format(password=PASSWORD))
        pair.add_standby()
        port = free_port()
        with open(log_path, "wb") as log:
            app = start_app(
                pair, port, log=log, DJANGO_DB_COOLDOWN=str(COOLDOWN), DJANGO_LOG_LEVEL="WARNING"
            )
            yield Site(pair, app, f"http://127.0.0.1:{port}")
    finally:
        if app is not None:
            stop(app)
        pair.remove()


def anonymous(site):
    return Client(site.base, timeout=15)


def test_every_public_page_reads_from_the_standby_only(site):
    reader = anonymous(site)
    on_standby = 0
    for name, path in public_pages().items():
        status, _, primary, standby, _ = site.get(reader, path)
        assert (status, primary) == (200, 0), f"{name} ({path}): {status}, {primary} on primary"
        on_standby += standby
    assert on_standby > 50  # the pages' queries went to the standby

    # A signed-in scholar reads from the primary: what they write is there at once...
    status, _, primary, standby, _ = site.get(site.scholar, f"/documents/{EN}/p-1/")
    assert (status, standby) == (200, 0) and primary > 0
    # ...and what they write reaches anonymous readers through replication.
    body = f"Replicated note {time.time()}"
    status, _ = site.scholar.post(
        f"/documents/{EN}/p-1/annotate/",
        {"body": body, "motivation": "commenting", "visibility": "public", "tags": ""},
    )
    assert status == 302
    assert wait_until(lambda: body in reader.get(f"/documents/{EN}/p-1/")[1], seconds=10)


def test_standby_stopped_every_public_page_falls_back_to_the_primary(site):
    reader = anonymous(site)
    site.standby.stop()
    try:
        for number, (name, path) in enumerate(public_pages().items()):
            status, _, primary, standby, seconds = site.get(reader, path)
            assert status == 200, f"{name} ({path}) answered {status} with the standby down"
            assert standby == 0
            if number == 0:
                assert seconds < 3, f"the first fallback took {seconds:.1f} s"
            if name != "API page":
                assert primary > 0, f"{name} did not read from the primary"
    finally:
        site.standby.start()
    # Back in rotation once the cool-down has passed: no query on the primary again.
    time.sleep(COOLDOWN)
    assert wait_until(lambda: site.get(reader, "/documents/")[2] == 0, seconds=10)
    status, _, primary, standby, _ = site.get(reader, "/references/")
    assert (status, primary) == (200, 0) and standby > 0


def test_primary_stopped_reads_come_from_the_standby_and_writes_answer_503(site):
    rows = {
        table: f"SELECT count(*) FROM {table}"
        for table in ("annotations_annotation", "annotations_disputedclaim", "auth_user")
        + ("reversion_revision", "django_session", "archive_document")
    }
    before = {table: site.count(sql) for table, sql in rows.items()}
    reader = anonymous(site)
    reader.get("/accounts/login/")  # a CSRF cookie for the login form
    typed = "Typed while the primary was down: ăîșț «»"
    annotate = f"/documents/{EN}/p-1/annotate/"
    note = {"body": typed, "motivation": "commenting", "visibility": "public", "tags": "x"}
    site.primary.stop()
    try:
        for name, path in public_pages().items():
            for who, client in (("anonymous", reader), ("scholar", site.scholar)):
                status, html, _, standby, _ = site.get(client, path)
                assert status == 200, f"{name} ({path}) for {who}: {status}"
                if name == "reading page" and who == "scholar":
                    assert BANNER in html and standby > 0
                if who == "anonymous":
                    assert BANNER not in html
        status, html, _, standby, _ = site.get(site.scholar, "/annotations/mine/")
        assert status == 200 and BANNER in html and standby > 0
        status, html, _, standby, _ = site.get(site.moderator, "/admin/")
        assert status == 200 and BANNER in html and standby > 0
        # The profile page reads a profile without making a missing one.
        status, html, _, standby, _ = site.get(site.scholar, "/accounts/profile/")
        assert status == 200 and BANNER in html and standby > 0
        # Pages that open a transaction on the primary even to read: django-reversion's admin
        # lists and Django's admin change forms, which are the moderators' write tools. They
        # answer 503, never 500 (docs/operations.md, "The primary is down").
        for path in (
            "/admin/annotations/annotation/",
            "/admin/archive/document/1/change/",
        ):
            assert site.get(site.moderator, path)[0] == 503, path

        writes = [
            (site.scholar, annotate, note),
            (site.scholar, f"/documents/{EN}/p-1/flag/", {"statement": typed, "category": "date"}),
            (site.moderator, "/admin/archive/document/", {"action": "delete_selected"}),
            (site.moderator, "/admin/auth/user/1/change/", {"username": "renamed"}),
            (site.scholar, "/accounts/logout/", {}),
            (reader, "/accounts/login/", {"username": "reader", "password": PASSWORD}),
        ]
        for client, path, data in writes:
            status, html = client.post(path, data)
            assert status == 503, f"POST {path}: {status}"
            assert BANNER in html and "Nothing you sent was saved" in html
        status, html = site.scholar.post(annotate, note)
        assert typed in html and 'name="body"' in html  # what was typed, ready to send again
    finally:
        site.primary.start()
    # The app was not restarted: the first write after the primary is back is accepted.
    started = time.monotonic()
    assert wait_until(lambda: site.scholar.post(annotate, note)[0] == 302, seconds=10)
    assert time.monotonic() - started < 5
    assert site.app.poll() is None
    # Nothing half-written: of all those writes, only the note accepted at the end is there,
    # in one revision; no flag, account, session or document changed.
    after = {table: site.count(sql) for table, sql in rows.items()}
    assert after == {
        **before,
        "annotations_annotation": before["annotations_annotation"] + 1,
        "reversion_revision": before["reversion_revision"] + 1,
    }
    assert site.count(f"SELECT count(*) FROM annotations_annotation WHERE body = '{typed}'") == 1
    status, html, primary, _, _ = site.get(site.scholar, f"/documents/{EN}/p-1/")
    assert status == 200 and BANNER not in html and primary > 0


def test_a_replica_that_never_answers_costs_one_connect_timeout_then_none(site):
    silent = SilentServer()
    port = free_port()
    app = start_app(site.pair, port, replica_url=silent.url, DJANGO_DB_COOLDOWN="30")
    try:
        reader = Client(f"http://127.0.0.1:{port}", timeout=15)
        timed = []
        for path in public_pages().values():
            started = time.monotonic()
            status, _ = reader.get(path)
            timed.append((status, time.monotonic() - started))
    finally:
        stop(app)
        silent.close()
    assert {status for status, _ in timed} == {200}
    # The connect timeout (2 s, libpq's least), once; then the replica is out of rotation.
    assert 1.5 < timed[0][1] < 6, timed[0]
    assert max(seconds for _, seconds in timed[1:]) < 1.5, timed
