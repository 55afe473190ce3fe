"""Plain factory functions for the catalogue models: sensible defaults, any field overridable."""

import datetime
import hashlib
from itertools import count

from archive.models import (
    Document,
    DocumentLink,
    DocumentReference,
    ExternalLink,
    LinkKind,
    Note,
    Passage,
    PassageKind,
    Reference,
    ReferenceKind,
    ReferenceRole,
    Section,
    SectionKind,
)

_sequence = count(1)


def _next():
    return next(_sequence)


def make_document(**kwargs):
    number = _next()
    source_text = kwargs.pop("source_text", f"Text of document {number}.")
    fields = {
        "catalogue_id": f"AR-D{number:04d}",
        "slug": f"document-{number}",
        "title": f"Document {number}",
        "language": "en",
        "creator": "Wikipedia contributors",
        "provenance": "Received as a plain-text file.",
        "licence": "CC BY-SA 4.0",
        "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "date_received": datetime.date(2025, 1, 15),
        "source_filename": f"{number:03d}.txt",
        "checksum": hashlib.sha256(source_text.encode()).hexdigest(),
        "source_text": source_text,
    }
    fields.update(kwargs)
    return Document.objects.create(**fields)


def make_section(document, **kwargs):
    order = kwargs.pop("order", None) or document.sections.count() + 1
    fields = {
        "level": 2,
        "heading": f"Section {order}",
        "kind": SectionKind.BODY,
        "line_number": order * 10,
    }
    fields.update(kwargs)
    fields.setdefault("anchor", f"section-{order}")
    return Section.objects.create(document=document, order=order, **fields)


def make_passage(document, **kwargs):
    order = kwargs.pop("order", None) or document.passages.count() + 1
    fields = {
        "anchor": f"p-{order}",
        "kind": PassageKind.PARAGRAPH,
        "text": f"Passage {order} of {document.title}.",
        "line_number": order,
    }
    fields.update(kwargs)
    return Passage.objects.create(document=document, order=order, **fields)


def make_note(passage, marker="a", **kwargs):
    """A note whose marker is found in the passage text (offset computed unless given)."""
    fields = {"offset": passage.text.find(f"[{marker}]"), "text": ""}
    fields.update(kwargs)
    return Note.objects.create(document=passage.document, passage=passage, marker=marker, **fields)


def make_reference(**kwargs):
    number = _next()
    fields = {
        "catalogue_id": f"AR-R{number:04d}",
        "kind": ReferenceKind.BOOK,
        "authors": [{"family": "King", "given": "Charles"}],
        "year": 2000,
        "title": f"The Moldovans {number}",
        "publisher": "Hoover Press",
        "isbn": "978-0-8179-9792-2",
    }
    fields.update(kwargs)
    fields.setdefault(
        "original_line",
        f"{fields['authors'][0]['family'] if fields['authors'] else ''} ({fields['year']}). "
        f"{fields['title']}. {fields['publisher']}.",
    )
    return Reference.objects.create(**fields)


def list_reference(document, reference, role=ReferenceRole.CITED, order=None):
    if order is None:
        order = document.listed_references.filter(role=role).count() + 1
    return DocumentReference.objects.create(
        document=document, reference=reference, role=role, order=order
    )


def make_link(**kwargs):
    number = _next()
    fields = {
        "catalogue_id": f"AR-L{number:04d}",
        "kind": LinkKind.EXTERNAL,
        "title": f"Link {number}",
    }
    fields.update(kwargs)
    fields.setdefault("original_line", f'"{fields["title"]}"')
    return ExternalLink.objects.create(**fields)


def list_link(document, link, order=None):
    if order is None:
        order = document.listed_links.filter(link__kind=link.kind).count() + 1
    return DocumentLink.objects.create(document=document, link=link, order=order)
