"""The roles (the Scholars and Moderators groups): what people adds to them, and the table of
what each may do that docs/operations.md shows (``manage.py roles_table`` prints it;
``tests/test_people.py`` checks that the document and the groups' permissions agree)."""

from annotations.groups import GROUP_PERMISSIONS as ANNOTATIONS_GROUP_PERMISSIONS
from annotations.permissions import MODERATORS, SCHOLARS

#: Codenames of this app that each group gets, on top of annotations.groups.GROUP_PERMISSIONS.
GROUP_PERMISSIONS = {
    SCHOLARS: (),
    MODERATORS: ("add_invitation", "view_invitation", "view_profile", "deactivate_account"),
}

#: What the table says a role may do, and the permission that decides it.
CAPABILITIES = (
    ("Read documents, public annotations and flags; use the API", None),
    ("Annotate passages and spans, reply, edit and delete their own", "annotations.add_annotation"),
    ("Flag disputed claims with evidence", "annotations.add_disputedclaim"),
    ("Add cross-references (alignments)", "annotations.add_crossreference"),
    ("Edit their own profile (display name, ORCID iD) and password", None),
    ("Hide, publish or mark annotations as spam", "annotations.moderate_annotation"),
    ("Decide disputed-claim flags (with a note)", "annotations.moderate_disputedclaim"),
    ("Correct catalogue records in the admin", "archive.change_document"),
    ("Read the moderation log", "annotations.view_moderationlogentry"),
    ("Invite scholars, revoke open invitations", "people.add_invitation"),
    ("Deactivate scholars' accounts", "people.deactivate_account"),
    ("Invite moderators, deactivate moderators", "people.invite_moderator"),
    ("Administer users and groups, delete records", "auth.change_user"),
)
COLUMNS = (SCHOLARS, MODERATORS, "superuser")


def grant(group_model, permission_model):
    """Give each group this app's permissions (idempotent; never removes others)."""
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        found = list(
            permission_model.objects.filter(
                content_type__app_label="people", codename__in=codenames
            )
        )
        if len(found) != len(codenames):
            raise RuntimeError(f"{name}: missing people permissions")
        group.permissions.add(*found)


def grant_after_migrate(sender, **kwargs):
    from django.contrib.auth.models import Group, Permission

    grant(Group, Permission)


def group_permissions():
    """{group name: set of "app.codename"}: what the migrations give each group (annotations'
    and this app's definitions; ``tests/test_people.py`` checks real users against it)."""
    held = {}
    for name, by_app in ANNOTATIONS_GROUP_PERMISSIONS.items():
        held[name] = {
            f"{app}.{codename}" for app, codenames in by_app.items() for codename in codenames
        }
        held[name] |= {f"people.{codename}" for codename in GROUP_PERMISSIONS.get(name, ())}
    return held


def roles_table():
    """The Markdown table of CAPABILITIES × roles, from the groups' permissions."""
    held = group_permissions()
    lines = [
        "| may … | Scholars | Moderators | superuser |",
        "|---|:-:|:-:|:-:|",
    ]
    for label, permission in CAPABILITIES:
        marks = []
        for column in COLUMNS:
            allowed = (
                column == "superuser" or permission is None or permission in held.get(column, ())
            )
            marks.append("yes" if allowed else "—")
        lines.append(f"| {label} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
