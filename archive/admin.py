"""Catalogue corrections in the admin: versioned, and never a change to received text.

Received text (passage text, headings, original lines, the source and its checksum) is
read-only here; it changes only by importing a document again.
"""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from reversion_compare.admin import CompareVersionAdmin

from .importers.article import ImporterError
from .importers.revision import RevisionImporter
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


class RevisionForm(forms.Form):
    text = forms.FileField(label="Revised received text (UTF-8 plain text)")
    received = forms.DateField(
        label="Date received", required=False, help_text="YYYY-MM-DD; today when empty"
    )


def import_upload(data, document, user):
    """Import the uploaded file, under its own name, as the next revision of ``document``."""
    upload = data["text"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(upload.name).name or "revision.txt")
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        return RevisionImporter(
            path, revision_of=document.slug, date_received=data["received"], user=user
        ).run()


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

    actions = ["import_revision"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(passages_total=Count("passages", filter=Q(passages__current=True)))
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revision/",
                self.admin_site.admin_view(self.import_revision_view),
                name="archive_document_revision",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Import a new revision of the received text")
    def import_revision(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(request, "Choose one document to revise.", messages.ERROR)
            return None
        return redirect("admin:archive_document_revision", queryset[0].pk)

    def import_revision_view(self, request, object_id):
        """Upload a revised received text of a document; its scholarship is re-anchored."""
        document = self.get_object(request, object_id)
        if document is None:
            raise Http404("No such document.")
        if not self.has_change_permission(request, document):
            raise PermissionDenied
        form = RevisionForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = import_upload(form.cleaned_data, document, request.user)
            except ImporterError as error:
                form.add_error("text", str(error))
            else:
                for line in report.summary()[:2] + [r.summary()[0] for r in report.results]:
                    self.message_user(request, line, messages.SUCCESS)
                return redirect("admin:archive_document_change", document.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import a new revision of {document}",
            "document": document,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/archive/document/revision.html", context)

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
    list_display = ("__str__", "document", "revision", "current", "section", "kind", "short_text")
    list_select_related = ("document", "section")
    list_filter = ("current", "document", "kind")
    search_fields = ("text", "anchor")
    readonly_fields = (
        "document",
        "revision",
        "current",
        "section",
        "order",
        "anchor",
        "text",
        "line_number",
    )
    fields = readonly_fields[:3] + ("section", "order", "anchor", "kind", "text", "line_number")

    def get_queryset(self, request):
        """Every revision's passages: an orphan's links lead to a superseded one."""
        return Passage.all_revisions.all()

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
