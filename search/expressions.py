"""The SQL expressions the search builds its queries from."""

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression, Func, TextField


class FoldedText(Func):
    """Text without diacritics or case: ``search_fold()`` on PostgreSQL, ``fold()`` on SQLite."""

    function = "search_fold"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="fold", **extra_context)


class Joined(Func):
    """Columns joined by a space (a flag's text; on PostgreSQL, the stored columns of
    search/migrations/0002_stored_vectors.py are generated from the same expression)."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


class StoredVector(Expression):
    """A stored ``tsvector`` column of the queryset's own table that no model declares.

    search/migrations/0002_stored_vectors.py adds ``search_english`` and ``search_romanian``
    to the four searched tables (PostgreSQL only: SQLite has no ``tsvector``, so they cannot
    be model fields). This names one of them, qualified by the table's alias in the query,
    which follows the table into subqueries as a column's would. It is used like a
    ``SearchVectorField``: in ``SearchRank`` and with ``SearchVectorExact`` (``@@``).
    """

    output_field = SearchVectorField()

    def __init__(self, column):
        super().__init__()
        self.column, self.alias = column, None

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection, **extra_context):
        table = compiler.quote_name_unless_alias(self.alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []
