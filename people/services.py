"""Every write of the people app: invitations, accepting them, profiles, deactivation.

Each runs in one transaction and writes its moderation-log entry in it
(``annotations.models.ModerationLogEntry``, the log the moderators already read in the admin).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from annotations.models import ModerationLogEntry

from .models import Invitation, InvitationState, Profile, Role
from .permissions import can_deactivate, can_invite, can_invite_to

DEFAULT_DAYS = 7
MAX_DAYS = 90
DUMMY_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


class InvitationUnusable(Exception):
    """The link names no invitation, or one that can no longer be used (``state`` says why)."""

    def __init__(self, state=None):
        super().__init__(state or "unknown")
        self.state = state


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def mail_is_configured():
    """Whether mail leaves the site (any backend but the dummy one)."""
    return settings.EMAIL_BACKEND != DUMMY_BACKEND


def _log(record, *, actor, old_status, new_status, note):
    ModerationLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        object_repr=str(record)[:200],
        moderator=actor,
        old_status=old_status,
        new_status=new_status,
        note=note,
    )


def create_invitation(*, inviter, role=Role.SCHOLAR, email="", note="", days=DEFAULT_DAYS):
    """A new invitation and its token (to put in the link; only its hash is kept)."""
    if not can_invite(inviter):
        raise PermissionDenied("Only moderators invite people.")
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if not can_invite_to(inviter, role):
        raise PermissionDenied("Only administrators (superusers) invite moderators.")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Between 1 and {MAX_DAYS} days."})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            token_hash=hash_token(token),
            email=email.strip(),
            role=role,
            note=note.strip(),
            created_by=inviter,
            expires=timezone.now() + timedelta(days=days),
        )
        summary = f"Invited as {invitation.get_role_display().lower()}, valid {days} days"
        _log(
            invitation,
            actor=inviter,
            old_status="",
            new_status=InvitationState.OPEN,
            note=f"{summary}. {invitation.note}".strip(),
        )
    return invitation, token


def mail_invitation(*, invitation, link):
    """Send the link to the invitation's address; return whether a mail was sent."""
    if not (invitation.email and mail_is_configured()):
        return False
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=render_to_string("people/invitation_subject.txt", context).strip(),
        message=render_to_string("people/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True


def find_invitation(token):
    """The open invitation this token names; ``InvitationUnusable`` otherwise."""
    invitation = Invitation.objects.filter(token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise InvitationUnusable(None)
    if not invitation.is_open:
        raise InvitationUnusable(invitation.state)
    return invitation


def accept_invitation(*, token, username, password, display_name=""):
    """Create the invitee's account with the invitation's role; the invitation is then used."""
    User = get_user_model()
    with transaction.atomic():
        # Locked, so that two people sending the same link at once make one account.
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
        )
        if invitation is None:
            raise InvitationUnusable(None)
        if not invitation.is_open:
            raise InvitationUnusable(invitation.state)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "A user with that username already exists."})
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=username,
                    email=invitation.email,
                    password=password,
                    is_staff=invitation.role == Role.MODERATOR,
                )
        except IntegrityError:
            raise ValidationError(
                {"username": "A user with that username already exists."}
            ) from None
        user.groups.add(Group.objects.get(name=invitation.role))
        Profile.objects.create(user=user, display_name=display_name.strip())
        invitation.accepted = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted", "accepted_by"])
        _log(
            invitation,
            actor=user,
            old_status=InvitationState.OPEN,
            new_status=InvitationState.ACCEPTED,
            note=f"Accepted: account {user.get_username()} created.",
        )
    return user


def revoke_invitation(*, invitation, user, note=""):
    if not can_invite_to(user, invitation.role):
        raise PermissionDenied("Only moderators revoke invitations.")
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ValidationError(f"This invitation is {invitation.state}: it cannot be revoked.")
        _revoke(invitation, user, note.strip() or "Revoked.")
    return invitation


def _revoke(invitation, moderator, note):
    """Close an open invitation (locked by the caller), in the moderation log."""
    invitation.revoked = timezone.now()
    invitation.revoked_by = moderator
    invitation.save(update_fields=["revoked", "revoked_by"])
    _log(
        invitation,
        actor=moderator,
        old_status=InvitationState.OPEN,
        new_status=InvitationState.REVOKED,
        note=note,
    )


def profile_of(user):
    """The user's profile, or an empty unsaved one if they have none yet: reading it never
    writes, so the profile page reads from the standby while the primary is down."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def update_profile(*, user, display_name, orcid, affiliation):
    """Save the user's own profile.

    The reading room's cached fragments and pages hold counts and opening words, never names,
    so nothing cached needs renewing when a name changes.
    """
    with transaction.atomic():
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.display_name = display_name
        profile.orcid = orcid
        profile.affiliation = affiliation
        profile.full_clean()
        profile.save()
    return profile


def deactivate_account(*, account, moderator, note):
    """The account can no longer sign in; everything it wrote stays, attributed to it."""
    if not can_deactivate(moderator, account):
        raise PermissionDenied("You may not deactivate this account.")
    if not note.strip():
        raise ValidationError({"note": "Say why (the moderation log keeps it)."})
    User = get_user_model()
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if not account.is_active:
            raise ValidationError("This account is already deactivated.")
        account.is_active = False
        account.save(update_fields=["is_active"])
        _log(
            account,
            actor=moderator,
            old_status="active",
            new_status="inactive",
            note=note.strip(),
        )
        # Their open invitations go with them: nobody joins on a deactivated account's word.
        for invitation in account.invitations_sent.open().select_for_update():
            _revoke(
                invitation, moderator, f"Revoked with the deactivation of {account.get_username()}."
            )
    return account
