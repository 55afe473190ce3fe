"""Parallel texts: what is aligned with what, and what a machine merely suggests.

An accepted alignment is an ``annotations.CrossReference`` with relation ``translation_of``
from a translation's passage to the original passage (or span) it translates. Three records
live here:

- ``NoCounterpart``: a person's statement that a translation passage has no counterpart in
  the original ("only in this version"); a cross-reference cannot say it, having no
  destination. Versioned, soft-deleted, written only through ``alignment.services``.
- ``AlignmentSuggestion``: a proposed alignment (or proposed "no counterpart") with its
  score and reasons, until a scholar accepts, corrects or rejects it.
- ``DiscrepancySuggestion``: a difference the detector found in an aligned pair, with both
  spans quoted, until a moderator accepts it (which creates a disputed-claim flag) or
  dismisses it.

Suggestions are never alignments or flags by themselves: only a person's decision, through the
services, creates those.
"""

import uuid

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Q

from annotations.models import CrossReference, DisputedClaim, FlagCategory
from archive.models import Document, Passage


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted__isnull=True)


@reversion.register()
class NoCounterpart(models.Model):
    """A translation passage that has no counterpart in ``original``, as a person judged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    passage = models.ForeignKey(
        Passage, on_delete=models.PROTECT, related_name="no_counterpart_marks"
    )
    #: The document in which the passage has no counterpart (the translation's original).
    original = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="no_counterpart_marks"
    )
    note = models.TextField(blank=True)
    deleted = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["passage__document", "passage__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["passage", "original"],
                condition=Q(deleted__isnull=True),
                name="nocounterpart_one_live_mark",
            ),
        ]
        verbose_name = "“only in this version” mark"

    def __str__(self):
        return f"{self.passage}: only in this version (no counterpart in {self.original})"

    @property
    def is_deleted(self):
        return self.deleted is not None


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    CORRECTED = "corrected", "Corrected"
    REJECTED = "rejected", "Rejected"


class SuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SuggestionStatus.PENDING)

    def for_pair(self, translation, original):
        return self.filter(translation=translation, original=original)


@reversion.register()
class AlignmentSuggestion(models.Model):
    """A proposed alignment of a translation passage with an original passage or span, or (no
    ``to_passage``) a proposal that it has no counterpart."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    translation = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    original = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    passage = models.ForeignKey(
        Passage, on_delete=models.CASCADE, related_name="alignment_suggestions"
    )
    to_passage = models.ForeignKey(
        Passage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: A span of ``to_passage`` (code points), or None for the whole passage.
    to_start = models.PositiveIntegerField(null=True, blank=True)
    to_end = models.PositiveIntegerField(null=True, blank=True)
    to_exact = models.TextField(blank=True)
    #: What the suggestion proposes, so that proposing it again finds it: ``none``,
    #: ``<passage pk>`` or ``<passage pk>:<start>-<end>``.
    key = models.CharField(max_length=64)
    #: 0–1: how well the two sides share anchors and length (for "no counterpart": how
    #: little the best candidate shared).
    score = models.FloatField()
    #: Readable reasons: shared dates, figures and names, order.
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    #: What the decision created: the cross-reference, or the "only in this version" mark.
    crossref = models.ForeignKey(
        CrossReference, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    no_counterpart = models.ForeignKey(
        NoCounterpart, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["passage__document", "passage__order", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["passage", "key"], name="alignmentsuggestion_unique"),
        ]

    def __str__(self):
        target = f"{self.to_passage}" if self.to_passage_id else "no counterpart"
        return f"{self.passage} → {target} ({self.score:.2f}, {self.get_status_display()})"

    @property
    def is_pending(self):
        return self.status == SuggestionStatus.PENDING

    @property
    def is_no_counterpart(self):
        return self.to_passage_id is None

    @property
    def to_quote(self):
        if self.to_passage_id is None:
            return ""
        return self.to_exact or self.to_passage.text


class DiscrepancyStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted (flagged)"
    DISMISSED = "dismissed", "Dismissed"


class DiscrepancyQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DiscrepancyStatus.PENDING)

    def for_translation(self, translation):
        return self.filter(passage__document=translation)


class DiscrepancyKind(models.TextChoices):
    DATE = "date", "Date"
    YEAR = "year", "Year"
    NUMBER = "number", "Figure or count"
    ENTITY = "entity", "Names"
    NEGATION = "negation", "Polarity (negation)"
    REPETITION = "repetition", "Repetition"


#: The flag categories a discrepancy can propose.
DISCREPANCY_CATEGORIES = [
    (FlagCategory.TRANSLATION.value, FlagCategory.TRANSLATION.label),
    (FlagCategory.DATE.value, FlagCategory.DATE.label),
    (FlagCategory.FIGURE.value, FlagCategory.FIGURE.label),
]


@reversion.register()
class DiscrepancySuggestion(models.Model):
    """A difference found in an aligned pair: a proposed disputed-claim flag on the
    translation's span, quoting both texts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: The aligned pair compared: a live ``translation_of`` cross-reference.
    crossref = models.ForeignKey(
        CrossReference, on_delete=models.PROTECT, related_name="discrepancy_suggestions"
    )
    #: The translation's passage and the span to flag.
    passage = models.ForeignKey(
        Passage, on_delete=models.PROTECT, related_name="discrepancy_suggestions"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    #: The original's passage and the span quoted.
    to_passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="+")
    to_start = models.PositiveIntegerField()
    to_end = models.PositiveIntegerField()
    to_exact = models.TextField()
    kind = models.CharField(max_length=12, choices=DiscrepancyKind.choices)
    #: differs, added (only in the translation), missing (only in the original), count.
    change = models.CharField(max_length=12)
    category = models.CharField(max_length=20, choices=DISCREPANCY_CATEGORIES)
    translation_items = models.JSONField(default=list, blank=True)
    original_items = models.JSONField(default=list, blank=True)
    #: The proposed flag statement, quoting both texts.
    statement = models.TextField()
    key = models.CharField(max_length=120)
    status = models.CharField(
        max_length=12, choices=DiscrepancyStatus.choices, default=DiscrepancyStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    #: The flag a moderator's acceptance created.
    flag = models.ForeignKey(
        DisputedClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = DiscrepancyQuerySet.as_manager()

    class Meta:
        ordering = ["passage__document", "passage__order", "start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["crossref", "key"], name="discrepancy_unique"),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="discrepancy_span_is_ordered"
            ),
        ]
        verbose_name = "suggested discrepancy"
        verbose_name_plural = "suggested discrepancies"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.passage}: {self.statement[:60]}"

    def get_absolute_url(self):
        return self.flag.get_absolute_url() if self.flag_id else ""

    @property
    def is_pending(self):
        return self.status == DiscrepancyStatus.PENDING

    @property
    def summary(self):
        """The statement without the quotations that follow it."""
        return self.statement.split(" Translation: ")[0]

    # The compare view marks the original's span of an accepted discrepancy (see views).
    highlight_kind = "counterpart"
    inline_label = "[disputed in translation]"
