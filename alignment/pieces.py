"""Pieces of a passage: an original paragraph cut at the spans that several translation
passages render, so that each piece stands beside its translation (``alignment.compare``).

A cut never falls inside a footnote marker, and joining the pieces gives the passage back.
"""

from dataclasses import dataclass

from archive.reading import Highlight, Segment


@dataclass
class Piece:
    """Part of a passage's text, as segments for ``{% passage_text %}``."""

    passage: object
    start: int
    end: int
    segments: list
    first: bool
    last: bool


def cut_segments(segments, cuts):
    """Split ``segments`` (which cover a passage's text in order) at the offsets ``cuts``;
    return one list of segments per part. A segment cut in two keeps its marks on both sides;
    the label that closes a mark goes with the second part."""
    cuts = sorted(set(cuts))
    parts, current, position, index = [], [], 0, 0
    for segment in segments:
        start, end = position, position + len(segment.text)
        position = end
        offset = start
        while index < len(cuts) and cuts[index] < end:
            cut = cuts[index]
            index += 1
            if cut > offset:
                current.append(
                    Segment(segment.text[offset - start : cut - start], segment.note, segment.marks)
                )
                offset = cut
            if current:
                parts.append(current)
                current = []
        if offset < end or not segment.text:
            current.append(
                Segment(segment.text[offset - start :], segment.note, segment.marks, segment.closes)
            )
    if current:
        parts.append(current)
    return parts


def _has_words(text):
    return any(character.isalnum() for character in text)


def pieces_of(passage, bounds):
    """Cut ``passage`` at ``bounds`` ([(start, end), …], ordered, disjoint) into pieces that
    cover its whole text: the spans, and the text between them when it has words. A cut never
    falls inside a footnote marker."""
    text = passage.text
    spans, position = [], 0
    for start, end in bounds:
        if start > position:
            spans.append((position, start))
        spans.append((start, end))
        position = end
    if position < len(text):
        spans.append((position, len(text)))
    # Text without words between spans (a space) joins the piece before it.
    merged = []
    for start, end in spans:
        if merged and (not _has_words(text[start:end]) or not _has_words(text[slice(*merged[-1])])):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    markers, offset = [], 0
    for segment in passage.segments:
        if segment.note is not None:
            markers.append((offset, offset + len(segment.text)))
        offset += len(segment.text)
    cuts = []
    for start, _ in merged[1:]:
        for a, b in markers:
            if a < start < b:
                start = b
        cuts.append(start)
    cuts = sorted(set(cuts))
    parts = cut_segments(passage.segments, cuts)
    bounds = [0, *cuts, len(text)]
    return [
        Piece(
            passage,
            bounds[i],
            bounds[i + 1],
            _shifted(segments, bounds[i]),
            i == 0,
            i == len(parts) - 1,
        )
        for i, segments in enumerate(parts)
    ]


def _shifted(segments, offset):
    """The piece's segments with their highlights counted from the piece's start, so that
    whatever reads offsets in ``{% passage_text %}`` sees a text that starts at 0."""
    if not offset:
        return segments
    moved = {}

    def move(highlight):
        if id(highlight) not in moved:
            moved[id(highlight)] = Highlight(
                highlight.start - offset, highlight.end - offset, highlight.item
            )
        return moved[id(highlight)]

    return [
        Segment(
            segment.text,
            segment.note,
            [move(mark) for mark in segment.marks],
            [move(mark) for mark in segment.closes],
        )
        for segment in segments
    ]


def whole(passage):
    return Piece(passage, 0, len(passage.text), passage.segments, True, True)
