"""Permission names of the people app and the checks its views and services share."""

from .models import Role

INVITE = "people.add_invitation"
INVITE_MODERATOR = "people.invite_moderator"
VIEW_INVITATIONS = "people.view_invitation"
DEACTIVATE = "people.deactivate_account"


def can_invite(user):
    """Moderators invite scholars; see ``can_invite_to``."""
    return user.is_authenticated and user.is_active and user.has_perm(INVITE)


def can_invite_to(user, role):
    """Only superusers (who hold every permission) invite moderators."""
    if not can_invite(user):
        return False
    return role != Role.MODERATOR or user.has_perm(INVITE_MODERATOR)


def can_deactivate(user, account):
    """Moderators deactivate scholars; superusers anyone but themselves."""
    if not (user.is_authenticated and user.has_perm(DEACTIVATE)) or account.pk == user.pk:
        return False
    if account.is_superuser or account.is_staff:
        return user.is_superuser
    return True
