"""Create the Scholars and Moderators groups with exactly the permissions each needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from annotations.permissions import (
    MODERATOR_PERMISSIONS,
    MODERATORS,
    SCHOLAR_PERMISSIONS,
    SCHOLARS,
)


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((SCHOLARS, SCHOLAR_PERMISSIONS), (MODERATORS, MODERATOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="annotations", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"missing permissions for {name}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[SCHOLARS, MODERATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
