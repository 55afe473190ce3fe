"""A moderator in the Django admin, in Chromium: queue, uphold, hide, revert."""

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.permissions import MODERATORS, SCHOLARS
from annotations.services import TargetData
from tests.conftest import LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]


def test_moderator_works_the_queue_and_the_reading_view_follows(
    live_server, live_articles, page, screenshot
):
    english = live_articles["en"]
    scholar = make_user("ana", SCHOLARS)
    make_user("mod", MODERATORS, is_staff=True)
    lead = english.passages.get(order=1)
    flag = services.create_flag(
        user=scholar,
        target=TargetData(passage=lead, exact="3 July 1940"),
        category="date",
        statement="The Romanian text gives 4 July.",
    )
    spam = services.create_annotation(
        user=scholar,
        target=TargetData(passage=lead, exact="Northern Bukovina"),
        body="Buy cheap watches",
        motivation="commenting",
        visibility="public",
    )
    edited = services.create_annotation(
        user=scholar,
        target=TargetData(passage=lead, exact="50,762 km2"),
        body="The area figure matches the Romanian text.",
        motivation="commenting",
        visibility="public",
    )
    services.update_annotation(
        annotation=edited, user=scholar, data={"body": "Vandalised text"}, base_version=1
    )

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill("archive-test")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#review-queue-summary")).to_contain_text("Flags open or under review")
    page.get_by_role("link", name="Open the review queue").click()
    expect(page.locator("#flags")).to_contain_text("(1)")
    screenshot(page, "review-queue")

    # Uphold the flag with a note.
    page.get_by_role("link", name="All open flags").click()
    page.locator(f"input[name='_selected_action'][value='{flag.pk}']").check()
    page.locator("select[name='action']").select_option("uphold")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Note (required").fill("Confirmed against the border closure passage.")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messagelist")).to_contain_text("Uphold flags: 1 done.")

    # Hide the spam annotation with a note.
    page.goto(live_server.url + "/admin/annotations/annotation/")
    page.locator(f"input[name='_selected_action'][value='{spam.pk}']").check()
    page.locator("select[name='action']").select_option("hide")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Note (required").fill("Advertising.")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messagelist")).to_contain_text("Hide annotations: 1 done.")

    # Revert the vandalised annotation to its first version.
    page.goto(live_server.url + f"/admin/annotations/annotation/{edited.pk}/history/")
    page.locator("#change-history a", has_text="").last.click()
    expect(page.get_by_role("button", name="Revert to this version")).to_be_visible()
    page.get_by_role("button", name="Revert to this version").click()
    expect(page.locator(".messagelist")).to_contain_text("Reverted; saved as version 3.")
    screenshot(page, "reverted")

    # The public reading view reflects all three.
    reader = page.context.browser.new_context()
    public = reader.new_page()
    public.goto(live_server.url + english.get_absolute_url() + "#p-1")  # its panel open
    expect(public.locator("sup.hl-tag--disputed").first).to_have_text("[dispute upheld]")
    expect(public.locator(".flag-note").first).to_contain_text("Confirmed against the border")
    expect(public.get_by_text("Buy cheap watches")).to_have_count(0)
    panel = public.locator("#panel-p-1")
    expect(panel.get_by_text("The area figure matches the Romanian text.")).to_be_visible()
    expect(public.get_by_text("Vandalised text")).to_have_count(0)
    screenshot(public, "reading-view-after-moderation")
    reader.close()
