"""Import a TEI P5 document (this archive's export, or a plain TEI text) into the catalogue.

The TEI file is the received file: ``Document.source_text`` is its text, the checksum is of its
bytes, and a section's or passage's line number is the line of its element in it. The header
gives the record, ``text`` gives the sections (``div`` with a ``head``) and passages (``p``,
``quote``, list ``item``); notes, references and links come from the ``back`` when it carries
them, read with the same parsers as a plain-text file (a reference from the original line the
export keeps, else from the text of its ``bibl``).

Nothing is written unless the whole file can be read: a file that is not well-formed XML, or
whose root is not a TEI P5 ``TEI`` element, is an :class:`ImporterError` with one line.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify
from lxml import etree

from archive.models import Language, PassageKind, SectionKind

from .article import ArticleImporter, ImporterError, read_text
from .citations import parse_external_link, parse_reference, parse_see_also
from .plaintext import (
    ANCHOR_MAX_LENGTH,
    NOTE_MARKER,
    REFERENCE_ROLES,
    RESERVED_ANCHOR,
    ParsedNote,
    ParsedPassage,
    ParsedSection,
    ParseResult,
    section_kind,
)
from .revision import RevisionImporter

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
NAMESPACES = {"tei": TEI_NS}

#: Characters XML 1.0 cannot carry, not even as character references. The export writes each
#: as ``<g type="control" n="U+000C"/>``, and :func:`element_text` reads it back.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTROL_TYPE = "control"
#: Passage elements and the kind of passage each is.
PASSAGE_KINDS = {
    f"{{{TEI_NS}}}p": PassageKind.PARAGRAPH,
    f"{{{TEI_NS}}}quote": PassageKind.QUOTATION,
    f"{{{TEI_NS}}}item": PassageKind.LIST_ITEM,
}
#: A heading's level as the export writes it: ``<head rend="level-3">``.
HEAD_LEVEL = re.compile(r"\blevel-([2-6])\b")
#: Section kinds whose lines are list entries, not passages (see ``plaintext``).
ENTRY_KINDS = {kind for kind in SectionKind.values if kind != SectionKind.BODY}
#: Filename endings read as TEI whatever the file begins with.
TEI_SUFFIXES = {".xml", ".tei"}


def tei(name):
    """The Clark name of a TEI element: ``tei("p")`` is ``{http://www.tei-c.org/ns/1.0}p``."""
    return f"{{{TEI_NS}}}{name}"


def control_name(character):
    """``"\\x0c"`` → ``"U+000C"``."""
    return f"U+{ord(character):04X}"


def element_text(element):
    """The text of an element as the catalogue holds it: its string value, with each
    ``<g type="control" n="U+…">`` read back as the character it stands for."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == tei("g") and child.get("type") == CONTROL_TYPE:
            parts.append(chr(int(child.get("n", "U+FFFD")[2:], 16)))
        elif isinstance(child.tag, str):
            parts.append(element_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def looks_like_tei(path):
    """Whether ``path`` is to be read as TEI: by its ending (``.xml``, ``.tei``) or because it
    begins (after a byte-order mark and white space) with ``<?xml`` or ``<TEI``."""
    path = Path(path)
    if path.suffix.lower() in TEI_SUFFIXES:
        return True
    try:
        with path.open("rb") as file:
            start = file.read(512)
    except OSError:
        return False
    start = start.removeprefix(b"\xef\xbb\xbf").lstrip()
    return start.startswith((b"<?xml", b"<TEI"))


def parse_xml(data, path):
    """Parse bytes as XML without fetching or expanding anything; one-line errors."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        message = str(error.msg).splitlines()[0] if error.msg else "syntax error"
        raise ImporterError(
            f"not well-formed XML: {path} (line {line}, column {column}: {message})"
        ) from None
    if root.tag != tei("TEI"):
        name = etree.QName(root)
        found = f"<{name.localname}>" + (f" in {name.namespace}" if name.namespace else "")
        raise ImporterError(
            f"not a TEI P5 document: {path} (its root element is {found}, not <TEI> in {TEI_NS})"
        )
    return root


def first(root, path):
    """The first element at an XPath (TEI prefix ``tei:``), or None."""
    found = root.xpath(path, namespaces=NAMESPACES)
    return found[0] if found else None


def text_at(root, path):
    """The normalised text at an XPath, ``""`` when there is none."""
    element = first(root, path)
    return normalise(element_text(element)) if element is not None else ""


def normalise(text):
    """Header text as one line: runs of white space become one space."""
    return " ".join(text.split())


@dataclass
class TeiHeader:
    """What the ``teiHeader`` says of the document (empty strings where it says nothing)."""

    title: str = ""
    language: str = ""
    description: str = ""
    creator: str = ""
    provenance: str = ""
    source_url: str = ""
    licence: str = ""
    licence_url: str = ""
    date_received: dt.date | None = None


def read_header(root):
    """Read the record's fields from ``teiHeader``, as the export writes them."""
    if first(root, "tei:teiHeader") is None:
        raise ImporterError("the TEI document has no <teiHeader>")
    header = TeiHeader(
        title=text_at(root, "tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"),
        language=(
            root.get(XML_LANG)
            or first(root, "tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language/@ident")
            or ""
        ),
        description=text_at(root, "tei:teiHeader/tei:profileDesc/tei:abstract"),
        creator=text_at(root, "tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author"),
        provenance=text_at(root, "//tei:sourceDesc//tei:note[@type='provenance']"),
        licence=text_at(root, "//tei:publicationStmt/tei:availability/tei:licence"),
        licence_url=first(root, "//tei:publicationStmt/tei:availability/tei:licence/@target") or "",
    )
    header.source_url = first(root, "//tei:sourceDesc//tei:ref[@type='source']/@target") or ""
    received = first(root, "//tei:sourceDesc//tei:date[@type='received']/@when")
    if received:
        try:
            header.date_received = dt.date.fromisoformat(received)
        except ValueError:
            raise ImporterError(
                f"the date received in the TEI header is not a date: {received!r}"
            ) from None
    return header


class _BodyReader:
    """Read ``text`` into a :class:`ParseResult` of sections, passages, notes and entries."""

    def __init__(self, root):
        self.root = root
        self.result = ParseResult()
        self.anchors = set()

    def run(self):
        text = first(self.root, "tei:text")
        body = first(self.root, "tei:text/tei:body")
        if text is None or body is None:
            raise ImporterError("the TEI document has no <text> with a <body>")
        for part in (body, first(self.root, "tei:text/tei:back")):
            if part is not None:
                self.read_content(part, section=None, depth=0)
        self.find_notes()
        return self.result

    # -- structure --------------------------------------------------------------------------

    def read_content(self, element, section, depth):
        for child in element:
            if child.tag == tei("div"):
                self.read_div(child, section, depth + 1)
            elif child.tag in PASSAGE_KINDS:
                self.add_passage(child, section)
            elif child.tag == tei("list"):
                self.read_list(child, section)
            elif child.tag == tei("listBibl"):
                self.read_bibliography(child, section)
            elif child.tag in (tei("div1"), tei("div2"), tei("div3")):
                raise ImporterError(
                    f"line {child.sourceline}: numbered <{etree.QName(child).localname}> "
                    "divisions are not read; use <div>"
                )

    def read_div(self, div, parent, depth):
        head = first(div, "tei:head")
        if head is None:
            # A division without a heading (the export's notes when the text has no Notes
            # heading): its content belongs to the enclosing section.
            self.read_content(div, parent, depth - 1)
            return
        heading = normalise(element_text(head))
        level_match = HEAD_LEVEL.search(head.get("rend", ""))
        kind = div.get("type") if div.get("type") in ENTRY_KINDS else section_kind(heading)
        section = ParsedSection(
            order=len(self.result.sections) + 1,
            level=int(level_match[1]) if level_match else depth + 1,
            heading=heading,
            kind=kind,
            anchor=self.anchor_for(heading),
            line_number=head.sourceline or 0,
            parent=parent.order if parent else None,
        )
        self.result.sections.append(section)
        self.read_content(div, section, depth)

    def anchor_for(self, heading):
        """The anchor the plain-text parser gives a heading (so that both agree)."""
        base = slugify(heading)[:ANCHOR_MAX_LENGTH].strip("-") or "section"
        if RESERVED_ANCHOR.match(base):
            base = f"section-{base}"
        anchor, number = base, 1
        while anchor in self.anchors:
            number += 1
            anchor = f"{base}-{number}"
        self.anchors.add(anchor)
        return anchor

    def add_passage(self, element, section):
        kind = section.kind if section else SectionKind.BODY
        text = element_text(element)
        line = element.sourceline or 0
        if not text.strip():
            # A blank line is no passage in plain text either (and an export whose text
            # begins with a list section holds an empty <p/> only because TEI wants one).
            return
        if kind == SectionKind.SEE_ALSO:
            self.add_link(parse_see_also(text, line))
        elif kind == SectionKind.EXTERNAL_LINKS:
            self.add_link(parse_external_link(text, line))
        elif kind in REFERENCE_ROLES:
            self.add_reference(text, line, REFERENCE_ROLES[kind])
        elif kind == SectionKind.NOTES:
            self.result.warnings.append(
                f'line {line}: text in the notes outside a <note n="…"> is not read: {text!r}'
            )
        else:
            self.result.passages.append(
                ParsedPassage(
                    order=len(self.result.passages) + 1,
                    kind=PASSAGE_KINDS[element.tag],
                    text=text,
                    line_number=element.sourceline or 0,
                    section=section.order if section else None,
                )
            )

    def read_list(self, element, section):
        for item in element.iterchildren(tei("item")):
            self.add_passage(item, section)

    # -- references and links ---------------------------------------------------------------

    def read_bibliography(self, element, section):
        """A ``listBibl``: the references of the section it is in (the export's list of
        references catalogued from external-link lines is skipped: the links make them)."""
        if element.get("type") == "from_links":
            return
        kind = section.kind if section else SectionKind.REFERENCES
        role = REFERENCE_ROLES.get(kind) or REFERENCE_ROLES.get(element.get("type", ""), "cited")
        for entry in element:
            if entry.tag not in (tei("bibl"), tei("biblStruct"), tei("biblFull")):
                continue
            original = first(entry, "tei:note[@type='original']")
            line = (
                element_text(original) if original is not None else normalise(element_text(entry))
            )
            self.add_reference(line, entry.sourceline or 0, role)

    def add_reference(self, line, line_number, role):
        ref = parse_reference(line, line_number)
        ref.role = role
        ref.order = 1 + sum(1 for other in self.result.references if other.role == role)
        self.result.warnings += [f"line {line_number}: {problem}" for problem in ref.problems]
        self.result.references.append(ref)

    def add_link(self, link):
        if any(
            (other.original_line, other.kind) == (link.original_line, link.kind)
            for other in self.result.links
        ):
            self.result.warnings.append(
                f"line {link.line_number} repeats an earlier entry; the entry is listed once"
            )
            return
        link.order = 1 + sum(1 for other in self.result.links if other.kind == link.kind)
        self.result.warnings += [f"line {link.line_number}: {problem}" for problem in link.problems]
        self.result.links.append(link)

    # -- notes ------------------------------------------------------------------------------

    def find_notes(self):
        """Markers in passages, as in plain text; a note's text from ``<note n="a">``, unless
        the note records its text as missing (``<gap>``)."""
        texts = {}
        for note in self.root.xpath("tei:text//tei:note[@n]", namespaces=NAMESPACES):
            if first(note, "tei:gap") is None:
                texts.setdefault(note.get("n"), normalise(element_text(note)))
        seen = set()
        for passage in self.result.passages:
            for match in NOTE_MARKER.finditer(passage.text):
                if match[1] in seen:
                    continue
                seen.add(match[1])
                text = texts.get(match[1], "")
                if not text:
                    self.result.warnings.append(
                        f"note [{match[1]}] (line {passage.line_number}) has no text in the source"
                    )
                self.result.notes.append(
                    ParsedNote(
                        marker=match[1], passage=passage.order, offset=match.start(), text=text
                    )
                )


def read_body(root):
    """Read ``text`` (body and back) into a :class:`ParseResult`."""
    return _BodyReader(root).run()


class TeiImporter(ArticleImporter):
    """Import one TEI P5 file as a Document with its parts, atomically.

    The same interface as :class:`ArticleImporter`: arguments given here (the title, the
    language, …) override the header's; the header fills what is not given.
    """

    def __init__(self, path, *, language=None, title=None, date_received=None, **options):
        self.given = {"language": language, "title": title, "date_received": date_received}
        self.given.update(options)
        super().__init__(
            path, language=language, title=title, date_received=date_received, **options
        )

    def apply_header(self, header):
        """Fill what the command did not give from the TEI header."""
        for name in (
            "title",
            "language",
            "description",
            "creator",
            "provenance",
            "source_url",
            "licence",
            "licence_url",
        ):
            if not self.given.get(name):
                setattr(self, name, getattr(header, name))
        if self.given.get("date_received") is None and header.date_received is not None:
            self.date_received = header.date_received
        self.title = (self.title or "").strip()
        if not self.given.get("slug"):
            self.slug = slugify(self.title)
        if self.language not in Language.values:
            known = ", ".join(Language.values)
            raise ImporterError(
                f"the TEI document's language is {self.language!r}; the archive takes "
                f"{known} (give --language to say which)"
            )

    def run(self):
        """Import the file and return an :class:`ImportReport`."""
        data, _ = read_text(self.path)
        root = parse_xml(data, self.path)
        self.apply_header(read_header(root))
        self.check_arguments()
        parsed = read_body(root)
        text = data.decode("utf-8")
        checksum = hashlib.sha256(data).hexdigest()
        original = self.find_original()
        existing = self.already_catalogued(checksum)
        if existing is not None:
            return existing
        return self.store(text, checksum, original, parsed, kind="TEI ")


class TeiRevisionImporter(RevisionImporter):
    """Import a TEI P5 file as the next revision of a document (``--revision-of``): its body
    gives the new revision's parts, read as :class:`TeiImporter` reads them; the record stays
    the document's."""

    def read_parts(self, data, text):
        return read_body(parse_xml(data, self.path))
