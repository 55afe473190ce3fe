"""A moderator works the orphan queue in Chromium after a revision of the English article."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations import services
from annotations.models import Anchoring, Annotation
from annotations.permissions import MODERATORS, SCHOLARS
from annotations.services import TargetData
from devdata.revision import DELETED
from tests.conftest import LIVE_SERVER, make_user
from tests.test_revisions import ENGLISH, revised_file

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]


def test_moderator_reattaches_one_orphan_and_retires_another(
    live_server, live_articles, page, screenshot, tmp_path
):
    english = live_articles["en"]
    scholar = make_user("ana", SCHOLARS)
    make_user("mod", MODERATORS, is_staff=True)
    deleted = english.passages.get(text__startswith=DELETED)
    first, second = (
        services.create_annotation(
            user=scholar,
            target=TargetData(passage=deleted, exact=quote),
            body=f"Note on {quote}.",
            motivation="commenting",
            visibility="public",
        )
        for quote in ("signed a secret convention", "the Entente")
    )
    call_command("import_article", str(revised_file(tmp_path)), "--revision-of", ENGLISH)

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill("archive-test")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Open the orphan queue").click()
    expect(page.locator("#orphans")).to_contain_text("(2)")
    row = page.locator(f"#orphan-{first.pk}")
    row.get_by_label("Passage number").fill("1")
    row.get_by_label("Quoted text (empty: the whole passage)").fill("ultimatum made to Romania")
    row.get_by_role("button", name="Re-attach").click()
    expect(page.locator(".messagelist")).to_contain_text("Re-attached to passage 1")
    expect(page.locator("#orphans")).to_contain_text("(1)")
    row = page.locator(f"#orphan-{second.pk}")
    row.get_by_label("Why it is retired").fill("The paragraph was cut from the article.")
    row.get_by_role("button", name="Retire").click()
    expect(page.locator("#orphans")).to_contain_text("(0)")
    screenshot(page, "orphan-queue-empty")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.anchoring, first.passage.order, first.passage.current) == (
        Anchoring.REATTACHED,
        1,
        True,
    )
    assert second.anchoring == Anchoring.RETIRED and second.passage_id == deleted.pk
    # The reader sees where the re-attached note now stands, and that it moved.
    page.goto(f"{live_server.url}/documents/{ENGLISH}/p-1/")
    expect(page.get_by_text("Written on revision 1 · moved to revision 2")).to_be_visible()
    assert Annotation.objects.filter(anchoring=Anchoring.ORPHAN).count() == 0
