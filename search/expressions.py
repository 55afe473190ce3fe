"""The SQL expressions the search builds its statements from."""

from django.db.models import Expression, FloatField, Func, TextField


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


class TableSQL(Expression):
    """SQL over the columns of the query's base table, written as text; ``{table}`` stands for
    the table's alias, which follows the table into subqueries (as a column's would).

    The PostgreSQL search writes its conditions and scores this way: they use the columns
    that search/migrations/0002_stored_vectors.py adds and no model has, and a search builds
    a dozen of them, which as trees of expressions took longer to build and compile (about
    20 ms a search) than the database took to answer. Values are always parameters; the text
    search configurations are literals from ``TEXT_SEARCH_CONFIGS`` (never from input), so
    that the planner folds the constant parts.
    """

    def __init__(self, sql, params=(), output_field=None):
        super().__init__(output_field=output_field or FloatField())
        self.sql, self.params, self.alias = sql, tuple(params), None

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection, **extra_context):
        return self.sql.replace("{table}", compiler.quote_name_unless_alias(self.alias)), list(
            self.params
        )
