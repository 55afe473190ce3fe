"""What the reading view shows beside and inside each passage, from four queries.

Only the columns the page shows are loaded (``only()``): with 1,500 records on an article,
building every author's and every cross-referenced document's full row was most of the
queries' cost (docs/performance.md, "Reading view").
"""

from dataclasses import dataclass, field

from django.db.models import F

from archive.models import Document
from archive.reading import Highlight

from .models import Annotation, CrossReference, DisputedClaim

#: What the reading view shows of the document at either end of a cross-reference
#: (``annotations.fragments``).
LINKED_DOCUMENT = ("slug", "title", "language")


@dataclass(frozen=True, slots=True)
class PassageEnd:
    """A passage at one end of a cross-reference: what the reading view links to."""

    pk: int
    document: object
    order: int
    anchor: str

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#{self.anchor}"


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

    @property
    def whole_passage_flags(self):
        return [flag for flag in self.flags if not flag.is_span]


class DocumentScholarship:
    """The scholarly records on a document's passages that ``user`` may see."""

    def __init__(self, document, user):
        self._items = {}
        self._highlights = {}
        visible = list(
            Annotation.objects.visible_to(user)
            .for_document(document)
            .only(*own_fields(Annotation))
            .annotate(passage_order=F("passage__order"), author_name=F("author__username"))
            .order_by("created")
        )
        # The tags of the document's annotations, by name (those the user may not see are
        # never looked up): one query, and no list of ids to send.
        tag_names = {}
        tagged = Annotation.tags.through.objects.filter(annotation__passage__document=document)
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
        self._number(annotation for annotation in visible if not annotation.parent_id)
        for flag in DisputedClaim.objects.for_document(document):
            self._item(flag.passage_id).flags.append(flag)
            if flag.is_span:
                self._mark(flag.passage_id, flag)
        crossrefs = list(
            CrossReference.objects.touching_document(document)
            .select_related("to_reference", "to_link")
            .only(
                *own_fields(CrossReference),
                "to_reference__catalogue_id",
                "to_reference__title",
                "to_reference__language",
                "to_link__title",
            )
            # Where each end is, as columns: no passage objects for a thousand cross-references.
            .annotate(
                source_document=F("passage__document_id"),
                source_order=F("passage__order"),
                source_anchor=F("passage__anchor"),
                target_document=F("to_passage__document_id"),
                target_order=F("to_passage__order"),
                target_anchor=F("to_passage__anchor"),
            )
            .order_by("created")
        )
        # The few documents at either end, once each rather than once per cross-reference, in
        # one query whatever there is (this document is always asked for), so that the page's
        # query count does not depend on its records.
        wanted = {crossref.source_document for crossref in crossrefs} | {document.pk}
        wanted |= {crossref.target_document for crossref in crossrefs if crossref.to_passage_id}
        documents = Document.objects.only(*LINKED_DOCUMENT).in_bulk(wanted)
        documents[document.pk] = document
        for crossref in crossrefs:
            crossref.source = PassageEnd(
                crossref.passage_id,
                documents[crossref.source_document],
                crossref.source_order,
                crossref.source_anchor,
            )
            crossref.target = None
            if crossref.to_passage_id:
                crossref.target = PassageEnd(
                    crossref.to_passage_id,
                    documents[crossref.target_document],
                    crossref.target_order,
                    crossref.target_anchor,
                )
            if crossref.source_document == document.pk:
                self._item(crossref.passage_id).crossrefs.append((crossref, "out"))
            if crossref.target and crossref.target_document == document.pk:
                self._item(crossref.to_passage_id).crossrefs.append((crossref, "in"))

    def _number(self, annotations):
        """Number the annotations in reading order (passage, then span, whole passage last).

        The print stylesheet shows the numbers after each annotated span and before each
        annotation, which then reads as a numbered note; beside a passage they come in the
        same order.
        """
        ordered = sorted(
            annotations,
            key=lambda a: (a.passage_order, a.start is None, a.start or 0, a.created),
        )
        for number, annotation in enumerate(ordered, start=1):
            annotation.note_number = number
        for item in self._items.values():
            item.annotations.sort(key=lambda annotation: annotation.note_number)

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
