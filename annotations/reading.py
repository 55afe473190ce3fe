"""What the reading view shows beside and inside each passage, from four queries."""

from dataclasses import dataclass, field

from django.db.models import F

from archive.reading import Highlight

from .models import Annotation, CrossReference, DisputedClaim


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
            .select_related("author")
            .prefetch_related("tags")
            .annotate(passage_order=F("passage__order"))
            .order_by("created")
        )
        replies = {}
        for annotation in visible:
            if annotation.parent_id:
                replies.setdefault(annotation.parent_id, []).append(annotation)
        for annotation in visible:
            if annotation.parent_id:
                continue
            annotation.reply_list = replies.get(annotation.pk, [])
            self._item(annotation.passage_id).annotations.append(annotation)
            if annotation.is_span:
                self._mark(annotation.passage_id, annotation)
        self._number(annotation for annotation in visible if not annotation.parent_id)
        for flag in DisputedClaim.objects.for_document(document).select_related("author"):
            self._item(flag.passage_id).flags.append(flag)
            if flag.is_span:
                self._mark(flag.passage_id, flag)
        crossrefs = (
            CrossReference.objects.touching_document(document)
            .with_targets()
            # Not the documents' received texts, twice for every cross-reference.
            .defer("passage__document__source_text", "to_passage__document__source_text")
            .order_by("created")
        )
        for crossref in crossrefs:
            if crossref.passage.document_id == document.pk:
                self._item(crossref.passage_id).crossrefs.append((crossref, "out"))
            if crossref.to_passage_id and crossref.to_passage.document_id == document.pk:
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
