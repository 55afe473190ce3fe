"""Import one received plain-text article into the catalogue."""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from archive.models import (
    Document,
    DocumentLink,
    DocumentReference,
    ExternalLink,
    Language,
    Note,
    Passage,
    Reference,
    Section,
    SourceRevision,
)

from .plaintext import parse

DOCUMENT_ID = "AR-D{:04d}"
REFERENCE_ID = "AR-R{:04d}"
LINK_ID = "AR-L{:04d}"
TITLE_MAX_LENGTH = Document._meta.get_field("title").max_length
SLUG_MAX_LENGTH = Document._meta.get_field("slug").max_length


class ImporterError(Exception):
    """An import that cannot be done; the message is one line for the person importing."""


@dataclass
class ImportReport:
    """What an import created or reused, and what the parser could not place."""

    document: Document
    created: bool
    sections: int = 0
    passages: int = 0
    notes: int = 0
    references_created: int = 0
    references_reused: int = 0
    links_created: int = 0
    links_reused: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def references(self):
        return self.references_created + self.references_reused

    @property
    def links(self):
        return self.links_created + self.links_reused

    def summary(self):
        """Return the report as lines of text."""
        doc = self.document
        if not self.created:
            return [
                f"Already imported: {doc.catalogue_id} ({doc.slug}) holds this file "
                f"(checksum {doc.checksum[:12]}…); nothing created."
            ]
        lines = [
            f"Imported {doc.catalogue_id} ({doc.slug}) from {doc.source_filename}.",
            f"sections: {self.sections}",
            f"passages: {self.passages}",
            f"notes: {self.notes}",
            f"references: {self.references} "
            f"({self.references_created} new, {self.references_reused} reused)",
            f"links: {self.links} ({self.links_created} new, {self.links_reused} reused)",
            f"warnings: {len(self.warnings)}",
        ]
        return lines + [f"  {warning}" for warning in self.warnings]


def read_text(path):
    """Return ``(bytes, text)`` of a received file, or raise :class:`ImporterError`."""
    path = Path(path)
    if not path.exists():
        raise ImporterError(f"file not found: {path}")
    if not path.is_file():
        raise ImporterError(f"not a regular file: {path}")
    data = path.read_bytes()
    if not data:
        raise ImporterError(f"file is empty (0 bytes): {path}")
    if b"\x00" in data:
        raise ImporterError(f"binary file (contains NUL bytes) rejected: {path}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImporterError(
            f"not valid UTF-8: {path} (byte offset {error.start}: {error.reason})"
        ) from None
    if not text.strip():
        raise ImporterError(f"file holds only whitespace: {path}")
    return data, text


def versioned(rows):
    """Add rows made by ``bulk_create`` (which sends no signals) to the open revision."""
    rows = list(rows)
    for row in rows:
        reversion.add_to_revision(row)
    return rows


def next_number(model, template):
    """Return the next free number for catalogue identifiers made with ``template``."""
    prefix = template.split("{")[0]
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [
        int(match[1])
        for value in model.objects.filter(catalogue_id__startswith=prefix).values_list(
            "catalogue_id", flat=True
        )
        if (match := pattern.match(value))
    ]
    return max(numbers, default=0) + 1


def record_revision(document):
    """Keep the document's received text, as it now holds it, as its revision
    ``document.revision``."""
    return SourceRevision.objects.create(
        document=document,
        number=document.revision,
        source_filename=document.source_filename,
        checksum=document.checksum,
        source_text=document.source_text,
        date_received=document.date_received,
    )


class PartsImporter:
    """Builds a document's parts (sections, passages, notes, its lists of references and links)
    from a parse, as revision ``document.revision``; each rows' builder is a method, so that a
    test can make any step fail."""

    def create_parts(self, document, parsed, report):
        """Create the parts of ``parsed`` as revision ``document.revision`` of ``document``;
        count them in ``report``; return the passages by order."""
        sections = self.create_sections(document, parsed.sections)
        passages = self.create_passages(document, parsed.passages, sections)
        report.sections, report.passages = len(sections), len(passages)
        report.notes = self.create_notes(document, parsed.notes, passages)
        report.references_created, report.references_reused = self.create_references(
            document, parsed.references
        )
        report.links_created, report.links_reused = self.create_links(document, parsed.links)
        self.count_link_references(report, parsed.links)
        return passages

    def create_sections(self, document, parsed_sections):
        """Create sections level by level, so that parents exist first; map order to row."""
        by_order = {}
        for level in sorted({section.level for section in parsed_sections}):
            rows = [
                Section(
                    document=document,
                    revision=document.revision,
                    parent=by_order.get(section.parent),
                    level=section.level,
                    order=section.order,
                    heading=section.heading,
                    kind=section.kind,
                    anchor=section.anchor,
                    line_number=section.line_number,
                )
                for section in parsed_sections
                if section.level == level
            ]
            for row in versioned(Section.objects.bulk_create(rows)):
                by_order[row.order] = row
        return by_order

    def create_passages(self, document, parsed_passages, sections):
        """Create passages; map order to row."""
        rows = versioned(
            Passage.objects.bulk_create(
                Passage(
                    document=document,
                    revision=document.revision,
                    section=sections.get(passage.section),
                    order=passage.order,
                    anchor=passage.anchor,
                    kind=passage.kind,
                    text=passage.text,
                    line_number=passage.line_number,
                )
                for passage in parsed_passages
            )
        )
        return {row.order: row for row in rows}

    def create_notes(self, document, parsed_notes, passages):
        """Create notes and return how many."""
        rows = versioned(
            Note.objects.bulk_create(
                Note(
                    document=document,
                    revision=document.revision,
                    passage=passages[note.passage],
                    marker=note.marker,
                    offset=note.offset,
                    text=note.text,
                )
                for note in parsed_notes
            )
        )
        return len(rows)

    def create_references(self, document, parsed_references):
        """Create or reuse references and list them; return ``(created, reused)``."""
        known, created, reused = self.catalogue_references(parsed_references)
        versioned(
            DocumentReference.objects.bulk_create(
                DocumentReference(
                    document=document,
                    revision=document.revision,
                    reference=known[parsed.original_line],
                    role=parsed.role,
                    order=parsed.order,
                )
                for parsed in parsed_references
            )
        )
        return created, reused

    def create_link_references(self, parsed_links):
        """Catalogue the references of external-link lines that read as citations (listed by
        the document as links, not as references); return ``(created, reused)``."""
        _, created, reused = self.catalogue_references(
            [link.reference for link in parsed_links if link.reference is not None]
        )
        return created, reused

    def count_link_references(self, report, parsed_links):
        """Catalogue the link lines' references and add them to the report's counts."""
        created, reused = self.create_link_references(parsed_links)
        report.references_created += created
        report.references_reused += reused

    def catalogue_references(self, parsed_references):
        """Create the references not yet catalogued (by original line); return
        ``({original line: Reference}, created, reused)``."""
        lines = {ref.original_line for ref in parsed_references}
        known = {}
        for ref in Reference.objects.filter(original_line__in=lines).order_by("catalogue_id"):
            known.setdefault(ref.original_line, ref)
        reused = sum(1 for line in lines if line in known)
        number = next_number(Reference, REFERENCE_ID)
        new = []
        for parsed in parsed_references:
            if parsed.original_line in known:
                continue
            row = Reference(
                catalogue_id=REFERENCE_ID.format(number),
                kind=parsed.kind,
                authors=parsed.authors,
                editors=parsed.editors,
                year=parsed.year,
                date=parsed.date,
                title=parsed.title,
                translated_title=parsed.translated_title,
                periodical=parsed.periodical,
                publisher=parsed.publisher,
                place=parsed.place,
                isbn=parsed.isbn,
                format=parsed.format,
                url=parsed.url,
                archived=parsed.archived,
                retrieved=parsed.retrieved,
                language=parsed.language,
                original_line=parsed.original_line,
            )
            known[parsed.original_line] = row
            new.append(row)
            number += 1
        versioned(Reference.objects.bulk_create(new))
        return known, len(new), reused

    def create_links(self, document, parsed_links):
        """Create or reuse links and list them; return ``(created, reused)``."""
        lines = {link.original_line for link in parsed_links}
        known = {}
        for link in ExternalLink.objects.filter(original_line__in=lines).order_by("catalogue_id"):
            known.setdefault((link.original_line, link.kind), link)
        reused = sum(1 for link in parsed_links if (link.original_line, link.kind) in known)
        number = next_number(ExternalLink, LINK_ID)
        new = []
        for parsed in parsed_links:
            key = (parsed.original_line, parsed.kind)
            if key in known:
                continue
            row = ExternalLink(
                catalogue_id=LINK_ID.format(number),
                kind=parsed.kind,
                title=parsed.title,
                site=parsed.site,
                language=parsed.language,
                archive_note=parsed.archive_note,
                remark=parsed.remark,
                original_line=parsed.original_line,
            )
            known[key] = row
            new.append(row)
            number += 1
        versioned(ExternalLink.objects.bulk_create(new))
        versioned(
            DocumentLink.objects.bulk_create(
                DocumentLink(
                    document=document,
                    revision=document.revision,
                    link=known[(parsed.original_line, parsed.kind)],
                    order=parsed.order,
                )
                for parsed in parsed_links
            )
        )
        return len(new), reused


class ArticleImporter(PartsImporter):
    """Import one received plain-text file as a Document with its parts, atomically."""

    def __init__(
        self,
        path,
        *,
        language,
        title,
        slug=None,
        translation_of=None,
        description="",
        creator="",
        provenance="",
        source_url="",
        licence="",
        licence_url="",
        date_received=None,
    ):
        self.path = Path(path)
        self.language = language
        self.title = (title or "").strip()
        self.slug = slug or slugify(self.title)
        self.translation_of = translation_of or None
        self.description = description
        self.creator = creator
        self.provenance = provenance
        self.source_url = source_url
        self.licence = licence
        self.licence_url = licence_url
        self.date_received = date_received or timezone.localdate()

    # -- checks ------------------------------------------------------------------------------

    def check_arguments(self):
        """Raise :class:`ImporterError` for arguments that cannot make a document."""
        if self.language not in Language.values:
            known = ", ".join(Language.values)
            raise ImporterError(f"unknown language {self.language!r} (known: {known})")
        if not self.title:
            raise ImporterError("the title is empty")
        if len(self.title) > TITLE_MAX_LENGTH:
            raise ImporterError(f"the title is longer than {TITLE_MAX_LENGTH} characters")
        if not self.slug:
            raise ImporterError(f"cannot make a slug from the title {self.title!r}")
        try:
            validate_slug(self.slug)
        except ValidationError:
            raise ImporterError(f"{self.slug!r} is not a valid slug") from None
        if len(self.slug) > SLUG_MAX_LENGTH:
            raise ImporterError(f"the slug is longer than {SLUG_MAX_LENGTH} characters")
        for name in ("source_url", "licence_url"):
            value = getattr(self, name)
            if value:
                try:
                    URLValidator()(value)
                except ValidationError:
                    raise ImporterError(f"{name} is not a valid URL: {value!r}") from None

    def find_original(self):
        """Return the document this one translates, or None."""
        if self.translation_of is None:
            return None
        try:
            return Document.objects.get(slug=self.translation_of)
        except Document.DoesNotExist:
            raise ImporterError(
                f"no document with slug {self.translation_of!r} to be a translation of"
            ) from None

    # -- the import --------------------------------------------------------------------------

    def run(self):
        """Import the file and return an :class:`ImportReport`."""
        self.check_arguments()
        data, text = read_text(self.path)
        checksum = hashlib.sha256(data).hexdigest()
        original = self.find_original()

        existing = self.already_catalogued(checksum)
        if existing is not None:
            return existing
        return self.store(text, checksum, original, parse(text), kind="")

    def already_catalogued(self, checksum):
        """The report of a no-op when this very file is already under this slug; None when
        the file is new; ImporterError when the slug or the file is catalogued otherwise."""
        existing = Document.objects.filter(slug=self.slug).first()
        if existing is not None:
            if existing.checksum == checksum:
                return ImportReport(document=existing, created=False)
            raise ImporterError(
                f"slug {self.slug!r} already holds a different text "
                f"(checksum {existing.checksum[:12]}…, this file {checksum[:12]}…)"
            )
        same_file = Document.objects.filter(checksum=checksum).first()
        if same_file is not None:
            raise ImporterError(
                f"this file is already catalogued as {same_file.catalogue_id} "
                f"under slug {same_file.slug!r}"
            )
        return None

    def store(self, text, checksum, original, parsed, *, kind):
        """Write the document, its revision 1 and its parts in one transaction and revision;
        ``kind`` names the format in the revision's comment ("TEI ")."""
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(f"Imported {kind}{self.path.name} (sha256 {checksum[:12]}…)")
            document = self.create_document(text, checksum, original)
            record_revision(document)
            report = ImportReport(document=document, created=True, warnings=parsed.warnings)
            self.create_parts(document, parsed, report)
        return report

    def create_document(self, text, checksum, original):
        """Create the Document row."""
        return Document.objects.create(
            catalogue_id=DOCUMENT_ID.format(next_number(Document, DOCUMENT_ID)),
            slug=self.slug,
            title=self.title,
            language=self.language,
            description=self.description,
            creator=self.creator,
            provenance=self.provenance,
            source_url=self.source_url,
            licence=self.licence,
            licence_url=self.licence_url,
            date_received=self.date_received,
            source_filename=self.path.name,
            checksum=checksum,
            source_text=text,
            translation_of=original,
        )
