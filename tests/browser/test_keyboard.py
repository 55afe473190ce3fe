"""A scholar who uses only the keyboard: log in, annotate, flag and cross-reference.

Nothing here touches the mouse: no ``click()``, no ``mouse``, no ``fill()`` — only
``page.keyboard`` (Tab, Shift+Tab, arrow keys, Enter, Escape and typing). The pages keep their
Content Security Policy, and the tests fail on any CSP report in the console.

Two ways to say which words an annotation is about, both without a mouse:

- every passage has "Annotate / Flag / Cross-reference" links for the whole passage, and the
  forms have a "Quoted text" field where the scholar types the words: the server finds them;
- with caret browsing (F7 in Chromium; ``--enable-caret-browsing`` here), Shift+arrow keys
  select words in a passage, and Tab moves the focus to the selection toolbar.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim
from annotations.permissions import SCHOLARS
from annotations.services import TargetData
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]

QUOTE = "Soviet Union occupied Bessarabia"
BODY = "The *occupation* began on 28 June."
FLAG_QUOTE = "3 July 1940"
STATEMENT = "The Romanian text ends the occupation on 4 July."
MAX_TABS = 80

FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {
    id: element.id,
    tag: element.tagName.toLowerCase(),
    text: element.textContent.replace(/\\s+/g, " ").trim(),
    classes: element.className,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED) or {}


def tab_to(page, matches, *, backwards=False, limit=MAX_TABS):
    """Press Tab (or Shift+Tab) until the focused element matches; return what is focused."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if element and matches(element):
            return element
    raise AssertionError(f"{key} never reached the element; last focused: {focused(page)}")


def by_id(identifier):
    return lambda element: element["id"] == identifier


def by_text(text):
    return lambda element: element["text"] == text


def assert_focus_visible(page):
    element = focused(page)
    assert element.get("outline"), f"no visible focus indicator on {element}"


def csp_reports(page):
    reports = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reports


@pytest.fixture
def scholar_ana(live_articles):
    return make_user("ana", SCHOLARS)


def test_scholar_annotates_flags_and_cross_references_with_the_keyboard_only(
    live_server, live_articles, scholar_ana, page, screenshot
):
    english, romanian = live_articles["en"], live_articles["ro"]
    passage = english.passages.get(order=1)
    article = live_server.url + english.get_absolute_url()
    reports = csp_reports(page)

    # -- log in ---------------------------------------------------------------------------
    page.goto(f"{live_server.url}/accounts/login/?next={english.get_absolute_url()}")
    tab_to(page, by_id("id_username"))
    assert_focus_visible(page)
    page.keyboard.type("ana")
    page.keyboard.press("Tab")
    page.keyboard.type("archive-test")
    page.keyboard.press("Enter")
    expect(page).to_have_url(article)

    # -- annotate a span: the passage's "Annotate" link and the Quoted text field -----------
    page.goto(f"{article}#p-1")
    page.locator("#panel-p-1 .panel").wait_for()  # the passage's panel, with its actions
    tab_to(page, by_text("Annotate passage 1"))
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annotate passage 1")
    help_text = page.locator("#id_exact_helptext")
    expect(help_text).to_contain_text("type (or paste) them here exactly")

    # A first try without a body: the error summary takes the focus and links to the field.
    tab_to(page, by_id("id_exact"))
    page.keyboard.type(QUOTE)
    tab_to(page, by_text("Save"))
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("Annotation: This field is required.")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Annotation: This field is required."
    page.keyboard.press("Enter")
    expect(page.locator("#id_body")).to_be_focused()
    expect(page.locator("#id_exact")).to_have_value(QUOTE)
    page.keyboard.type(BODY)
    tab_to(page, by_id("id_tags"))
    page.keyboard.type("ultimatum, dates")
    tab_to(page, by_text("Save"))
    page.keyboard.press("Enter")

    # Back in the reading room at the passage, which has the focus; its panel opens beside
    # it with the new annotation.
    expect(page).to_have_url(f"{article}#p-1")
    annotation = Annotation.objects.get()
    assert (annotation.exact, annotation.start) == (QUOTE, passage.text.index(QUOTE))
    expect(page.locator("#p-1")).to_be_focused()
    expect(page.locator(f"#panel-p-1 #annotation-{annotation.pk}")).to_contain_text(
        BODY.replace("*", "")
    )
    expect(page.get_by_role("status").filter(has_text="Annotation saved.")).to_be_visible()
    expect(page.locator("#p-1 mark.hl--annotation")).to_have_text(QUOTE)
    # Screen readers hear where the annotated words start and end.
    spoken = page.locator("#p-1 .hl-spoken")
    expect(spoken.first).to_have_text("annotated text: ")
    screenshot(page, "annotated")

    # -- flag a span: Tab on from the passage to its "Flag" link in the panel --------------
    tab_to(page, by_text("Flag passage 1 as disputed"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Flag passage 1 as disputed")
    tab_to(page, by_id("id_exact"))
    page.keyboard.type(FLAG_QUOTE)
    tab_to(page, by_id("id_category"))
    page.keyboard.press("ArrowDown")  # Factual accuracy → Figure or number
    page.keyboard.press("ArrowDown")  # → Date
    tab_to(page, by_id("id_statement"))
    page.keyboard.type(STATEMENT)
    tab_to(page, by_text("Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Flag on passage 1")
    flag = DisputedClaim.objects.get()
    assert (flag.exact, flag.category, flag.statement) == (FLAG_QUOTE, "date", STATEMENT)
    expect(page).to_have_url(live_server.url + flag.get_absolute_url())
    # The confirmation is where the focus is, so that it is read out.
    expect(page.locator(".messages")).to_be_focused()
    expect(page.locator(".messages")).to_have_text("Flag saved: the passage is marked as disputed.")

    # -- cross-reference the Romanian passage 1 to a passage, with the keyboard -------------
    page.goto(f"{live_server.url}{romanian.get_absolute_url()}#p-1")
    page.locator("#panel-p-1 .panel").wait_for()
    tab_to(page, by_text("Cross-reference passage 1"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cross-reference passage 1")
    tab_to(page, by_id("id_relation"))  # "Translation of" is the first relation
    tab_to(page, by_id("id_to_passage"))
    page.keyboard.press("ArrowDown")  # the first passage in the list
    tab_to(page, by_id("id_note"))
    page.keyboard.type("The Romanian lead translates the English lead.")
    tab_to(page, by_text("Save"))
    page.keyboard.press("Enter")
    expect(page.locator("p.kicker")).to_have_text("Cross-reference · Translation of")
    crossref = CrossReference.objects.get()
    assert crossref.passage.document == romanian and crossref.to_passage is not None
    assert crossref.relation == "translation_of"
    expect(page.locator(".messages")).to_be_focused()
    expect(page.locator(".messages")).to_have_text("Cross-reference saved.")

    # The flag is marked in the English text, with words for screen readers and its tag.
    page.goto(f"{article}#p-1")
    expect(page.locator("#p-1 mark.hl--disputed")).to_have_text(FLAG_QUOTE)
    expect(page.locator("#p-1 .hl-spoken", has_text="disputed text:")).to_have_count(1)
    expect(page.locator("#p-1 sup.hl-tag")).to_have_attribute("lang", "en")
    assert reports == []


@pytest.fixture
def caret_browsing(chromium):
    """A second Chromium with caret browsing on (as F7 turns it on for a reader)."""
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, "--enable-caret-browsing"]
    )
    yield browser
    browser.close()


def test_keyboard_selection_reaches_the_toolbar_and_annotates(
    live_server, live_articles, scholar_ana, caret_browsing
):
    english = live_articles["en"]
    passage = english.passages.get(order=1)
    # A [disputed] tag inside the passage text: a link to Tab to, where the caret then is.
    services.create_flag(
        user=scholar_ana,
        target=TargetData(passage=passage, exact="3 July 1940"),
        category="date",
        statement="Other sources give 4 July.",
    )
    client = Client()
    client.force_login(User.objects.get(username="ana"))
    context = caret_browsing.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    reports = csp_reports(page)
    page.goto(f"{live_server.url}{english.get_absolute_url()}#p-1")
    page.wait_for_load_state("load")

    # Tab to the [disputed] tag: the caret is on it. Move past it, then select two words.
    tab_to(page, by_text("[disputed]"))
    for _ in range(len("[disputed]")):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+Control+ArrowRight")
    page.keyboard.press("Shift+Control+ArrowRight")
    selected = page.evaluate("getSelection().toString()")
    assert selected.strip(), "the keyboard selected nothing"
    toolbar = page.get_by_role("toolbar", name="Selected text")
    expect(toolbar).to_be_visible()
    expect(page.locator(".selection-toolbar__status[aria-live=polite]")).to_contain_text(
        "Press Tab to annotate, flag or cross-reference them"
    )

    # Tab: to the toolbar; the arrow keys move along it; Shift+Tab goes back to the words.
    page.keyboard.press("Tab")
    expect(toolbar.get_by_role("button", name="Annotate selection")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(toolbar.get_by_role("button", name="Flag as disputed")).to_be_focused()
    page.keyboard.press("End")
    expect(toolbar.get_by_role("button", name="Cross-reference")).to_be_focused()
    page.keyboard.press("Home")
    expect(toolbar.get_by_role("button", name="Annotate selection")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(toolbar).to_be_visible()
    assert page.evaluate("getSelection().toString()") == selected
    page.keyboard.press("Tab")
    expect(toolbar.get_by_role("button", name="Annotate selection")).to_be_focused()
    page.keyboard.press("Enter")

    # The form has the selected words, and their place in the passage.
    expect(page.get_by_role("heading", level=1)).to_have_text("Annotate passage 1")
    exact = page.locator("#id_exact").input_value()
    start = int(page.locator("input[name=start]").input_value())
    end = int(page.locator("input[name=end]").input_value())
    assert exact == passage.text[start:end] and exact.strip()
    assert exact.strip() in selected
    tab_to(page, by_id("id_body"))
    page.keyboard.type("Selected with the keyboard.")
    tab_to(page, by_text("Save"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#p-1$"))
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.exact) == (start, end, exact)
    expect(page.locator("#p-1")).to_be_focused()
    expect(page.locator(f"#panel-p-1 #annotation-{annotation.pk}")).to_be_visible()

    # Escape closes the toolbar and leaves the caret where the selection ended.
    page.goto(f"{live_server.url}{english.get_absolute_url()}#p-1")
    page.wait_for_load_state("load")
    tab_to(page, by_text("[disputed]"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+Control+ArrowRight")
    expect(toolbar).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(toolbar).to_be_hidden()
    assert reports == []
    context.close()
