"""What needs a moderator: open flags, recent annotations, annotations held back."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Annotation, DisputedClaim, FlagStatus, ModerationStatus

#: How far back the queue looks for new or edited annotations.
RECENT = timedelta(days=7)


def review_queue():
    """The querysets behind the review page, by name: ``flags`` (open or under review, oldest
    first), ``recent`` (new or edited in the last ``RECENT``, not private) and ``moderated``
    (not published)."""
    since = timezone.now() - RECENT
    return {
        "flags": DisputedClaim.objects.filter(status__in=[FlagStatus.OPEN, FlagStatus.UNDER_REVIEW])
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


def queue_counts(queue=None):
    """How many records each part of the review queue holds."""
    queue = review_queue() if queue is None else queue
    return {name: items.count() for name, items in queue.items()}
