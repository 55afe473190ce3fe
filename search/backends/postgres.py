"""PostgreSQL: full-text search over the stored vectors, ranked by cover density; near
spellings corrected against the words table (``search_word``) before the search.

The query is built with ``django.contrib.postgres.search``: one ``SearchQuery`` of the
reader's query in ``to_tsquery`` syntax (``tsquery_text``), ``SearchVectorExact`` (``@@``)
against the stored vector of the document's language, and ``SearchRank(…,
cover_density=True)`` (``ts_rank_cd``). The vectors are
stored columns that no model declares (``StoredVector``). ``TrigramDistance`` orders the words
table for corrections. No SQL is written by hand here.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    TrigramDistance,
)
from django.db import connections, transaction
from django.db.models import Case, Func, IntegerField, Q, When
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThan

from archive.models import Language

from ..expressions import StoredVector
from ..models import Word
from ..spelling import closest
from ..text import WORD
from .base import SearchBackend

#: Text search configuration for each document language (see the migrations), and the column
#: that stores each configuration's vector of the searched text in each of the four tables
#: (search/migrations/0002_stored_vectors.py).
TEXT_SEARCH_CONFIGS = {
    Language.ENGLISH: "english_unaccent",
    Language.ROMANIAN: "romanian_unaccent",
}
VECTOR_COLUMNS = {"english_unaccent": "search_english", "romanian_unaccent": "search_romanian"}

#: How many of the words table's nearest words (by trigrams) a correction chooses among.
NEAREST_WORDS = 30


def tsquery_text(query):
    """The reader's query in ``to_tsquery`` syntax: the OR (``|``) of its groups, each the AND
    (``&``) of its terms and of its excluded terms negated (``!``); a term is the OR of its
    forms, a phrase its words joined by ``<->`` (followed by).

    Only words reach the text, each a run of letters, digits and combining marks
    (``search.text.WORD``), so nothing the reader types can be read as an operator. It is one
    value, normalised by the configuration (stemmed, folded, stop words dropped); one value
    rather than a tree of a ``SearchQuery`` per word and form, which Django took 20 to 100 ms
    to build and compile for a query of a place's nine names.
    """
    return " | ".join(
        "("
        + " & ".join(
            [_term(term) for term in group.include] + [f"!{_term(term)}" for term in group.exclude]
        )
        + ")"
        for group in query.groups
    )


def _term(term):
    forms = [" <-> ".join(WORD.findall(form)) for form in term.alternatives]
    forms = [form for form in dict.fromkeys(forms) if form]
    return "(" + " | ".join(f"({form})" for form in forms) + ")"


def tsquery(query, config):
    """The reader's query as a ``SearchQuery`` in ``config``."""
    return SearchQuery(tsquery_text(query), config=config, search_type="raw")


class NumNode(Func):
    """How many operators and lexemes a tsquery has: 0 for a query of stop words only."""

    function = "numnode"
    output_field = IntegerField()


def matches(config, query):
    """The condition that the stored vector in ``config`` matches ``query``.

    A query of stop words only ("the") is empty and matches nothing; saying so first lets
    PostgreSQL fold the condition to false when it plans the query (the query is a constant),
    instead of testing every record's vector.
    """
    search = tsquery(query, config)
    return Q(GreaterThan(NumNode(search), 0)) & Q(
        SearchVectorExact(StoredVector(VECTOR_COLUMNS[config]), search)
    )


def rank(config, query):
    """Cover-density rank in ``config``, normalised to rank / (rank + 1) (flag 32)."""
    return SearchRank(
        StoredVector(VECTOR_COLUMNS[config]),
        tsquery(query, config),
        cover_density=True,
        normalization=32,
    )


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    checks_every_word = True

    def session(self, using):
        return SearchSession(using)

    def vocabulary(self, using, language, user):
        return WordTable(using, language)

    def matching(self, kind, queryset, query):
        english = TEXT_SEARCH_CONFIGS[Language.ENGLISH]
        romanian = TEXT_SEARCH_CONFIGS[Language.ROMANIAN]
        if kind == "passage":
            # A passage is in its document's language, which decides the configuration.
            is_romanian = Q(document__language=Language.ROMANIAN)
            condition = (matches(romanian, query) & is_romanian) | (
                matches(english, query) & ~is_romanian
            )
            score = Case(
                When(is_romanian, then=rank(romanian, query)), default=rank(english, query)
            )
        else:
            # Scholars write in either language, and a reference's line mixes languages.
            condition = matches(english, query) | matches(romanian, query)
            score = Greatest(rank(english, query), rank(romanian, query))
        return queryset.filter(condition).annotate(score=score)


class WordTable:
    """The archive's words for corrections: the ``search_word`` table (PostgreSQL)."""

    def __init__(self, using, language=None):
        words = Word.objects.using(using)
        if language:
            words = words.filter(language__in=[language, ""])
        self.words = words

    def known(self, words):
        return set(self.words.filter(word__in=words).values_list("word", flat=True))

    def nearest(self, word):
        """The closest word within ``max_edits``, among the nearest by trigrams (a GiST
        index scan of the words table ordered by distance, stopped after a few rows)."""
        nearby = (
            self.words.order_by(TrigramDistance("word", word), "word")
            .values_list("word", flat=True)
            .distinct()[:NEAREST_WORDS]
        )
        return closest(word, list(nearby))


class SearchSession:
    """A transaction on the database ``using`` (the one the search reads from: the replica
    for a public read) with no synchronized sequential scans (``SET LOCAL``).

    For a table larger than a quarter of the shared buffers PostgreSQL otherwise starts a scan
    where the previous one stopped, so "the first 200 matches" of a common word — and so the
    results, and which page a hit is on — changed from one request to the next.
    """

    def __init__(self, using):
        self.using = using

    def __enter__(self):
        self.atomic = transaction.atomic(using=self.using)
        self.atomic.__enter__()
        with connections[self.using].cursor() as cursor:
            # A setting, not a query: Django has no API for SET LOCAL.
            cursor.execute("SET LOCAL synchronize_seqscans = off")

    def __exit__(self, *exc_info):
        return self.atomic.__exit__(*exc_info)
