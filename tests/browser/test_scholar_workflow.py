"""A scholar in Chromium: annotate, edit, compare, revert, flag, cross-reference; then a reader."""

import re
import urllib.parse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from annotations.forms import CrossReferenceForm
from annotations.models import Annotation, CrossReference, DisputedClaim
from annotations.permissions import (
    SCHOLARS,
)
from tests.conftest import LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]

PHRASE = "Soviet Union occupied Bessarabia"
FLAGGED = "following an ultimatum made to Romania on 26 June 1940"
BODY_V1 = "The *ultimatum* preceded the occupation by two days."
BODY_V2 = "The *ultimatum* preceded the invasion by two days."
PRIVATE_SPAN = "incorporated into the Soviet Union"
PRIVATE_BODY = "Private: compare with the Molotov telegram."

# Select `phrase` inside the text of passage `anchor` with a DOM Range, as a reader's drag
# would: the selection may cross the marks the page puts inside the passage, and skips the
# tags marked data-nontext. The browser fires `selectionchange`, as for a user's selection.
SELECT_PHRASE = """([anchor, phrase]) => {
  const container = document.querySelector(`#${anchor} [data-passage-text]`);
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest("[data-nontext]")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  let text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, text.length]);
    text += node.data;
  }
  const start = text.indexOf(phrase);
  if (start < 0 || text.indexOf(phrase, start + 1) >= 0) {
    throw new Error(`"${phrase}" is not in #${anchor} exactly once`);
  }
  const locate = (offset, atEnd) => {
    for (const [node, at] of nodes) {
      const end = at + node.data.length;
      if (offset < end || (atEnd && offset === end)) return [node, offset - at];
    }
  };
  const range = document.createRange();
  range.setStart(...locate(start, false));
  range.setEnd(...locate(start + phrase.length, true));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return selection.toString();
}"""


@pytest.fixture
def scholar_account(live_articles):
    """A scholar, "ana"."""
    return make_user("ana", SCHOLARS)


def log_in(page, live_server, next_url):
    page.goto(f"{live_server.url}{reverse('login')}?next={urllib.parse.quote(next_url)}")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("archive-test")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + next_url)


def select(page, anchor, phrase):
    # annotate.js is deferred: select once it listens, as a reader would after the page loads.
    page.wait_for_load_state("load")
    assert page.evaluate(SELECT_PHRASE, [anchor, phrase]) == phrase
    toolbar = page.get_by_role("toolbar", name="Selected text")
    expect(toolbar).to_be_visible()
    expect(toolbar).to_contain_text(phrase)
    return toolbar


def aside(page, anchor):
    """A passage's scholarship: its panel in the reading room's margin, or on its own page."""
    return page.locator(f"#scholarship-{anchor} aside.passage-aside")


def test_scholar_annotates_edits_reverts_flags_and_links_then_reader_sees_public_only(
    live_server, live_articles, scholar_account, page, screenshot
):
    english, romanian = live_articles["en"], live_articles["ro"]
    passage = english.passages.get(order=1)
    article_url = live_server.url + english.get_absolute_url()
    log_in(page, live_server, english.get_absolute_url())

    # -- annotate a selected span ---------------------------------------------------------
    select(page, "p-1", PHRASE).get_by_role("button", name="Annotate selection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annotate passage 1")
    expect(page.get_by_label("Quoted text")).to_have_value(PHRASE)
    start = passage.text.index(PHRASE)
    expect(page.locator("input[name=start]")).to_have_value(str(start))
    expect(page.locator("input[name=end]")).to_have_value(str(start + len(PHRASE)))
    page.get_by_label("Annotation", exact=True).fill(BODY_V1)
    page.get_by_label("Motivation").select_option(label="Describing")
    page.get_by_label("Tags").fill("ultimatum, dates")
    page.get_by_role("button", name="Save").click()

    # Back at the passage, whose panel opens with the new annotation beside the new mark.
    expect(page).to_have_url(article_url + "#p-1")
    expect(page.get_by_role("status")).to_have_text("Annotation saved.")
    highlight = page.locator("#p-1 mark.hl--annotation")
    expect(highlight).to_have_text(PHRASE)
    expect(highlight).to_have_class("hl hl--annotation")
    expect(aside(page, "p-1").locator(".annotation__body em")).to_have_text("ultimatum")
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.exact) == (
        start,
        start + len(PHRASE),
        PHRASE,
    )

    # -- edit, compare two versions, revert to the first ----------------------------------
    page.get_by_role("link", name="Open annotation by ana").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Describing on passage 1")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_label("Annotation", exact=True)).to_have_value(BODY_V1)
    page.get_by_label("Annotation", exact=True).fill(BODY_V2)
    page.get_by_label("What did you change?").fill("Wording")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved as version 2.")
    expect(page.locator(".annotation-record > .annotation__body")).to_contain_text("invasion")

    page.get_by_role("link", name="History", exact=True).click()
    expect(page.locator("table.listing tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Compare selected versions").click()
    body_diff = page.locator("dl.diff dt:text-is('Body') + dd")
    expect(body_diff.locator("del")).to_have_text("occupation")
    expect(body_diff.locator("ins")).to_have_text("invasion")
    expect(page.locator("dl.diff del, dl.diff ins")).to_have_count(2)
    screenshot(page, "diff")

    page.get_by_role("link", name="History", exact=True).click()
    page.get_by_role("button", name=re.compile(r"^Revert to this version")).click()
    expect(page.get_by_role("status")).to_have_text("Reverted: saved as version 3.")
    expect(page.locator("table.listing tbody tr")).to_have_count(3)
    page.locator("p.kicker").get_by_role("link", name="Annotation").click()
    expect(page.locator("p.kicker")).to_have_text("Annotation · version 3")
    record_body = page.locator(".annotation-record > .annotation__body")
    expect(record_body).to_have_text(BODY_V1.replace("*", ""))
    expect(record_body.locator("em")).to_have_text("ultimatum")

    # -- flag a selected span as disputed ---------------------------------------------------
    page.get_by_role("link", name="Back to the passage").click()
    select(page, "p-1", FLAGGED).get_by_role("button", name="Flag as disputed").click()
    expect(page.get_by_label("Quoted text")).to_have_value(FLAGGED)
    page.get_by_label("Category").select_option(label="Date")
    page.get_by_label("What is disputed, and why").fill("Other sources give 27 June.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text(
        "Flag saved: the passage is marked as disputed."
    )
    page.locator("figure.target-context").get_by_role("link", name=english.title).click()
    expect(page.locator("#p-1 mark.hl--disputed")).to_have_text(FLAGGED)
    tag = page.locator("#p-1 mark.hl--disputed + sup.hl-tag")
    expect(tag).to_have_text("[disputed]")
    # The tag follows the span directly, and the annotation's highlight is unchanged.
    assert tag.evaluate("sup => sup.previousSibling.nodeType") == 1
    expect(page.locator("#p-1 mark.hl--annotation")).to_have_text(PHRASE)
    expect(aside(page, "p-1").locator(".flag-note")).to_contain_text("Other sources give 27 June.")
    flag = DisputedClaim.objects.get()
    assert flag.exact == FLAGGED

    # -- a private annotation on a span after the [disputed] tag ----------------------------
    select(page, "p-1", PRIVATE_SPAN).get_by_role("button", name="Annotate selection").click()
    expect(page.get_by_label("Quoted text")).to_have_value(PRIVATE_SPAN)
    private_start = passage.text.index(PRIVATE_SPAN)
    expect(page.locator("input[name=start]")).to_have_value(str(private_start))
    page.get_by_label("Annotation", exact=True).fill(PRIVATE_BODY)
    page.get_by_label("Private (only me)").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(article_url + "#p-1")
    expect(page.locator("#p-1 mark.hl--annotation")).to_have_text([PHRASE, PRIVATE_SPAN])
    private_note = aside(page, "p-1").locator(".annotation-beside--private")
    expect(private_note).to_contain_text(PRIVATE_BODY)
    expect(private_note.locator(".badge--private")).to_have_text("Private")
    private = Annotation.objects.get(visibility="private")
    assert (private.start, private.exact) == (private_start, PRIVATE_SPAN)

    # -- cross-reference Romanian passage 1 to English passage 1 --------------------------
    page.goto(live_server.url + romanian.passages.get(order=1).get_absolute_url())
    page.get_by_role("link", name="Cross-reference passage 1", exact=True).click()
    page.get_by_label("Relation").select_option(label="Translation of")
    linked = CrossReferenceForm.base_fields["to_passage"].label_from_instance(passage)
    page.get_by_label("Linked passage", exact=True).select_option(label=linked)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Cross-reference saved.")
    expect(page.locator("p.kicker")).to_have_text("Cross-reference · Translation of")
    crossref = CrossReference.objects.get()
    assert crossref.passage.document == romanian and crossref.to_passage == passage

    page.get_by_role("link", name=f"{romanian.title}, passage 1").click()
    outgoing = aside(page, "p-1").locator(".crossref-note")
    expect(outgoing).to_contain_text("Translation of")
    expect(outgoing.get_by_role("link", name=f"{english.title}, passage 1")).to_be_visible()
    outgoing.get_by_role("link", name=f"{english.title}, passage 1").click()
    expect(page).to_have_url(live_server.url + passage.get_absolute_url())
    incoming = aside(page, "p-1").locator(".crossref-note")
    expect(incoming).to_contain_text("Translation of")
    expect(incoming).to_contain_text(f"← {romanian.title}, passage 1 links here")
    screenshot(page, "scholar-view")

    # -- a reader sees the public annotation and the flag, not the private annotation -------
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.goto(article_url + "#p-1")
    expect(page.locator("#selection-toolbar")).to_have_count(0)
    expect(page.locator("#p-1 mark.hl--annotation")).to_have_text(PHRASE)
    expect(aside(page, "p-1").locator(".annotation__body")).to_have_text(BODY_V1.replace("*", ""))
    expect(page.locator("#p-1 mark.hl--disputed + sup.hl-tag")).to_have_text("[disputed]")
    expect(aside(page, "p-1").locator(".flag-note")).to_contain_text("Other sources give 27 June.")
    expect(page.get_by_text(PRIVATE_BODY)).to_have_count(0)
    expect(page.locator(".annotation-beside--private")).to_have_count(0)
    assert page.request.get(live_server.url + private.get_absolute_url()).status == 404
    screenshot(page, "reader")


XSS_BODY = (
    '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    "[x](javascript:window.__xss=3)"
)
XSS_TAG = "<svg onload=window.__xss=4>"


def assert_inert(page, container, dialogs):
    expect(container.locator(".annotation__body")).to_contain_text(XSS_BODY)
    expect(container.locator(".tag")).to_have_text(XSS_TAG)
    expect(container.locator("img, script, svg, iframe, [onerror], [onload]")).to_have_count(0)
    expect(page.locator("[href^='javascript' i], [src='x']")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []


def test_stored_script_in_an_annotation_is_shown_as_text(
    live_server, live_articles, scholar_account, page, screenshot
):
    english = live_articles["en"]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    passage = english.passages.get(order=1)
    log_in(
        page,
        live_server,
        reverse("annotations:annotation-create", args=[english.slug, passage.anchor]),
    )
    page.get_by_label("Annotation", exact=True).fill(XSS_BODY)
    page.get_by_label("Tags").fill(XSS_TAG)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Annotation saved.")
    annotation = Annotation.objects.get()
    assert annotation.body == XSS_BODY
    assert_inert(page, page.locator(f"#annotation-{annotation.pk}"), dialogs)

    page.get_by_role("link", name="Open annotation by ana").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commenting on passage 1")
    assert_inert(page, page.locator(".annotation-record"), dialogs)
    screenshot(page, "annotation")
