"""Catalogue corrections in the admin: versioned, and never a change to received text.

Received text (passage text, headings, original lines, the source and its checksum) is
read-only here; it changes only by importing a document again.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404
from reversion_compare.admin import CompareVersionAdmin

from .models import (
    DESCRIPTIVE_FIELDS,
    LINK_RECORD_FIELDS,
    REFERENCE_RECORD_FIELDS,
    Document,
    DocumentLink,
    DocumentReference,
    ExternalLink,
    Note,
    Passage,
    Reference,
    Section,
)


class GuardedCompareMixin:
    """django-reversion-compare's compare view, for those who may view the record, and a 404
    (not a 500) for an id that is not one."""

    def compare_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if self.get_object(request, object_id) is None:
            raise Http404("No such record.")
        return super().compare_view(request, object_id, extra_context)


class CatalogueAdmin(GuardedCompareMixin, CompareVersionAdmin):
    """Corrections only: records come from the importer, and nothing is deleted here."""

    history_latest_first = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PassageInline(admin.TabularInline):
    model = Passage
    fields = ("order", "anchor", "kind", "text", "line_number")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(CatalogueAdmin):
    list_display = (
        "catalogue_id",
        "title",
        "language",
        "translation_of",
        "passage_total",
        "date_received",
    )
    list_select_related = ("translation_of",)
    list_filter = ("language", "licence", "date_received")
    search_fields = ("catalogue_id", "title", "slug", "description")
    date_hierarchy = "date_received"
    readonly_fields = (
        "catalogue_id",
        "slug",
        "language",
        "date_received",
        "source_filename",
        "checksum",
        "source_text",
        "translation_of",
        "created",
        "modified",
    )
    fields = (
        "catalogue_id",
        "slug",
        "title",
        "language",
        *DESCRIPTIVE_FIELDS,
        "translation_of",
        "date_received",
        "source_filename",
        "checksum",
        "created",
        "modified",
        "source_text",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(passages_total=Count("passages"))

    @admin.display(description="Passages", ordering="passages_total")
    def passage_total(self, obj):
        return obj.passages_total


@admin.register(Section)
class SectionAdmin(CatalogueAdmin):
    list_display = ("heading", "document", "level", "order", "kind")
    list_select_related = ("document",)
    list_filter = ("document", "level", "kind")
    search_fields = ("heading",)
    readonly_fields = ("document", "parent", "level", "order", "heading", "anchor", "line_number")
    fields = ("document", "parent", "heading", "level", "order", "kind", "anchor", "line_number")
    inlines = (PassageInline,)


@admin.register(Passage)
class PassageAdmin(CatalogueAdmin):
    list_display = ("__str__", "document", "section", "kind", "short_text")
    list_select_related = ("document", "section")
    list_filter = ("document", "kind")
    search_fields = ("text", "anchor")
    readonly_fields = ("document", "section", "order", "anchor", "text", "line_number")
    fields = ("document", "section", "order", "anchor", "kind", "text", "line_number")

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(Note)
class NoteAdmin(CatalogueAdmin):
    list_display = ("__str__", "document", "passage", "is_missing")
    list_select_related = ("document", "passage__document")
    readonly_fields = ("document", "passage", "marker", "offset")
    fields = ("document", "passage", "marker", "offset", "text")

    @admin.display(description="Text missing", boolean=True)
    def is_missing(self, obj):
        return obj.is_missing


class DocumentReferenceInline(admin.TabularInline):
    model = DocumentReference
    fields = ("document", "role", "order")
    readonly_fields = ("document",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reference)
class ReferenceAdmin(CatalogueAdmin):
    list_display = ("catalogue_id", "title", "author_names", "year", "kind", "isbn", "language")
    list_filter = ("kind", "language", "year")
    search_fields = ("catalogue_id", "title", "original_line", "isbn", "publisher")
    readonly_fields = ("catalogue_id", "original_line")
    inlines = (DocumentReferenceInline,)
    fields = ("catalogue_id", "original_line", *REFERENCE_RECORD_FIELDS)


class DocumentLinkInline(admin.TabularInline):
    model = DocumentLink
    fields = ("document", "order")
    readonly_fields = ("document",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExternalLink)
class ExternalLinkAdmin(CatalogueAdmin):
    list_display = ("catalogue_id", "title", "kind", "site", "language", "url")
    list_filter = ("kind", "language")
    search_fields = ("catalogue_id", "title", "original_line", "url")
    readonly_fields = ("catalogue_id", "original_line")
    fields = ("catalogue_id", "original_line", *LINK_RECORD_FIELDS)
    inlines = (DocumentLinkInline,)
