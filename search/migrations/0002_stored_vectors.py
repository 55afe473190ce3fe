"""PostgreSQL search, fast at scale: each searched table stores what a search reads.

- ``english_unaccent``: ``english`` with diacritics folded before stemming (as
  ``romanian_unaccent`` does for Romanian), so that ``Chisinau`` finds ``Chișinău`` in English
  text by full text — near spellings are now looked for only when full text finds less than a
  page (search.backends), so they can no longer be what finds it.
- Three stored generated columns per table: ``search_english`` and ``search_romanian``
  (``tsvector``: ``to_tsvector(…)`` of the searched text) and ``search_folded`` (``text``:
  ``search_fold(…)``). PostgreSQL computes them when a row is written, so a search no longer
  computes ``to_tsvector`` (about 0.1 ms a row and configuration) for every row it tests and
  ranks. The GIN indexes ``search_<kind>_english``, ``search_<kind>_romanian`` and
  ``search_<kind>_trigram`` keep their names and are now on these columns. Rows of up to a
  page are kept whole in the table (``toast_tuple_target``), vectors included.

The columns are in no model: Django never reads or writes them (its INSERTs and UPDATEs name
the model's columns), and only the PostgreSQL search backend refers to them
(``search.backends.Stored``). Nothing here runs on SQLite; no model state changes.

Adding the columns rewrites the four tables (minutes for a million annotations).
"""

from importlib import import_module

from django.db import migrations

#: RunSQL skipped unless the database is PostgreSQL (defined in 0001).
PostgreSQLOnly = import_module("search.migrations.0001_postgresql_search").PostgreSQLOnly

# (kind, table, the searched text) as in 0001.
SEARCHED = [
    ("passage", "archive_passage", "text"),
    ("annotation", "annotations_annotation", "body"),
    ("flag", "annotations_disputedclaim", "(statement || ' ' || resolution_note)"),
    ("reference", "archive_reference", "original_line"),
]


def columns(text):
    """column: (type, generating expression, index suffix, GIN operator class or "")."""
    return {
        "search_english": (
            "tsvector",
            f"to_tsvector('english_unaccent'::regconfig, {text})",
            "english",
            "",
        ),
        "search_romanian": (
            "tsvector",
            f"to_tsvector('romanian_unaccent'::regconfig, {text})",
            "romanian",
            "",
        ),
        "search_folded": ("text", f"search_fold({text})", "trigram", " gin_trgm_ops"),
    }


def old_indexes(text):
    """The expression indexes of 0001."""
    return {
        "english": f"to_tsvector('english'::regconfig, {text})",
        "romanian": f"to_tsvector('romanian_unaccent'::regconfig, {text})",
        "trigram": f"search_fold({text}) gin_trgm_ops",
    }


def forwards():
    statements = []
    for kind, table, text in SEARCHED:
        added = columns(text)
        # Dropped first: the table is rewritten, and they are made again on the columns.
        statements += [f"DROP INDEX IF EXISTS search_{kind}_{suffix}" for suffix in old_indexes(text)]
        # Rows of up to a page stay whole in the table (PostgreSQL moves parts of a row over
        # 2 kB to the TOAST table otherwise): with the vectors an annotation is about 2.4 kB,
        # and a search that tests a row's vectors then reads them with the row instead of
        # looking each up in the TOAST table (3.6 µs a row → 1.4 µs).
        statements.append(f"ALTER TABLE {table} SET (toast_tuple_target = 8160)")
        statements.append(
            f"ALTER TABLE {table} "
            + ", ".join(
                f"ADD COLUMN {column} {type_} GENERATED ALWAYS AS ({expression}) STORED"
                for column, (type_, expression, _, _) in added.items()
            )
            # No statistics for the folded text: estimating a trigram condition evaluates it
            # on every sampled value, which made planning one search take 15–40 ms. Set on
            # the column, this survives an index being dropped and made again.
            + ", ALTER COLUMN search_folded SET STATISTICS 0"
        )
        # fastupdate off, as in 0001: a search never reads a GIN pending list.
        statements += [
            f"CREATE INDEX search_{kind}_{suffix} ON {table} USING gin ({column}{opclass}) "
            "WITH (fastupdate = off)"
            for column, (_, _, suffix, opclass) in added.items()
        ]
    # The planner needs the new columns' statistics (how common a word is) at once.
    statements += [f"ANALYZE {table}" for _, table, _ in SEARCHED]
    return statements


def backwards():
    statements = []
    for kind, table, text in reversed(SEARCHED):
        # Dropping a column drops its index.
        statements.append(
            f"ALTER TABLE {table} "
            + ", ".join(f"DROP COLUMN IF EXISTS {column}" for column in columns(text))
            + ", RESET (toast_tuple_target)"
        )
        for suffix, expression in old_indexes(text).items():
            statements += [
                f"DROP INDEX IF EXISTS search_{kind}_{suffix}",
                f"CREATE INDEX search_{kind}_{suffix} ON {table} USING gin ({expression}) "
                "WITH (fastupdate = off)",
            ]
    return statements


class Migration(migrations.Migration):
    dependencies = [("search", "0001_postgresql_search")]

    operations = [
        PostgreSQLOnly(
            sql=[
                "CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english)",
                "ALTER TEXT SEARCH CONFIGURATION english_unaccent "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
            ],
            reverse_sql=["DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent"],
        ),
        PostgreSQLOnly(sql=forwards(), reverse_sql=backwards()),
    ]
