"""The reading room in Chromium: a passage's scholarship opens in the margin with the mouse,
with the keyboard alone, and (as the passage page) without JavaScript; a scholar's new
annotation shows at once in the panel and as a mark in the text, and in a second browser on
its next load; the margin toggle is kept per browser."""

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.permissions import SCHOLARS
from annotations.services import TargetData
from tests.browser.test_scholar_workflow import log_in, select
from tests.conftest import LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]

PHRASE = "Soviet Union occupied Bessarabia"


@pytest.fixture
def annotated(live_articles):
    """The English article with an annotation and a disputed flag on its first passage, and
    a flag on its third."""
    english = live_articles["en"]
    author = make_user("ana", SCHOLARS)
    first, third = english.passages.get(order=1), english.passages.get(order=3)
    services.create_annotation(
        user=author,
        target=TargetData(passage=first, exact=PHRASE),
        body="The figures agree with the Romanian text.",
        motivation="commenting",
        visibility="public",
    )
    for passage, exact in ((first, "3 July 1940"), (third, None)):
        services.create_flag(
            user=author,
            target=TargetData(passage=passage, exact=exact or ""),
            category="date",
            statement=f"Disputed on passage {passage.order}.",
        )
    return english


def test_reader_opens_a_passages_scholarship_with_the_mouse(
    live_server, annotated, page, screenshot
):
    page.goto(live_server.url + annotated.get_absolute_url())
    summary = page.locator("#p-1").locator("xpath=..").locator("a.summary")
    expect(summary).to_contain_text("1 annotation")
    expect(summary).to_contain_text("1 disputed (open)")
    expect(page.locator("#p-1 mark.hl--annotation")).to_have_text(PHRASE)
    expect(page.locator("#p-1 mark.hl--disputed + sup.hl-tag")).to_have_text("[disputed]")
    summary.click()
    panel = page.locator("#panel-p-1")
    expect(panel).to_be_visible()
    expect(panel.locator(".annotation__body")).to_have_text(
        "The figures agree with the Romanian text."
    )
    expect(panel.locator(".flag-note")).to_contain_text("Disputed on passage 1.")
    expect(summary).to_have_attribute("aria-expanded", "true")
    expect(page).to_have_url(live_server.url + annotated.get_absolute_url() + "#p-1")
    screenshot(page, "panel-open")
    # The panel's filters load the same fragment, filtered.
    panel.locator("summary").click()  # the filters, folded away until asked for
    panel.get_by_label("Kind").select_option(label="Disputed flags")
    panel.locator("form").get_by_role("button", name="Filter").click()
    expect(panel.locator(".annotation__body")).to_have_count(0)
    expect(panel.locator(".flag-note")).to_have_count(1)
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()


def test_reader_opens_a_passages_scholarship_with_the_keyboard_alone(
    live_server, annotated, page, screenshot
):
    page.goto(live_server.url + annotated.get_absolute_url())
    page.wait_for_load_state("load")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.summary')"):
            break
    else:
        pytest.fail("no passage summary reached with Tab")
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name="Scholarship on passage 1")
    expect(heading).to_be_focused()
    expect(page.locator("#panel-p-1 .annotation__body")).to_contain_text("The figures agree")
    screenshot(page, "panel-by-keyboard")
    # "]" and "[": the next and previous disputed passages.
    page.keyboard.press("]")
    expect(page.locator("#p-3")).to_be_focused()
    page.keyboard.press("[")
    expect(page.locator("#p-1")).to_be_focused()


def test_reader_without_javascript_gets_the_passage_page(
    live_server, annotated, chromium, screenshot
):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + annotated.get_absolute_url())
        expect(page.locator("[data-reading-tools]")).to_be_hidden()
        page.locator("a.summary").first.click()
        passage = annotated.passages.get(order=1)
        expect(page).to_have_url(live_server.url + passage.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text("Passage 1")
        expect(page.locator("#p-1 mark.hl--annotation")).to_have_text(PHRASE)
        expect(page.locator(".annotation__body")).to_contain_text("The figures agree")
        page.locator(".panel summary").click()
        page.get_by_label("Kind").select_option(label="Annotations")
        page.locator(".panel form").get_by_role("button", name="Filter").click()
        expect(page.locator(".flag-note")).to_have_count(0)
        expect(page.locator(".annotation__body")).to_have_count(1)
        screenshot(page, "passage-page")
    finally:
        context.close()


def test_scholar_annotates_and_sees_it_at_once_and_a_second_browser_on_its_next_load(
    live_server, live_articles, chromium, page, screenshot
):
    english = live_articles["en"]
    make_user("ana", SCHOLARS)
    reader = chromium.new_context(viewport={"width": 1280, "height": 900})
    other = reader.new_page()
    try:
        other.goto(live_server.url + english.get_absolute_url())
        expect(other.locator("#p-1 mark")).to_have_count(0)

        log_in(page, live_server, english.get_absolute_url())
        select(page, "p-1", PHRASE).get_by_role("button", name="Annotate selection").click()
        page.get_by_label("Annotation", exact=True).fill("Seen at once, in the margin.")
        page.get_by_role("button", name="Save").click()
        expect(page).to_have_url(live_server.url + english.get_absolute_url() + "#p-1")
        expect(page.locator("#panel-p-1 .annotation__body")).to_have_text(
            "Seen at once, in the margin."
        )
        expect(page.locator("#p-1 mark.hl--annotation")).to_have_text(PHRASE)
        screenshot(page, "scholar")

        other.reload()
        expect(other.locator("#p-1 mark.hl--annotation")).to_have_text(PHRASE)
        expect(other.locator("a.summary").first).to_contain_text("Seen at once")
        screenshot(other, "second-browser")
    finally:
        reader.close()


def test_margin_toggle_is_kept_per_browser(live_server, annotated, page):
    page.goto(live_server.url + annotated.get_absolute_url())
    toggle = page.get_by_role("button", name="Scholarship in the margin")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("a.summary").first).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("a.summary").first).to_be_hidden()
    expect(page.locator("#p-1 mark.hl--annotation")).to_be_visible()  # the marks stay
    page.reload()
    expect(page.get_by_role("button", name="Scholarship in the margin")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(page.locator("a.summary").first).to_be_hidden()
