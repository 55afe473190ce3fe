"""Moderators' lists of suggestions and marks. Read-only; decisions go through the services.

Suggested discrepancies are a moderation queue: accepting one flags the translation's span as
disputed, by the moderator who accepts it; dismissing it keeps it, dismissed. Alignment
suggestions can be accepted or rejected here too (scholars do it on the compare page).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from reversion_compare.admin import CompareVersionAdmin

from annotations.permissions import can_create, can_moderate_flags

from . import services
from .models import AlignmentSuggestion, DiscrepancySuggestion, NoCounterpart


class ReadOnlyAdminMixin:
    """Moderators see these lists by their role (the permission to moderate flags), not by
    model permissions, so the groups need nothing from this app."""

    def has_view_permission(self, request, obj=None):
        return can_moderate_flags(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return can_moderate_flags(request.user) or super().has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def compare_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)


def _run(modeladmin, request, queryset, service, title):
    """Call ``service`` on each selected record; report what was done and what was refused."""
    done, refused = 0, []
    for record in queryset:
        try:
            service(suggestion=record, user=request.user)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            refused.append(f"{record}: {text}")
    if done:
        modeladmin.message_user(request, f"{title}: {done} done.", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


def _compare_link(passage, anchor):
    url = reverse("alignment:compare", kwargs={"slug": passage.document.slug})
    return format_html('<a href="{}#{}">compare ¶{}</a>', url, anchor, passage.order)


@admin.register(DiscrepancySuggestion)
class DiscrepancySuggestionAdmin(ReadOnlyAdminMixin, CompareVersionAdmin):
    list_display = (
        "summary_text",
        "category",
        "kind",
        "translation_span",
        "original_span",
        "status",
        "decided_by",
        "on_page",
    )
    list_select_related = ("passage__document", "to_passage__document", "decided_by")
    list_filter = ("status", "category", "kind", "passage__document")
    search_fields = ("statement", "exact", "to_exact")
    readonly_fields = ("on_page", "flag_link")
    actions = ("accept", "dismiss")
    history_latest_first = True

    @admin.display(description="Discrepancy")
    def summary_text(self, obj):
        return obj.summary[:120]

    @admin.display(description="Translation span")
    def translation_span(self, obj):
        return format_html(
            '¶{}: “<span lang="{}">{}</span>”',
            obj.passage.order,
            obj.passage.document.language,
            obj.exact[:80],
        )

    @admin.display(description="Original span")
    def original_span(self, obj):
        return format_html(
            '¶{}: “<span lang="{}">{}</span>”',
            obj.to_passage.order,
            obj.to_passage.document.language,
            obj.to_exact[:80],
        )

    @admin.display(description="On the site")
    def on_page(self, obj):
        return _compare_link(obj.passage, f"t-{obj.passage.anchor}")

    @admin.display(description="Flag")
    def flag_link(self, obj):
        if not obj.flag_id:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.flag.get_absolute_url(), obj.flag)

    def has_moderate_permission(self, request):
        return can_moderate_flags(request.user)

    @admin.action(description="Accept as flags (by you)", permissions=["moderate"])
    def accept(self, request, queryset):
        _run(self, request, queryset, services.accept_discrepancy, "Accept as flags")

    @admin.action(description="Dismiss", permissions=["moderate"])
    def dismiss(self, request, queryset):
        _run(self, request, queryset, services.dismiss_discrepancy, "Dismiss")


@admin.register(AlignmentSuggestion)
class AlignmentSuggestionAdmin(ReadOnlyAdminMixin, CompareVersionAdmin):
    list_display = ("__str__", "score", "status", "decided_by", "on_page")
    list_select_related = ("passage__document", "to_passage__document", "decided_by")
    list_filter = ("status", "translation")
    readonly_fields = ("on_page",)
    actions = ("accept", "reject")
    history_latest_first = True

    @admin.display(description="On the site")
    def on_page(self, obj):
        return _compare_link(obj.passage, f"t-{obj.passage.anchor}")

    def has_decide_permission(self, request):
        return can_create(request.user)

    @admin.action(description="Accept (aligned by you)", permissions=["decide"])
    def accept(self, request, queryset):
        _run(self, request, queryset, services.accept_alignment, "Accept")

    @admin.action(description="Reject", permissions=["decide"])
    def reject(self, request, queryset):
        _run(self, request, queryset, services.reject_alignment, "Reject")


@admin.register(NoCounterpart)
class NoCounterpartAdmin(ReadOnlyAdminMixin, CompareVersionAdmin):
    list_display = ("__str__", "author", "deleted", "modified")
    list_select_related = ("passage__document", "original", "author")
    list_filter = ("original",)
    history_latest_first = True
