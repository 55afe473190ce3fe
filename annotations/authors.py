"""How scholarship names the people who wrote it: their display name, else their username.

The display name is on the person's profile, which belongs to the people app, a layer above
this one: it is reached only by the relation's name (``profile``), never by importing people.
Querysets load it with the row they show (``select_related(AUTHOR)`` or the
:func:`name_expression` annotation), so naming an author costs no query of its own; a user
without a profile row (the demo accounts, say) is named by username.
"""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf

#: select_related() path from a scholarly record to its author's profile.
AUTHOR = "author__profile"


def name_expression(user_field="author"):
    """A query expression for the display name of the user in ``user_field``."""
    return Coalesce(
        NullIf(F(f"{user_field}__profile__display_name"), Value("")),
        F(f"{user_field}__username"),
    )


def display_name(user):
    """The user's display name, or their username (``""`` for no user)."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return getattr(profile, "display_name", "") or user.get_username()
