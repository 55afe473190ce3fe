"""People: a profile for each user (display name, ORCID iD, affiliation) and invitations.

Writes go through ``people.services``. A user without a profile row is named by username.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from stdnum.iso7064 import mod_11_2

ORCID_URL = "https://orcid.org/"


def normalize_orcid(value):
    """``https://orcid.org/0000-0002-1825-0097``, ``0000000218250097`` → ``0000-0002-1825-0097``."""
    text = (value or "").strip()
    for prefix in (ORCID_URL, "http://orcid.org/", "orcid.org/"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    digits = text.replace("-", "").replace(" ", "").upper()
    if len(digits) != 16:
        return text
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def validate_orcid(value):
    """Sixteen characters in four groups, the last a ISO 7064 mod 11-2 check digit."""
    digits = normalize_orcid(value).replace("-", "")
    well_formed = len(digits) == 16 and digits[:15].isdigit() and digits[15] in "0123456789X"
    if not well_formed:
        raise ValidationError(
            "An ORCID iD is 16 digits in four groups, like 0000-0002-1825-0097.", code="format"
        )
    if not mod_11_2.is_valid(digits):
        raise ValidationError(
            "This is not an ORCID iD: its last character (the check digit) does not match. "
            "Copy it from your ORCID record.",
            code="checksum",
        )


class Profile(models.Model):
    """How a person is named and credited on their scholarship."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    #: Shown on annotations, flags and history instead of the username; empty: the username.
    display_name = models.CharField(max_length=100, blank=True)
    #: Stored as 0000-0002-1825-0097; exported as https://orcid.org/0000-0002-1825-0097.
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[validate_orcid])
    affiliation = models.CharField(max_length=200, blank=True)

    class Meta:
        permissions = [("deactivate_account", "Can deactivate accounts")]

    def __str__(self):
        return self.display_name or self.user.get_username()

    @property
    def orcid_url(self):
        return f"{ORCID_URL}{self.orcid}" if self.orcid else ""


class Role(models.TextChoices):
    """The groups an invitation can give: their names are the groups' names."""

    SCHOLAR = "Scholars", "Scholar"
    MODERATOR = "Moderators", "Moderator"


class InvitationState(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class InvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(accepted__isnull=True, revoked__isnull=True, expires__gt=now)


class Invitation(models.Model):
    """A link that lets one person create an account with a role; its token is kept as a hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: SHA-256 of the token in the link (the token itself is never stored).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    #: Where the link was mailed; optional (a link can be handed over another way).
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SCHOLAR)
    #: For the moderators: who this is for, why.
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    accepted = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitation",
    )
    revoked = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations_revoked",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        permissions = [("invite_moderator", "Can invite moderators")]

    def __str__(self):
        whom = self.email or "no address"
        return f"Invitation ({self.get_role_display().lower()}, {whom})"

    @property
    def state(self):
        if self.accepted:
            return InvitationState.ACCEPTED
        if self.revoked:
            return InvitationState.REVOKED
        if self.expires <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.OPEN

    @property
    def is_open(self):
        return self.state == InvitationState.OPEN
