"""PostgreSQL full-text and trigram search: extensions, a Romanian configuration that folds
diacritics, a folding function and the GIN indexes the search backend uses.

Nothing here runs on SQLite (or any other database): the search backend for SQLite folds text
in Python instead (see search/apps.py). No model state changes.
"""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that is skipped unless the database is PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# The searched text of each table, written exactly as search.backends writes it, so that the
# planner can match the index expressions.
SEARCHED = [
    ("passage", "archive_passage", "text"),
    ("annotation", "annotations_annotation", "body"),
    ("flag", "annotations_disputedclaim", "(statement || ' ' || resolution_note)"),
    ("reference", "archive_reference", "original_line"),
]


def create_indexes():
    # fastupdate off: writes are rare here (imports, scholars' records) and a search should
    # never have to read a GIN pending list, which also makes the planner shun the index
    # until a VACUUM has flushed it.
    statements = []
    for name, table, text in SEARCHED:
        statements += [
            f"CREATE INDEX search_{name}_english ON {table} "
            f"USING gin (to_tsvector('english'::regconfig, {text})) WITH (fastupdate = off)",
            f"CREATE INDEX search_{name}_romanian ON {table} "
            f"USING gin (to_tsvector('romanian_unaccent'::regconfig, {text})) "
            "WITH (fastupdate = off)",
            f"CREATE INDEX search_{name}_trigram ON {table} "
            f"USING gin (search_fold({text}) gin_trgm_ops) WITH (fastupdate = off)",
        ]
    return statements


def drop_indexes():
    return [
        f"DROP INDEX IF EXISTS search_{name}_{suffix}"
        for name, _, _ in reversed(SEARCHED)
        for suffix in ("trigram", "romanian", "english")
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("annotations", "0004_moderator_admin_permissions"),
    ]

    operations = [
        # unaccent and pg_trgm are trusted extensions: the database owner may create them.
        # Going back drops them only if nothing else uses them (RESTRICT).
        PostgreSQLOnly(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS unaccent",
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            ],
            reverse_sql=[
                "DROP EXTENSION IF EXISTS pg_trgm",
                "DROP EXTENSION IF EXISTS unaccent",
            ],
        ),
        # Romanian with diacritics folded before stemming: "Chisinau", "Chişinău" (s-cedilla)
        # and "Chișinău" (s-comma) all stem to the same lexeme. Words of plain ASCII
        # (asciiword, asciihword) need no unaccent and keep romanian's own mapping.
        PostgreSQLOnly(
            sql=[
                "CREATE TEXT SEARCH CONFIGURATION romanian_unaccent (COPY = romanian)",
                "ALTER TEXT SEARCH CONFIGURATION romanian_unaccent "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, romanian_stem",
            ],
            reverse_sql=["DROP TEXT SEARCH CONFIGURATION IF EXISTS romanian_unaccent"],
        ),
        # Lower case without diacritics, for trigram matching. unaccent() is only STABLE (its
        # rules file could change); this wrapper names the dictionary and is declared
        # IMMUTABLE so that it can be indexed: after changing unaccent.rules, REINDEX.
        PostgreSQLOnly(
            sql=[
                "CREATE FUNCTION search_fold(text) RETURNS text "
                "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
                "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$"
            ],
            reverse_sql=["DROP FUNCTION IF EXISTS search_fold(text)"],
        ),
        PostgreSQLOnly(sql=create_indexes(), reverse_sql=drop_indexes()),
    ]
