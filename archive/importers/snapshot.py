"""A plain-data picture of catalogued documents, without database ids, for comparisons."""

from archive.models import (
    DESCRIPTIVE_FIELDS,
    LINK_RECORD_FIELDS,
    REFERENCE_RECORD_FIELDS,
    Document,
    Reference,
)

DOCUMENT_FIELDS = [
    "catalogue_id",
    "slug",
    "title",
    "language",
    *DESCRIPTIVE_FIELDS,
    "date_received",
    "source_filename",
    "checksum",
    "source_text",
]
REFERENCE_FIELDS = ["catalogue_id", *REFERENCE_RECORD_FIELDS, "original_line"]
LINK_FIELDS = ["catalogue_id", *LINK_RECORD_FIELDS, "original_line"]


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _fields(instance, names):
    return {name: _plain(getattr(instance, name)) for name in names}


def snapshot_document(document):
    """Return one document and everything it lists as nested dicts and lists."""
    translation_of = document.translation_of.slug if document.translation_of else None
    return {
        **_fields(document, DOCUMENT_FIELDS),
        "translation_of": translation_of,
        "sections": [
            {
                "order": section.order,
                "level": section.level,
                "heading": section.heading,
                "kind": section.kind,
                "anchor": section.anchor,
                "line_number": section.line_number,
                "parent": section.parent.anchor if section.parent else None,
            }
            for section in document.sections.select_related("parent").order_by("order")
        ],
        "passages": [
            {
                "order": passage.order,
                "anchor": passage.anchor,
                "kind": passage.kind,
                "text": passage.text,
                "line_number": passage.line_number,
                "section": passage.section.anchor if passage.section else None,
            }
            for passage in document.passages.select_related("section").order_by("order")
        ],
        "notes": [
            {
                "marker": note.marker,
                "passage": note.passage.anchor,
                "offset": note.offset,
                "text": note.text,
            }
            for note in document.notes.select_related("passage").order_by("marker")
        ],
        "references": [
            {"role": item.role, "order": item.order, **_fields(item.reference, REFERENCE_FIELDS)}
            for item in document.listed_references.select_related("reference").order_by(
                "role", "order"
            )
        ],
        "links": [
            {"order": item.order, **_fields(item.link, LINK_FIELDS)}
            for item in document.listed_links.select_related("link").order_by("link__kind", "order")
        ],
        "link_references": [
            _fields(reference, REFERENCE_FIELDS)
            for reference in Reference.objects.filter(
                original_line__in=document.listed_links.values("link__original_line")
            ).order_by("catalogue_id")
        ],
    }


def snapshot(documents=None):
    """Return ``{slug: snapshot_document(…)}`` for the given (default: all) documents."""
    documents = Document.objects.all() if documents is None else documents
    return {document.slug: snapshot_document(document) for document in documents}
