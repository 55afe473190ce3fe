"""The words table is derived data: ``dumpdata`` leaves it out.

``search.models.Word`` is kept by PostgreSQL triggers from the searched text (and has no table
on SQLite), so a backup need not carry it: loading the backup's passages, annotations, flags
and references into a migrated database fills it again. Saying that it is not migrated on any
database is how Django's ``dumpdata`` learns to skip a model; the model is unmanaged, so no
migration creates or changes its table through the router (search/migrations/0003_words.py
does, in SQL, on PostgreSQL).
"""


class DerivedDataRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "search" and model_name == "word":
            return False
        return None
