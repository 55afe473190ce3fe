"""The moderators' admin site: Django's admin with a review queue and counts on its index."""

from datetime import timedelta

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

#: How far back the queue looks for new or edited annotations.
RECENT = timedelta(days=7)
QUEUE_LENGTH = 50


class ArchiveAdminSite(admin.AdminSite):
    site_header = "Bessarabia 1940 Archive · moderation"
    site_title = "Archive moderation"
    index_title = "Moderation"

    def get_urls(self):
        return [path("review/", self.admin_view(self.review_view), name="review")] + (
            super().get_urls()
        )

    def queue(self):
        """What needs a moderator: the querysets behind the review page and the index counts."""
        from annotations.models import Annotation, DisputedClaim, FlagStatus, ModerationStatus

        since = timezone.now() - RECENT
        return {
            "flags": DisputedClaim.objects.filter(
                status__in=[FlagStatus.OPEN, FlagStatus.UNDER_REVIEW]
            )
            .select_related("author", "passage__document")
            .order_by("created"),
            "recent": Annotation.objects.filter(Q(created__gte=since) | Q(modified__gte=since))
            .exclude(visibility="private")
            .select_related("author", "passage__document")
            .order_by("-modified"),
            "moderated": Annotation.objects.exclude(status=ModerationStatus.PUBLISHED)
            .select_related("author", "passage__document")
            .order_by("-modified"),
        }

    def index(self, request, extra_context=None):
        queue = self.queue()
        extra_context = {
            **(extra_context or {}),
            "queue_counts": {name: items.count() for name, items in queue.items()},
        }
        return super().index(request, extra_context)

    def review_view(self, request):
        if not (
            request.user.has_perm("annotations.moderate_annotation")
            or request.user.has_perm("annotations.moderate_disputedclaim")
        ):
            raise PermissionDenied("Only moderators review the queue.")
        queue = self.queue()
        context = {
            **self.each_context(request),
            "title": "Review queue",
            "flags": queue["flags"][:QUEUE_LENGTH],
            "recent": queue["recent"][:QUEUE_LENGTH],
            "moderated": queue["moderated"][:QUEUE_LENGTH],
            "counts": {name: items.count() for name, items in queue.items()},
            "recent_days": RECENT.days,
        }
        return TemplateResponse(request, "admin/review.html", context)


class ArchiveAdminConfig(AdminConfig):
    default_site = "config.admin.ArchiveAdminSite"
