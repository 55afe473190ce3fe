from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Catalogue"

    def ready(self):
        from . import changes

        changes.connect(self)  # catalogue saves touch the reading view's change counters
