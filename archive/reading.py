"""The reading view of a document, assembled in Python from a fixed number of queries.

``build_reading(document)`` runs five queries whatever the size of the document (sections,
passages, notes, listed references, listed links) and groups the rows into a tree that the
templates walk without touching the database again.
"""

from dataclasses import dataclass, field
from itertools import groupby

from .models import (
    DocumentLink,
    DocumentReference,
    LinkKind,
    Note,
    Passage,
    PassageKind,
    ReferenceRole,
    Section,
    SectionKind,
)

#: What a structured section lists instead of (or besides) its passages.
REFERENCE_ROLE_BY_KIND = {
    SectionKind.REFERENCES: ReferenceRole.CITED,
    SectionKind.FURTHER_READING: ReferenceRole.FURTHER_READING,
}
LINK_KIND_BY_KIND = {
    SectionKind.SEE_ALSO: LinkKind.SEE_ALSO,
    SectionKind.EXTERNAL_LINKS: LinkKind.EXTERNAL,
}
MAX_HEADING_LEVEL = 6


@dataclass
class Segment:
    """A run of passage text, or a footnote marker (``note`` set, ``text`` the marker).

    ``marks`` are the highlighted spans covering the run; ``closes`` the spans that end with it.
    """

    text: str
    note: object = None
    marks: list = field(default_factory=list)
    closes: list = field(default_factory=list)


@dataclass(frozen=True)
class Highlight:
    """A span of a passage that the reading view marks, e.g. an annotation or a disputed claim."""

    start: int
    end: int
    item: object


@dataclass
class Block:
    """A paragraph, a quotation, or a run of consecutive list items."""

    kind: str
    passages: list

    @property
    def is_list(self):
        return self.kind == PassageKind.LIST_ITEM


@dataclass
class SectionNode:
    section: object
    depth: int
    blocks: list = field(default_factory=list)
    children: list = field(default_factory=list)
    #: DocumentReference rows (References, Further reading).
    listed_references: list = field(default_factory=list)
    #: DocumentLink rows (See also, External links).
    listed_links: list = field(default_factory=list)
    #: Note rows (Notes).
    notes: list = field(default_factory=list)
    #: Scholarly items on the section's passages and its subsections' (the reading room).
    item_count: int = 0

    @property
    def heading_level(self):
        return min(self.depth + 1, MAX_HEADING_LEVEL)

    @property
    def kind(self):
        return self.section.kind

    @property
    def no_link_has_url(self):
        """True when none of the listed links has a URL: say so once, not on every entry."""
        return bool(self.listed_links) and not any(row.link.url for row in self.listed_links)


@dataclass
class Reading:
    lead: list
    sections: list
    notes: list
    #: True when the document has no Notes section, so the notes are listed after the text.
    notes_need_section: bool
    #: Every passage, in order.
    passages: list = field(default_factory=list)


def note_marker(note):
    return f"[{note.marker}]"


def split_passage(passage, notes, highlights=()):
    """Cut the passage text at its footnote markers and highlight boundaries.

    A note is linked when its marker is found in the text: at its recorded offset, or else
    at the first occurrence of the marker. A highlight boundary that falls inside a marker
    unlinks it. The text is never altered: joining the segments' texts gives it back.
    """
    text = passage.text
    markers = {}
    for note in notes:
        marker = note_marker(note)
        start = note.offset if text.startswith(marker, note.offset) else text.find(marker)
        note.linked = start >= 0
        if not note.linked:
            continue
        if any(
            start < other_end and other < start + len(marker)
            for other, (_, other_end) in markers.items()
        ):
            note.linked = False  # overlapping markers: keep the text whole
            continue
        markers[start] = (note, start + len(marker))
    spans = [h for h in highlights if 0 <= h.start < h.end <= len(text)]
    cuts = {0, len(text)}
    for start, (_, end) in markers.items():
        cuts.update((start, end))
    for highlight in spans:
        cuts.update((highlight.start, highlight.end))
    for start, (note, end) in list(markers.items()):
        if any(start < cut < end for cut in cuts):
            note.linked = False
            del markers[start]
    bounds = sorted(cuts)
    # Every span starts and ends at a cut, so a sweep over the cuts knows which spans cover
    # each segment (kept in the order they were given).
    starting, ending = {}, {}
    for number, highlight in enumerate(spans):
        starting.setdefault(highlight.start, []).append(number)
        ending.setdefault(highlight.end, []).append(number)
    active = set()
    segments = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        active.update(starting.get(start, ()))
        active.difference_update(ending.get(start, ()))
        note = markers[start][0] if start in markers and markers[start][1] == end else None
        segments.append(
            Segment(
                text[start:end],
                note,
                marks=[spans[number] for number in sorted(active)],
                closes=[spans[number] for number in ending.get(end, ())],
            )
        )
    return segments or [Segment("")]


def group_blocks(passages):
    """Consecutive list items form one block; every other passage is a block of its own."""
    blocks = []
    for kind, run in groupby(passages, key=lambda passage: passage.kind):
        if kind == PassageKind.LIST_ITEM:
            blocks.append(Block(kind, list(run)))
        else:
            blocks.extend(Block(kind, [passage]) for passage in run)
    return blocks


def section_tree(sections, listed_references, listed_links, notes):
    """The sections as a tree ({id: SectionNode}, root nodes), each list section with its rows
    (references, links or notes)."""
    nodes, roots = {}, []
    for section in sections:
        parent = nodes.get(section.parent_id)
        node = SectionNode(section, depth=parent.depth + 1 if parent else 1)
        nodes[section.pk] = node
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        kind = node.section.kind
        if kind in REFERENCE_ROLE_BY_KIND:
            role = REFERENCE_ROLE_BY_KIND[kind]
            node.listed_references = [row for row in listed_references if row.role == role]
        elif kind in LINK_KIND_BY_KIND:
            link_kind = LINK_KIND_BY_KIND[kind]
            node.listed_links = [row for row in listed_links if row.link.kind == link_kind]
        elif kind == SectionKind.NOTES:
            node.notes = notes
    return nodes, roots


def parts_of(document, revision=None):
    """The querysets of the document's sections, passages, notes and lists: of its current
    revision, or of revision number ``revision``."""
    if revision is None or revision == document.revision:
        return (
            document.sections,
            document.passages,
            document.notes,
            document.listed_references,
            document.listed_links,
        )
    return tuple(
        model.all_revisions.filter(document=document, revision=revision)
        for model in (Section, Passage, Note, DocumentReference, DocumentLink)
    )


def build_reading(document, scholarship=None, revision=None):
    """Group the document's records for the reading view: its current revision's, or those of
    revision number ``revision``.

    ``scholarship``, when given, supplies for each passage id the Highlight spans to mark in
    its text (``highlights_for``) and what to show beside it (``items_for``), from queries it
    made beforehand.
    """
    sections, passages, notes, listed_references, listed_links = parts_of(document, revision)
    sections = list(sections.order_by("order"))
    passages = list(passages.select_related("change_counter").order_by("order"))
    notes = list(notes.order_by("passage__order", "offset"))
    listed_references = list(
        listed_references.select_related("reference").order_by("role", "order")
    )
    listed_links = list(listed_links.select_related("link").order_by("order"))

    for passage in passages:
        passage.document = document  # known: no query for each passage's link
    notes_by_passage = {}
    for note in notes:
        notes_by_passage.setdefault(note.passage_id, []).append(note)
    for passage in passages:
        highlights = scholarship.highlights_for(passage.pk) if scholarship else ()
        passage.note_list = notes_by_passage.get(passage.pk, [])
        passage.segments = split_passage(passage, passage.note_list, highlights)
        passage.scholarship = scholarship.items_for(passage.pk) if scholarship else None

    nodes, roots = section_tree(sections, listed_references, listed_links, notes)

    lead = []
    passages_by_section = {}
    for passage in passages:
        passages_by_section.setdefault(passage.section_id, []).append(passage)
    for section_id, section_passages in passages_by_section.items():
        node = nodes.get(section_id)
        if node is None:
            lead = group_blocks(section_passages)
            continue
        # A structured section shows its rows, each with its original line; a passage that
        # is exactly such a line is not repeated.
        listed = {row.reference.original_line for row in node.listed_references}
        listed |= {row.link.original_line for row in node.listed_links}
        node.blocks = group_blocks([p for p in section_passages if p.text not in listed])

    has_notes_section = any(node.kind == SectionKind.NOTES for node in nodes.values())
    return Reading(
        lead=lead,
        sections=roots,
        notes=notes,
        notes_need_section=bool(notes) and not has_notes_section,
        passages=passages,
    )
