"""Finer statistics on the stored vectors, so that the planner knows a rare word is rare.

With the default statistics target (100) PostgreSQL keeps the 1,000 most common lexemes of a
column's sample; a lexeme not among them is estimated at a fixed low frequency, and a query
of several such lexemes (a place's five names, ORed) was estimated at 4 % of a million
annotations. The planner then chose to scan the table until 200 matches turned up — the
whole table, 1.7 s, for a word in one annotation — instead of the GIN index (0.7 ms). At
1,000 it keeps 10,000 lexemes, and such a query goes to the index (docs/search.md, "Figures").
ANALYZE takes about ten seconds longer at a million annotations; planning is unchanged (4–7 ms).
"""

from importlib import import_module

from django.db import migrations

PostgreSQLOnly = import_module("search.migrations.0001_postgresql_search").PostgreSQLOnly

TABLES = ["archive_passage", "annotations_annotation", "annotations_disputedclaim", "archive_reference"]


def statistics(target):
    return [
        f"ALTER TABLE {table} ALTER COLUMN search_english SET STATISTICS {target}, "
        f"ALTER COLUMN search_romanian SET STATISTICS {target}"
        for table in TABLES
    ] + [f"ANALYZE {table}" for table in TABLES]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_words")]

    operations = [PostgreSQLOnly(sql=statistics(1000), reverse_sql=statistics(-1))]
