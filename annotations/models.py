"""Scholarship: annotations, disputed-claim flags and cross-references, all versioned.

Every write goes through ``annotations.services``; nothing here has side effects in ``save()``.
"""

import uuid

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from archive.models import ExternalLink, Passage, Reference

from .authors import AUTHOR
from .selectors import CONTEXT_LENGTH


class Motivation(models.TextChoices):
    """W3C Web Annotation motivations a scholar can choose."""

    COMMENTING = "commenting", "Commenting"
    QUESTIONING = "questioning", "Questioning"
    DESCRIBING = "describing", "Describing"
    EDITING = "editing", "Correcting (editing)"
    LINKING = "linking", "Linking"
    TAGGING = "tagging", "Tagging"
    CLASSIFYING = "classifying", "Classifying"
    IDENTIFYING = "identifying", "Identifying"
    HIGHLIGHTING = "highlighting", "Highlighting"
    BOOKMARKING = "bookmarking", "Bookmarking"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private (only me)"


class ModerationStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by a moderator"
    SPAM = "spam", "Marked as spam"


class Anchoring(models.TextChoices):
    """Where a target stands after its document's received text was revised
    (``annotations.anchoring``)."""

    WRITTEN = "written", "As written"
    EXACT = "exact", "Moved: exact quote"
    FUZZY = "fuzzy", "Moved: fuzzy match"
    ORPHAN = "orphan", "Orphan: not found in the new revision"
    REATTACHED = "reattached", "Re-attached by a moderator"
    RETIRED = "retired", "Retired orphan"


#: The states in which a target sits on another revision than the one it was written on.
MOVED = (Anchoring.EXACT, Anchoring.FUZZY, Anchoring.REATTACHED)
#: The states in which a target is left on a superseded revision.
UNPLACED = (Anchoring.ORPHAN, Anchoring.RETIRED)


class Target(models.Model):
    """A passage and, optionally, a span in it, as W3C TextQuote and TextPosition selectors.

    A target without ``start``/``end`` is the whole passage. Validated by
    ``annotations.selectors.resolve_span`` before any write. ``passage`` is where the target
    stands now: a passage of the current revision, or, for an orphan, the passage of the old
    revision it is pinned to.
    """

    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="%(class)ss")
    #: TextQuoteSelector ``exact``; empty for a whole passage.
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    #: TextPositionSelector, in code points of the passage text.
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    #: The revision of the passage's document that the target was written (or last
    #: re-targeted by its author) on.
    written_on = models.PositiveIntegerField(default=1)
    anchoring = models.CharField(
        max_length=12, choices=Anchoring.choices, default=Anchoring.WRITTEN
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(start__isnull=True, end__isnull=True) | Q(start__lt=models.F("end"))),
                name="%(class)s_span_is_ordered",
            ),
        ]

    @property
    def is_span(self):
        return self.start is not None

    @property
    def quote(self):
        """The text the target covers."""
        return self.exact if self.is_span else self.passage.text

    @property
    def has_moved(self):
        return self.anchoring in MOVED

    @property
    def is_orphan(self):
        return self.anchoring in UNPLACED


class TagManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    objects = TagManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class RowManager(models.Manager):
    """The base manager of the scholarly records (Django's related lookups, ``save()``,
    deletions, and django-reversion's check that a record exists before its revision is saved):
    rows by primary key, without the default ordering, which for annotations joins the passage
    and the document to order a single row (docs/performance.md, "Service writes")."""

    def get_queryset(self):
        return super().get_queryset().order_by()


class VersionedQuerySet(models.QuerySet):
    """Reads shared by the scholarly records."""

    def for_document(self, document):
        return self.filter(passage__document=document)

    def with_targets(self):
        return self.select_related("passage__document", AUTHOR)


class AnnotationQuerySet(VersionedQuerySet):
    def live(self):
        return self.filter(deleted__isnull=True)

    def public(self):
        return self.live().filter(visibility=Visibility.PUBLIC, status=ModerationStatus.PUBLISHED)

    def visible_to(self, user):
        """What ``user`` may read: public annotations and their own (a moderator sees all
        public ones, hidden or not)."""
        if not user.is_authenticated:
            return self.public()
        if user.has_perm("annotations.moderate_annotation"):
            return self.live().filter(Q(visibility=Visibility.PUBLIC) | Q(author=user))
        return self.live().filter(
            Q(visibility=Visibility.PUBLIC, status=ModerationStatus.PUBLISHED) | Q(author=user)
        )

    def with_targets(self):
        return super().with_targets().prefetch_related("tags")


@reversion.register()
class Annotation(Target):
    """A scholar's note on a passage or span: Markdown body, motivation, tags, visibility."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    #: Markdown; rendered with raw HTML disabled and sanitised.
    body = models.TextField()
    motivation = models.CharField(
        max_length=20, choices=Motivation.choices, default=Motivation.COMMENTING
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    #: The annotation this one replies to (one level of replies).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    status = models.CharField(
        max_length=12, choices=ModerationStatus.choices, default=ModerationStatus.PUBLISHED
    )
    #: Why a moderator hid it; shown to the author.
    moderation_note = models.TextField(blank=True)
    #: Set when the author or a moderator deletes it; a deleted annotation can be restored.
    deleted = models.DateTimeField(null=True, blank=True)
    #: Counts saved versions; an edit must name the version it started from.
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()
    rows = RowManager()

    class Meta(Target.Meta):
        ordering = ["passage__document", "passage__order", "start", "created"]
        base_manager_name = "rows"
        permissions = [("moderate_annotation", "Can hide, publish and mark annotations as spam")]
        indexes = [models.Index(fields=["author", "-modified"], name="annotation_author_recent")]

    def __str__(self):
        return f"{self.get_motivation_display()} by {self.author} on {self.passage}"

    def get_absolute_url(self):
        return reverse("annotations:annotation-detail", kwargs={"pk": self.pk})

    @property
    def is_deleted(self):
        return self.deleted is not None

    #: How the reading view marks its span (see ``archive.reading.Highlight``).
    highlight_kind = "annotation"
    inline_label = ""


class FlagCategory(models.TextChoices):
    FACTUAL = "factual", "Factual accuracy"
    FIGURE = "figure", "Figure or number"
    DATE = "date", "Date"
    TRANSLATION = "translation", "Translation discrepancy"
    WORDING = "wording", "Wording or neutrality"
    UNSOURCED = "unsourced", "Unsourced"
    OTHER = "other", "Other"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_REVIEW = "under_review", "Under review"
    UPHELD = "upheld", "Upheld"
    REJECTED = "rejected", "Rejected"
    RESOLVED = "resolved", "Resolved"


class DisputedClaimQuerySet(VersionedQuerySet):
    def with_evidence(self):
        return self.prefetch_related("evidence__reference", "evidence__link")


@reversion.register(follow=("evidence",))
class DisputedClaim(Target):
    """A flag on a passage or span: what is disputed and why, with evidence and a status."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputed_claims"
    )
    category = models.CharField(max_length=20, choices=FlagCategory.choices)
    #: What is disputed and why.
    statement = models.TextField()
    status = models.CharField(max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    #: A moderator's note on the latest status change.
    resolution_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = DisputedClaimQuerySet.as_manager()

    class Meta(Target.Meta):
        ordering = ["created"]
        permissions = [("moderate_disputedclaim", "Can change the status of disputed claims")]
        verbose_name = "disputed-claim flag"

    def __str__(self):
        return f"{self.get_category_display()}: {self.statement[:60]}"

    def get_absolute_url(self):
        return reverse("annotations:flag-detail", kwargs={"pk": self.pk})

    highlight_kind = "disputed"

    @property
    def inline_label(self):
        """The tag shown after the disputed span, like an encyclopedia's [disputed]."""
        if self.status in (FlagStatus.OPEN, FlagStatus.UNDER_REVIEW):
            return "[disputed]"
        return f"[dispute {self.get_status_display().lower()}]"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports the text"
    CONTRADICTS = "contradicts", "Contradicts the text"


@reversion.register()
class Evidence(models.Model):
    """A catalogue reference (with a locator) or an external link cited for or against a claim."""

    claim = models.ForeignKey(DisputedClaim, on_delete=models.CASCADE, related_name="evidence")
    reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    link = models.ForeignKey(
        ExternalLink, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    #: Where in the source, e.g. "p. 112".
    locator = models.CharField(max_length=100, blank=True)
    stance = models.CharField(max_length=12, choices=Stance.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(reference__isnull=False, link__isnull=True)
                    | Q(reference__isnull=True, link__isnull=False)
                ),
                name="evidence_cites_one_source",
            ),
        ]
        verbose_name_plural = "evidence"

    def __str__(self):
        return f"{self.get_stance_display()}: {self.reference or self.link}"

    @property
    def source(self):
        return self.reference or self.link


class Relation(models.TextChoices):
    TRANSLATION_OF = "translation_of", "Translation of"
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    SEE_ALSO = "see_also", "See also"
    CITES = "cites", "Cites"
    SAME_EVENT = "same_event", "Same event"


class CrossReferenceQuerySet(VersionedQuerySet):
    def live(self):
        return self.filter(deleted__isnull=True)

    def touching_document(self, document):
        """Cross-references from or to a passage of ``document``."""
        # Matched on passage ids rather than through joins: the OR of two joined columns made
        # PostgreSQL join every cross-reference's passages before filtering.
        passages = Passage.objects.filter(document=document).values("pk")
        return self.live().filter(Q(passage__in=passages) | Q(to_passage__in=passages))

    def with_targets(self):
        return (
            super().with_targets().select_related("to_passage__document", "to_reference", "to_link")
        )


@reversion.register()
class CrossReference(Target):
    """A typed link from a passage or span to another passage or span, a reference or a link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cross_references"
    )
    relation = models.CharField(max_length=20, choices=Relation.choices)
    note = models.TextField(blank=True)
    to_passage = models.ForeignKey(
        Passage, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    to_exact = models.TextField(blank=True)
    to_prefix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    to_suffix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    to_start = models.PositiveIntegerField(null=True, blank=True)
    to_end = models.PositiveIntegerField(null=True, blank=True)
    #: As ``written_on`` and ``anchoring``, for a destination passage.
    to_written_on = models.PositiveIntegerField(default=1)
    to_anchoring = models.CharField(
        max_length=12, choices=Anchoring.choices, default=Anchoring.WRITTEN
    )
    to_reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    to_link = models.ForeignKey(
        ExternalLink, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    deleted = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = CrossReferenceQuerySet.as_manager()

    class Meta(Target.Meta):
        ordering = ["created"]
        constraints = [
            *Target.Meta.constraints,
            models.CheckConstraint(
                condition=(
                    Q(to_passage__isnull=False, to_reference__isnull=True, to_link__isnull=True)
                    | Q(to_passage__isnull=True, to_reference__isnull=False, to_link__isnull=True)
                    | Q(to_passage__isnull=True, to_reference__isnull=True, to_link__isnull=False)
                ),
                name="crossreference_has_one_destination",
            ),
            models.CheckConstraint(
                condition=(
                    Q(to_start__isnull=True, to_end__isnull=True)
                    | Q(to_start__lt=models.F("to_end"))
                ),
                name="crossreference_destination_span_is_ordered",
            ),
        ]
        verbose_name = "cross-reference"

    def __str__(self):
        return f"{self.passage} {self.get_relation_display()} {self.destination}"

    def get_absolute_url(self):
        return reverse("annotations:crossref-detail", kwargs={"pk": self.pk})

    @property
    def destination(self):
        return self.to_passage or self.to_reference or self.to_link

    @property
    def is_deleted(self):
        return self.deleted is not None


class ModerationLogEntry(models.Model):
    """One moderation action: who changed which record's status, from what to what, and why.

    Written by the services in the same transaction as the change and its revision.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    #: What the record was, as text, so the log reads well even for a record that later changes.
    object_repr = models.CharField(max_length=200)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_actions"
    )
    old_status = models.CharField(max_length=20)
    new_status = models.CharField(max_length=20)
    note = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="moderationlog_object"),
        ]
        verbose_name = "moderation log entry"
        verbose_name_plural = "moderation log"

    def __str__(self):
        return f"{self.moderator}: {self.object_repr} {self.old_status} → {self.new_status}"
