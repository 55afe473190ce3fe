"""The compare page in Chromium: an aligned pair, a suggested discrepancy a moderator accepts,
and the flag shown on both texts; keys between rows; rows stacked on a phone."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from alignment import services
from alignment.models import DiscrepancySuggestion
from annotations.models import DisputedClaim
from annotations.permissions import MODERATORS
from tests.conftest import LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("archive-test")
    page.get_by_role("button", name="Log in").click()


def test_moderator_accepts_a_suggested_discrepancy_and_sees_it_on_both_texts(
    live_server, live_articles, page, screenshot
):
    call_command("loaddata", "demo", verbosity=0)
    english, romanian = live_articles["en"], live_articles["ro"]
    services.detect_discrepancies(translation=romanian, original=english)
    suggestion = DiscrepancySuggestion.objects.get(kind="date")
    make_user("mod", MODERATORS, is_staff=True)
    log_in(page, live_server.url, "mod")

    page.goto(live_server.url + f"/documents/{romanian.slug}/compare/")
    first = page.locator("#row-1")
    # An aligned pair: the English lead paragraph beside the Romanian paragraph.
    expect(first.locator(".compare-cell--original #o-p-1")).to_contain_text("Between 28 June")
    expect(first.locator(".compare-cell--translation #t-p-1")).to_contain_text("între 28 iunie")
    expect(first.locator(".compare-cell--original")).to_have_attribute("lang", "en")
    expect(first.locator(".compare-cell--translation")).to_have_attribute("lang", "ro")
    # The suggested discrepancy, quoting both texts.
    box = page.locator(f"#d-{suggestion.pk}")
    expect(box).to_contain_text("The translation has “4 iulie 1940” where the original has")
    expect(box.locator("q[lang='en']")).to_have_text("3 July 1940")
    screenshot(page, "before")

    # Keys move between rows; focus is visible.
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(page.locator("#row-1")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator("#row-2")).to_be_focused()
    outline = page.locator("#row-2").evaluate("row => getComputedStyle(row).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("k")
    expect(page.locator("#row-1")).to_be_focused()

    box.get_by_role("button", name="Accept as a flag").click()
    expect(page.locator(".messages")).to_contain_text("Flagged as disputed")
    flag = DisputedClaim.objects.get(author__username="mod")
    url = flag.get_absolute_url()
    # On the translation: the span carries the [disputed] mark.
    translation_mark = page.locator(f"#t-p-1 sup.hl-tag--disputed a[href='{url}']")
    expect(translation_mark).to_have_text("[disputed]")
    # On the original: its counterpart span is marked, and the flag is listed beside it.
    original = page.locator("#row-1 .compare-cell--original")
    expect(original.locator("mark.hl--counterpart")).to_have_text("3 July 1940")
    expect(original.locator(f"sup.hl-tag--counterpart a[href='{url}']")).to_have_text(
        "[disputed in translation]"
    )
    expect(original.locator(f".compare-echo a[href='{url}']")).to_contain_text("Date:")
    expect(page.locator(f"#d-{suggestion.pk}")).to_have_count(0)
    screenshot(page, "after")

    # The flag is a flag like any other, by the moderator, on the reading view too.
    page.goto(live_server.url + romanian.get_absolute_url())
    expect(page.locator(f"#p-1 sup.hl-tag--disputed a[href='{url}']")).to_have_text("[disputed]")


def test_rows_stack_on_a_phone_and_folded_passages_open_from_a_link(
    live_server, live_articles, chromium, screenshot
):
    call_command("loaddata", "demo", verbosity=0)
    romanian = live_articles["ro"]
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + f"/documents/{romanian.slug}/compare/")
    original = page.locator("#row-3 .compare-cell--original").first.bounding_box()
    translation = page.locator("#row-3 .compare-cell--translation").first.bounding_box()
    assert translation["y"] >= original["y"] + original["height"] - 1
    assert original["width"] > 300 and translation["width"] > 300
    expect(page.locator("#row-3 .compare-cell__lang").first).to_be_visible()
    # The folded run opens when a row in it is linked to.
    expect(page.locator("#row-6")).to_be_hidden()
    page.locator("#row-5 .compare-row__nav a", has_text="Next").click()
    expect(page.locator("#row-6")).to_be_visible()
    screenshot(page, "phone")
    context.close()
