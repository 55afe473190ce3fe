from django.apps import AppConfig
from django.db.backends.signals import connection_created


def register_fold(sender, connection, **kwargs):
    """Give every SQLite connection ``fold(text)``: the search's Python fold, deterministic."""
    if connection.vendor == "sqlite":
        from .text import fold

        connection.connection.create_function("fold", 1, fold, deterministic=True)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        connection_created.connect(register_fold, dispatch_uid="search.register_fold")
