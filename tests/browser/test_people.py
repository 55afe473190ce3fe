"""People in Chromium: a moderator invites a scholar by mail; the scholar joins, annotates and
adds an ORCID iD that the JSON-LD carries; the moderator deactivates the account, whose
annotation stays with its attribution."""

import json
import re
import urllib.parse

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.permissions import MODERATORS
from tests.conftest import LIVE_SERVER, make_user

pytestmark = [pytest.mark.browser, pytest.mark.commits(LIVE_SERVER)]

ORCID = "0000-0002-1825-0097"
PASSWORD = "a-long-passphrase-7"


def log_in(page, live_server, username, next_url):
    page.goto(f"{live_server.url}{reverse('login')}?next={urllib.parse.quote(next_url)}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("archive-test")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + next_url)


def test_moderator_invites_scholar_who_annotates_with_orcid_then_is_deactivated(
    live_server, live_articles, chromium, page, screenshot
):
    english = live_articles["en"]
    make_user("moderator1", MODERATORS, is_staff=True)
    mail.outbox.clear()

    # -- the moderator invites -----------------------------------------------------------
    log_in(page, live_server, "moderator1", reverse("people:invitation-create"))
    page.get_by_label("Email address").fill("elena@example.org")
    expect(page.get_by_label("Role")).to_have_value("Scholars")
    expect(page.get_by_label("Role").locator("option")).to_have_count(1)  # no Moderators
    page.get_by_label("Note").fill("Historian, Chișinău")
    expect(page.get_by_label("Valid for (days)")).to_have_value("7")
    screenshot(page, "invite")
    page.get_by_role("button", name="Create the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("sent to elena@example.org")
    expect(page.locator("table.listing tbody tr")).to_have_count(1)
    screenshot(page, "invitations")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["elena@example.org"]
    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[0].body).group(0)

    # -- the scholar accepts, in a browser of her own -----------------------------------
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    scholar = context.new_page()
    scholar.set_default_timeout(10_000)
    scholar.goto(link)
    expect(scholar.get_by_role("heading", level=1)).to_have_text("Join the archive as a scholar")
    screenshot(scholar, "accept-390")
    scholar.get_by_label("Username").fill("elena")
    scholar.get_by_label("Your name as shown on your work").fill("Elena Ciobanu")
    scholar.get_by_label("Password", exact=True).fill(PASSWORD)
    scholar.get_by_label("Password again").fill(PASSWORD)
    scholar.get_by_role("button", name="Create my account").click()
    expect(scholar).to_have_url(live_server.url + reverse("people:profile"))
    expect(scholar.get_by_role("status")).to_contain_text("Welcome, Elena Ciobanu")

    # ORCID iD: a wrong check digit is refused, the right one saved.
    scholar.get_by_label("ORCID iD").fill("0000-0002-1825-0098")
    scholar.get_by_role("button", name="Save profile").click()
    expect(scholar.get_by_role("alert")).to_contain_text("check digit")
    scholar.get_by_label("ORCID iD").fill(f"https://orcid.org/{ORCID}")
    scholar.get_by_label("Affiliation").fill("Moldova State University")
    scholar.get_by_role("button", name="Save profile").click()
    expect(scholar.get_by_role("status")).to_have_text("Your profile was saved.")
    expect(scholar.get_by_label("ORCID iD")).to_have_value(ORCID)
    screenshot(scholar, "profile-390")

    # -- she annotates; the JSON-LD names her with her ORCID iD -------------------------
    scholar.goto(
        live_server.url
        + reverse("annotations:annotation-create", kwargs={"slug": english.slug, "anchor": "p-1"})
    )
    scholar.get_by_label("Annotation", exact=True).fill("The date is given in the Romanian text.")
    scholar.get_by_role("button", name="Save").click()
    expect(scholar.get_by_role("status")).to_have_text("Annotation saved.")
    annotation = Annotation.objects.get()
    scholar.goto(live_server.url + annotation.get_absolute_url())
    expect(scholar.locator(".annotation__meta").first).to_contain_text("by Elena Ciobanu")
    jsonld = reverse("exports:annotation-jsonld", kwargs={"pk": annotation.pk})
    response = scholar.request.get(live_server.url + jsonld)
    creator = json.loads(response.text())["creator"]
    assert creator == {
        "id": f"https://orcid.org/{ORCID}",
        "type": "Person",
        "name": "Elena Ciobanu",
        "nickname": "elena",
    }

    # -- the moderator deactivates her ---------------------------------------------------
    page.goto(live_server.url + reverse("people:account-list"))
    screenshot(page, "people")
    page.get_by_role("link", name="Deactivate elena").click()
    page.get_by_label("Why").fill("Asked to leave the project")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("elena can no longer sign in")
    row = page.locator("table.listing tbody tr", has_text="Elena Ciobanu")
    expect(row).to_contain_text("Deactivated")

    # She is signed out and cannot sign in; her annotation stays, under her name.
    scholar.goto(live_server.url + reverse("people:profile"))
    expect(scholar).to_have_url(re.compile(r"/accounts/login/"))
    scholar.get_by_label("Username").fill("elena")
    scholar.get_by_label("Password").fill(PASSWORD)
    scholar.get_by_role("button", name="Log in").click()
    expect(scholar.get_by_role("alert")).to_be_visible()
    scholar.goto(live_server.url + annotation.get_absolute_url())
    expect(scholar.locator(".annotation__meta").first).to_contain_text("by Elena Ciobanu")
    assert json.loads(scholar.request.get(live_server.url + jsonld).text())["creator"] == creator
    context.close()


def test_without_mail_a_superuser_copies_the_link_once_and_a_used_link_says_so(
    live_server, live_articles, chromium, page, screenshot, settings
):
    from django.contrib.auth.models import User

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    User.objects.create_superuser("root1", password="archive-test")
    log_in(page, live_server, "root1", reverse("people:invitation-create"))
    page.get_by_label("Email address").fill("maria@example.org")
    page.get_by_label("Role").select_option("Moderators")
    page.get_by_role("button", name="Create the invitation").click()
    box = page.get_by_role("status")
    expect(box).to_contain_text("Copy this link now")
    expect(box).to_contain_text("nothing was sent to maria@example.org")
    link = page.get_by_label("Invitation link").input_value()
    screenshot(page, "link-once")
    page.reload()
    expect(page.get_by_label("Invitation link")).to_have_count(0)

    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    invitee = context.new_page()
    invitee.set_default_timeout(10_000)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Join the archive as a moderator")
    invitee.get_by_label("Username").fill("maria")
    invitee.get_by_label("Password", exact=True).fill(PASSWORD)
    invitee.get_by_label("Password again").fill(PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee).to_have_url(live_server.url + reverse("people:profile"))
    assert User.objects.get(username="maria").is_staff

    response = invitee.goto(link)
    assert response.status == 410
    expect(invitee.get_by_role("heading", level=1)).to_have_text("This invitation has been used")
    screenshot(invitee, "used-390")
    context.close()
