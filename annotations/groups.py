"""The Scholars and Moderators groups and exactly the permissions each has."""

from .permissions import (
    MODERATOR_ADMIN_PERMISSIONS,
    MODERATOR_PERMISSIONS,
    MODERATORS,
    SCHOLAR_PERMISSIONS,
    SCHOLARS,
)

#: Group name → app label → permission codenames.
GROUP_PERMISSIONS = {
    SCHOLARS: {"annotations": SCHOLAR_PERMISSIONS},
    MODERATORS: {
        "annotations": MODERATOR_PERMISSIONS + MODERATOR_ADMIN_PERMISSIONS["annotations"],
        "archive": MODERATOR_ADMIN_PERMISSIONS["archive"],
    },
}


def sync_groups(group_model, permission_model):
    """Create the groups if missing and give each exactly its permissions (idempotent)."""
    for name, by_app in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for app_label, codenames in by_app.items():
            found = list(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
            if len(found) != len(set(codenames)):
                missing = set(codenames) - {p.codename for p in found}
                raise RuntimeError(f"{name}: missing {app_label} permissions {sorted(missing)}")
            wanted.extend(found)
        group.permissions.set(wanted)


def sync_groups_after_migrate(sender, **kwargs):
    """post_migrate: keep the groups in step (also after a test database is flushed)."""
    from django.contrib.auth.models import Group, Permission

    sync_groups(Group, Permission)
