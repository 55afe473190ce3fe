"""Give Moderators the admin permissions they need, and nothing more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
#: Frozen copy of annotations.permissions.MODERATOR_ADMIN_PERMISSIONS at this migration.
ADMIN_PERMISSIONS = {
    "archive": (
        "view_document",
        "change_document",
        "view_section",
        "view_passage",
        "view_note",
        "change_note",
        "view_reference",
        "change_reference",
        "view_documentreference",
        "change_documentreference",
        "view_externallink",
        "change_externallink",
        "view_documentlink",
        "change_documentlink",
    ),
    "annotations": ("view_tag", "view_moderationlogentry"),
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name=MODERATORS)
    for app_label, codenames in ADMIN_PERMISSIONS.items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"missing {app_label} permissions for {MODERATORS}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name=MODERATORS)
    for app_label, codenames in ADMIN_PERMISSIONS.items():
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0003_moderation_log"),
        ("archive", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
