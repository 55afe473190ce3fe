from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Scholarship"

    def ready(self):
        from . import anchoring
        from .groups import sync_groups_after_migrate

        post_migrate.connect(sync_groups_after_migrate, sender=self)
        anchoring.connect()  # a revised received text re-anchors the scholarship
