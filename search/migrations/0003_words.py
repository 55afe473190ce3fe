"""The words table of the near-spelling search, and the stored columns it replaces.

- ``search_word``: one row per distinct folded word (four to 40 letters) and language of the
  searched text, with a trigram GiST index for nearest-word lookups (``word <-> 'cernauty'``
  ordered, an index scan that stops after a few rows) and a unique index, which the triggers'
  ``ON CONFLICT DO NOTHING`` relies on.
- Triggers add the words of what is written. On INSERT, a statement trigger reads the
  statement's transition table: one ``INSERT … SELECT`` per statement, so a bulk load of 2,000
  rows costs one statement, not 2,000. On UPDATE, a row trigger runs only when the searched
  text changed (``WHEN (OLD.… IS DISTINCT FROM NEW.…)``): the many updates that leave it alone
  (moderation, change counters, a catalogue change that bumps every passage's counter) cost
  nothing.
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

# (kind, table, its searched columns, the searched text of a row r, the language of a row r,
# the join it needs).
SEARCHED = [
    (
        "passage",
        "archive_passage",
        ["text"],
        "r.text",
        "d.language",
        "JOIN archive_document d ON d.id = r.document_id",
    ),
    ("annotation", "annotations_annotation", ["body"], "r.body", "''", ""),
    (
        "flag",
        "annotations_disputedclaim",
        ["statement", "resolution_note"],
        "r.statement || ' ' || r.resolution_note",
        "''",
        "",
    ),
    ("reference", "archive_reference", ["original_line"], "r.original_line", "''", ""),
]


def words_of(rows, text, language, join):
    """SELECT of the distinct (word, language) pairs of ``rows`` (aliased r)."""
    return (
        f"SELECT DISTINCT w.word, {language} FROM {rows} {join}, "
        f"regexp_split_to_table(search_fold({text}), {SPLIT}) AS w(word) "
        "WHERE length(w.word) BETWEEN 4 AND 40"
    )


def function(name, select):
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO search_word (word, language) {select} ON CONFLICT DO NOTHING; "
        "RETURN NULL; END $$"
    )


def forwards():
    statements = [
        "CREATE TABLE search_word ("
        "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "word text NOT NULL, language varchar(8) NOT NULL DEFAULT '')",
        "CREATE UNIQUE INDEX search_word_unique ON search_word (word, language)",
        "CREATE INDEX search_word_trigram ON search_word USING gist (word gist_trgm_ops)",
    ]
    for kind, table, columns, text, language, join in SEARCHED:
        inserted, updated = f"search_words_of_{kind}", f"search_words_of_{kind}_row"
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)
        statements += [
            function(inserted, words_of("written_rows r", text, language, join)),
            f"CREATE TRIGGER {inserted}_insert AFTER INSERT ON {table} "
            f"REFERENCING NEW TABLE AS written_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {inserted}()",
            function(updated, words_of("(SELECT NEW.*) r", text, language, join)),
            f"CREATE TRIGGER {inserted}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {updated}()",
            f"INSERT INTO search_word (word, language) {words_of(f'{table} r', text, language, join)} "
            "ON CONFLICT DO NOTHING",
        ]
        statements += [
            f"DROP INDEX IF EXISTS search_{kind}_trigram",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_folded",
        ]
    statements.append("ANALYZE search_word")
    return statements


def backwards():
    statements = []
    for kind, table, _, text, _, _ in reversed(SEARCHED):
        folded = text.replace("r.", "")
        statements += [
            f"DROP TRIGGER IF EXISTS search_words_of_{kind}_insert ON {table}",
            f"DROP TRIGGER IF EXISTS search_words_of_{kind}_update ON {table}",
            f"DROP FUNCTION IF EXISTS search_words_of_{kind}()",
            f"DROP FUNCTION IF EXISTS search_words_of_{kind}_row()",
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
