from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy check)
        from .roles import grant_after_migrate

        # After annotations' own post_migrate (it sets the groups' permissions afresh), as
        # people comes after annotations in INSTALLED_APPS.
        post_migrate.connect(grant_after_migrate, sender=self)
