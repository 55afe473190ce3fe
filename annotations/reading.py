"""What the reading view shows beside and inside each passage, from four queries.

Only the columns the page shows are loaded (``only()``): with 1,500 records on an article,
building every author's and every cross-referenced document's full row was most of the
queries' cost (docs/performance.md, "Reading view").
"""

from dataclasses import dataclass, field

from django.db.models import F, Q

from archive.models import Passage
from archive.reading import Highlight

from .authors import name_expression
from .models import Annotation, CrossReference, DisputedClaim

#: What the reading view shows of the document at either end of a cross-reference
#: (``reading.fragments``).
LINKED_DOCUMENT = ("slug", "title", "language")


@dataclass(frozen=True, slots=True)
class DocumentEnd:
    """The document of a passage at the far end of a cross-reference."""

    slug: str
    title: str
    language: str


@dataclass(frozen=True, slots=True)
class PassageEnd:
    """A passage at one end of a cross-reference: what the reading view links to."""

    pk: int
    document: object
    order: int
    anchor: str


def own_fields(model):
    return [field.name for field in model._meta.concrete_fields]


@dataclass
class PassageScholarship:
    """Annotations (with their replies), flags and cross-references of one passage."""

    annotations: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    #: (cross-reference, "out" or "in") pairs: this passage is its source or its destination.
    crossrefs: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.annotations or self.flags or self.crossrefs)


class DocumentScholarship:
    """The scholarly records on a document's passages, by passage: what each passage carries
    (``items_for``) and the spans to mark in its text (``highlights_for``). Made by
    :meth:`for_document`, which runs the queries."""

    def __init__(self, items=None, highlights=None):
        #: {passage id: PassageScholarship}
        self._items = {} if items is None else items
        #: {passage id: [Highlight]}
        self._highlights = {} if highlights is None else highlights

    @classmethod
    def for_document(cls, document, user, passages=None):
        """What ``user`` may see on the passages of ``document``: on all of them, or only on
        ``passages`` (ids), e.g. the one passage of a panel or the passages whose cached
        fragments are out of date. The number of queries is the same either way."""
        scholarship = cls()
        annotations = Annotation.objects.visible_to(user).for_document(document)
        flags = DisputedClaim.objects.for_document(document)
        crossrefs = CrossReference.objects.touching_document(document)
        tagged = Annotation.tags.through.objects.filter(annotation__passage__document=document)
        if passages is not None:
            passages = list(passages)
            annotations = annotations.filter(passage__in=passages)
            flags = flags.filter(passage__in=passages)
            crossrefs = crossrefs.filter(Q(passage__in=passages) | Q(to_passage__in=passages))
            tagged = tagged.filter(annotation__passage__in=passages)
        scholarship._add_annotations(annotations, tagged)
        scholarship._number()
        scholarship._add_flags(flags)
        scholarship._add_crossrefs(crossrefs, document, passages)
        return scholarship

    def _add_flags(self, flags):
        for flag in flags.annotate(
            author_name=name_expression(), author_username=F("author__username")
        ):
            self._item(flag.passage_id).flags.append(flag)
            if flag.is_span:
                self._mark(flag.passage_id, flag)

    def _add_annotations(self, annotations, tagged):
        """File the annotations under their passages, each with its tag names and replies."""
        visible = list(
            annotations.only(*own_fields(Annotation))
            .annotate(
                passage_order=F("passage__order"),
                author_name=name_expression(),
                author_username=F("author__username"),
            )
            .order_by("created")
        )
        # The tags of the document's annotations, by name (those the user may not see are
        # never looked up): one query, and no list of ids to send.
        tag_names = {}
        for annotation_id, name in tagged.order_by("tag__name").values_list(
            "annotation_id", "tag__name"
        ):
            tag_names.setdefault(annotation_id, []).append(name)
        replies = {}
        for annotation in visible:
            if annotation.parent_id:
                replies.setdefault(annotation.parent_id, []).append(annotation)
        for annotation in visible:
            annotation.tag_names = tag_names.get(annotation.pk, [])
            if annotation.parent_id:
                continue
            annotation.reply_list = replies.get(annotation.pk, [])
            self._item(annotation.passage_id).annotations.append(annotation)
            if annotation.is_span:
                self._mark(annotation.passage_id, annotation)

    def _add_crossrefs(self, crossrefs, document, passages):
        """File the cross-references under the passages of ``document`` at either end."""
        crossrefs = list(
            crossrefs.select_related("to_reference", "to_link")
            .annotate(author_name=name_expression(), author_username=F("author__username"))
            .only(
                *own_fields(CrossReference),
                "to_reference__catalogue_id",
                "to_reference__title",
                "to_reference__language",
                "to_link__title",
            )
            .order_by("created")
        )
        where = passage_ends(crossrefs, document, passages)
        for crossref in crossrefs:
            crossref.source = where[crossref.passage_id]
            crossref.target = where.get(crossref.to_passage_id)
            if crossref.source.document is document:
                self._item(crossref.passage_id).crossrefs.append((crossref, "out"))
            if crossref.target and crossref.target.document is document:
                self._item(crossref.to_passage_id).crossrefs.append((crossref, "in"))

    def _number(self):
        """Number each passage's annotations in reading order (span, whole passage last).

        The print stylesheet shows the numbers after each annotated span and before each
        annotation, which then reads as a numbered note; beside a passage they come in the
        same order. Numbered within the passage, so that a write elsewhere leaves this
        passage's cached fragments true.
        """
        for item in self._items.values():
            item.annotations.sort(key=lambda a: (a.start is None, a.start or 0, a.created))
            for number, annotation in enumerate(item.annotations, start=1):
                annotation.note_number = number

    def _item(self, passage_id):
        return self._items.setdefault(passage_id, PassageScholarship())

    def _mark(self, passage_id, record):
        self._highlights.setdefault(passage_id, []).append(
            Highlight(record.start, record.end, record)
        )

    def items_for(self, passage_id):
        return self._items.get(passage_id) or PassageScholarship()

    def highlights_for(self, passage_id):
        return self._highlights.get(passage_id, ())


def passage_ends(crossrefs, document, passages):
    """Where each end of ``crossrefs`` is ({passage id: PassageEnd}), with the passages of
    ``document`` (or only ``passages``) always included.

    One query whatever there is, so that the page's query count does not depend on its
    records: rows, not passage objects, for a thousand ends. Joined in the cross-reference
    query instead, PostgreSQL misjudged how many rows it would join and read the whole passage
    table twice.
    """
    ends = {crossref.passage_id for crossref in crossrefs}
    ends |= {crossref.to_passage_id for crossref in crossrefs if crossref.to_passage_id}
    own = Q(document=document) if passages is None else Q(pk__in=passages)
    rows = Passage.objects.filter(own | Q(pk__in=ends)).values_list(
        "pk", "order", "anchor", "document_id", *(f"document__{f}" for f in LINKED_DOCUMENT)
    )
    documents, where = {document.pk: document}, {}
    for pk, order, anchor, document_id, *shown in rows:
        if document_id not in documents:
            documents[document_id] = DocumentEnd(*shown)
        where[pk] = PassageEnd(pk, documents[document_id], order, anchor)
    return where
