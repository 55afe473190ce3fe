"""Two writers edit the same annotation on a real server: the later save is refused with 409."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect
from reversion.models import Version

from annotations import services
from annotations.permissions import (
    MODERATORS,
    SCHOLARS,
)
from annotations.services import TargetData
from tests.conftest import LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]

CONFLICT = "Someone saved this annotation while you were editing"
RACE_ROUNDS = 10


@pytest.fixture
def writers(live_articles):
    """The author (a scholar) and a moderator, both allowed to edit, and the annotation."""
    author = make_user("ana", SCHOLARS)
    moderator = make_user("moderator1", MODERATORS, is_staff=True)
    passage = live_articles["en"].passages.get(order=1)
    annotation = services.create_annotation(
        user=author,
        target=TargetData(passage=passage, exact="Soviet Union occupied Bessarabia"),
        body="Version one.",
        motivation="commenting",
        visibility="public",
    )
    return author, moderator, annotation


def versions(annotation):
    return Version.objects.get_for_object(annotation).count()


def log_in(context, live_server, username, next_url):
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}{reverse('login')}?next={urllib.parse.quote(next_url)}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("archive-test")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + next_url)
    return page


def test_second_browser_save_is_refused_then_succeeds_after_reload(
    live_server, chromium, writers, screenshot
):
    _, _, annotation = writers
    edit_url = reverse("annotations:annotation-edit", args=[annotation.pk])
    first_context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    second_context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        first = log_in(first_context, live_server, "ana", edit_url)
        second = log_in(second_context, live_server, "moderator1", edit_url)
        for page in (first, second):
            expect(page.get_by_label("Annotation", exact=True)).to_have_value("Version one.")

        first.get_by_label("Annotation", exact=True).fill("The author's wording.")
        first.get_by_role("button", name="Save").click()
        expect(first.get_by_role("status")).to_contain_text("Saved as version 2.")

        second.get_by_label("Annotation", exact=True).fill("The moderator's wording.")
        with second.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith(edit_url)
        ) as refused:
            second.get_by_role("button", name="Save").click()
        assert refused.value.status == 409
        alert = second.get_by_role("alert")
        expect(alert.get_by_role("heading", name=CONFLICT)).to_be_visible()
        expect(alert.locator("blockquote")).to_have_text("The author's wording.")
        # The refused text is still in the form, for the writer to copy.
        expect(second.get_by_label("Annotation", exact=True)).to_have_value(
            "The moderator's wording."
        )
        screenshot(second, "conflict")
        annotation.refresh_from_db()
        assert annotation.body == "The author's wording."
        assert annotation.version == 2
        assert versions(annotation) == 2

        second.get_by_role("link", name="Start again from the current version").click()
        expect(second.get_by_label("Annotation", exact=True)).to_have_value("The author's wording.")
        second.get_by_label("Annotation", exact=True).fill("The moderator's wording, again.")
        with second.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith(edit_url)
        ) as saved:
            second.get_by_role("button", name="Save").click()
        assert saved.value.status == 302
        expect(second.get_by_role("status")).to_contain_text("Saved as version 3.")
        annotation.refresh_from_db()
        assert annotation.body == "The moderator's wording, again."
        assert versions(annotation) == 3
    finally:
        first_context.close()
        second_context.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Writer:
    """An HTTP client with its own session cookie, that does not follow redirects."""

    def __init__(self, base_url, username):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )
        form = self.get(reverse("login"))
        status, _ = self.post(
            reverse("login"),
            {
                "csrfmiddlewaretoken": self.field(form, "csrfmiddlewaretoken"),
                "username": username,
                "password": "archive-test",
            },
        )
        assert status == 302, f"{username} could not log in"

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            assert response.status == 200
            return response.read().decode()

    def post(self, path, data):
        request = urllib.request.Request(
            self.base_url + path, data=urllib.parse.urlencode(data).encode(), method="POST"
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    @staticmethod
    def field(html, name):
        match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
        assert match, f"no hidden field {name}"
        return match.group(1)


def test_simultaneous_posts_one_wins_one_gets_409(live_server, writers):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # With an in-memory database the live server's threads share the test's one
        # connection, so two requests cannot each hold a transaction: the second writer gets
        # "database table is locked" (500) instead of waiting for the first, as it does with
        # a database file (BEGIN IMMEDIATE with a busy timeout) and with PostgreSQL.
        pytest.skip("needs PostgreSQL or a SQLite test database in a file")
    _, _, annotation = writers
    edit_url = reverse("annotations:annotation-edit", args=[annotation.pk])
    clients = {
        "ana": Writer(live_server.url, "ana"),
        "moderator1": Writer(live_server.url, "moderator1"),
    }
    for round_number in range(1, RACE_ROUNDS + 1):
        forms = {}
        for name, client in clients.items():
            html = client.get(edit_url)
            forms[name] = {
                "csrfmiddlewaretoken": client.field(html, "csrfmiddlewaretoken"),
                "base_version": client.field(html, "base_version"),
                "exact": "Soviet Union occupied Bessarabia",
                "start": client.field(html, "start"),
                "end": client.field(html, "end"),
                "prefix": client.field(html, "prefix"),
                "suffix": client.field(html, "suffix"),
                "body": f"Round {round_number}, written by {name}.",
                "motivation": "commenting",
                "visibility": "public",
                "tags": "",
                "comment": "",
            }
            assert forms[name]["base_version"] == str(round_number)
        before = versions(annotation)
        barrier = threading.Barrier(len(clients))
        results = {}

        def race(name, client, data, barrier=barrier, results=results):
            barrier.wait()
            results[name] = client.post(edit_url, data)

        threads = [
            threading.Thread(target=race, args=(name, client, forms[name]))
            for name, client in clients.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(status for status, _ in results.values())
        assert statuses == [302, 409], f"round {round_number}: {statuses}"
        winner = next(name for name, (status, _) in results.items() if status == 302)
        loser = next(name for name, (status, _) in results.items() if status == 409)
        assert CONFLICT in results[loser][1]
        annotation.refresh_from_db()
        assert annotation.body == f"Round {round_number}, written by {winner}."
        assert annotation.version == round_number + 1
        assert versions(annotation) == before + 1
