"""Re-anchor the scholarship on a document's new source revision; moderators' orphan actions.

When ``archive.importers.revision.RevisionImporter`` imports a revised text it sends
``archive.signals.revision_received`` inside its transaction; :func:`on_revision_received`
places every annotation, flag and cross-reference end that stood on the previous revision's
passages, in three steps:

1. **exact**: the quote with its prefix and suffix (TextQuoteSelector) is found in the new
   text — in the passage the old one became, else once in the whole revision; a whole-passage
   target is exact when its passage is unchanged;
2. **fuzzy**: the passage was edited and the span's offsets, carried through the diff of the
   old and new passage (rapidfuzz ``Indel.opcodes``), cover a text at least
   ``FUZZY_SIMILARITY`` like the quote; else the quote is found elsewhere in the revision by
   rapidfuzz ``partial_ratio_alignment`` at ``SEARCH_SIMILARITY`` or more; a whole-passage
   target is fuzzy when its passage was edited;
3. otherwise the item is an **orphan**: nothing of it changes but its state; it stays pinned to
   the old revision's passage, is never deleted, and waits in the admin's orphan queue
   (:func:`reattach_orphan`, :func:`retire_orphan`).

Each item that moves or is orphaned is saved as its own django-reversion revision, commented
"re-anchored to revision N" (or "orphaned at revision N"), with its version counter raised, so
that an edit begun on the old text is refused as stale. Rapidfuzz was chosen over
diff-match-patch by measurement (docs/importer.md).
"""

from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from archive.changes import touch
from archive.importers.revision import MatchKind
from archive.models import Document, Passage
from archive.signals import revision_received

from .models import Anchoring, Annotation, CrossReference, DisputedClaim
from .permissions import can_moderate_annotations
from .selectors import span_at
from .services import target_fields

#: A span carried through an edited passage must be at least this like its quote
#: (``fuzz.ratio``, 0–100).
FUZZY_SIMILARITY = 75
#: A quote looked for anywhere in the revision must match this well
#: (``fuzz.partial_ratio``), and be at least ``SEARCH_MIN_LENGTH`` characters long: a short
#: quote is found nearly everywhere.
SEARCH_SIMILARITY = 90
SEARCH_MIN_LENGTH = 12

#: The ends of a cross-reference, as the prefixes of their fields.
SOURCE, DESTINATION = "", "to_"


@dataclass(frozen=True)
class Placement:
    """Where an end goes: a passage and a span (None for the whole passage), and how found."""

    anchoring: str
    passage: object = None
    span: object = None


ORPHAN = Placement(Anchoring.ORPHAN)


def map_offset(opcodes, offset, *, end=False):
    """Carry ``offset`` of the old text into the new one through ``opcodes``; an offset in a
    changed run goes to that run's edge, so text inserted at a span's edges stays outside."""
    for tag, i1, i2, j1, j2 in opcodes:
        inside = i1 < offset <= i2 if end else i1 <= offset < i2
        if inside:
            return j1 + offset - i1 if tag == "equal" else (j2 if end else j1)
    return opcodes[-1][4] if opcodes and offset else 0


def carry_span(old_text, new_text, start, end):
    """The span of ``new_text`` that ``old_text[start:end]`` became, or None if it vanished
    (rapidfuzz's Indel alignment: the longest common subsequence, as a diff sees it)."""
    opcodes = Indel.opcodes(old_text, new_text)
    new_start, new_end = map_offset(opcodes, start), map_offset(opcodes, end, end=True)
    return (new_start, new_end) if new_start < new_end else None


def trim(text, span, quote):
    """``span`` without the whitespace at an edge where ``quote`` has none (a diff may carry
    a neighbouring space into it)."""
    if span is None:
        return None
    start, end = span
    while start < end and text[start].isspace() and not quote[:1].isspace():
        start += 1
    while end > start and text[end - 1].isspace() and not quote[-1:].isspace():
        end -= 1
    return (start, end) if start < end else None


def find_quote(text, exact, prefix, suffix):
    """Every start of ``exact`` in ``text`` with its prefix before and suffix after."""
    starts, position = [], text.find(exact)
    while position != -1:
        if text[:position].endswith(prefix) and text[position + len(exact) :].startswith(suffix):
            starts.append(position)
        position = text.find(exact, position + 1)
    return starts


@dataclass
class Anchorer:
    """Places targets of one document's previous revision on its new one."""

    #: {old passage id: PassageMatch}
    matches: dict
    #: The new revision's passages, in order.
    passages: list
    #: ``carry_span``'s signature: how a span goes through an edited passage.
    carry: object = carry_span

    @classmethod
    def from_matches(cls, matches, **options):
        return cls(
            matches={match.old.pk: match for match in matches if match.old is not None},
            passages=sorted((m.new for m in matches if m.new is not None), key=order),
            **options,
        )

    def place(self, passage, exact="", prefix="", suffix="", start=None, end=None):
        """Where a target on the old ``passage`` goes (its selectors as stored)."""
        match = self.matches.get(passage.pk)
        new = match.new if match is not None else None
        if start is None:
            if new is None:
                return ORPHAN
            kind = Anchoring.EXACT if match.kind == MatchKind.UNCHANGED else Anchoring.FUZZY
            return Placement(kind, new)
        return (
            self.exact(new, exact, prefix, suffix, start)
            or self.fuzzy(passage, new, exact, start, end)
            or ORPHAN
        )

    def exact(self, new, exact, prefix, suffix, old_start):
        if new is not None:
            starts = find_quote(new.text, exact, prefix, suffix)
            if starts:
                best = min(starts, key=lambda s: abs(s - old_start))
                return Placement(Anchoring.EXACT, new, (best, best + len(exact)))
        found = [
            (passage, start)
            for passage in self.passages
            if passage is not new
            for start in find_quote(passage.text, exact, prefix, suffix)
        ]
        if len(found) == 1:
            passage, start = found[0]
            return Placement(Anchoring.EXACT, passage, (start, start + len(exact)))
        return None

    def fuzzy(self, old, new, exact, start, end):
        if new is not None:
            span = trim(new.text, self.carry(old.text, new.text, start, end), exact)
            if span and fuzz.ratio(exact, new.text[span[0] : span[1]]) >= FUZZY_SIMILARITY:
                return Placement(Anchoring.FUZZY, new, span)
        if len(exact) < SEARCH_MIN_LENGTH:
            return None
        best = None
        for passage in self.passages:
            found = fuzz.partial_ratio_alignment(
                exact, passage.text, score_cutoff=SEARCH_SIMILARITY
            )
            if found is not None and (best is None or found.score > best[0].score):
                best = (found, passage)
        if best is None or best[0].dest_start >= best[0].dest_end:
            return None
        found, passage = best
        return Placement(Anchoring.FUZZY, passage, (found.dest_start, found.dest_end))


def order(passage):
    return passage.order


def end_fields(placement, end):
    """The model fields that put an end (``SOURCE`` or ``DESTINATION``) where it goes."""
    passage, span = placement.passage, placement.span
    if span is None:
        values = {"passage": passage, "exact": "", "prefix": "", "suffix": ""}
        values.update(start=None, end=None)
    else:
        found = span_at(passage.text, *span)
        values = {
            "passage": passage,
            "exact": found.exact,
            "prefix": found.prefix,
            "suffix": found.suffix,
            "start": found.start,
            "end": found.end,
        }
    values["anchoring"] = placement.anchoring
    return {f"{end}{name}": value for name, value in values.items()}


def selectors(item, end):
    return {
        name: getattr(item, f"{end}{name}")
        for name in ("passage", "exact", "prefix", "suffix", "start", "end")
    }


@dataclass
class Move:
    """What became of one end of one item: for the report and the measurement."""

    item: object
    end: str
    anchoring: str
    old_quote: str
    new_quote: str = ""


@dataclass
class AnchoringReport:
    """How many items of each kind were placed exactly, fuzzily, or left as orphans."""

    revision: int
    #: {label: {"before": n, "exact": n, "fuzzy": n, "orphan": n}}
    counts: dict = field(default_factory=dict)
    moves: list = field(default_factory=list)

    def add(self, label, state):
        row = self.counts.setdefault(
            label, {"before": 0, Anchoring.EXACT: 0, Anchoring.FUZZY: 0, Anchoring.ORPHAN: 0}
        )
        row["before"] += 1
        row[state] += 1

    def total(self, key):
        return sum(row[key] for row in self.counts.values())

    def summary(self):
        lines = [
            f"re-anchored to revision {self.revision}: "
            f"{self.total('before')} items, {self.total(Anchoring.EXACT)} exact, "
            f"{self.total(Anchoring.FUZZY)} fuzzy, {self.total(Anchoring.ORPHAN)} orphans"
        ]
        for label, row in self.counts.items():
            lines.append(
                f"  {label}: {row['before']} ({row[Anchoring.EXACT]} exact, "
                f"{row[Anchoring.FUZZY]} fuzzy, {row[Anchoring.ORPHAN]} orphans)"
            )
        return lines


#: An item's state from its ends' (a cross-reference has two): the worst of them.
RANK = {Anchoring.EXACT: 0, Anchoring.FUZZY: 1, Anchoring.ORPHAN: 2}
LABELS = (
    (Annotation, "annotations"),
    (DisputedClaim, "flags"),
    (CrossReference, "cross-references"),
)


def reanchor(*, document, previous, matches, user=None, anchorer=None):
    """Place every item on revision ``previous`` of ``document`` on its current revision;
    call inside the import's transaction. Return an :class:`AnchoringReport`."""
    anchorer = anchorer or Anchorer.from_matches(matches)
    old_ids = list(anchorer.matches)
    report = AnchoringReport(revision=document.revision)
    touched = set(old_ids) | {p.pk for p in anchorer.passages}
    documents = {document.pk}
    placed_parents = {}
    for model, label in LABELS:
        on_old = Q(passage__in=old_ids)
        if model is CrossReference:
            on_old |= Q(to_passage__in=old_ids)
        items = model.objects.filter(on_old).select_related("passage", "author")
        if model is CrossReference:
            items = items.select_related("to_passage")
        ordering = ("created", "pk")
        if model is Annotation:  # parents (no parent) first, then their replies
            ordering = (F("parent").asc(nulls_first=True), *ordering)
        for item in items.select_for_update(of=("self",)).order_by(*ordering):
            states = []
            for end in (SOURCE, DESTINATION) if model is CrossReference else (SOURCE,):
                passage = getattr(item, f"{end}passage")
                if passage is None or passage.pk not in anchorer.matches:
                    continue  # a destination that is a reference, a link or another document
                if model is Annotation and item.parent_id:
                    placement = placed_parents.get(item.parent_id, ORPHAN)
                    placement = Placement(placement.anchoring, placement.passage)
                else:
                    placement = anchorer.place(**selectors(item, end))
                old_quote, new_quote = getattr(item, f"{end}exact") or passage.text, ""
                if placement.passage is not None:
                    for name, value in end_fields(placement, end).items():
                        setattr(item, name, value)
                    touched.add(placement.passage.pk)
                    new_quote = getattr(item, f"{end}exact") or placement.passage.text
                else:
                    setattr(item, f"{end}anchoring", Anchoring.ORPHAN)
                report.moves.append(Move(item, end, placement.anchoring, old_quote, new_quote))
                states.append(placement.anchoring)
                if model is Annotation:
                    placed_parents[item.pk] = placement
            if not states:
                continue
            state = max(states, key=RANK.__getitem__)
            report.add(label, state)
            save_move(item, user, document.revision, orphaned=state == Anchoring.ORPHAN)
            if model is CrossReference and item.to_passage_id:
                documents.add(item.to_passage.document_id)
            documents.add(item.passage.document_id)
    touch(*documents, passages=touched)
    return report


def save_move(item, user, number, *, orphaned):
    """Save ``item`` (its fields already set) as its own revision."""
    item.version += 1
    with reversion.create_revision(atomic=False):
        item.save()
        reversion.set_user(user)
        reversion.set_comment(
            f"orphaned at revision {number}: kept on its old revision"
            if orphaned
            else f"re-anchored to revision {number}"
        )


def on_revision_received(sender, *, document, previous, matches, user=None, **kwargs):
    """``archive.signals.revision_received``: re-anchor the document's scholarship."""
    return reanchor(document=document, previous=previous, matches=matches, user=user)


def connect():
    revision_received.connect(
        on_revision_received, sender=Document, dispatch_uid="annotations.reanchor"
    )


# ---------------------------------------------------------------------------
# The orphan queue (moderators)
# ---------------------------------------------------------------------------

#: The kinds of scholarly record that can be orphans, by the name used in forms and URLs.
ORPHAN_MODELS = {"annotation": Annotation, "flag": DisputedClaim, "crossref": CrossReference}


def orphaned(model):
    """The records of ``model`` with an orphaned end, oldest first."""
    condition = Q(anchoring=Anchoring.ORPHAN)
    if model is CrossReference:
        condition |= Q(to_anchoring=Anchoring.ORPHAN)
    related = ["passage__document", "author"]
    if model is CrossReference:
        related.append("to_passage__document")
    return model.objects.filter(condition).select_related(*related).order_by("created")


def orphan_end(item):
    """The prefix of the orphaned end of ``item`` (the source first)."""
    if item.anchoring == Anchoring.ORPHAN:
        return SOURCE
    if isinstance(item, CrossReference) and item.to_anchoring == Anchoring.ORPHAN:
        return DESTINATION
    raise ValidationError("This record is not an orphan.")


def _locked_orphan(item, user):
    if not can_moderate_annotations(user):
        raise PermissionDenied("Only moderators handle orphans.")
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)
    return current, orphan_end(current)


def reattach_orphan(*, item, user, target):
    """Put an orphan's orphaned end on ``target`` (a ``TargetData`` on a passage of its
    document's current revision), as one revision; it keeps the revision it was written on."""
    with transaction.atomic():
        current, end = _locked_orphan(item, user)
        old_passage = getattr(current, f"{end}passage")
        passage = target.passage
        current_ones = Passage.objects.filter(document=old_passage.document_id)  # current only
        if not current_ones.filter(pk=passage.pk).exists():
            raise ValidationError(
                "Choose a passage of the current revision of the orphan's own document."
            )
        fields = target_fields(target)
        fields.pop("written_on")
        fields["anchoring"] = Anchoring.REATTACHED
        for name, value in fields.items():
            setattr(current, f"{end}{name}", value)
        current.version += 1
        with reversion.create_revision(atomic=False):
            current.save()
            reversion.set_user(user)
            reversion.set_comment(f"Re-attached to revision {passage.revision} by a moderator")
        touch(passage.document_id, passages=[old_passage.pk, passage.pk])
    return current


def retire_orphan(*, item, user, note):
    """Take an orphan out of the queue with a required note; it stays on its old revision."""
    if not (note or "").strip():
        raise ValidationError("A note is required to retire an orphan.")
    with transaction.atomic():
        current, end = _locked_orphan(item, user)
        setattr(current, f"{end}anchoring", Anchoring.RETIRED)
        current.version += 1
        with reversion.create_revision(atomic=False):
            current.save()
            reversion.set_user(user)
            reversion.set_comment(f"Retired orphan. {note.strip()}")
        passage = getattr(current, f"{end}passage")
        touch(passage.document_id, passages=[passage.pk])
    return current
