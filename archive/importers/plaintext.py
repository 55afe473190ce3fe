"""Parse a plain-text article export into sections, passages, notes, references and links."""

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from .citations import (
    ParsedLink,
    ParsedReference,
    parse_external_link,
    parse_reference,
    parse_see_also,
)

HEADING = re.compile(r"^(={2,6})\s*(.+?)\s*\1\s*$")
#: ``[a]`` after a non-space character and before a space or the end of the line.
NOTE_MARKER = re.compile(r"(?<=\S)\[([a-z]{1,2})\](?=\s|$)")
NOTE_TEXT = re.compile(r"^(?P<marker>[a-z]{1,2})(?:\.|\s*\^)\s+(?P<text>.+)$")
BULLET = re.compile(r"^(?:\* |- |• )")
LABEL = re.compile(r"^[^.:]{1,40}: ")
TERMINAL_PUNCTUATION = (".", "!", "?", '"', "”", ")", "…")
RESERVED_ANCHOR = re.compile(r"^(?:p|p-\d+|note-[a-z]{1,2})$")
ANCHOR_MAX_LENGTH = 100

SECTION_KINDS = {
    "see also": "see_also",
    "notes": "notes",
    "references": "references",
    "further reading": "further_reading",
    "external links": "external_links",
}
REFERENCE_ROLES = {"references": "cited", "further_reading": "further_reading"}


@dataclass
class ParsedSection:
    """A heading: its level, text, kind and anchor, and its parent's ``order``."""

    order: int
    level: int
    heading: str
    kind: str
    anchor: str
    line_number: int
    parent: int | None = None


@dataclass
class ParsedPassage:
    """One line of running text; ``section`` is the ``order`` of its section (None: lead)."""

    order: int
    kind: str
    text: str
    line_number: int
    section: int | None = None

    @property
    def anchor(self):
        return f"p-{self.order}"


@dataclass
class ParsedNote:
    """A footnote marker in a passage (by the passage's ``order``), and its text if given."""

    marker: str
    passage: int
    offset: int
    text: str = ""


@dataclass
class ParseResult:
    """Everything the parser found in one text, plus its warnings, ordered by line."""

    sections: list[ParsedSection] = field(default_factory=list)
    passages: list[ParsedPassage] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)
    references: list[ParsedReference] = field(default_factory=list)
    links: list[ParsedLink] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_lines(text):
    """Split on ``\\n`` only and drop one trailing ``\\r`` per line (CRLF files)."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def is_blank(line):
    """Say whether a line has nothing but whitespace."""
    return not line.strip()


def ends_sentence(line):
    """Say whether a line ends in terminal punctuation."""
    return line.rstrip().endswith(TERMINAL_PUNCTUATION)


def introduces(line):
    """Say whether a line announces what follows (ends in ``:``, ``,`` or no punctuation)."""
    return not ends_sentence(line)


def starts_lowercase(line):
    """Say whether a line begins with a lowercase letter."""
    return bool(line) and line[0].islower()


def looks_like_item(line):
    """Say whether a line reads as a list item (lowercase start or a short label and colon)."""
    return starts_lowercase(line) or bool(LABEL.match(line))


def section_kind(heading):
    """Return the section kind that a heading names (``body`` by default)."""
    return SECTION_KINDS.get(heading.strip().lower(), "body")


class _Warnings:
    def __init__(self):
        self._items = []

    def add(self, line_number, message):
        self._items.append((line_number or 0, len(self._items), message))

    def sorted(self):
        return [message for _, _, message in sorted(self._items)]


def parse(text):
    """Parse a decoded plain-text article into a :class:`ParseResult`."""
    return _Parser(text).run()


class _Parser:
    def __init__(self, text):
        self.lines = split_lines(text)
        self.result = ParseResult()
        self.warnings = _Warnings()
        self.anchors = set()
        self.note_lines = []

    def run(self):
        section = None
        for number, line in enumerate(self.lines, start=1):
            if is_blank(line):
                if line:
                    self.warnings.add(
                        number, f"line {number} holds only whitespace ({line!r}); read as blank"
                    )
                continue
            heading = HEADING.match(line)
            if heading:
                section = self._add_section(number, len(heading[1]), heading[2])
                continue
            kind = section.kind if section else "body"
            if kind == "body":
                self.result.passages.append(
                    ParsedPassage(
                        order=len(self.result.passages) + 1,
                        kind="paragraph",
                        text=line,
                        line_number=number,
                        section=section.order if section else None,
                    )
                )
            elif kind in REFERENCE_ROLES:
                self._add_reference(number, line, REFERENCE_ROLES[kind])
            elif kind == "see_also":
                self._add_link(parse_see_also(line, number))
            elif kind == "external_links":
                self._add_link(parse_external_link(line, number))
            else:
                self.note_lines.append((number, line))
        self._assign_passage_kinds()
        self._warn_continuations()
        self._find_notes()
        self.result.warnings = self.warnings.sorted()
        return self.result

    # -- sections --------------------------------------------------------------------------

    def _add_section(self, number, level, heading):
        parent = None
        for earlier in reversed(self.result.sections):
            if earlier.level < level:
                parent = earlier.order
                break
        section = ParsedSection(
            order=len(self.result.sections) + 1,
            level=level,
            heading=heading,
            kind=section_kind(heading),
            anchor=self._anchor_for(heading),
            line_number=number,
            parent=parent,
        )
        self.result.sections.append(section)
        return section

    def _anchor_for(self, heading):
        base = slugify(heading)[:ANCHOR_MAX_LENGTH].strip("-") or "section"
        if RESERVED_ANCHOR.match(base):
            base = f"section-{base}"
        anchor, number = base, 1
        while anchor in self.anchors:
            number += 1
            anchor = f"{base}-{number}"
        self.anchors.add(anchor)
        return anchor

    # -- references and links ----------------------------------------------------------------

    def _add_reference(self, number, line, role):
        ref = parse_reference(line, number)
        ref.role = role
        ref.order = 1 + sum(1 for other in self.result.references if other.role == role)
        for problem in ref.problems:
            self.warnings.add(number, f"line {number}: {problem}")
        self.result.references.append(ref)

    def _add_link(self, link):
        for other in self.result.links:
            if (other.original_line, other.kind) == (link.original_line, link.kind):
                self.warnings.add(
                    link.line_number,
                    f"line {link.line_number} repeats line {other.line_number}; "
                    "the entry is listed once",
                )
                return
        link.order = 1 + sum(1 for other in self.result.links if other.kind == link.kind)
        for problem in link.problems:
            self.warnings.add(link.line_number, f"line {link.line_number}: {problem}")
        self.result.links.append(link)

    # -- passages ----------------------------------------------------------------------------

    def _passage_at(self):
        return {passage.line_number: passage for passage in self.result.passages}

    def _assign_passage_kinds(self):
        by_line = self._passage_at()
        decided = set()
        for passage in self.result.passages:
            if BULLET.match(passage.text):
                passage.kind = "list_item"
                decided.add(passage.line_number)
        for passage in self.result.passages:
            number = passage.line_number
            if not introduces(passage.text) or not is_blank(self._line(number + 1)):
                continue
            following = number + 1
            while following <= len(self.lines) and is_blank(self._line(following)):
                following += 1
            first = by_line.get(following)
            if first is None or first.section != passage.section or following in decided:
                continue
            run = []
            while following in by_line and looks_like_item(by_line[following].text):
                run.append(by_line[following])
                following += 1
            if len(run) >= 2:
                for item in run:
                    item.kind = "list_item"
                    decided.add(item.line_number)
            else:
                first.kind = "quotation"
                decided.add(first.line_number)

    def _line(self, number):
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def _warn_continuations(self):
        by_line = self._passage_at()
        for passage in self.result.passages:
            following = by_line.get(passage.line_number + 1)
            if following is None or ends_sentence(passage.text):
                continue
            if not starts_lowercase(following.text):
                continue
            if passage.kind == following.kind == "list_item":
                continue
            self.warnings.add(
                passage.line_number,
                f"line {passage.line_number} seems to continue on line "
                f"{following.line_number}; kept as two passages, as received",
            )

    # -- notes -------------------------------------------------------------------------------

    def _find_notes(self):
        texts = {}
        for number, line in self.note_lines:
            match = NOTE_TEXT.match(line)
            if not match:
                self.warnings.add(
                    number, f"line {number} in the notes is not a note ('a. text'): {line!r}"
                )
            elif match["marker"] in texts:
                self.warnings.add(
                    number, f"line {number}: a second text for note [{match['marker']}]: {line!r}"
                )
            else:
                texts[match["marker"]] = (number, match["text"])
        first_seen = {}
        for passage in self.result.passages:
            for match in NOTE_MARKER.finditer(passage.text):
                marker = match[1]
                if marker in first_seen:
                    self.warnings.add(
                        passage.line_number,
                        f"line {passage.line_number}: note [{marker}] is marked again "
                        f"(first on line {first_seen[marker]}); the note keeps its first place",
                    )
                    continue
                first_seen[marker] = passage.line_number
                text = texts.get(marker, (None, ""))[1]
                if not text:
                    self.warnings.add(
                        passage.line_number,
                        f"note [{marker}] (line {passage.line_number}) has no text in the source",
                    )
                self.result.notes.append(
                    ParsedNote(
                        marker=marker, passage=passage.order, offset=match.start(), text=text
                    )
                )
        for marker, (number, text) in texts.items():
            if marker not in first_seen:
                self.warnings.add(
                    number, f"line {number}: note [{marker}] is not marked in the text: {text!r}"
                )
