"""What both backends share: which records each kind searches, the capped ranking, and
loading a page of hits with their snippets. The backends say how a record matches
(``matching``) and where near spellings come from (``vocabulary``)."""

from collections import defaultdict
from contextlib import nullcontext

from django.db import router
from django.db.models import F, Prefetch

from annotations.models import Annotation, DisputedClaim
from archive.models import DocumentReference, Passage, Reference

from ..expressions import Joined
from ..results import KINDS, Hit, HitRef, SearchResults
from ..snippets import plain_text, snippet
from ..spelling import interpret

#: At most this many hits of each kind are ranked and listed; the rest are not shown.
MAX_RESULTS_PER_KIND = 200
#: At most this many matches of each kind are ranked: the first the indexes (or a scan) give.
#: None ranks every match (the benchmark compares the two: docs/search.md).
MAX_CANDIDATES_PER_KIND = 200

#: The whole received text is never needed here; leave it unloaded.
DOCUMENT_TEXT = "source_text"


def _best_first(row):
    pk, score = row
    return (-(score or 0), pk)


class SearchBackend:
    """Finds candidates per kind (in the subclass) and loads a page of hits (here)."""

    vendor = None
    #: Whether every search looks up its words in the vocabulary, so that a misspelt word is
    #: corrected even when the other words find something (PostgreSQL: one indexed query),
    #: or only a search that found nothing does (SQLite: knowing the vocabulary means
    #: reading every text).
    checks_every_word = False

    def search(self, query, *, user, document=None, language=None, kind=None, exact=False):
        """Rank the hits of ``query`` (a ParsedQuery) among the records ``user`` may read.

        Unless ``exact``, a place's other names are looked for too, and a word that occurs
        nowhere in the archive is replaced by the nearest that does (``search.spelling``) —
        if the corrected query finds something this reader may read; otherwise the reader's
        own words are searched.
        """
        if not query.is_searchable:
            return SearchResults(self, query)
        # The database a public read goes to (the replica, when one serves anonymous readers):
        # the session's settings and every query of the search use that one connection.
        using = router.db_for_read(Passage)
        filters = {"user": user, "document": document, "language": language, "kind": kind}
        with self.session(using):
            if exact:
                reading = interpret(query, None, places=False)
            elif self.checks_every_word:
                reading = interpret(query, self.vocabulary(using, language, user))
            else:
                reading = interpret(query, None)
            refs, capped = self.find(reading.query, using, **filters)
            if not refs and not exact and not self.checks_every_word:
                # Corrections only for a search that found nothing (see checks_every_word).
                corrected = interpret(query, self.vocabulary(using, language, user))
                if corrected.corrections:
                    reading = corrected
                    refs, capped = self.find(reading.query, using, **filters)
            if not refs and reading.corrections:
                reading = reading.without_corrections()
                refs, capped = self.find(reading.query, using, **filters)
        return SearchResults(self, reading.query, refs, capped, reading=reading)

    def find(self, query, using, *, user, document, language, kind):
        """(refs, capped): the ranked HitRefs of ``query`` and the kinds that had too many."""
        refs, capped = [], []
        for name in [kind] if kind else KINDS:
            queryset = self.base_queryset(name, user=user, document=document, language=language)
            rows = sorted(self.ranked(name, queryset.using(using), query), key=_best_first)
            if len(rows) > MAX_RESULTS_PER_KIND or (
                MAX_CANDIDATES_PER_KIND is not None and len(rows) >= MAX_CANDIDATES_PER_KIND
            ):
                capped.append(name)
                rows = rows[:MAX_RESULTS_PER_KIND]
            refs += [HitRef(name, pk, float(score or 0)) for pk, score in rows]
        order = {name: position for position, name in enumerate(KINDS)}
        refs.sort(key=lambda ref: (-ref.score, order[ref.kind]))
        return refs, capped

    def session(self, using):
        """Context for the queries of one search, on the database ``using``."""
        return nullcontext()

    def vocabulary(self, using, language, user):
        """The words of the archive, for corrections (a ``search.spelling.Vocabulary``)."""
        raise NotImplementedError

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
        common word matches most of a million records (docs/search.md, "Ranking a capped
        set").
        """
        matching = self.matching(kind, queryset, query)
        if MAX_CANDIDATES_PER_KIND is not None:
            candidates = matching.order_by().values("pk")[:MAX_CANDIDATES_PER_KIND]
            matching = matching.filter(pk__in=candidates)
        return matching.order_by("-score", "pk").values_list("pk", "score")[
            : MAX_RESULTS_PER_KIND + 1
        ]

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
