"""Where the search happens: one interface, two implementations chosen by the database vendor.

``get_backend().search(query, user=…, document=…, language=…, kind=…)`` finds passages,
annotations (those ``user`` may read), disputed-claim flags and references, and returns a
``SearchResults``: a ranked list of at most ``MAX_RESULTS_PER_KIND`` hits per kind that loads
the records of a page (and cuts their snippets) only when the page is sliced out of it.

- ``PostgresBackend``: full-text search with ``websearch_to_tsquery`` over expression GIN
  indexes (``english`` for English documents, ``romanian_unaccent`` for Romanian ones; scholars'
  text, whose language is not recorded, in both), ranked with ``ts_rank_cd``, and trigram word
  similarity on the folded text as a fallback for names and misspellings.
- ``SQLiteBackend``: every term must occur in the folded text (``fold(text) LIKE '%term%'``),
  ranked by how often the terms occur.

The indexes, the ``romanian_unaccent`` configuration and ``search_fold()`` are created by
``search/migrations/0001_postgresql_search.py``; ``fold()`` is registered on each SQLite
connection by ``search.apps``. See docs/search.md.
"""

import html
import re
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Prefetch,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Greatest, Length, Replace
from django.db.models.lookups import Contains, GreaterThan

from annotations.models import Annotation, DisputedClaim
from annotations.rendering import render_markdown
from archive.models import DocumentReference, Language, Passage, Reference

from .text import MIN_FUZZY_LENGTH, snippet

#: The kinds of hit, in the order they are listed when their scores are equal.
KINDS = ("passage", "annotation", "flag", "reference")
KIND_LABELS = {
    "passage": "Passage",
    "annotation": "Annotation",
    "flag": "Disputed claim",
    "reference": "Reference",
}
KIND_PLURALS = {
    "passage": "passages",
    "annotation": "annotations",
    "flag": "disputed claims",
    "reference": "references",
}
#: At most this many hits of each kind are ranked and listed; the rest are not shown.
MAX_RESULTS_PER_KIND = 200
#: At most this many matches of each kind are ranked: the first the indexes (or a scan) give.
MAX_CANDIDATES_PER_KIND = 200

#: Text search configuration for each document language (see the migration).
TEXT_SEARCH_CONFIGS = {Language.ENGLISH: "english", Language.ROMANIAN: "romanian_unaccent"}
#: Trigram word similarity (0–1) from which a word counts as a near spelling: 0.5 lets one
#: wrong vowel in a ten-letter name through ("Ciorenescu" ~ "Ciorănescu" is 0.57).
WORD_SIMILARITY_THRESHOLD = 0.5

#: The whole received text is never needed here; leave it unloaded.
DOCUMENT_TEXT = "source_text"


# ---------------------------------------------------------------------------------------------
# SQL expressions
# ---------------------------------------------------------------------------------------------


class Fold(Func):
    """Text without diacritics or case: ``search_fold()`` on PostgreSQL, ``fold()`` on SQLite."""

    function = "search_fold"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="fold", **extra_context)


class Joined(Func):
    """Columns joined by a space; written exactly as in the flag indexes' expression."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


class _Config(Func):
    """A function whose first argument is a constant text search configuration.

    The configuration is written into the SQL as a literal (from ``TEXT_SEARCH_CONFIGS``,
    never from input) so that the planner can match the expression indexes.
    """

    def __init__(self, *expressions, config, **extra):
        if config not in TEXT_SEARCH_CONFIGS.values():
            raise ValueError(f"unknown text search configuration {config!r}")
        self.config = config
        super().__init__(*expressions, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        extra_context["config"] = f"'{self.config}'::regconfig"
        return super().as_sql(compiler, connection, **extra_context)


class ToTsVector(_Config):
    function = "to_tsvector"
    template = "%(function)s(%(config)s, %(expressions)s)"
    output_field = TextField()


class WebSearchToTsQuery(_Config):
    """``websearch_to_tsquery``: the query text is a parameter and cannot fail to parse."""

    function = "websearch_to_tsquery"
    template = "%(function)s(%(config)s, %(expressions)s)"
    output_field = TextField()


class NumNode(Func):
    """``numnode(tsquery)``: how many lexemes and operators; 0 for a query of stop words."""

    function = "numnode"
    output_field = IntegerField()


class Matches(Func):
    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class TsRankCD(Func):
    """Cover-density rank, normalised to rank / (rank + 1) (flag 32), so 0 ≤ rank < 1."""

    function = "ts_rank_cd"
    template = "%(function)s(%(expressions)s, 32)"
    output_field = FloatField()


class WordSimilar(Func):
    """``term <% text``: pg_trgm's indexable word-similarity test (threshold set per search)."""

    template = "(%(expressions)s)"
    arg_joiner = " <%% "
    output_field = BooleanField()


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class Mean(Func):
    """The mean of numeric expressions (no aggregation)."""

    template = "((%(expressions)s) / %(count)s.0)"
    arg_joiner = " + "
    output_field = FloatField()

    def __init__(self, *expressions, **extra):
        super().__init__(*expressions, count=len(expressions), **extra)


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
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HitRef:
    """A ranked hit before its record is loaded."""

    kind: str
    pk: object
    score: float


@dataclass
class Hit:
    """One result as a page shows it."""

    kind: str
    record: object
    score: float
    url: str
    title: str
    snippet: list
    #: Language of the snippet's text when known (passages: their document's).
    lang: str = ""
    document: object = None
    passage: object = None
    #: For references: the documents that list them.
    documents: list = field(default_factory=list)

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


class SearchResults:
    """The ranked hits of a search: sized and sliceable, so a Paginator can page them.

    Slicing loads the records of just that slice, in one query per kind.
    """

    def __init__(self, backend, query, refs=(), capped=()):
        self.backend = backend
        self.query = query
        self.refs = list(refs)
        #: Kinds that had more than MAX_RESULTS_PER_KIND hits (only the best are listed).
        self.capped = list(capped)

    def __len__(self):
        return len(self.refs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.backend.load(self.refs[index], self.query)
        return self.backend.load([self.refs[index]], self.query)[0]

    def __iter__(self):
        return iter(self[:])

    def counts(self):
        counts = dict.fromkeys(KINDS, 0)
        for ref in self.refs:
            counts[ref.kind] += 1
        return counts


# ---------------------------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------------------------


class SearchBackend:
    """Finds candidates per kind (in the subclass) and loads a page of hits (here)."""

    vendor = None

    def search(self, query, *, user, document=None, language=None, kind=None):
        """Rank the hits of ``query`` (a ParsedQuery) among the records ``user`` may read."""
        if not query.is_searchable:
            return SearchResults(self, query)
        refs, capped = [], []
        with self.session():
            for name in [kind] if kind else KINDS:
                queryset = self.base_queryset(name, user=user, document=document, language=language)
                matching = self.matching(name, queryset, query)
                # Only the first MAX_CANDIDATES_PER_KIND matches the database finds are ranked:
                # ranking recomputes each record's text vectors, and a common word matches
                # most of a million records (docs/performance.md, "Search").
                candidates = matching.order_by().values("pk")[:MAX_CANDIDATES_PER_KIND]
                rows = list(
                    matching.filter(pk__in=candidates)
                    .order_by("-score", "pk")
                    .values_list("pk", "score")[: MAX_RESULTS_PER_KIND + 1]
                )
                if len(rows) > MAX_RESULTS_PER_KIND or len(rows) >= MAX_CANDIDATES_PER_KIND:
                    capped.append(name)
                    rows = rows[:MAX_RESULTS_PER_KIND]
                refs += [HitRef(name, pk, float(score or 0)) for pk, score in rows]
        order = {name: position for position, name in enumerate(KINDS)}
        refs.sort(key=lambda ref: (-ref.score, order[ref.kind]))
        return SearchResults(self, query, refs, capped)

    def session(self):
        """Context for the candidate queries of one search."""
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
        if kind == "passage":
            return (
                Passage.objects.filter(pk__in=pks)
                .select_related("document")
                .defer(f"document__{DOCUMENT_TEXT}")
            )
        if kind in ("annotation", "flag"):
            model = Annotation if kind == "annotation" else DisputedClaim
            return (
                model.objects.filter(pk__in=pks)
                .select_related("passage__document", "author")
                .defer(f"passage__document__{DOCUMENT_TEXT}")
            )
        return Reference.objects.filter(pk__in=pks).prefetch_related(
            Prefetch(
                "document_links",
                queryset=DocumentReference.objects.select_related("document")
                .defer(f"document__{DOCUMENT_TEXT}")
                .order_by("document__catalogue_id", "role", "order"),
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


class PostgresBackend(SearchBackend):
    """Full-text search over expression GIN indexes, ranked; trigram similarity as fallback."""

    vendor = "postgresql"

    def session(self):
        return TrigramThreshold()

    def matching(self, kind, queryset, query):
        text = self.text(kind)
        websearch = query.websearch_text()
        english, romanian = (
            TEXT_SEARCH_CONFIGS[Language.ENGLISH],
            TEXT_SEARCH_CONFIGS[Language.ROMANIAN],
        )

        def match(config):
            tsquery = WebSearchToTsQuery(Value(websearch), config=config)
            # A query of stop words only ("the") is empty in that configuration and matches
            # nothing; saying so lets PostgreSQL drop the condition when it plans the query
            # (numnode of a constant is folded), instead of testing every record's text.
            return Q(GreaterThan(NumNode(tsquery), 0)) & Q(
                Matches(ToTsVector(text, config=config), tsquery)
            )

        def rank(config):
            return TsRankCD(
                ToTsVector(text, config=config), WebSearchToTsQuery(Value(websearch), config=config)
            )

        if kind == "passage":
            # The document's language decides the configuration.
            language = "document__language"
            hits = [
                (Q(match(romanian), **{language: Language.ROMANIAN}), rank(romanian)),
                (Q(match(english)) & ~Q(**{language: Language.ROMANIAN}), rank(english)),
            ]
        else:
            # Scholars write in either language, and a reference's line mixes languages.
            either = Q(match(english)) | Q(match(romanian))
            hits = [(either, Greatest(rank(english), rank(romanian)))]

        condition = Q()
        for hit, _ in hits:
            condition |= hit
        fuzzy, fuzzy_score = self.fuzzy(text, query)
        if fuzzy is not None:
            condition |= fuzzy
        score = Case(
            *[When(hit, then=Value(1.0) + hit_rank) for hit, hit_rank in hits],
            default=fuzzy_score if fuzzy is not None else Value(0.0),
            output_field=FloatField(),
        )
        return queryset.filter(condition).annotate(score=score)

    @staticmethod
    def fuzzy(text, query):
        """Every longer word of a group is a near spelling of a word of the folded text."""
        folded = Fold(text)
        conditions, scores = [], []
        for group in query.groups:
            words = [
                word
                for term in group.include
                for word in term.folded.split()
                if len(word) >= MIN_FUZZY_LENGTH
            ]
            if not words:
                continue
            condition = Q()
            for word in words:
                condition &= Q(WordSimilar(Value(word), folded))
            for term in group.exclude:
                condition &= ~Q(Contains(folded, term.folded))
            conditions.append(condition)
            scores.append(Mean(*[WordSimilarity(Value(word), folded) for word in words]))
        if not conditions:
            return None, None
        combined = Q()
        for condition in conditions:
            combined |= condition
        return combined, scores[0] if len(scores) == 1 else Greatest(*scores)


class TrigramThreshold:
    """A transaction in which pg_trgm's word-similarity threshold is ours (SET LOCAL)."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD:.2f}"
            )

    def __exit__(self, *exc_info):
        return self.atomic.__exit__(*exc_info)


class SQLiteBackend(SearchBackend):
    """Every term in the folded text; ranked by how often the terms occur."""

    vendor = "sqlite"

    def matching(self, kind, queryset, query):
        folded = Fold(self.text(kind))
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
