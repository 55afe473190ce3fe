"""The side-by-side view of a translation and its original, from a fixed number of queries.

``build_comparison(translation, user)`` reads both documents with ``archive.reading`` and
``annotations.reading`` (so passages carry their highlights and scholarship exactly as in the
reading view), the alignments between them, the "only in this version" marks and the
suggestions, and lays the passages out in rows:

- a row holds a group of passages linked by alignments: an original passage and the
  translation passages aligned with it, or a translation passage aligned with several
  original passages (one to many);
- when the translation passages of a row are aligned with separate, consecutive spans of a
  single original passage, the original passage is cut at those spans and each piece stands
  beside its translation (the original's paragraph is still one passage: its scholarship
  follows its last piece);
- an original passage with no counterpart, and a translation passage marked "only in this
  version" (or not aligned yet), get a row of their own; long runs of original passages with
  no counterpart are folded;
- for scholars, a translation passage nobody has aligned yet is laid out beside the original
  passage its pending suggestion proposes, marked as a suggestion.

Rows follow the original's order; a translation passage that is not aligned follows the row of
the translation passage before it.
"""

from dataclasses import dataclass, field

from annotations.models import DisputedClaim, FlagStatus
from annotations.permissions import can_create, can_moderate_flags
from annotations.reading import DocumentScholarship, PassageScholarship
from annotations.summary import summarise
from archive.reading import Highlight, build_reading

from .models import AlignmentSuggestion, DiscrepancySuggestion, NoCounterpart
from .pieces import pieces_of, whole
from .services import alignments

#: A run of more than this many original passages with no counterpart is folded.
FOLD_AFTER = 3


# ---------------------------------------------------------------------------
# Marks on the text and scholarship beside it
# ---------------------------------------------------------------------------


@dataclass
class CounterpartMark:
    """The original's span of an accepted discrepancy: marked inline, linked to the flag on
    the translation."""

    flag: DisputedClaim
    highlight_kind = "counterpart"

    @property
    def inline_label(self):
        if self.flag.status in (FlagStatus.OPEN, FlagStatus.UNDER_REVIEW):
            return "[disputed in translation]"
        return f"[translation dispute {self.flag.get_status_display().lower()}]"

    def get_absolute_url(self):
        return self.flag.get_absolute_url()


@dataclass
class SuggestedMark:
    """A span a pending suggested discrepancy points at (shown to scholars only)."""

    suggestion: DiscrepancySuggestion
    highlight_kind = "suggested"
    inline_label = ""


class CompareScholarship:
    """A document's scholarship for the compare view: the alignments between the two texts are
    left out of the asides (the rows show them), and extra spans are marked."""

    def __init__(self, base, hidden_crossrefs, extra_highlights):
        self.base = base
        self.hidden = hidden_crossrefs
        self.extra = extra_highlights

    def highlights_for(self, passage_id):
        return [*self.base.highlights_for(passage_id), *self.extra.get(passage_id, ())]

    def items_for(self, passage_id):
        items = self.base.items_for(passage_id)
        return PassageScholarship(
            annotations=items.annotations,
            flags=items.flags,
            crossrefs=[(c, d) for c, d in items.crossrefs if c.pk not in self.hidden],
        )


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------


@dataclass
class Link:
    """An alignment of a translation passage with an original passage (or span): accepted (a
    cross-reference) or, for scholars, suggested (a pending suggestion)."""

    passage: object
    to_passage: object
    to_start: object
    to_end: object
    crossref: object = None
    suggestion: object = None
    #: True when the row shows exactly this span of the original beside the translation.
    beside: bool = False

    @property
    def is_span(self):
        return self.to_start is not None

    @property
    def provisional(self):
        return self.crossref is None


@dataclass
class Pair:
    """One line of a row: original pieces beside translation passages."""

    originals: list
    translations: list
    #: Links shown with this line (their quotes say what each translation passage renders).
    links: list = field(default_factory=list)

    @property
    def provisional(self):
        return bool(self.links) and all(link.provisional for link in self.links)

    @property
    def translation_flags(self):
        """The flags on this line's translation passages, to show beside the original too."""
        accepted = {link.passage.pk for link in self.links if not link.provisional}
        return [
            (flag, passage)
            for passage in self.translations
            if passage.pk in accepted
            for flag in passage.scholarship.flags
        ]


@dataclass
class Row:
    number: int = 0
    pairs: list = field(default_factory=list)
    originals: list = field(default_factory=list)
    translations: list = field(default_factory=list)
    links: list = field(default_factory=list)
    #: "aligned", "suggested", "one-to-many", "original-only", "translation-only",
    #: "unaligned"
    state: str = "aligned"
    #: The original's section the row's first original passage belongs to.
    section: object = None

    @property
    def label(self):
        parts = []
        if self.originals:
            parts.append("original ¶" + _orders(self.originals))
        if self.translations:
            parts.append("translation ¶" + _orders(self.translations))
        return " ↔ ".join(parts)


def _orders(passages):
    orders = sorted(p.order for p in passages)
    if len(orders) > 1 and orders == list(range(orders[0], orders[-1] + 1)):
        return f"{orders[0]}–{orders[-1]}"
    return ", ".join(str(o) for o in orders)


@dataclass
class FoldedRun:
    """A run of original passages with no counterpart, folded under a summary."""

    rows: list
    sections: list

    is_fold = True


class _Components:
    def __init__(self):
        self.parent = {}

    def find(self, node):
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def _flatten(reading):
    """(passage, section node) in reading order: the lead, then body sections, depth first;
    the original's lists (references, links, notes) are not compared."""
    found = [(p, None) for block in reading.lead for p in block.passages]

    def walk(node):
        if node.kind == "body":
            for block in node.blocks:
                found.extend((p, node) for p in block.passages)
        for child in node.children:
            walk(child)

    for node in reading.sections:
        walk(node)
    return found


def _disjoint(links):
    spans = sorted((link.to_start, link.to_end) for link in links)
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def _lay_out(component_originals, component_translations, links):
    """The pairs of one row, and its state."""
    originals = sorted(component_originals, key=lambda p: p.order)
    translations = sorted(component_translations, key=lambda p: p.order)
    per_translation = {}
    for link in links:
        per_translation.setdefault(link.passage.pk, []).append(link)
    if (
        len(originals) == 1
        and links
        and all(link.is_span for link in links)
        and all(len(v) == 1 for v in per_translation.values())
        and _disjoint(links)
    ):
        original = originals[0]
        ordered = sorted(links, key=lambda link: link.to_start)
        pieces = pieces_of(original, [(link.to_start, link.to_end) for link in ordered])
        pairs = []
        for piece in pieces:
            matching = [
                link
                for link in ordered
                if piece.start <= link.to_start and link.to_end <= piece.end
            ]
            for link in matching:
                link.beside = True
                if link.suggestion is not None:
                    link.suggestion.beside = True
            pairs.append(
                Pair(
                    originals=[piece],
                    translations=[link.passage for link in matching],
                    links=matching,
                )
            )
        state = "suggested" if all(link.provisional for link in links) else "aligned"
        return pairs, state
    pair = Pair(
        originals=[whole(p) for p in originals],
        translations=translations,
        links=sorted(links, key=lambda link: (link.passage.order, link.to_passage.order)),
    )
    if not originals:
        return [pair], "translation-only"
    if not translations:
        return [pair], "original-only"
    state = "one-to-many" if any(len(v) > 1 for v in per_translation.values()) else "aligned"
    if all(link.provisional for link in links):
        state = "suggested"
    return [pair], state


@dataclass
class Comparison:
    translation: object
    original: object
    items: list
    rows: list
    stats: dict
    #: Original passages, for the "align with…" choices.
    original_passages: list
    can_decide: bool
    can_moderate: bool
    pending_alignment_count: int
    pending_discrepancy_count: int


def build_comparison(translation, user):
    """Everything the compare page shows; a fixed number of queries whatever the size."""
    original = translation.translation_of
    may_decide = can_create(user)
    records = Records.load(translation, original)
    original_extra, translation_extra = discrepancy_marks(records.discrepancies, may_decide)
    hidden = {crossref.pk for crossref in records.crossrefs}
    t_flat = _flatten(read_with_scholarship(translation, user, hidden, translation_extra))
    o_flat = _flatten(read_with_scholarship(original, user, hidden, original_extra))
    t_passages = [p for p, _ in t_flat]
    o_passages = [p for p, _ in o_flat]
    for passage in (*t_passages, *o_passages):
        passage.summary = summarise(passage.scholarship)
    links = alignment_links(records, t_passages, o_passages, may_decide)
    describe_translations(records, t_passages, o_passages, links, may_decide)
    rows = lay_out_rows(o_flat, t_passages, links)
    return Comparison(
        translation=translation,
        original=original,
        items=_fold(rows),
        rows=rows,
        stats=statistics(t_passages, o_passages, links, records.crossrefs),
        original_passages=o_passages,
        can_decide=may_decide,
        can_moderate=can_moderate_flags(user),
        pending_alignment_count=len(records.suggestions),
        pending_discrepancy_count=sum(1 for s in records.discrepancies if s.is_pending),
    )


def read_with_scholarship(document, user, hidden, extra):
    """The document's reading tree, its passages carrying what ``user`` may see of their
    scholarship, with the pair's alignments (``hidden``) left out and ``extra`` marks added."""
    scholarship = DocumentScholarship.for_document(document, user)
    return build_reading(document, CompareScholarship(scholarship, hidden, extra))


@dataclass
class Records:
    """What the pair's alignment work holds: accepted alignments (cross-references), "only in
    this version" marks, pending alignment suggestions, pending and accepted discrepancies."""

    crossrefs: list
    marks: list
    suggestions: list
    discrepancies: list

    @classmethod
    def load(cls, translation, original):
        return cls(
            crossrefs=list(
                alignments(translation, original)
                .select_related("author__profile", "passage", "to_passage")
                .order_by("created")
            ),
            marks=list(
                NoCounterpart.objects.live()
                .filter(passage__document=translation, original=original)
                .select_related("author__profile")
            ),
            suggestions=list(
                AlignmentSuggestion.objects.pending()
                .filter(passage__document=translation, original=original)
                .order_by("passage__order", "-score")
            ),
            discrepancies=list(
                DiscrepancySuggestion.objects.for_translation(translation)
                .filter(status__in=["pending", "accepted"])
                .select_related("flag")
                .order_by("passage__order", "start")
            ),
        )

    def suggestions_by_passage(self):
        grouped = {}
        for suggestion in self.suggestions:
            grouped.setdefault(suggestion.passage_id, []).append(suggestion)
        return grouped


def discrepancy_marks(discrepancies, may_decide):
    """Extra highlights ({passage id: [Highlight]}) for the original and the translation:
    accepted discrepancies on the original's span; pending ones (scholars) on both."""
    original_extra, translation_extra = {}, {}
    for suggestion in discrepancies:
        if suggestion.is_pending:
            if may_decide:
                mark = SuggestedMark(suggestion)
                translation_extra.setdefault(suggestion.passage_id, []).append(
                    Highlight(suggestion.start, suggestion.end, mark)
                )
                if suggestion.original_items:
                    # Only where the original's span is the figure, date or name itself, not
                    # a sentence quoted for context.
                    original_extra.setdefault(suggestion.to_passage_id, []).append(
                        Highlight(suggestion.to_start, suggestion.to_end, mark)
                    )
        elif suggestion.flag_id:
            original_extra.setdefault(suggestion.to_passage_id, []).append(
                Highlight(suggestion.to_start, suggestion.to_end, CounterpartMark(suggestion.flag))
            )
    return original_extra, translation_extra


def alignment_links(records, t_passages, o_passages, may_decide):
    """Links: accepted alignments; for scholars, pending suggestions of translation passages
    nobody has aligned or marked yet."""
    t_by_id = {p.pk: p for p in t_passages}
    o_by_id = {p.pk: p for p in o_passages}
    links = [
        Link(
            t_by_id[crossref.passage_id],
            o_by_id[crossref.to_passage_id],
            crossref.to_start,
            crossref.to_end,
            crossref=crossref,
        )
        for crossref in records.crossrefs
        if crossref.passage_id in t_by_id and crossref.to_passage_id in o_by_id
    ]
    if not may_decide:
        return links
    settled = {link.passage.pk for link in links} | {mark.passage_id for mark in records.marks}
    for passage_id, pending in records.suggestions_by_passage().items():
        if passage_id in settled or passage_id not in t_by_id:
            continue
        links.extend(
            Link(
                t_by_id[passage_id],
                o_by_id[suggestion.to_passage_id],
                suggestion.to_start,
                suggestion.to_end,
                suggestion=suggestion,
            )
            for suggestion in pending
            if suggestion.to_passage_id in o_by_id
        )
    return links


def describe_translations(records, t_passages, o_passages, links, may_decide):
    """What each translation passage carries besides its text: its links, its mark, its
    pending suggestions and discrepancies (with the flags each overlaps)."""
    o_by_id = {p.pk: p for p in o_passages}
    marked = {mark.passage_id: mark for mark in records.marks}
    suggestions_by_passage = records.suggestions_by_passage()
    for suggestion in records.suggestions:
        suggestion.to_passage_shown = o_by_id.get(suggestion.to_passage_id)
    links_by_translation, discrepancies_by_passage = {}, {}
    for link in links:
        links_by_translation.setdefault(link.passage.pk, []).append(link)
    for suggestion in records.discrepancies:
        if suggestion.is_pending and may_decide:
            discrepancies_by_passage.setdefault(suggestion.passage_id, []).append(suggestion)
    all_flags = [flag for p in t_passages for flag in p.scholarship.flags]
    for passage in t_passages:
        passage.no_counterpart = marked.get(passage.pk)
        passage.links = links_by_translation.get(passage.pk, [])
        passage.accepted_links = [link for link in passage.links if not link.provisional]
        passage.pending_suggestions = (
            suggestions_by_passage.get(passage.pk, []) if may_decide else []
        )
        passage.discrepancies = discrepancies_by_passage.get(passage.pk, [])
        for suggestion in passage.discrepancies:
            suggestion.overlapping = [
                flag
                for flag in all_flags
                if flag.passage_id == suggestion.passage_id
                and (
                    not flag.is_span
                    or (flag.start < suggestion.end and suggestion.start < flag.end)
                )
            ]
            suggestion.to_passage_shown = o_by_id.get(suggestion.to_passage_id)


def linked_groups(o_passages, t_passages, links):
    """Passages linked by alignments, as (originals, translations, links) groups."""
    components = _Components()
    for passage in o_passages:
        components.find(("o", passage.pk))
    for passage in t_passages:
        components.find(("t", passage.pk))
    for link in links:
        components.union(("t", link.passage.pk), ("o", link.to_passage.pk))
    groups = {}
    for passage in o_passages:
        groups.setdefault(components.find(("o", passage.pk)), ([], [], []))[0].append(passage)
    for passage in t_passages:
        groups.setdefault(components.find(("t", passage.pk)), ([], [], []))[1].append(passage)
    for link in links:
        groups[components.find(("t", link.passage.pk))][2].append(link)
    return groups.values()


def lay_out_rows(o_flat, t_passages, links):
    """The numbered rows, in the original's order; a translation passage with no original
    goes after the row of the translation passage before it."""
    section_of = {p.pk: node for p, node in o_flat}
    with_original, translation_only = [], []
    for group_originals, group_translations, group_links in linked_groups(
        [p for p, _ in o_flat], t_passages, links
    ):
        pairs, state = _lay_out(group_originals, group_translations, group_links)
        if state == "translation-only":
            passage = group_translations[0]
            state = "translation-only" if passage.no_counterpart else "unaligned"
        row = Row(
            pairs=pairs,
            originals=sorted(group_originals, key=lambda p: p.order),
            translations=sorted(group_translations, key=lambda p: p.order),
            links=group_links,
            state=state,
        )
        if row.originals:
            row.section = section_of.get(row.originals[0].pk)
            with_original.append(row)
        else:
            translation_only.append(row)
    rows = sorted(with_original, key=lambda row: row.originals[0].order)
    for row in sorted(translation_only, key=lambda row: row.translations[0].order):
        order = row.translations[0].order
        index = 0
        for position, other in enumerate(rows):
            if any(p.order < order for p in other.translations):
                index = position + 1
        rows.insert(index, row)
    for number, row in enumerate(rows, start=1):
        row.number = number
    return rows


def statistics(t_passages, o_passages, links, crossrefs):
    t_total = len(t_passages)
    t_aligned = sum(1 for p in t_passages if p.accepted_links)
    t_marked = sum(1 for p in t_passages if p.no_counterpart and not p.accepted_links)
    o_linked = {link.to_passage.pk for link in links if not link.provisional}
    return {
        "translation_passages": t_total,
        "aligned": t_aligned,
        "marked": t_marked,
        "open": t_total - t_aligned - t_marked,
        "original_passages": len(o_passages),
        "original_aligned": len(o_linked),
        "original_without": len(o_passages) - len(o_linked),
        "crossrefs": len(crossrefs),
    }


def _fold(rows):
    """Rows, with runs of more than FOLD_AFTER original-only rows folded."""
    items, run = [], []

    def flush():
        if len(run) > FOLD_AFTER:
            sections = []
            for row in run:
                if row.section is not None and row.section.section not in sections:
                    sections.append(row.section.section)
            items.append(FoldedRun(list(run), sections))
        else:
            items.extend(run)
        run.clear()

    for row in rows:
        if row.state == "original-only":
            run.append(row)
        else:
            flush()
            items.append(row)
    flush()
    return items
