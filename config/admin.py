"""The moderators' admin site: Django's admin with a review queue and counts on its index."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

QUEUE_LENGTH = 50


class ArchiveAdminSite(admin.AdminSite):
    site_header = "Bessarabia 1940 Archive · moderation"
    site_title = "Archive moderation"
    index_title = "Moderation"

    def get_urls(self):
        return [
            path("review/", self.admin_view(self.review_view), name="review"),
            path("orphans/", self.admin_view(self.orphans_view), name="orphans"),
        ] + super().get_urls()

    # The queue is imported when asked for: this module is loaded with the app registry
    # (``ArchiveAdminConfig``), before models can be.

    def index(self, request, extra_context=None):
        from annotations.queue import queue_counts

        extra_context = {**(extra_context or {}), "queue_counts": queue_counts()}
        return super().index(request, extra_context)

    def review_view(self, request):
        if not (
            request.user.has_perm("annotations.moderate_annotation")
            or request.user.has_perm("annotations.moderate_disputedclaim")
        ):
            raise PermissionDenied("Only moderators review the queue.")
        from annotations.queue import RECENT, queue_counts, review_queue

        queue = review_queue()
        context = {
            **self.each_context(request),
            "title": "Review queue",
            "flags": queue["flags"][:QUEUE_LENGTH],
            "recent": queue["recent"][:QUEUE_LENGTH],
            "moderated": queue["moderated"][:QUEUE_LENGTH],
            "counts": queue_counts(queue),
            "recent_days": RECENT.days,
        }
        return TemplateResponse(request, "admin/review.html", context)

    def orphans_view(self, request):
        """The orphan queue: scholarship that a new revision of its text could not place."""
        if not request.user.has_perm("annotations.moderate_annotation"):
            raise PermissionDenied("Only moderators handle orphans.")
        from annotations.orphans import decide, orphan_queue

        if request.method == "POST":
            decide(request)
            return redirect("admin:orphans")
        context = {
            **self.each_context(request),
            "title": "Orphan queue",
            "orphans": orphan_queue()[:QUEUE_LENGTH],
        }
        return TemplateResponse(request, "admin/orphans.html", context)


class ArchiveAdminConfig(AdminConfig):
    default_site = "config.admin.ArchiveAdminSite"
