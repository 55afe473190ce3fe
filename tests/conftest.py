"""Shared fixtures: the articles, database vendor gates, and Chromium through Playwright."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

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


def _on_postgres():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_configure(config):
    if os.environ.get("REQUIRE_BROWSER") == "1" and not os.access(CHROMIUM, os.X_OK):
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}")
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not _on_postgres():
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL is not a PostgreSQL URL")


def pytest_collection_modifyitems(config, items):
    skip_browser = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
    )
    skip_postgres = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)"
    )
    have_browser = os.access(CHROMIUM, os.X_OK)
    for item in items:
        if "browser" in item.keywords and not have_browser:
            item.add_marker(skip_browser)
        if "postgres" in item.keywords and not _on_postgres():
            item.add_marker(skip_postgres)


@pytest.fixture
def articles(db):
    """Load the `articles` fixture and return the two documents by language."""
    from archive.models import Document

    call_command("loaddata", "articles", verbosity=0)
    return {doc.language: doc for doc in Document.objects.all()}


@pytest.fixture
def live_articles(transactional_db, live_server):
    """The articles, committed, behind a live server (for browser tests)."""
    from archive.models import Document

    call_command("loaddata", "articles", verbosity=0)
    return {doc.language: doc for doc in Document.objects.all()}


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by Playwright (no browser download)."""
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
