"""Hostile text in Chromium: nothing runs, nothing escapes its element, the CSP holds.

The nastiest strings are saved as annotations (and a flag statement, a cross-reference note)
through the services, then the annotation pages and the reading view are opened with
``window.__xss`` instrumented, dialogs caught, and every Content-Security-Policy violation
collected; the selection toolbar (static/js/annotate.js) must still work under the policy.
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from annotations import services
from annotations.services import TargetData
from archive.models import ExternalLink
from tests.conftest import LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]

NASTY = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 2">',
    '"><svg onload="window.__xss = 3"><!--',
    "[click me](javascript:window.__xss=4)",
    '<a href="javascript:window.__xss=5">link</a>',
    '<iframe src="javascript:parent.__xss=6"></iframe>',
    "{{ 7*7 }} {% debug %} ${7*7}",
    "</div></main><script>window.__xss = 7</script>",
    "\u202eevil right-to-left override",
    "zero\u200dwidth\u200bjoiners\ufeff",
    "<style>body { display: none }</style>",
    "A very long word " + "x" * 5000,
    "javascript:alert(1)",
    "&lt;script&gt;window.__xss = 8&lt;/script&gt;",
]

INSTRUMENT = """
window.__xss = 0;
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def instrumented(page):
    dialogs, console = [], []
    page.add_init_script(INSTRUMENT)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return dialogs, console


def signed_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def assert_inert(page, dialogs, console):
    assert page.evaluate("window.__xss") == 0
    assert page.evaluate("window.__csp") == []
    assert dialogs == [] and console == []
    # Nothing the strings carried became an element.
    assert page.locator("main script, main iframe, main svg, main img, main style").count() == 0
    assert page.locator("main [onerror], main [onload], main [onclick]").count() == 0
    assert page.locator('main a[href^="javascript:"]').count() == 0


@pytest.fixture
def hostile(live_articles):
    scholar = make_user("ana", "Scholars")
    passage = live_articles["en"].passages.get(order=1)
    annotations = [
        services.create_annotation(
            user=scholar,
            target=TargetData(passage=passage),
            body=text,
            motivation="commenting",
            visibility="public",
            tags=[text[:60]],
        )
        for text in NASTY
    ]
    services.create_flag(
        user=scholar, target=TargetData(passage=passage), category="date", statement=NASTY[0]
    )
    services.create_crossref(
        user=scholar,
        target=TargetData(passage=passage),
        relation="see_also",
        note=NASTY[1],
        to_link=ExternalLink.objects.order_by("pk").first(),
    )
    return {"scholar": scholar, "passage": passage, "annotations": annotations}


def test_hostile_annotations_run_nothing_on_their_pages(live_server, page, hostile):
    dialogs, console = instrumented(page)
    for annotation, text in zip(hostile["annotations"], NASTY, strict=True):
        page.goto(live_server.url + annotation.get_absolute_url())
        page.wait_for_load_state("load")
        assert_inert(page, dialogs, console)
        body = page.locator(".annotation__body").first
        expect(body).to_be_visible()
        # The text stays inside its element: the template-like part is shown, not evaluated.
        if "{{ 7*7 }}" in text:  # Markdown may emphasise between the stars; nothing evaluates
            expect(body).to_contain_text("{{ 7")
            expect(body).to_contain_text("{% debug %}")
            assert "49" not in body.inner_text()
        if text.startswith("<script>"):
            expect(body).to_contain_text("<script>window.__xss = 1</script>")


def test_reading_view_with_hostile_text_keeps_working_under_the_csp(live_server, page, hostile):
    dialogs, console = instrumented(page)
    signed_in(page, live_server, hostile["scholar"])
    passage = hostile["passage"]
    page.goto(f"{live_server.url}{passage.document.get_absolute_url()}#{passage.anchor}")
    page.wait_for_load_state("load")
    page.locator(f"#panel-{passage.anchor} .panel").wait_for()  # its scholarship, opened
    assert_inert(page, dialogs, console)
    # The panel keeps every annotation in its own element.
    assert page.locator(".annotation__body").count() >= len(NASTY)

    # The selection toolbar (a static script, allowed by 'self') works under the policy.
    text = page.locator(f"#{passage.anchor} [data-passage-text]")
    page.evaluate(
        """(element) => {
            const node = element.firstChild;
            const range = document.createRange();
            range.setStart(node, 0);
            range.setEnd(node, 10);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        text.element_handle(),
    )
    toolbar = page.locator("#selection-toolbar")
    expect(toolbar).to_be_visible()
    toolbar.get_by_role("button", name="Annotate selection").click()
    page.wait_for_url("**/annotate/?*")
    assert "exact=" in page.url
    expect(page.locator("textarea[name=body]")).to_be_visible()
    assert page.evaluate("window.__csp") == [] and console == []


def test_admin_and_error_pages_report_no_csp_violation(live_server, page, hostile):
    dialogs, console = instrumented(page)
    moderator = make_user("moderator1", "Moderators", is_staff=True)
    signed_in(page, live_server, moderator)
    for path in (
        "/admin/",
        "/admin/annotations/annotation/",
        f"/admin/annotations/annotation/{hostile['annotations'][0].pk}/change/",
        "/admin/review/",
        "/no-such-page/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") == 0
        assert page.evaluate("window.__csp") == [], path
    assert dialogs == [] and console == []
    assert User.objects.filter(username="moderator1").exists()
