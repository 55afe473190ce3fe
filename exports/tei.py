"""A document as TEI P5: the catalogue record, the received text, its lists, and the public
scholarship on it as stand-off annotation.

Built with lxml's element API, so that whatever the text holds the result is well-formed XML;
it validates against ``tei_all`` (TEI P5 4.9.0; ``tests/test_exports_tei.py``).

- ``teiHeader``: title and creator (``titleStmt``), the archive, the catalogue id, the page's URL
  and the licence (``publicationStmt``), the received file (``sourceDesc/bibl``: source URL,
  provenance, date received, file name, SHA-256; what it translates), the description
  (``profileDesc/abstract``) and the language (``langUsage``).
- ``text/body``: the lead's passages, then a ``div`` per section (its ``head``, and
  ``rend="level-N"`` for the heading's level), nested as the headings are. A passage is a
  ``p``, a ``quote`` or an ``item`` of a ``list`` (adjacent list items share one list), with
  ``xml:id`` its anchor (``p-3``); its string value is the passage text, character for
  character. A footnote marker stays in the text as ``<ref target="#note-a">[a]</ref>``.
- ``text/back``: from the first section that is not a body section on (See also, Notes,
  References, Further reading, External links, in the text's order): notes (a missing text is a
  ``gap``), references as ``listBibl`` of ``biblStruct`` with the original line kept in a
  ``note``, links as ``list``/``item`` holding the original line.
- ``standOff/listAnnotation``: public annotations (replies too), disputed-claim flags and
  live cross-references, each an ``annotation`` whose ``target`` is its passage (``#p-3``) or
  span (``#string-range(//*[@xml:id='p-3'],218,10)``, offsets in code points of the passage
  text); a cross-reference's destination in another document is that document's TEI URL with
  the same kind of fragment.
"""

from django.urls import reverse
from lxml import etree
from lxml.builder import ElementMaker

from annotations.authors import display_name
from annotations.models import Anchoring, Annotation, CrossReference, DisputedClaim
from archive.importers.tei import CONTROL_TYPE, NOT_IN_XML, TEI_NS, XML_ID, XML_LANG, control_name
from archive.models import PassageKind, Reference, SectionKind

from .citations import SITE_NAME
from .w3c import iso

CONTENT_TYPE = "application/tei+xml; charset=utf-8"
E = ElementMaker(namespace=TEI_NS, nsmap={None: TEI_NS})
LANGUAGE_NAMES = {"en": "English", "ro": "Romanian"}
#: The role of a reference list and the section kind that holds it.
LIST_SECTIONS = {"cited": SectionKind.REFERENCES, "further_reading": SectionKind.FURTHER_READING}
LINK_SECTIONS = {"see_also": SectionKind.SEE_ALSO, "external": SectionKind.EXTERNAL_LINKS}
#: The TEI element of each kind of passage.
PASSAGE_ELEMENTS = {
    PassageKind.PARAGRAPH: "p",
    PassageKind.QUOTATION: "quote",
    PassageKind.LIST_ITEM: "item",
}
#: An ``xml:id`` for what is not a passage, a note or a section: the dot keeps it apart from
#: every anchor the importer makes (``slugify`` never writes one).
ANNOTATION_ID = "annotation.{}"
FLAG_ID = "flag.{}"
CROSSREF_ID = "crossref.{}"
MARKER_ID = "{}.marker"


#: Elements that hold only other elements in this export, indented for people to read.
CONTAINERS = {
    "TEI", "teiHeader", "fileDesc", "titleStmt", "publicationStmt", "availability",
    "sourceDesc", "bibl", "profileDesc", "abstract", "langUsage", "text", "body", "back", "div",
    "list", "listBibl", "biblStruct", "analytic", "monogr", "imprint", "standOff",
    "listAnnotation", "annotation", "respStmt", "revisionDesc",
}  # fmt: skip


def add_text(element, text):
    """Append ``text`` to ``element``'s content, after its last child; a character XML cannot
    carry becomes ``<g type="control" n="U+000C"/>``."""
    position = 0
    for match in NOT_IN_XML.finditer(text):
        _append(element, text[position : match.start()])
        element.append(E.g(type=CONTROL_TYPE, n=control_name(match[0])))
        position = match.end()
    _append(element, text[position:])
    return element


def _append(element, text):
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def text_element(name, text, **attributes):
    """``<name …>text</name>``, safe for any text."""
    return add_text(getattr(E, name)(**attributes), text)


def indent(element, depth=0):
    """Indent the elements that hold only elements (``CONTAINERS``), and nothing else: unlike
    lxml's ``pretty_print``, never add white space inside a passage, a note or a name."""
    if etree.QName(element).localname not in CONTAINERS or (element.text or "").strip():
        return element
    if len(element):
        element.text = "\n" + "  " * (depth + 1)
        for child in element:
            indent(child, depth + 1)
            child.tail = "\n" + "  " * (depth + 1)
        element[-1].tail = "\n" + "  " * depth
    return element


def set_id(element, value):
    element.set(XML_ID, value)
    return element


def year(value):
    """A year as ``when`` takes it (four digits)."""
    return f"{value:04d}"


class TeiExport:
    """Build the TEI of one document, with absolute URLs made by ``url(path)``."""

    def __init__(self, document, *, url, scholarship=True):
        self.document = document
        self.url = url
        self.scholarship = scholarship
        self.sections = list(document.sections.order_by("order"))
        self.passages = list(document.passages.order_by("order"))
        self.notes = list(document.notes.order_by("passage__order", "offset"))
        self.listed_references = list(
            document.listed_references.select_related("reference").order_by("role", "order")
        )
        self.listed_links = list(
            document.listed_links.select_related("link").order_by("link__kind", "order")
        )
        lines = [listing.link.original_line for listing in self.listed_links]
        self.link_references = {
            reference.original_line: reference
            for reference in Reference.objects.filter(original_line__in=lines).order_by(
                "catalogue_id"
            )
        }
        self.children, self.section_passages, self.notes_by_passage = {}, {}, {}
        for section in self.sections:
            self.children.setdefault(section.parent_id, []).append(section)
        for passage in self.passages:
            self.section_passages.setdefault(passage.section_id, []).append(passage)
        for note in self.notes:
            self.notes_by_passage.setdefault(note.passage_id, []).append(note)
        #: Which section holds each list: the first section of its kind, by order (None: the
        #: text has no such section).
        first_of_kind = {}
        for section in self.sections:
            first_of_kind.setdefault(section.kind, section.pk)
        self.placed = {"notes": first_of_kind.get(SectionKind.NOTES)}
        for name, kind in (*LIST_SECTIONS.items(), *LINK_SECTIONS.items()):
            self.placed[name] = first_of_kind.get(kind)
        #: The catalogue ids of the references and links written in this file (``xml:id``).
        self.local_ids = set()
        #: The annotations written in this file (a reply points at its parent here).
        self.exported_annotations = set()

    # -- the whole ---------------------------------------------------------------------------

    def tree(self):
        """The ``TEI`` element."""
        root = E.TEI(self.header(), self.text())
        root.set(XML_LANG, self.document.language)
        if self.scholarship:
            lists = [
                E.listAnnotation(*items, type=name)
                for name, items in self.annotations().items()
                if items
            ]
            if lists:
                root.append(E.standOff(*lists))
        return root

    def tostring(self):
        """The export as UTF-8 bytes, with an XML declaration."""
        return etree.tostring(indent(self.tree()), xml_declaration=True, encoding="UTF-8")

    def tei_url(self, document):
        return self.url(reverse("exports:document-tei", kwargs={"slug": document.slug}))

    # -- header ------------------------------------------------------------------------------

    def header(self):
        doc = self.document
        title_stmt = E.titleStmt(text_element("title", doc.title))
        if doc.creator:
            title_stmt.append(text_element("author", doc.creator))
        publication = E.publicationStmt(
            E.publisher(SITE_NAME),
            E.idno(doc.catalogue_id, type="catalogue"),
            E.idno(self.url(doc.get_absolute_url()), type="URI"),
        )
        if doc.licence or doc.licence_url:
            licence = text_element("licence", doc.licence)
            if doc.licence_url:
                licence.set("target", doc.licence_url)
            publication.append(E.availability(licence))
        file_desc = E.fileDesc(title_stmt, publication, E.sourceDesc(self.received_file()))
        profile = E.profileDesc()
        if doc.description:
            profile.append(E.abstract(text_element("p", doc.description)))
        profile.append(
            E.langUsage(
                E.language(LANGUAGE_NAMES.get(doc.language, doc.language), ident=doc.language)
            )
        )
        header = E.teiHeader(file_desc, profile)
        revisions = doc.revisions.order_by("number").defer("source_text")
        changes = [
            text_element(
                "change",
                f"Received {revision.source_filename} (SHA-256 {revision.checksum})",
                type="received",
                n=str(revision.number),
                when=revision.date_received.isoformat(),
            )
            for revision in revisions
        ]
        if changes:
            header.append(E.revisionDesc(*changes))
        return header

    def received_file(self):
        """``sourceDesc/bibl``: the file as received and where it came from."""
        doc = self.document
        bibl = E.bibl(text_element("title", doc.title), type="received")
        if doc.creator:
            bibl.append(text_element("author", doc.creator))
        if doc.source_url:
            bibl.append(text_element("ref", doc.source_url, type="source", target=doc.source_url))
        if doc.provenance:
            bibl.append(text_element("note", doc.provenance, type="provenance"))
        received = doc.date_received.isoformat()
        bibl.append(E.date(received, type="received", when=received))
        bibl.append(text_element("idno", doc.source_filename, type="filename"))
        bibl.append(E.idno(doc.checksum, type="SHA-256"))
        if doc.translation_of_id:
            bibl.append(
                E.relatedItem(type="translationOf", target=self.tei_url(doc.translation_of))
            )
        return bibl

    # -- text --------------------------------------------------------------------------------

    def text(self):
        """``text`` with ``body`` (the lead and the sections up to the first list section)
        and ``back`` (the rest), nested as the headings are."""
        body = E.body(*self.passage_elements(self.section_passages.get(None, [])))
        back = E.back()
        part = body
        for section in self.children.get(None, []):
            if section.kind != SectionKind.BODY:
                part = back
            part.append(self.division(section))
        self.append_orphan_lists(back)
        if not len(body):
            # A text whose first heading is a list section: TEI wants something in the body.
            body.append(E.p())
        text = E.text(body)
        text.set(XML_LANG, self.document.language)
        if len(back):
            text.append(back)
        return text

    def division(self, section):
        div = E.div(type=section.kind)
        set_id(div, section.anchor)
        div.append(text_element("head", section.heading, rend=f"level-{section.level}"))
        div.extend(self.passage_elements(self.section_passages.get(section.pk, [])))
        div.extend(self.entries(section))
        div.extend(self.division(child) for child in self.children.get(section.pk, []))
        return div

    def passage_elements(self, passages):
        """``p``, ``quote`` and ``list`` elements; adjacent list items share a list."""
        elements = []
        for passage in passages:
            element = self.passage(passage)
            if passage.kind == PassageKind.LIST_ITEM:
                if not elements or elements[-1].tag != f"{{{TEI_NS}}}list":
                    elements.append(E.list())
                elements[-1].append(element)
            else:
                elements.append(element)
        return elements

    def passage(self, passage):
        element = set_id(getattr(E, PASSAGE_ELEMENTS[passage.kind])(), passage.anchor)
        element.set("n", str(passage.order))
        position = 0
        for note in self.notes_by_passage.get(passage.pk, []):
            marker = f"[{note.marker}]"
            if passage.text[note.offset : note.offset + len(marker)] != marker:
                continue
            add_text(element, passage.text[position : note.offset])
            ref = E.ref(marker, type="noteAnchor", target=f"#{note.anchor}")
            element.append(set_id(ref, MARKER_ID.format(note.anchor)))
            position = note.offset + len(marker)
        return add_text(element, passage.text[position:])

    # -- back: notes, references, links -------------------------------------------------------

    def entries(self, section):
        """What a list section holds: its notes, references or links."""
        placed = self.placed
        elements = []
        if section.kind == SectionKind.NOTES and placed.get("notes") == section.pk:
            elements += [self.note(note) for note in self.notes]
        for role, kind in LIST_SECTIONS.items():
            if kind == section.kind and placed.get(role) == section.pk:
                elements.append(self.bibliography(role))
        for link_kind, kind in LINK_SECTIONS.items():
            if kind == section.kind and placed.get(link_kind) == section.pk:
                elements += self.link_list(link_kind)
        return [element for element in elements if element is not None]

    def append_orphan_lists(self, back):
        """Lists whose kind of section the text lacks go at the end of ``back``, in a
        division without a heading (the importer reads it as belonging to no section)."""
        placed = self.placed
        elements = []
        if self.notes and placed["notes"] is None:
            elements += [self.note(note) for note in self.notes]
        for role in LIST_SECTIONS:
            if placed[role] is None:
                elements.append(self.bibliography(role))
        for link_kind in LINK_SECTIONS:
            if placed[link_kind] is None:
                elements += self.link_list(link_kind)
        elements = [element for element in elements if element is not None]
        if elements:
            back.append(E.div(*elements, type="lists"))

    def note(self, note):
        element = set_id(E.note(type="footnote", n=note.marker), note.anchor)
        element.set("target", f"#{MARKER_ID.format(note.anchor)}")
        if note.text:
            return add_text(element, note.text)
        element.append(
            E.gap(
                E.desc(
                    f"The received text marks note [{note.marker}] but does not carry its text."
                ),
                reason="not-in-source",
            )
        )
        return element

    def bibliography(self, role):
        listings = [item for item in self.listed_references if item.role == role]
        if not listings:
            return None
        return E.listBibl(*(self.bibl(item.reference) for item in listings), type=role)

    def bibl(self, reference):
        """A ``biblStruct`` from the parsed fields, with the original line in a ``note``."""
        element = E.biblStruct(type=reference.kind)
        if reference.catalogue_id in self.local_ids:
            element.set("sameAs", f"#{reference.catalogue_id}")
        else:
            set_id(element, reference.catalogue_id)
            self.local_ids.add(reference.catalogue_id)
        if reference.kind in ("article", "report"):
            element.append(
                E.analytic(
                    *self.names(reference),
                    text_element("title", reference.title, level="a"),
                )
            )
            monogr = E.monogr(text_element("title", reference.periodical, level="j"))
        else:
            monogr = E.monogr(*self.names(reference), text_element("title", reference.title))
        if reference.translated_title:
            monogr.append(text_element("title", reference.translated_title, type="translated"))
        monogr.append(E.idno(reference.catalogue_id, type="catalogue"))
        if reference.isbn:
            monogr.append(text_element("idno", reference.isbn, type="ISBN"))
        if reference.language:
            monogr.append(E.textLang(mainLang=reference.language))
        monogr.append(self.imprint(reference))
        element.append(monogr)
        if reference.format:
            element.append(text_element("note", reference.format, type="format"))
        for kind, value in (("archived", reference.archived), ("accessed", reference.retrieved)):
            if value:
                element.append(E.note(E.date(value.isoformat(), when=value.isoformat()), type=kind))
        if reference.url:
            element.append(E.ptr(target=reference.url))
        element.append(text_element("note", reference.original_line, type="original"))
        return element

    def names(self, reference):
        names = []
        for role, people in (("author", reference.authors), ("editor", reference.editors)):
            for name in people:
                if "literal" in name:
                    names.append(text_element(role, name["literal"]))
                    continue
                person = E.persName()
                if name.get("given"):
                    person.append(text_element("forename", name["given"]))
                if name.get("family"):
                    person.append(text_element("surname", name["family"]))
                names.append(getattr(E, role)(person))
        return names

    def imprint(self, reference):
        imprint = E.imprint()
        if reference.place:
            imprint.append(text_element("pubPlace", reference.place))
        if reference.publisher:
            imprint.append(text_element("publisher", reference.publisher))
        if reference.date:
            imprint.append(E.date(reference.date.isoformat(), when=reference.date.isoformat()))
        elif reference.year:
            imprint.append(E.date(str(reference.year), when=year(reference.year)))
        if not len(imprint):
            imprint.append(E.date())
        return imprint

    def link_list(self, link_kind):
        """The links of one kind, then the references catalogued from their lines."""
        listings = [item for item in self.listed_links if item.link.kind == link_kind]
        if not listings:
            return []
        items, references = [], []
        for listing in listings:
            link = listing.link
            item = set_id(E.item(n=str(listing.order)), link.catalogue_id)
            self.local_ids.add(link.catalogue_id)
            if link.url:
                item.append(text_element("ref", link.original_line, target=link.url))
            else:
                add_text(item, link.original_line)
            reference = self.link_references.get(link.original_line)
            if reference is not None:
                item.set("corresp", f"#{reference.catalogue_id}")
                references.append(reference)
            items.append(item)
        elements = [E.list(*items, type=link_kind)]
        if references:
            elements.append(E.listBibl(*(self.bibl(ref) for ref in references), type="from_links"))
        return elements

    # -- standOff ----------------------------------------------------------------------------

    def annotations(self):
        """The public scholarship on the document by kind, each in the order of the text."""
        doc = self.document
        annotations = list(
            Annotation.objects.public()
            .for_document(doc)
            .with_targets()
            .order_by("passage__order", "start", "created", "pk")
        )
        flags = list(
            DisputedClaim.objects.for_document(doc)
            .with_targets()
            .with_evidence()
            .order_by("passage__order", "start", "created", "pk")
        )
        crossrefs = list(
            CrossReference.objects.live()
            .for_document(doc)
            .with_targets()
            .order_by("passage__order", "start", "created", "pk")
        )
        self.exported_annotations = {annotation.pk for annotation in annotations}
        return {
            "annotations": [self.annotation(item) for item in annotations],
            "disputed-claims": [self.flag(item) for item in flags],
            "cross-references": [self.crossref(item) for item in crossrefs],
        }

    def pointer(self, passage, start=None, end=None):
        """``#p-3``, or the span as a TEI ``string-range``; in another document, that
        document's TEI URL with the same fragment. A passage of a superseded revision (an
        orphan's) is not in this text: its page, which names the revision, is the target."""
        if not passage.current:
            return self.url(passage.get_absolute_url())
        fragment = passage.anchor
        if start is not None:
            fragment = f"string-range(//*[@xml:id='{passage.anchor}'],{start},{end - start})"
        if passage.document_id == self.document.pk:
            return f"#{fragment}"
        return f"{self.tei_url(passage.document)}#{fragment}"

    def common(self, record, identifier, motivation, target, jsonld_name):
        element = set_id(E.annotation(motivation=motivation, target=target), identifier)
        element.set("corresp", self.url(reverse(jsonld_name, kwargs={"pk": record.pk})))
        person = text_element("persName", display_name(record.author))
        orcid = getattr(getattr(record.author, "profile", None), "orcid_url", "")
        if orcid:
            person.set("ref", orcid)
        element.append(E.respStmt(E.resp("author"), person))
        element.append(
            E.revisionDesc(
                E.change(type="created", when=iso(record.created)),
                E.change(type="modified", when=iso(record.modified)),
            )
        )
        if record.anchoring != Anchoring.WRITTEN:
            # Moved to a revised text, or left as an orphan on the old one.
            anchoring = record.get_anchoring_display()
            element.append(text_element("note", anchoring, type="anchoring", n=record.anchoring))
        if not record.passage.current and record.is_span:
            element.append(text_element("note", record.exact, type="quote"))
        return element

    def annotation(self, annotation):
        if annotation.parent_id is None:
            motivation = annotation.motivation
            target = self.pointer(annotation.passage, annotation.start, annotation.end)
        else:
            motivation = "replying"
            target = (
                f"#{ANNOTATION_ID.format(annotation.parent_id)}"
                if annotation.parent_id in self.exported_annotations
                else self.url(
                    reverse("exports:annotation-jsonld", kwargs={"pk": annotation.parent_id})
                )
            )
        element = self.common(
            annotation,
            ANNOTATION_ID.format(annotation.pk),
            motivation,
            target,
            "exports:annotation-jsonld",
        )
        element.append(text_element("note", annotation.body, type="body"))
        element.extend(text_element("note", tag.name, type="tag") for tag in annotation.tags.all())
        return element

    def flag(self, claim):
        element = self.common(
            claim,
            FLAG_ID.format(claim.pk),
            "assessing",
            self.pointer(claim.passage, claim.start, claim.end),
            "exports:flag-jsonld",
        )
        element.append(text_element("note", claim.statement, type="statement"))
        element.append(
            text_element("note", claim.get_category_display(), type="category", n=claim.category)
        )
        status = text_element("note", claim.get_status_display(), type="status", n=claim.status)
        if claim.resolution_note:
            add_text(status, f". {claim.resolution_note}")
        element.append(status)
        for evidence in claim.evidence.all():
            ref = text_element(
                "ref",
                evidence.locator,
                type="evidence",
                subtype=evidence.stance,
                target=self.source_pointer(evidence.reference, evidence.link),
            )
            element.append(ref)
        return element

    def source_pointer(self, reference, link):
        """A reference or link of this file (``#AR-R0003``), else its page or URL."""
        record = reference or link
        if record.catalogue_id in self.local_ids:
            return f"#{record.catalogue_id}"
        if reference is not None:
            return self.url(reference.get_absolute_url())
        return link.url or self.url(
            reverse("exports:api-link", kwargs={"catalogue_id": link.catalogue_id})
        )

    def crossref(self, crossref):
        element = self.common(
            crossref,
            CROSSREF_ID.format(crossref.pk),
            "linking",
            self.pointer(crossref.passage, crossref.start, crossref.end),
            "exports:crossref-jsonld",
        )
        if crossref.to_passage_id:
            destination = self.pointer(crossref.to_passage, crossref.to_start, crossref.to_end)
        else:
            destination = self.source_pointer(crossref.to_reference, crossref.to_link)
        element.append(E.ptr(type="destination", subtype=crossref.relation, target=destination))
        if crossref.to_passage_id and crossref.to_anchoring != Anchoring.WRITTEN:
            anchoring = crossref.get_to_anchoring_display()
            element.append(
                text_element(
                    "note",
                    anchoring,
                    type="anchoring",
                    subtype="destination",
                    n=crossref.to_anchoring,
                )
            )
        if (
            crossref.to_passage_id
            and not crossref.to_passage.current
            and crossref.to_start is not None
        ):
            element.append(
                text_element("note", crossref.to_exact, type="quote", subtype="destination")
            )
        element.append(text_element("note", crossref.get_relation_display(), type="relation"))
        if crossref.note:
            element.append(text_element("note", crossref.note, type="comment"))
        return element


def document_tei(document, *, url, scholarship=True):
    """The document's TEI P5 as UTF-8 bytes; ``url(path)`` makes absolute URLs."""
    return TeiExport(document, url=url, scholarship=scholarship).tostring()
