"""Where the search happens: one interface, two implementations chosen by the database vendor.

``get_backend().search(query, user=…, document=…, language=…, kind=…)`` finds passages,
annotations (those ``user`` may read), disputed-claim flags and references, and returns a
``SearchResults``: a ranked list of at most ``MAX_RESULTS_PER_KIND`` hits per kind that loads
the records of a page (and cuts their snippets) only when the page is sliced out of it.

- ``PostgresBackend``: full-text search with ``websearch_to_tsquery`` over stored text vectors
  and their GIN indexes (``english_unaccent`` for English documents, ``romanian_unaccent`` for
  Romanian ones; scholars' text, whose language is not recorded, in both), ranked with
  ``ts_rank_cd``; trigram word similarity on the folded text finds names and misspellings when
  full text finds less than a page of a kind.
- ``SQLiteBackend``: every term must occur in the folded text (``fold(text) LIKE '%term%'``),
  ranked by how often the terms occur.

The configurations, ``search_fold()``, the stored vectors and the indexes are created by
``search/migrations/`` (PostgreSQL only); ``fold()`` is registered on each SQLite connection by
``search.apps``. See docs/search.md.
"""

import html
import re
from collections import defaultdict
from contextlib import nullcontext

from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    Prefetch,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Contains

from annotations.models import Annotation, DisputedClaim
from annotations.rendering import render_markdown
from archive.models import DocumentReference, Language, Passage, Reference

from .expressions import FoldedText, Joined, TableSQL
from .results import KINDS, Hit, HitRef, SearchResults
from .text import MIN_FUZZY_LENGTH, snippet

#: At most this many hits of each kind are ranked and listed; the rest are not shown.
MAX_RESULTS_PER_KIND = 200
#: At most this many matches of each kind are ranked: the first the indexes (or a scan) give.
MAX_CANDIDATES_PER_KIND = 200
#: PostgreSQL looks for near spellings of a kind only when full text finds fewer hits of it
#: than this (a page): near spellings rank below every full-text hit, so with a page of those
#: they could not reach the first page.
FUZZY_BELOW = 20
#: For a query of two or more words, PostgreSQL first looks for matches among this many rows
#: of these kinds, in table order (PostgresBackend.statement): annotations are the kind that
#: grows to a million, where a common word's index entries run to hundreds of thousands. For
#: the smaller tables (30,000 passages, 5,000 flags) the indexes are quicker.
QUICK_ROWS = 5000
QUICK_KINDS = {"annotation"}

#: Text search configuration for each document language (see the migrations).
TEXT_SEARCH_CONFIGS = {
    Language.ENGLISH: "english_unaccent",
    Language.ROMANIAN: "romanian_unaccent",
}
#: The column that stores each configuration's vector of the searched text, in each of the
#: four tables (search/migrations/0002_stored_vectors.py; PostgreSQL only, in no model).
VECTOR_COLUMNS = {"english_unaccent": "search_english", "romanian_unaccent": "search_romanian"}
#: The column that stores ``search_fold()`` of the searched text (the same migration).
FOLDED_COLUMN = "search_folded"
#: Trigram word similarity (0–1) from which a word counts as a near spelling: 0.5 lets one
#: wrong vowel in a ten-letter name through ("Ciorenescu" ~ "Ciorănescu" is 0.57).
WORD_SIMILARITY_THRESHOLD = 0.5

#: The whole received text is never needed here; leave it unloaded.
DOCUMENT_TEXT = "source_text"


_BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|blockquote|pre|h[1-6]|hr)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def plain_text(markdown):
    """What a Markdown body reads as, without its markup: the rendered note, tags removed.

    The result is text (a template escapes it again); ``render_markdown`` has already
    sanitised it, so its tags are well formed.
    """
    rendered = _BLOCK_TAG.sub(" ", str(render_markdown(markdown)))
    return " ".join(html.unescape(_TAG.sub("", rendered)).split())


# ---------------------------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------------------------


def _best_first(row):
    pk, score = row
    return (-(score or 0), pk)


class SearchBackend:
    """Finds candidates per kind (in the subclass) and loads a page of hits (here)."""

    vendor = None

    def search(self, query, *, user, document=None, language=None, kind=None):
        """Rank the hits of ``query`` (a ParsedQuery) among the records ``user`` may read."""
        if not query.is_searchable:
            return SearchResults(self, query)
        refs, capped = [], []
        # The database a public read goes to (the replica, when one serves anonymous readers):
        # the session's settings and every candidate query use that one connection.
        using = router.db_for_read(Passage)
        with self.session(using):
            for name in [kind] if kind else KINDS:
                queryset = self.base_queryset(
                    name, user=user, document=document, language=language
                ).using(using)
                rows = sorted(self.ranked(name, queryset, query), key=_best_first)
                if len(rows) > MAX_RESULTS_PER_KIND or len(rows) >= MAX_CANDIDATES_PER_KIND:
                    capped.append(name)
                    rows = rows[:MAX_RESULTS_PER_KIND]
                refs += [HitRef(name, pk, float(score or 0)) for pk, score in rows]
        order = {name: position for position, name in enumerate(KINDS)}
        refs.sort(key=lambda ref: (-ref.score, order[ref.kind]))
        return SearchResults(self, query, refs, capped)

    def session(self, using):
        """Context for the candidate queries of one search, on the database ``using``."""
        return nullcontext()

    # -- What each kind searches ------------------------------------------------------------

    @staticmethod
    def base_queryset(kind, *, user, document=None, language=None):
        """The records of ``kind`` that ``user`` may read, narrowed by the filters."""
        if kind == "passage":
            queryset = Passage.objects.all()
            prefix = ""
        elif kind == "annotation":
            queryset = Annotation.objects.visible_to(user)
            prefix = "passage__"
        elif kind == "flag":
            queryset = DisputedClaim.objects.all()
            prefix = "passage__"
        elif kind == "reference":
            queryset = Reference.objects.all()
            listings = DocumentReference.objects.all()
            if document is not None:
                listings = listings.filter(document=document)
            if language:
                listings = listings.filter(document__language=language)
            if document is not None or language:
                queryset = queryset.filter(pk__in=listings.values("reference_id"))
            return queryset
        else:
            raise ValueError(f"unknown kind {kind!r}")
        if document is not None:
            queryset = queryset.filter(**{f"{prefix}document": document})
        if language:
            queryset = queryset.filter(**{f"{prefix}document__language": language})
        return queryset

    @staticmethod
    def text(kind):
        """The searched text of a record of ``kind``, as an expression."""
        return {
            "passage": lambda: F("text"),
            "annotation": lambda: F("body"),
            "flag": lambda: Joined(F("statement"), F("resolution_note")),
            "reference": lambda: F("original_line"),
        }[kind]()

    def ranked(self, kind, queryset, query):
        """The scored hits of ``kind`` in ``queryset``, in one query: (pk, score) rows in any
        order; the caller sorts them and keeps the best ``MAX_RESULTS_PER_KIND`` (more rows
        than that, or ``MAX_CANDIDATES_PER_KIND`` of them, say the list was cut).

        Only the first ``MAX_CANDIDATES_PER_KIND`` matches the database finds are ranked: a
        common word matches most of a million records (docs/performance.md, "Search").
        """
        matching = self.matching(kind, queryset, query)
        candidates = matching.order_by().values("pk")[:MAX_CANDIDATES_PER_KIND]
        return (
            matching.filter(pk__in=candidates)
            .order_by("-score", "pk")
            .values_list("pk", "score")[: MAX_RESULTS_PER_KIND + 1]
        )

    def matching(self, kind, queryset, query):
        """``queryset`` narrowed to the records matching ``query``, annotated with ``score``."""
        raise NotImplementedError

    # -- Loading a page ---------------------------------------------------------------------

    def load(self, refs, query):
        """The hits for ``refs`` with their records and snippets: one query per kind present."""
        wanted = defaultdict(list)
        for ref in refs:
            wanted[ref.kind].append(ref.pk)
        records = {}
        for kind, pks in wanted.items():
            for record in self.records(kind, pks):
                records[kind, record.pk] = record
        words = query.words
        return [
            self.hit(ref, records[ref.kind, ref.pk], words)
            for ref in refs
            if (ref.kind, ref.pk) in records
        ]

    @staticmethod
    def records(kind, pks):
        # Unordered: the hits keep the order of their refs.
        if kind == "passage":
            return (
                Passage.objects.filter(pk__in=pks)
                .select_related("document")
                .defer(f"document__{DOCUMENT_TEXT}")
                .order_by()
            )
        if kind in ("annotation", "flag"):
            model = Annotation if kind == "annotation" else DisputedClaim
            return (
                model.objects.filter(pk__in=pks)
                .select_related("passage__document", "author__profile")
                .defer(f"passage__document__{DOCUMENT_TEXT}")
                .order_by()
            )
        return (
            Reference.objects.filter(pk__in=pks)
            .order_by()
            .prefetch_related(
                Prefetch(
                    "document_links",
                    queryset=DocumentReference.objects.select_related("document")
                    .defer(f"document__{DOCUMENT_TEXT}")
                    .order_by("document__catalogue_id", "role", "order"),
                )
            )
        )

    @staticmethod
    def hit(ref, record, words):
        if ref.kind == "passage":
            document = record.document
            return Hit(
                kind=ref.kind,
                record=record,
                score=ref.score,
                url=record.get_absolute_url(),
                title=document.title,
                snippet=snippet(record.text, words),
                lang=document.language,
                document=document,
                passage=record,
            )
        if ref.kind in ("annotation", "flag"):
            text = plain_text(record.body) if ref.kind == "annotation" else record.statement
            if ref.kind == "flag" and record.resolution_note:
                text = f"{text} — {record.resolution_note}"
            return Hit(
                kind=ref.kind,
                record=record,
                score=ref.score,
                url=record.get_absolute_url(),
                title=str(record),
                snippet=snippet(text, words),
                document=record.passage.document,
                passage=record.passage,
            )
        documents = []
        for listing in record.document_links.all():
            if listing.document not in documents:
                documents.append(listing.document)
        return Hit(
            kind=ref.kind,
            record=record,
            score=ref.score,
            url=record.get_absolute_url(),
            title=record.title,
            snippet=snippet(record.original_line, words),
            documents=documents,
        )


def tsquery_sql(config):
    """``websearch_to_tsquery`` in ``config`` of the query text (one parameter)."""
    return f"websearch_to_tsquery('{config}'::regconfig, %s)"


def match_sql(table, config):
    """Whether ``table``'s stored vector in ``config`` matches the query (two parameters).

    A query of stop words only ("the") is empty in that configuration and matches nothing;
    saying so lets PostgreSQL drop the condition when it plans the query (numnode of a
    constant is folded), instead of testing every record's vector.
    """
    column = f"{table}.{VECTOR_COLUMNS[config]}"
    return f"(numnode({tsquery_sql(config)}) > 0 AND {column} @@ {tsquery_sql(config)})"


def rank_sql(table, config):
    """Cover-density rank of ``table``'s stored vector in ``config``, normalised to
    rank / (rank + 1) (one parameter)."""
    return f"ts_rank_cd({table}.{VECTOR_COLUMNS[config]}, {tsquery_sql(config)}, 32)"


def gate(queryset, cte, below):
    """The conditions that ``cte`` holds fewer than ``below`` rows and that the row is not one
    of them (see ``PostgresBackend.statement``)."""
    pk = queryset.model._meta.pk.column
    return (
        TableSQL(f"(SELECT count(*) FROM {cte}) < %s", [below], BooleanField()),
        TableSQL(f"{{table}}.{pk} NOT IN (SELECT pk FROM {cte})", (), BooleanField()),
    )


def scored_sql(queryset, score, cap):
    """(SQL, params) of the ``cap`` first (pk, score) rows of ``queryset``."""
    return (
        queryset.annotate(score=score).order_by().values_list("pk", "score")[:cap].query
    ).sql_with_params()


class PostgresBackend(SearchBackend):
    """Full text over stored vectors, ranked; near spellings when full text finds few hits."""

    vendor = "postgresql"

    def session(self, using):
        return TrigramThreshold(using)

    def ranked(self, kind, queryset, query):
        sql, params = self.statement(kind, queryset, query)
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def statement(self, kind, queryset, query):
        """The one statement (SQL, params) that finds and scores the hits of ``kind``.

        Full-text hits score ``1 + ts_rank_cd``; near spellings score their mean word
        similarity (at most 1). In common table expressions, each evaluated at most once:

        - ``search_quick`` (``QUICK_KINDS``, queries of two or more words): the full-text
          matches among the first ``QUICK_ROWS`` readable rows, at most the cap.
          PostgreSQL estimates words to be independent, so for words that go together
          ("molotov ribbentrop pact": 6 % of the annotations, estimated 0.2 %) it would
          otherwise build the GIN bitmaps of every match (100 ms) to return 200 of them;
        - ``search_full``: the rest of the full-text matches, up to the cap, planned as
          PostgreSQL sees fit (indexes for rare words, a scan that stops early for common
          ones) — only run when ``search_quick`` found fewer than the cap;
        - near spellings, only run when full text found fewer than ``FUZZY_BELOW``.

        A gate is an uncorrelated subquery (``(SELECT count(*) FROM …) < n``), which PostgreSQL
        evaluates once, before the part it guards: when it is false, that part — and the
        trigram index — is never read.
        """
        cap = MAX_CANDIDATES_PER_KIND
        condition, score = self.full_text(kind, query)
        ctes, params = [], []
        full = queryset.filter(condition)
        if kind in QUICK_KINDS and self.needs_quick(query):
            quick_sql, quick_params = self.quick(kind, queryset, query)
            ctes.append(f"search_quick (pk, score) AS MATERIALIZED ({quick_sql})")
            params += quick_params
            full = full.filter(*gate(queryset, "search_quick", cap))
        full_sql, full_params = scored_sql(full, score, cap)
        ctes.append(f"search_full (pk, score) AS MATERIALIZED ({full_sql})")
        params += full_params
        parts = ["search_quick", "search_full"] if len(ctes) == 2 else ["search_full"]
        ctes.append(
            "search_hits (pk, score) AS ("
            + " UNION ALL ".join(f"SELECT pk, score FROM {part}" for part in parts)
            + ")"
        )
        sql = f"WITH {', '.join(ctes)} SELECT pk, score FROM search_hits"
        fuzzy, similarity = self.fuzzy(query)
        if fuzzy is not None:
            fewer, not_found = gate(queryset, "search_hits", FUZZY_BELOW)
            near = queryset.filter(fewer, fuzzy, not_found)
            near_sql, near_params = scored_sql(near, similarity, cap)
            sql += f" UNION ALL ({near_sql})"
            params += near_params
        return sql, tuple(params)

    @staticmethod
    def needs_quick(query):
        """Whether some OR-group has two or more words to find together (a phrase counts)."""
        return any(
            sum(len(term.folded.split()) for term in group.include) >= 2 for group in query.groups
        )

    def quick(self, kind, queryset, query):
        """(SQL, params) of the full-text matches among the first ``QUICK_ROWS`` readable rows
        (see ``statement``): a scan that stops at ``QUICK_ROWS`` rows or at the cap."""
        columns = {
            "search_pk": F("pk"),
            "search_english": TableSQL("{table}.search_english", (), TextField()),
            "search_romanian": TableSQL("{table}.search_romanian", (), TextField()),
        }
        if kind == "passage":
            columns["search_language"] = F("document__language")
        rows_sql, rows_params = (
            queryset.order_by().values(**columns)[:QUICK_ROWS].query.sql_with_params()
        )
        match, match_params, rank, rank_params = self.full_text_sql(kind, query, "rows")
        sql = (
            f"SELECT rows.search_pk, {rank} FROM ({rows_sql}) AS rows "
            f"WHERE {match} LIMIT {MAX_CANDIDATES_PER_KIND}"
        )
        return sql, [*rank_params, *rows_params, *match_params]

    @staticmethod
    def full_text_sql(kind, query, table):
        """(match, params, score, params): SQL text of a full-text match and its score over
        ``table``'s stored vectors (``table.search_language`` for a passage's language)."""
        websearch = query.websearch_text()
        english, romanian = (
            TEXT_SEARCH_CONFIGS[Language.ENGLISH],
            TEXT_SEARCH_CONFIGS[Language.ROMANIAN],
        )

        def match(config):
            return match_sql(table, config)

        def rank(config):
            return rank_sql(table, config)

        if kind == "passage":
            # Only for the quick part; the full part joins the document (full_text).
            is_romanian = f"{table}.search_language = '{Language.ROMANIAN}'"
            return (
                f"(({match(romanian)} AND {is_romanian}) OR "
                f"({match(english)} AND NOT {is_romanian}))",
                [websearch] * 4,
                f"1.0 + CASE WHEN {is_romanian} THEN {rank(romanian)} ELSE {rank(english)} END",
                [websearch] * 2,
            )
        # Scholars write in either language, and a reference's line mixes languages.
        return (
            f"({match(english)} OR {match(romanian)})",
            [websearch] * 4,
            f"1.0 + GREATEST({rank(english)}, {rank(romanian)})",
            [websearch] * 2,
        )

    def full_text(self, kind, query):
        """(condition, score) of a full-text match of ``query`` in the stored vectors, as
        expressions of the queryset's table."""
        if kind != "passage":
            match, match_params, rank, rank_params = self.full_text_sql(kind, query, "{table}")
            return (
                Q(TableSQL(match, match_params, BooleanField())),
                TableSQL(rank, rank_params),
            )
        # The document's language decides the configuration: through the joined document.
        websearch = query.websearch_text()
        is_romanian = Q(document__language=Language.ROMANIAN)
        english, romanian = (
            TEXT_SEARCH_CONFIGS[Language.ENGLISH],
            TEXT_SEARCH_CONFIGS[Language.ROMANIAN],
        )

        def match(config):
            return Q(TableSQL(match_sql("{table}", config), [websearch] * 2, BooleanField()))

        def rank(config):
            return TableSQL(f"1.0 + {rank_sql('{table}', config)}", [websearch])

        condition = (match(romanian) & is_romanian) | (match(english) & ~is_romanian)
        score = Case(When(is_romanian, then=rank(romanian)), default=rank(english))
        return condition, score

    @staticmethod
    def fuzzy(query):
        """(condition, score) of near spellings: for some OR-group, every word of four letters
        or more is a near spelling of a word of the folded text (``word <% text``, indexed;
        the threshold is the session's), and no excluded term occurs in it. Scored by the
        mean word similarity, the best group's. (None, None) without such words."""
        folded = f"{{table}}.{FOLDED_COLUMN}"
        conditions, scores, params, score_params = [], [], [], []
        for group in query.groups:
            words = [
                word
                for term in group.include
                for word in term.folded.split()
                if len(word) >= MIN_FUZZY_LENGTH
            ]
            if not words:
                continue
            parts = [f"%s <%% {folded}"] * len(words)
            parts += [f"strpos({folded}, %s) = 0"] * len(group.exclude)
            conditions.append("(" + " AND ".join(parts) + ")")
            params += words + [term.folded for term in group.exclude]
            similarities = " + ".join([f"word_similarity(%s, {folded})"] * len(words))
            scores.append(f"(({similarities}) / {len(words)}.0)")
            score_params += words
        if not conditions:
            return None, None
        score = scores[0] if len(scores) == 1 else f"GREATEST({', '.join(scores)})"
        condition = TableSQL(f"({' OR '.join(conditions)})", params, BooleanField())
        return condition, TableSQL(score, score_params)


class TrigramThreshold:
    """A transaction on the database ``using`` (the one the search reads from: the replica
    for a public read) with the search's own settings (``set_config(…, true)``: SET LOCAL):

    - pg_trgm's word-similarity threshold (``WORD_SIMILARITY_THRESHOLD``);
    - no synchronized sequential scans. For a table larger than a quarter of the shared
      buffers PostgreSQL otherwise starts a scan where the previous one stopped, so "the
      first 200 matches" of a common word — and so the results, and which page a hit is on —
      changed from one request to the next.
    """

    def __init__(self, using):
        self.using = using

    def __enter__(self):
        self.atomic = transaction.atomic(using=self.using)
        self.atomic.__enter__()
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true), "
                "set_config('synchronize_seqscans', 'off', true)",
                [f"{WORD_SIMILARITY_THRESHOLD:.2f}"],
            )

    def __exit__(self, *exc_info):
        return self.atomic.__exit__(*exc_info)


class SQLiteBackend(SearchBackend):
    """Every term in the folded text; ranked by how often the terms occur."""

    vendor = "sqlite"

    def matching(self, kind, queryset, query):
        folded = FoldedText(self.text(kind))
        condition = Q()
        for group in query.groups:
            required = Q()
            for term in group.include:
                required &= Q(Contains(folded, term.folded))
            for term in group.exclude:
                required &= ~Q(Contains(folded, term.folded))
            condition |= required
        score = Value(0)
        for term in query.terms:
            # Occurrences of the term: how much shorter the text gets without it.
            score += (Length(folded) - Length(Replace(folded, Value(term)))) / len(term)
        return queryset.filter(condition).annotate(score=score)


BACKENDS = {backend.vendor: backend for backend in (PostgresBackend, SQLiteBackend)}


def get_backend(using=None):
    """The backend for the default database (or ``using``)."""
    vendor = connections[using or "default"].vendor
    try:
        return BACKENDS[vendor]()
    except KeyError:
        raise NotImplementedError(f"search does not support the {vendor} database") from None
