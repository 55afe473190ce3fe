"""The words table of the near-spelling search, and the stored columns it replaces.

- ``search_word``: one row per distinct folded word (four to 40 letters) and language of the
  searched text, with a trigram GiST index for nearest-word lookups (``word <-> 'cernauty'``
  ordered, an index scan that stops after a few rows) and a unique index, which the triggers'
  ``ON CONFLICT DO NOTHING`` relies on.
- A statement trigger per table and write (insert, update) adds the words of the rows written,
  read from the statement's transition table: one ``INSERT … SELECT`` per statement, so a bulk
  load of 2,000 rows costs one statement, not 2,000.
- ``search_folded`` and its trigram GIN index go: a misspelt word is now corrected against
  the words table, and the corrected query is an ordinary full-text search
  (search/spelling.py). That index was the costliest of the six on every write.

The model state is an unmanaged ``Word``; nothing here runs on SQLite, whose search finds
near spellings among the words of the texts it reads (search/backends/sqlite.py).
"""

from importlib import import_module

from django.db import migrations, models

PostgreSQLOnly = import_module("search.migrations.0001_postgresql_search").PostgreSQLOnly

#: Words are split at anything that is not a letter or digit, after folding.
SPLIT = r"'[^[:alnum:]]+'"

# (kind, table, the searched text of a row r, the language of a row r, the join it needs).
SEARCHED = [
    (
        "passage",
        "archive_passage",
        "r.text",
        "d.language",
        "JOIN archive_document d ON d.id = r.document_id",
    ),
    ("annotation", "annotations_annotation", "r.body", "''", ""),
    ("flag", "annotations_disputedclaim", "r.statement || ' ' || r.resolution_note", "''", ""),
    ("reference", "archive_reference", "r.original_line", "''", ""),
]


def words_of(table, text, language, join):
    """SELECT of the distinct (word, language) pairs of the rows of ``table`` (alias r)."""
    return (
        f"SELECT DISTINCT w.word, {language} FROM {table} r {join}, "
        f"regexp_split_to_table(search_fold({text}), {SPLIT}) AS w(word) "
        "WHERE length(w.word) BETWEEN 4 AND 40"
    )


def forwards():
    statements = [
        "CREATE TABLE search_word ("
        "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "word text NOT NULL, language varchar(8) NOT NULL DEFAULT '')",
        "CREATE UNIQUE INDEX search_word_unique ON search_word (word, language)",
        "CREATE INDEX search_word_trigram ON search_word USING gist (word gist_trgm_ops)",
    ]
    for kind, table, text, language, join in SEARCHED:
        function = f"search_words_of_{kind}"
        statements.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO search_word (word, language) "
            f"{words_of('written_rows', text, language, join)} ON CONFLICT DO NOTHING; "
            "RETURN NULL; END $$"
        )
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {function}_{event.lower()} AFTER {event} ON {table} "
                "REFERENCING NEW TABLE AS written_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        statements.append(
            f"INSERT INTO search_word (word, language) {words_of(table, text, language, join)} "
            "ON CONFLICT DO NOTHING"
        )
        statements += [
            f"DROP INDEX IF EXISTS search_{kind}_trigram",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_folded",
        ]
    statements.append("ANALYZE search_word")
    return statements


def backwards():
    statements = []
    for kind, table, text, _, _ in reversed(SEARCHED):
        folded = text.replace("r.", "")
        statements += [
            f"DROP TRIGGER IF EXISTS search_words_of_{kind}_insert ON {table}",
            f"DROP TRIGGER IF EXISTS search_words_of_{kind}_update ON {table}",
            f"DROP FUNCTION IF EXISTS search_words_of_{kind}()",
            f"ALTER TABLE {table} ADD COLUMN search_folded text "
            f"GENERATED ALWAYS AS (search_fold({folded})) STORED, "
            "ALTER COLUMN search_folded SET STATISTICS 0",
            f"CREATE INDEX search_{kind}_trigram ON {table} "
            "USING gin (search_folded gin_trgm_ops) WITH (fastupdate = off)",
        ]
    statements.append("DROP TABLE IF EXISTS search_word")
    return statements


class Migration(migrations.Migration):
    dependencies = [("search", "0002_stored_vectors")]

    operations = [
        migrations.CreateModel(
            name="Word",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("word", models.TextField()),
                ("language", models.CharField(blank=True, max_length=8)),
            ],
            options={"db_table": "search_word", "managed": False},
        ),
        PostgreSQLOnly(sql=forwards(), reverse_sql=backwards()),
    ]
