"""Moderation in the admin: every action goes through annotations.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from archive.admin import GuardedCompareMixin

from . import services
from .models import (
    Annotation,
    CrossReference,
    DisputedClaim,
    Evidence,
    FlagStatus,
    ModerationLogEntry,
    ModerationStatus,
    Tag,
)
from .permissions import can_change_annotation, can_moderate_annotations, can_moderate_flags

TARGET_FIELDS = ("passage", "exact", "prefix", "suffix", "start", "end")


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note (required; shown to the author and kept in the moderation log)",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=5000,
    )


def moderation_history(record):
    """The record's moderation log as a small HTML table, for a read-only admin field."""
    entries = ModerationLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    ).select_related("moderator")
    if not entries:
        return "No moderation actions yet."
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
        (
            (f"{e.created:%Y-%m-%d %H:%M}", e.moderator, e.old_status, e.new_status, e.note)
            for e in entries
        ),
    )
    return format_html(
        "<table><thead><tr><th>When</th><th>Moderator</th><th>Status</th><th>Note</th></tr>"
        "</thead><tbody>{}</tbody></table>",
        rows,
    )


class ModerationActionsMixin:
    """Admin actions that ask for a note on an intermediate page, then call a service."""

    def run_with_note(self, request, queryset, *, title, service, **kwargs):
        if "apply" in request.POST:
            form = NoteForm(request.POST)
            if form.is_valid():
                done, refused = 0, []
                for record in queryset:
                    try:
                        service(record, request.user, note=form.cleaned_data["note"], **kwargs)
                        done += 1
                    except (ValidationError, PermissionDenied) as error:
                        refused.append(f"{record}: {error}")
                if done:
                    self.message_user(request, f"{title}: {done} done.", messages.SUCCESS)
                for line in refused:
                    self.message_user(request, line, messages.ERROR)
                return None
        else:
            form = NoteForm()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "records": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/moderation_action.html", context)

    def run_status_change(self, request, queryset, status, title):
        """Give each selected record ``status`` through the admin's ``change_status``, with
        the note asked for on the intermediate page."""
        return self.run_with_note(
            request,
            queryset,
            title=title,
            service=lambda record, user, note: self.change_status(record, user, status, note),
        )


def status_action(status, description, title):
    """An admin action that gives the selected records ``status`` (``run_status_change``)."""

    @admin.action(description=description, permissions=["moderate"])
    def action(self, request, queryset):
        return self.run_status_change(request, queryset, status, title)

    return action


class NoWritesMixin:
    """An admin that adds, changes and deletes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(NoWritesMixin, GuardedCompareMixin):
    """Scholarly content is written by scholars in the web UI; the admin reviews it."""


class ScholarlyRecordAdminMixin:
    """Columns and read-only fields shared by annotations and flags."""

    @admin.display(description="Document", ordering="passage__document__title")
    def document(self, obj):
        return obj.passage.document.catalogue_id

    @admin.display(description="Passage", ordering="passage__order")
    def passage_order(self, obj):
        return obj.passage.order

    @admin.display(description="Moderation log")
    def moderation_log(self, obj):
        return moderation_history(obj)

    @admin.display(description="On the site")
    def public_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())


@admin.register(Annotation)
class AnnotationAdmin(
    ScholarlyRecordAdminMixin, ReadOnlyAdminMixin, ModerationActionsMixin, CompareVersionAdmin
):
    list_display = (
        "short_body",
        "author",
        "document",
        "passage_order",
        "motivation",
        "visibility",
        "status",
        "is_deleted",
        "modified",
    )
    list_select_related = ("author", "passage__document")
    list_filter = ("status", "visibility", "motivation", "passage__document", "created")
    search_fields = ("body", "exact", "author__username")
    date_hierarchy = "created"
    readonly_fields = ("moderation_log", "public_page", "version", "created", "modified")
    fields = (
        "public_page",
        "author",
        "body",
        "motivation",
        "tags",
        "visibility",
        "parent",
        *TARGET_FIELDS,
        "status",
        "moderation_note",
        "deleted",
        "version",
        "created",
        "modified",
        "moderation_log",
    )
    actions = ("hide", "publish", "mark_spam", "restore")
    history_latest_first = True

    def get_queryset(self, request):
        # Another scholar's private annotation is theirs alone: in the admin as on the site.
        return (
            super()
            .get_queryset(request)
            .exclude(Q(visibility="private") & ~Q(author_id=request.user.pk))
        )

    @admin.display(description="Annotation")
    def short_body(self, obj):
        return obj.body[:80]

    @admin.display(description="Deleted", boolean=True)
    def is_deleted(self, obj):
        return obj.deleted is not None

    def has_moderate_permission(self, request):
        return can_moderate_annotations(request.user)

    @staticmethod
    def change_status(record, user, status, note):
        return services.moderate_annotation(annotation=record, user=user, status=status, note=note)

    hide = status_action(ModerationStatus.HIDDEN, "Hide selected annotations", "Hide annotations")

    publish = status_action(
        ModerationStatus.PUBLISHED, "Publish selected annotations", "Publish annotations"
    )

    mark_spam = status_action(
        ModerationStatus.SPAM, "Mark selected annotations as spam", "Mark as spam"
    )

    @admin.action(description="Restore selected deleted annotations", permissions=["moderate"])
    def restore(self, request, queryset):
        restored = 0
        for record in queryset.filter(deleted__isnull=False):
            services.restore_annotation(annotation=record, user=request.user)
            restored += 1
        self.message_user(request, f"{restored} annotation(s) restored.", messages.SUCCESS)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Revert through the service, so that it is a new version with this moderator."""
        annotation = get_object_or_404(Annotation, pk=object_id)
        if not can_change_annotation(request.user, annotation):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(annotation), pk=version_id)
        if request.method == "POST":
            reverted = services.revert_annotation(
                annotation=annotation, user=request.user, version=version
            )
            self.message_user(
                request, f"Reverted; saved as version {reverted.version}.", messages.SUCCESS
            )
            return redirect(reverse("admin:annotations_annotation_change", args=[annotation.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Revert annotation",
            "annotation": annotation,
            "version": version,
            "data": version.field_dict,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/annotations/revert_confirm.html", context)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ("reference", "link", "locator", "stance")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DisputedClaim)
class DisputedClaimAdmin(
    ScholarlyRecordAdminMixin, ReadOnlyAdminMixin, ModerationActionsMixin, CompareVersionAdmin
):
    list_display = (
        "statement_short",
        "category",
        "status",
        "author",
        "document",
        "passage_order",
        "evidence_count",
        "created",
    )
    list_select_related = ("author", "passage__document")
    list_filter = ("status", "category", "passage__document", "created")
    search_fields = ("statement", "exact", "resolution_note", "author__username")
    date_hierarchy = "created"
    ordering = ("created",)
    inlines = (EvidenceInline,)
    readonly_fields = ("moderation_log", "public_page", "version", "created", "modified")
    fields = (
        "public_page",
        "author",
        "category",
        "statement",
        *TARGET_FIELDS,
        "status",
        "resolution_note",
        "version",
        "created",
        "modified",
        "moderation_log",
    )
    actions = ("take_under_review", "uphold", "reject", "resolve")
    history_latest_first = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(evidence_total=Count("evidence"))

    @admin.display(description="Statement")
    def statement_short(self, obj):
        return obj.statement[:80]

    @admin.display(description="Evidence", ordering="evidence_total")
    def evidence_count(self, obj):
        return obj.evidence_total

    def has_moderate_permission(self, request):
        return can_moderate_flags(request.user)

    @staticmethod
    def change_status(record, user, status, note):
        return services.set_flag_status(claim=record, user=user, status=status, note=note)

    take_under_review = status_action(
        FlagStatus.UNDER_REVIEW, "Take selected flags under review", "Take under review"
    )

    uphold = status_action(FlagStatus.UPHELD, "Uphold selected flags", "Uphold flags")

    reject = status_action(FlagStatus.REJECTED, "Reject selected flags", "Reject flags")

    resolve = status_action(FlagStatus.RESOLVED, "Resolve selected flags", "Resolve flags")


@admin.register(CrossReference)
class CrossReferenceAdmin(ReadOnlyAdminMixin, CompareVersionAdmin):
    list_display = ("passage", "relation", "destination_label", "author", "is_deleted", "created")
    list_select_related = (
        "author",
        "passage__document",
        "to_passage__document",
        "to_reference",
        "to_link",
    )
    list_filter = ("relation", "passage__document", "created")
    search_fields = ("note", "exact", "to_exact", "author__username")
    date_hierarchy = "created"
    history_latest_first = True

    @admin.display(description="Destination")
    def destination_label(self, obj):
        return str(obj.destination)

    @admin.display(description="Deleted", boolean=True)
    def is_deleted(self, obj):
        return obj.deleted is not None


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(NoWritesMixin, admin.ModelAdmin):
    list_display = (
        "created",
        "moderator",
        "object_repr",
        "content_type",
        "old_status",
        "new_status",
        "note",
    )
    list_select_related = ("moderator", "content_type")
    list_filter = ("content_type", "new_status", "created")
    search_fields = ("object_repr", "note", "moderator__username")
    date_hierarchy = "created"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)
    list_display = ("name",)
