"""Public read-only JSON for what CSL, BibTeX, OAI-PMH and W3C annotations do not carry:
documents with their sections, passages and notes, their lists, and external links."""

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from archive.models import Document, DocumentLink, ExternalLink

from .oai import record_identifier
from .w3c import iso


def documents_queryset():
    return Document.objects.for_listing().defer("source_text", "translation_of__source_text")


def links_queryset():
    return ExternalLink.objects.prefetch_related(
        Prefetch(
            "document_links",
            queryset=DocumentLink.objects.select_related("document")
            .defer("document__source_text")
            .order_by("document__catalogue_id"),
        )
    ).order_by("catalogue_id")


def paginated(request, queryset, number, size, render):
    """``{"count", "page", "pages", "next", "previous", "results"}``; 404 past the end."""
    count = queryset.count()
    pages = max(1, -(-count // size))
    if number > pages:
        raise Http404(f"There is no page {number}; there are {pages}.")
    builder = Builder(request)
    rows = queryset[(number - 1) * size : number * size]

    def page_url(n):
        query = request.GET.copy()
        query["page"] = n
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": number,
        "pages": pages,
        "next": page_url(number + 1) if number < pages else None,
        "previous": page_url(number - 1) if number > 1 else None,
        "results": [render(builder, row) for row in rows],
    }


class Builder:
    def __init__(self, request):
        self.request = request

    def url(self, path):
        return self.request.build_absolute_uri(path)

    def document_links(self, document):
        slug = {"slug": document.slug}
        return {
            "html": self.url(document.get_absolute_url()),
            "json": self.url(reverse("exports:api-document", kwargs=slug)),
            "annotations": self.url(reverse("exports:document-annotations", kwargs=slug)),
            "tei": self.url(reverse("exports:document-tei", kwargs=slug)),
            "references_csl": self.url(reverse("exports:document-references-csl", kwargs=slug)),
            "references_bibtex": self.url(
                reverse("exports:document-references-bibtex", kwargs=slug)
            ),
            "cite_csl": self.url(reverse("exports:document-cite-csl", kwargs=slug)),
            "cite_bibtex": self.url(reverse("exports:document-cite-bibtex", kwargs=slug)),
            "oai_identifier": record_identifier(document.catalogue_id),
        }

    def document(self, document):
        data = {
            "catalogue_id": document.catalogue_id,
            "slug": document.slug,
            "title": document.title,
            "language": document.language,
            "description": document.description,
            "creator": document.creator,
            "provenance": document.provenance,
            "source_url": document.source_url or None,
            "licence": document.licence,
            "licence_url": document.licence_url or None,
            "date_received": document.date_received.isoformat(),
            "source_filename": document.source_filename,
            "sha256": document.checksum,
            "translation_of": (
                self.url(
                    reverse("exports:api-document", kwargs={"slug": document.translation_of.slug})
                )
                if document.translation_of_id
                else None
            ),
            "created": iso(document.created),
            "modified": iso(document.modified),
            "links": self.document_links(document),
        }
        if hasattr(document, "passage_count"):
            data["passage_count"] = document.passage_count
        return data

    def document_detail(self, document):
        """The document with its sections, passages (and notes), references and links, in six
        more queries whatever its size."""
        data = self.document(document)
        data["translations"] = [
            self.url(reverse("exports:api-document", kwargs={"slug": slug}))
            for slug in document.translations.values_list("slug", flat=True)
        ]
        sections = list(document.sections.order_by("order"))
        anchors = {section.pk: section.anchor for section in sections}
        data["sections"] = [self.section(section, anchors) for section in sections]
        data["passages"] = self.passages(document, anchors)
        data["references"] = [
            {
                "role": listing.role,
                "order": listing.order,
                "catalogue_id": listing.reference.catalogue_id,
                "title": listing.reference.title,
                "url": self.url(listing.reference.get_absolute_url()),
                "csl": self.url(
                    reverse(
                        "exports:reference-csl",
                        kwargs={"catalogue_id": listing.reference.catalogue_id},
                    )
                ),
            }
            for listing in document.listed_references.select_related("reference").order_by(
                "role", "order"
            )
        ]
        data["external_links"] = [
            {
                "order": listing.order,
                "catalogue_id": listing.link.catalogue_id,
                "kind": listing.link.kind,
                "title": listing.link.title,
                "json": self.url(
                    reverse("exports:api-link", kwargs={"catalogue_id": listing.link.catalogue_id})
                ),
            }
            for listing in document.listed_links.select_related("link").order_by(
                "link__kind", "order"
            )
        ]
        return data

    def section(self, section, anchors):
        return {
            "anchor": section.anchor,
            "order": section.order,
            "level": section.level,
            "heading": section.heading,
            "kind": section.kind,
            "parent": anchors.get(section.parent_id),
            "line_number": section.line_number,
            "url": self.url(section.get_absolute_url()),
        }

    def passages(self, document, anchors):
        """The document's passages with their notes (two queries); ``anchors``: the sections'
        anchors by id."""
        notes = {}
        for note in document.notes.order_by("passage__order", "offset"):
            notes.setdefault(note.passage_id, []).append(
                {"marker": note.marker, "offset": note.offset, "text": note.text or None}
            )
        base = self.url(document.get_absolute_url())
        return [
            {
                "anchor": passage.anchor,
                "order": passage.order,
                "kind": passage.kind,
                "section": anchors.get(passage.section_id),
                "line_number": passage.line_number,
                "text": passage.text,
                "notes": notes.get(passage.pk, []),
                "url": f"{base}#{passage.anchor}",
            }
            for passage in document.passages.order_by("order")
        ]

    def link(self, link):
        return {
            "catalogue_id": link.catalogue_id,
            "kind": link.kind,
            "title": link.title,
            "site": link.site,
            "language": link.language or None,
            "archive_note": link.archive_note,
            "remark": link.remark,
            "url": link.url or None,
            "original_line": link.original_line,
            "json": self.url(
                reverse("exports:api-link", kwargs={"catalogue_id": link.catalogue_id})
            ),
            "listed_by": [
                {
                    "catalogue_id": listing.document.catalogue_id,
                    "order": listing.order,
                    "json": self.url(
                        reverse("exports:api-document", kwargs={"slug": listing.document.slug})
                    ),
                }
                for listing in link.document_links.all()
            ],
        }
