"""An anonymous reader in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.conftest import LIVE_SERVER

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]


def test_reader_follows_table_of_contents_link_to_passage(
    live_server, live_articles, page, screenshot
):
    english = live_articles["en"]
    page.goto(live_server.url + english.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(english.title)

    page.get_by_role("link", name="Soviet ultimatum", exact=True).first.click()

    expect(page).to_have_url(live_server.url + english.get_absolute_url() + "#soviet-ultimatum")
    heading = page.get_by_role("heading", name="Soviet ultimatum", exact=True)
    expect(heading).to_be_in_viewport()
    passage = english.passages.get(text__startswith="On 26 June 1940, at 22:00")
    passage_element = page.locator(f"#{passage.anchor}")
    expect(passage_element).to_be_visible()
    expect(passage_element).to_contain_text("Soviet People's Commissar Vyacheslav Molotov")
    screenshot(page, "soviet-ultimatum")
