"""axe-core (WCAG 2.0–2.2 A and AA rules) on every page type, in Chromium, light and dark.

The vendored ``tests/vendor/axe-core/axe.min.js`` is injected with ``add_script_tag(path=…)``.
Playwright injects that file's *content* as an inline ``<script>``, which the site's Content
Security Policy (``script-src 'self'``, no inline script) refuses; so these tests open their
pages in a context with ``bypass_csp=True``. Nothing else differs from what a reader gets.

Each page is checked with every rule tagged wcag2a, wcag2aa, wcag21a, wcag21aa and wcag22aa
in the light scheme, and with the colour rules again with ``color_scheme="dark"``. A serious
or critical violation fails the test; every violation found (of any impact) is written to
``test-artifacts/axe/<case>.json`` and listed in ``docs/accessibility.md``.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim
from archive.models import Reference
from people.services import create_invitation
from tests.conftest import ARTIFACTS, LIVE_SERVER, load_set

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
BLOCKING = {"serious", "critical"}
ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"

RUN_AXE = """async ([tags, rules]) => {
  const only = rules ? {type: "rule", values: rules} : {type: "tag", values: tags};
  const result = await axe.run(document, {runOnly: only});
  const list = (items) => items.map((v) => ({
    id: v.id,
    impact: v.impact,
    tags: v.tags,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
  return {violations: list(result.violations), incomplete: list(result.incomplete)};
}"""


def load_demo(fixture_snapshots):
    """The articles and the demo scholarship, with first versions and one edit (for a diff)."""
    load_set(fixture_snapshots, "demo")
    call_command("record_initial_versions", verbosity=0)
    scholar = User.objects.get(username="scholar")
    annotation = (
        Annotation.objects.filter(author=scholar, parent__isnull=True, visibility="public")
        .filter(replies__isnull=False)
        .first()
    )
    services.update_annotation(
        annotation=annotation,
        user=scholar,
        data={"body": annotation.body + "\n\nChecked against the Romanian text."},
        base_version=annotation.version,
    )
    return annotation


def log_in(context, live_server, username):
    """Sign ``username`` in for a browser context through a session cookie (no form)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


@dataclass
class Case:
    """A page to check: who looks at it, its address, and what to do there first."""

    name: str
    url: object  # a function of the demo data returning a path
    user: str | None = None
    #: Something to do on the page before checking it (submit a form, select words).
    action: object = None
    #: A page of an app still being built: skip (with the reason) unless it answers 200.
    optional: bool = False
    expect_status: int = 200
    extra: dict = field(default_factory=dict)


def reading(slug):
    return lambda demo: f"/documents/{slug}/"


def submit_empty(page):
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()


def submit_bad_login(page):
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def select_words(page):
    """Select words in a passage, so the selection toolbar is shown and checked too."""
    page.wait_for_load_state("load")
    page.evaluate(
        """() => {
          const text = document.querySelector("#p-2 [data-passage-text]").firstChild;
          const range = document.createRange();
          range.setStart(text, 0);
          range.setEnd(text, 12);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }"""
    )
    page.locator("#selection-toolbar").wait_for(state="visible")


def open_panel(page):
    """Open the first passage's scholarship in the margin, as a reader's click does."""
    page.wait_for_load_state("load")
    page.locator("a.summary").first.click()
    page.locator(".margin-panel:not([hidden]) .panel").wait_for(state="visible")


def compare_versions(page):
    page.get_by_role("button", name="Compare selected versions").click()
    page.wait_for_load_state()


def passage_form(kind):
    return lambda demo: f"/documents/{ROMANIAN}/{demo['passage']}/{kind}/"


CASES = [
    Case("home", lambda demo: "/"),
    Case("document-list", lambda demo: "/documents/"),
    Case("reading-en", reading(ENGLISH)),
    Case("reading-ro", reading(ROMANIAN)),
    Case("reading-ro-scholar", reading(ROMANIAN), user="scholar"),
    Case("reading-en-scholar-selection", reading(ENGLISH), user="scholar", action=select_words),
    Case("reading-ro-moderator", reading(ROMANIAN), user="moderator"),
    Case("reading-en-panel-open", reading(ENGLISH), action=open_panel),
    Case("reading-ro-scholar-panel-open", reading(ROMANIAN), user="scholar", action=open_panel),
    Case("passage-page", lambda demo: f"/documents/{ENGLISH}/p-1/"),
    Case("passage-page-scholar", lambda demo: f"/documents/{ROMANIAN}/p-1/", user="scholar"),
    Case("reference-list", lambda demo: "/references/"),
    Case("reference-detail", lambda demo: demo["reference"]),
    Case("link-list", lambda demo: "/links/"),
    Case("annotation-list", lambda demo: "/annotations/"),
    Case("annotation-detail", lambda demo: demo["annotation"]),
    Case("annotation-detail-scholar", lambda demo: demo["annotation"], user="scholar"),
    Case("my-annotations", lambda demo: "/annotations/mine/", user="scholar"),
    Case("annotation-history", lambda demo: demo["annotation"] + "history/", user="scholar"),
    Case(
        "annotation-diff",
        lambda demo: demo["annotation"] + "history/",
        action=compare_versions,
    ),
    Case("annotation-delete-confirm", lambda demo: demo["annotation"] + "delete/", user="scholar"),
    Case("flag-list", lambda demo: "/flags/"),
    Case("flag-detail", lambda demo: demo["flag"]),
    Case("flag-detail-moderator", lambda demo: demo["flag"], user="moderator"),
    Case("crossref-detail", lambda demo: demo["crossref"]),
    Case("document-scholarship", lambda demo: f"/documents/{ROMANIAN}/annotations/"),
    Case("login", lambda demo: "/accounts/login/"),
    Case("login-errors", lambda demo: "/accounts/login/", action=submit_bad_login),
    Case("annotate-form", passage_form("annotate"), user="scholar"),
    Case("annotate-form-errors", passage_form("annotate"), user="scholar", action=submit_empty),
    Case("edit-form", lambda demo: demo["annotation"] + "edit/", user="scholar"),
    Case("flag-form", passage_form("flag"), user="scholar"),
    Case("flag-form-errors", passage_form("flag"), user="scholar", action=submit_empty),
    Case("crossref-form", passage_form("cross-reference"), user="scholar"),
    Case(
        "crossref-form-errors", passage_form("cross-reference"), user="scholar", action=submit_empty
    ),
    Case("reply-form", lambda demo: demo["annotation"] + "reply/", user="scholar"),
    Case(
        "reply-form-errors",
        lambda demo: demo["annotation"] + "reply/",
        user="scholar",
        action=submit_empty,
    ),
    Case("password-change-form", lambda demo: "/accounts/password_change/", user="scholar"),
    Case("not-found", lambda demo: "/documents/no-such-document/", expect_status=404),
    Case("search-results", lambda demo: "/search/?q=Hertsa", optional=True),
    Case("compare-view", lambda demo: f"/documents/{ROMANIAN}/compare/", optional=True),
    Case("profile", lambda demo: "/accounts/profile/", user="scholar"),
    Case("password-reset", lambda demo: "/accounts/password_reset/"),
    Case("people", lambda demo: "/people/", user="moderator"),
    Case("invitations", lambda demo: "/people/invitations/", user="moderator"),
    Case("invite-form", lambda demo: "/people/invitations/new/", user="moderator"),
    Case("invitation-accept", lambda demo: demo["invitation"]),
    Case("invitation-unknown", lambda demo: "/accounts/invitation/unknown/", expect_status=404),
]


def run_axe(page, rules=None):
    """axe's violations and incomplete results ("needs review"), each with its tags.

    The light pass also runs the best-practice rules, for the record: only rules tagged with
    a WCAG level in TAGS can fail the test.
    """
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [[*TAGS, "best-practice"], rules])


def report(name, results):
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


def blocking(violations):
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(n['target'] for n in v['nodes'])}"
        for v in violations
        if v["impact"] in BLOCKING and set(v["tags"]) & set(TAGS)
    ]


@pytest.fixture
def demo(live_server, transactional_db, fixture_snapshots):
    annotation = load_demo(fixture_snapshots)
    flag = DisputedClaim.objects.filter(passage__document__slug=ROMANIAN, start__isnull=False)
    _, token = create_invitation(
        inviter=User.objects.get(username="moderator"), email="new@example.org"
    )
    return {
        "invitation": f"/accounts/invitation/{token}/",
        "annotation": annotation.get_absolute_url(),
        "passage": annotation.passage.anchor,
        "flag": flag.first().get_absolute_url(),
        "crossref": CrossReference.objects.filter(to_passage__isnull=False)
        .first()
        .get_absolute_url(),
        # A book with many parsed fields (authors, publisher, ISBN), listed by a document.
        "reference": Reference.objects.filter(document_links__isnull=False)
        .exclude(isbn="")
        .order_by("catalogue_id")
        .first()
        .get_absolute_url(),
    }


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_page_has_no_serious_or_critical_axe_violations(case, live_server, demo, chromium):
    results = {}
    for scheme in ("light", "dark"):
        context = chromium.new_context(
            bypass_csp=True,
            color_scheme=scheme,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        try:
            if case.user:
                log_in(context, live_server, case.user)
            page = context.new_page()
            page.set_default_timeout(15_000)
            response = page.goto(live_server.url + case.url(demo))
            if case.optional and response.status != 200:
                pytest.skip(
                    f"{case.url(demo)} answers {response.status}: that page is still being built"
                )
            assert response.status == case.expect_status, page.url
            if case.action:
                case.action(page)
            results[scheme] = run_axe(page, None if scheme == "light" else COLOUR_RULES)
        finally:
            context.close()
    report(case.name, results)
    problems = [
        f"[{scheme}] {line}"
        for scheme in results
        for line in blocking(results[scheme]["violations"])
    ]
    assert not problems, "\n".join(problems)
