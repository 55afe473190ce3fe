"""Shared fixtures: the articles, database vendor gates, and Chromium through Playwright."""

import functools
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Property tests: "ci" (the default) tries a bounded number of examples of every property;
# `pytest --hypothesis-profile=thorough tests/test_properties.py`
# tries twenty times as many, for an occasional deeper run.
hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
hypothesis_settings.register_profile("thorough", max_examples=2000, deadline=None)
hypothesis_settings.load_profile("ci")


def _on_postgres():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_configure(config):
    if os.environ.get("REQUIRE_BROWSER") == "1" and not os.access(CHROMIUM, os.X_OK):
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}")
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not _on_postgres():
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL is not a PostgreSQL URL")


#: Why a browser test commits: the live server answers from other threads, on connections of
#: their own, which see committed rows only.
LIVE_SERVER = "the live server's threads see committed rows only"


def needs_commits(item):
    """Whether a test runs outside a rolled-back transaction (its rows are committed)."""
    marker = item.get_closest_marker("django_db")
    return (
        bool(marker and marker.kwargs.get("transaction"))
        or "transactional_db" in item.fixturenames
        or "live_server" in item.fixturenames
    )


def pytest_collection_modifyitems(config, items):
    skip_browser = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
    )
    skip_postgres = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)"
    )
    have_browser = os.access(CHROMIUM, os.X_OK)
    unexplained = [
        item.nodeid
        for item in items
        if needs_commits(item) and not item.get_closest_marker("commits")
    ]
    if unexplained:
        raise pytest.UsageError(
            "these tests commit (transaction=True, transactional_db or live_server) without "
            "@pytest.mark.commits(reason); use a rolled-back transaction or give the reason:\n  "
            + "\n  ".join(unexplained)
        )
    for item in items:
        if "browser" in item.keywords and not have_browser:
            item.add_marker(skip_browser)
        if "postgres" in item.keywords and not _on_postgres():
            item.add_marker(skip_postgres)


@pytest.fixture(scope="session", autouse=True)
def close_connections_at_the_end(django_db_setup):
    """Close every alias's connection before the test databases are dropped.

    The replica alias (a mirror of the default) has a connection of its own; left open, it
    keeps PostgreSQL from dropping the worker's test database.
    """
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture(autouse=True)
def forget_database_faults():
    """Each test starts with every database in rotation (config/routers.py keeps, per
    process, which server failed and when)."""
    from config import routers

    routers.reset()
    yield
    routers.reset()


FIXTURE_SETS = {"articles": ("articles",), "demo": ("articles", "demo")}


@pytest.fixture(scope="session")
def fixture_snapshots(django_db_setup, django_db_blocker, tmp_path_factory):
    """Each set of fixtures loaded once per worker by natural keys, then kept as a dump by pk.

    ``loaddata articles`` looks every natural key up (808 queries, 0.6 s on SQLite and 1.3 s on
    PostgreSQL); loading the same rows by primary key costs 374 queries and a third of the time.
    The sets are loaded into the empty test database (session fixtures are set up before any
    test's transaction) and rolled back; ``test_fixture_snapshots_load_the_same_rows`` checks
    that a snapshot gives the same rows as the fixtures it was made from. Rows that point
    outside the set (a user's groups) keep natural keys: a live-server test's flush makes the
    groups again, with new primary keys.
    """
    from django.core import serializers
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import transaction

    folder = tmp_path_factory.mktemp("fixture-snapshots")
    paths = {}
    with django_db_blocker.unblock():
        for name, labels in FIXTURE_SETS.items():
            models = fixture_models(labels)
            records = []
            with transaction.atomic():
                call_command("loaddata", *labels, verbosity=0)
                for model in models:
                    records += serializers.serialize(
                        "python",
                        model._default_manager.order_by("pk"),
                        use_natural_foreign_keys=points_outside(model, models),
                    )
                transaction.set_rollback(True)
            paths[name] = folder / f"{name}.json"
            paths[name].write_text(json.dumps(records, cls=DjangoJSONEncoder))
    return paths


def points_outside(model, models):
    """Whether a model has a relation to a model that is not among ``models``."""
    return any(
        field.related_model not in models
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.many_to_many)
    )


@functools.cache
def fixture_models(labels):
    """The models whose rows the named fixture files hold, in the files' order."""
    from django.apps import apps

    models = {}
    for label in labels:
        with open(ROOT / "fixtures" / f"{label}.json", encoding="utf-8") as fixture:
            for record in json.load(fixture):
                models.setdefault(record["model"], apps.get_model(record["model"]))
    return list(models.values())


def load_set(paths, name):
    """Load a set's rows and return the documents by language.

    Rows kept by primary key could overwrite rows that a test made before (a user with the
    same pk, say), so the snapshot is used only while the set's tables are empty; otherwise the
    fixtures are loaded by natural keys, as ``loaddata`` would.
    """
    from archive.models import Document

    labels = FIXTURE_SETS[name]
    if any(model._default_manager.exists() for model in fixture_models(labels)):
        call_command("loaddata", *labels, verbosity=0)
    else:
        call_command("loaddata", str(paths[name]), verbosity=0)
    return {doc.language: doc for doc in Document.objects.all()}


@pytest.fixture
def articles(db, fixture_snapshots):
    """The rows of ``loaddata articles``; the two documents by language."""
    return load_set(fixture_snapshots, "articles")


@pytest.fixture
def demo(db, fixture_snapshots):
    """The rows of ``loaddata articles demo``; the two documents by language."""
    return load_set(fixture_snapshots, "demo")


@pytest.fixture
def english(articles):
    """The English article."""
    return articles["en"]


@pytest.fixture
def lead(english):
    """The English article's first passage."""
    return english.passages.get(order=1)


@pytest.fixture
def live_articles(transactional_db, live_server, fixture_snapshots):
    """The articles, committed, behind a live server (for browser tests)."""
    return load_set(fixture_snapshots, "articles")


@pytest.fixture(scope="session")
def tei_schema():
    """TEI P5 ``tei_all`` (tests/data/tei), compiled once per test process: compiling it takes
    about 10 s of CPU on the project's machine, validating an export a few milliseconds."""
    from lxml import etree

    return etree.RelaxNG(etree.parse(str(ROOT / "tests" / "data" / "tei" / "tei_all.rng")))


@pytest.fixture(scope="session")
def chromium(django_db_setup):
    """Debian's Chromium, driven by Playwright (no browser download).

    It closes before the test databases are dropped: its open keep-alive connections hold the
    live server's threads, and each thread's database connection, until it does.
    """
    # Playwright's sync API runs an event loop in this thread; the ORM calls that the
    # tests make around it are ordinary synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser page with a desktop viewport."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/, named after the test."""

    def take(page, label="page"):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def make_user(username, group=None, **extra):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=username, password="archive-test", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def scholar(db):
    return make_user("ana", "Scholars")


@pytest.fixture
def other_scholar(db):
    return make_user("mihai", "Scholars")


@pytest.fixture
def moderator(db):
    return make_user("moderator1", "Moderators", is_staff=True)


@pytest.fixture
def superuser(db):
    from django.contrib.auth.models import User

    return User.objects.create_superuser("root1", password="archive-test")
