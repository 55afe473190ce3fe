"""People: invitations, accepting them, profiles with ORCID iDs, deactivation, mail, roles."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from annotations import services as scholarship
from annotations.models import ModerationLogEntry
from annotations.services import TargetData
from config.mail import email_settings, parse_email_url
from config.ratelimit import Rate
from people import services
from people.models import Invitation, Profile, Role, normalize_orcid, validate_orcid
from people.roles import roles_table

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
GOOD_ORCID = "0000-0002-1825-0097"  # ORCID's own example (Josiah Carberry)
BAD_ORCID = "0000-0002-1825-0098"  # one check digit off
PASSWORD = "a-long-passphrase-7"
DUMMY = "django.core.mail.backends.dummy.EmailBackend"


def invite(client, moderator, **data):
    client.force_login(moderator)
    fields = {"email": "new@example.org", "role": "Scholars", "note": "", "days": 7, **data}
    return client.post(reverse("people:invitation-create"), fields)


def link_in(message):
    return re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)


def accept(client, link, username="elena", **data):
    fields = {"username": username, "password1": PASSWORD, "password2": PASSWORD, **data}
    return client.post(link, fields)


def counts():
    return (
        User.objects.count(),
        Invitation.objects.count(),
        Invitation.objects.filter(accepted__isnull=False).count(),
        ModerationLogEntry.objects.count(),
    )


# --- invitations ------------------------------------------------------------------------------


def test_a_moderator_invites_a_scholar_who_arrives_signed_in_with_the_role(client, moderator):
    response = invite(client, moderator, note="Historian from Chișinău")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.expires - invitation.created == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=5)
    )

    client.logout()
    assert client.get(link).status_code == 200
    response = accept(client, link, display_name="Elena Ciobanu")
    assert response.status_code == 302 and response["Location"] == reverse("people:profile")
    user = User.objects.get(username="elena")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert list(user.groups.values_list("name", flat=True)) == ["Scholars"]
    assert not user.is_staff and user.email == "new@example.org"
    assert user.profile.display_name == "Elena Ciobanu"
    log = list(ModerationLogEntry.objects.order_by("pk").values_list("new_status", "moderator"))
    assert log == [("open", moderator.pk), ("accepted", user.pk)]


def test_without_mail_the_link_is_shown_once_to_the_moderator(client, moderator, settings):
    settings.EMAIL_BACKEND = DUMMY
    response = invite(client, moderator)
    assert response["Location"] == reverse("people:invitation-list")
    page = client.get(reverse("people:invitation-list")).content.decode()
    assert "Copy this link now" in page
    link = re.search(r'value="(http://testserver/accounts/invitation/[^"]+/)"', page).group(1)
    again = client.get(reverse("people:invitation-list")).content.decode()
    assert link not in again
    client.logout()
    assert accept(client, link).status_code == 302


def test_an_invitation_without_an_address_shows_its_link(client, moderator):
    invite(client, moderator, email="")
    assert mail.outbox == []
    page = client.get(reverse("people:invitation-list")).content.decode()
    assert "/accounts/invitation/" in page


def test_a_superuser_invites_a_moderator_who_becomes_staff(client, superuser):
    invite(client, superuser, role="Moderators")
    client.logout()
    accept(client, link_in(mail.outbox[0]), username="maria")
    user = User.objects.get(username="maria")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("annotations.moderate_annotation")
    assert user.has_perm("people.add_invitation")
    assert not user.has_perm("people.invite_moderator")


@pytest.mark.parametrize("state", ["expired", "accepted", "revoked"])
def test_an_unusable_invitation_answers_410_and_changes_nothing(client, moderator, state):
    invitation, token = services.create_invitation(inviter=moderator, email="x@example.org")
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now())
    elif state == "accepted":
        services.accept_invitation(token=token, username="first", password=PASSWORD)
    else:
        services.revoke_invitation(invitation=invitation, user=moderator)
    before = counts()
    link = reverse("people:invitation-accept", kwargs={"token": token})
    assert client.get(link).status_code == 410
    response = accept(client, link, username="second")
    assert response.status_code == 410
    assert b"No account was made" in response.content
    assert counts() == before
    assert "_auth_user_id" not in client.session


def test_an_unknown_invitation_answers_404(client, moderator):
    services.create_invitation(inviter=moderator)
    before = counts()
    link = reverse("people:invitation-accept", kwargs={"token": "not-a-token"})
    assert client.get(link).status_code == 404
    response = accept(client, link)
    assert response.status_code == 404
    assert b"This invitation link is not known" in response.content
    assert counts() == before


def test_a_scholar_may_not_invite(client, scholar):
    before = counts()
    client.force_login(scholar)
    assert client.get(reverse("people:invitation-create")).status_code == 403
    response = client.post(
        reverse("people:invitation-create"), {"role": "Scholars", "days": 7, "email": ""}
    )
    assert response.status_code == 403
    assert b"Only moderators invite people" in response.content
    assert counts() == before


def test_a_moderator_may_not_invite_a_moderator(client, moderator):
    before = counts()
    response = invite(client, moderator, role="Moderators")
    assert response.status_code == 403
    assert b"Only administrators (superusers) invite moderators" in response.content
    assert counts() == before and mail.outbox == []
    form = client.get(reverse("people:invitation-create")).content.decode()
    assert 'value="Moderators"' not in form
    with pytest.raises(Exception, match="superusers"):
        services.create_invitation(inviter=moderator, role=Role.MODERATOR)


def test_a_taken_username_is_refused_and_the_invitation_stays_open(client, moderator, scholar):
    invitation, token = services.create_invitation(inviter=moderator)
    before = counts()
    link = reverse("people:invitation-accept", kwargs={"token": token})
    response = accept(client, link, username="ANA")  # ana exists; usernames differ by case only
    assert response.status_code == 400
    assert b"This username is taken" in response.content
    assert counts() == before
    invitation.refresh_from_db()
    assert invitation.is_open
    with pytest.raises(ValidationError):
        services.accept_invitation(token=token, username="ana", password=PASSWORD)
    assert counts() == before


def test_a_weak_or_mismatched_password_is_refused(client, moderator):
    _, token = services.create_invitation(inviter=moderator)
    link = reverse("people:invitation-accept", kwargs={"token": token})
    before = counts()
    weak = client.post(link, {"username": "elena", "password1": "123", "password2": "123"})
    assert weak.status_code == 400 and b"too short" in weak.content
    differ = client.post(link, {"username": "elena", "password1": PASSWORD, "password2": "x"})
    assert differ.status_code == 400 and b"The two passwords differ" in differ.content
    assert counts() == before


def test_a_moderator_revokes_an_open_invitation_and_it_is_logged(client, moderator):
    invitation, token = services.create_invitation(inviter=moderator)
    client.force_login(moderator)
    response = client.post(reverse("people:invitation-revoke", kwargs={"pk": invitation.pk}))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked and invitation.revoked_by == moderator
    assert ModerationLogEntry.objects.filter(new_status="revoked").count() == 1
    again = client.post(reverse("people:invitation-revoke", kwargs={"pk": invitation.pk}))
    assert again.status_code == 409


def test_the_accept_page_is_rate_limited_like_login(client, moderator, settings):
    from django.core.cache import cache

    cache.clear()
    settings.RATELIMITS = {
        "login": {"address": Rate(3, 300), "user": Rate(100, 900)},
        "write": {"address": Rate(100, 60), "user": Rate(100, 60)},
    }
    _, token = services.create_invitation(inviter=moderator)
    link = reverse("people:invitation-accept", kwargs={"token": token})
    for n in range(3):
        client.post(link, {"username": f"u{n}", "password1": "1", "password2": "1"})
    response = accept(client, link)
    assert response.status_code == 429
    assert not User.objects.filter(username="elena").exists()
    cache.clear()


def test_tokens_are_random_and_stored_only_as_a_hash(moderator):
    tokens = {services.create_invitation(inviter=moderator)[1] for _ in range(5)}
    assert len(tokens) == 5 and all(len(token) >= 40 for token in tokens)
    stored = set(Invitation.objects.values_list("token_hash", flat=True))
    assert not tokens & stored
    assert {services.hash_token(token) for token in tokens} == stored


def test_invitations_appear_in_the_admin_moderation_log(client, moderator):
    services.create_invitation(inviter=moderator, note="For the Iași seminar")
    client.force_login(moderator)
    page = client.get(reverse("admin:annotations_moderationlogentry_changelist")).content
    assert b"For the Ia\xc8\x99i seminar" in page


def test_a_moderator_invites_from_the_admin_and_sees_the_link_once(client, moderator, settings):
    settings.EMAIL_BACKEND = DUMMY
    client.force_login(moderator)
    response = client.post(
        reverse("admin:people_invitation_add"),
        {"email": "", "role": "Scholars", "note": "From the admin", "days": 3},
        follow=True,
    )
    assert response.status_code == 200
    assert b"/accounts/invitation/" in response.content
    invitation = Invitation.objects.get()
    assert invitation.created_by == moderator and invitation.note == "From the admin"
    assert ModerationLogEntry.objects.filter(new_status="open").count() == 1


# --- profiles ---------------------------------------------------------------------------------


def test_orcid_check_digit_is_validated():
    validate_orcid(GOOD_ORCID)
    validate_orcid("0000-0002-9079-593X")  # an X check digit
    for bad in (BAD_ORCID, "0000-0002-1825", "abcd-efgh-ijkl-mnop", "0000-0002-1825-009Y"):
        with pytest.raises(ValidationError):
            validate_orcid(bad)
    assert normalize_orcid("https://orcid.org/0000000218250097") == GOOD_ORCID


def test_a_user_edits_their_profile(client, scholar):
    client.force_login(scholar)
    assert client.get(reverse("people:profile")).status_code == 200
    response = client.post(
        reverse("people:profile"),
        {
            "display_name": "Ana Popescu",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
            "affiliation": "Universitatea din București",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=scholar)
    assert (profile.display_name, profile.orcid) == ("Ana Popescu", GOOD_ORCID)


def test_a_bad_orcid_is_refused_and_nothing_is_saved(client, scholar):
    Profile.objects.create(user=scholar, display_name="Ana")
    client.force_login(scholar)
    response = client.post(
        reverse("people:profile"), {"display_name": "Changed", "orcid": BAD_ORCID}
    )
    assert response.status_code == 400
    assert b"check digit" in response.content
    assert Profile.objects.get(user=scholar).display_name == "Ana"


def test_display_name_and_orcid_show_on_scholarship_and_in_json_ld(client, scholar, lead):
    annotation = scholarship.create_annotation(
        user=scholar,
        target=TargetData(passage=lead),
        body="Note",
        motivation="commenting",
        visibility="public",
    )
    flag = scholarship.create_flag(
        user=scholar, target=TargetData(passage=lead), category="date", statement="Date?"
    )
    passage_page = reverse(
        "reading:passage-detail", kwargs={"slug": lead.document.slug, "number": lead.order}
    )
    services.update_profile(
        user=scholar, display_name="Ana Popescu", orcid=GOOD_ORCID, affiliation=""
    )
    for url in (
        passage_page,
        annotation.get_absolute_url(),
        flag.get_absolute_url(),
        reverse("annotations:flag-list"),
        reverse("annotations:annotation-history", kwargs={"pk": annotation.pk}),
    ):
        assert "Ana Popescu" in client.get(url).content.decode(), url
    data = client.get(reverse("exports:annotation-jsonld", kwargs={"pk": annotation.pk})).json()
    assert data["creator"] == {
        "id": f"https://orcid.org/{GOOD_ORCID}",
        "type": "Person",
        "name": "Ana Popescu",
        "nickname": "ana",
    }


def test_a_user_without_a_profile_is_named_by_username(client, scholar, lead):
    annotation = scholarship.create_annotation(
        user=scholar,
        target=TargetData(passage=lead),
        body="Note",
        motivation="commenting",
        visibility="public",
    )
    assert not Profile.objects.exists()
    data = client.get(reverse("exports:annotation-jsonld", kwargs={"pk": annotation.pk})).json()
    assert data["creator"] == {"type": "Person", "name": "ana", "nickname": "ana"}


# --- deactivation -----------------------------------------------------------------------------


def test_a_moderator_deactivates_a_scholar_whose_work_stays(client, moderator, scholar, lead):
    annotation = scholarship.create_annotation(
        user=scholar,
        target=TargetData(passage=lead),
        body="Stays",
        motivation="commenting",
        visibility="public",
    )
    services.update_profile(user=scholar, display_name="Ana Popescu", orcid="", affiliation="")
    signed_in = type(client)()
    signed_in.force_login(scholar)
    client.force_login(moderator)
    url = reverse("people:account-deactivate", kwargs={"username": "ana"})
    assert client.post(url, {"note": ""}).status_code == 400
    assert User.objects.get(pk=scholar.pk).is_active
    assert client.post(url, {"note": "Left the project"}).status_code == 302
    assert not User.objects.get(pk=scholar.pk).is_active
    assert ModerationLogEntry.objects.filter(new_status="inactive").count() == 1
    # Signed out at once, and cannot sign in again.
    assert signed_in.get(reverse("people:profile")).status_code == 302
    assert not client.login(username="ana", password="archive-test")
    page = client.get(annotation.get_absolute_url()).content.decode()
    assert "Stays" in page and "Ana Popescu" in page


def test_a_moderator_may_not_deactivate_a_moderator_or_themselves(client, moderator, superuser):
    other = User.objects.create_user("moderator2", password="x", is_staff=True)
    client.force_login(moderator)
    for username in ("moderator2", "moderator1", "root1"):
        url = reverse("people:account-deactivate", kwargs={"username": username})
        assert client.post(url, {"note": "No"}).status_code == 403
    assert User.objects.filter(is_active=False).count() == 0
    other.groups.add(*moderator.groups.all())
    invitation, _ = services.create_invitation(inviter=other)
    client.force_login(superuser)
    url = reverse("people:account-deactivate", kwargs={"username": other.username})
    assert client.post(url, {"note": "Gone"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "revoked"  # a deactivated moderator's invitations go too


def test_a_scholar_may_not_see_the_people_pages(client, scholar):
    client.force_login(scholar)
    for name in ("people:account-list", "people:invitation-list"):
        assert client.get(reverse(name)).status_code == 403


# --- mail and password reset ------------------------------------------------------------------


def test_email_url_is_parsed():
    assert parse_email_url("smtp://user%40x:p%2Fw@mail.example.org:2525") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "user@x",
        "EMAIL_HOST_PASSWORD": "p/w",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }
    assert parse_email_url("smtps://mail.example.org")["EMAIL_PORT"] == 465
    assert parse_email_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert email_settings({}, debug=True)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert email_settings({}, debug=False)["EMAIL_BACKEND"] == DUMMY
    assert email_settings({"EMAIL_HOST": "mx", "EMAIL_PORT": "25"}, debug=True) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mx",
        "EMAIL_PORT": 25,
    }
    with pytest.raises(Exception, match="unknown scheme"):
        parse_email_url("pigeon://coop")


def test_the_deploy_check_says_when_no_mail_can_leave(settings):
    from io import StringIO

    from django.core.management import call_command

    from people.checks import mail_is_configured

    settings.EMAIL_BACKEND = DUMMY
    output = StringIO()
    call_command("check", "--deploy", "--tag", "security", stdout=output, stderr=output)
    assert "people.I001" in output.getvalue()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert mail_is_configured(None) == []


def test_password_reset_mails_a_link_and_never_says_whether_an_address_exists(client, scholar):
    scholar.email = "ana@example.org"
    scholar.save()
    known = client.post(reverse("password_reset"), {"email": "ana@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert b"Choose a new password" in page.content
    assert b"Forgotten your password?" in client.get(reverse("login")).content


# --- roles ------------------------------------------------------------------------------------


def test_the_roles_table_in_operations_matches_the_groups_permissions():
    """docs/operations.md shows the table the permissions give (manage.py roles_table)."""
    document = (ROOT / "docs" / "operations.md").read_text()
    assert roles_table() in document


def test_the_roles_table_answers_for_real_users(scholar, moderator, superuser):
    lines = roles_table().splitlines()[2:]
    from people.roles import CAPABILITIES

    for (label, permission), line in zip(CAPABILITIES, lines, strict=True):
        marks = [cell.strip() for cell in line.split("|")[2:5]]
        for user, mark in zip((scholar, moderator, superuser), marks, strict=True):
            allowed = permission is None or user.has_perm(permission)
            assert allowed == (mark == "yes"), (label, user.username)


def test_a_hostile_display_name_is_shown_as_text(client, scholar, lead):
    hostile = '<script>alert("x")</script>Ana'
    services.update_profile(user=scholar, display_name=hostile, orcid="", affiliation="")
    annotation = scholarship.create_annotation(
        user=scholar,
        target=TargetData(passage=lead),
        body="Note",
        motivation="commenting",
        visibility="public",
    )
    page = client.get(annotation.get_absolute_url()).content.decode()
    assert hostile not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Ana" in page
    data = client.get(reverse("exports:annotation-jsonld", kwargs={"pk": annotation.pk})).json()
    assert data["creator"]["name"] == hostile  # JSON carries it as data, unchanged


def test_the_reading_room_filters_an_author_by_display_name_or_username(client, scholar, lead):
    services.update_profile(user=scholar, display_name="Ana Popescu", orcid="", affiliation="")
    scholarship.create_annotation(
        user=scholar,
        target=TargetData(passage=lead),
        body="Ana's note",
        motivation="commenting",
        visibility="public",
    )
    url = reverse("reading:passage-panel", args=[lead.document.slug, lead.order])
    for author in ("ana", "ANA POPESCU"):
        page = client.get(url, {"author": author}).content.decode()
        assert "Ana's note" in page and "by Ana Popescu" in page, author
    assert "Ana's note" not in client.get(url, {"author": "mihai"}).content.decode()
