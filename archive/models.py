"""The catalogue: what was received, kept exactly as received.

Every record is versioned with django-reversion: an import is one revision, and so is each
correction a moderator makes in the admin.
"""

import uuid

import reversion
from django.db import models
from django.db.models import Value
from django.db.models.functions import Replace, Upper
from django.urls import reverse

#: A document's descriptive metadata (Dublin Core: description, creator, provenance, source,
#: rights), as the manifest gives it and the catalogue keeps it.
DESCRIPTIVE_FIELDS = (
    "description",
    "creator",
    "provenance",
    "source_url",
    "licence",
    "licence_url",
)
#: The fields of a parsed bibliographic record (a ``Reference`` but its id and original line).
REFERENCE_RECORD_FIELDS = (
    "kind",
    "authors",
    "editors",
    "year",
    "date",
    "title",
    "translated_title",
    "periodical",
    "publisher",
    "place",
    "isbn",
    "format",
    "url",
    "archived",
    "retrieved",
    "language",
)

#: The fields of an external link's record (an ``ExternalLink`` but its id and original line).
LINK_RECORD_FIELDS = ("kind", "title", "site", "language", "archive_note", "remark", "url")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    ROMANIAN = "ro", "Romanian"


# ---------------------------------------------------------------------------
# Documents and their structure
# ---------------------------------------------------------------------------


class DocumentQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("translation_of").annotate(
            passage_count=models.Count(
                "passages", filter=models.Q(passages__current=True), distinct=True
            )
        )


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


@reversion.register()
class Document(models.Model):
    """One received source text (Dublin Core: title, language, description, source, rights)."""

    #: Human-readable catalogue identifier, e.g. ``AR-D0001``.
    catalogue_id = models.CharField(max_length=20, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    language = models.CharField(max_length=8, choices=Language.choices)
    description = models.TextField(blank=True)
    #: Who made the text (dc:creator), e.g. "Wikipedia contributors".
    creator = models.CharField(max_length=300, blank=True)
    #: Where the text came from and how it reached the archive.
    provenance = models.TextField(blank=True)
    #: URL of the original publication, where known (dc:source).
    source_url = models.URLField(max_length=500, blank=True)
    licence = models.CharField(max_length=100, blank=True)
    licence_url = models.URLField(max_length=300, blank=True)
    date_received = models.DateField()
    #: Name of the received file of the current revision.
    source_filename = models.CharField(max_length=255)
    #: SHA-256 of the current revision's received file's bytes, hex.
    checksum = models.CharField(max_length=64)
    #: The current revision's received text, decoded, exactly as received (every current
    #: passage is a line of it). Each received text is also kept, never changed, as a
    #: ``SourceRevision``; these four fields are the current one's.
    source_text = models.TextField()
    #: The number of the current ``SourceRevision``: 1 until a revised text is imported.
    revision = models.PositiveIntegerField(default=1)
    #: The document this one translates (the Romanian text covers the English lead).
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="translations"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = DocumentManager()

    class Meta:
        ordering = ["catalogue_id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reading:document-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class SourceRevisionManager(models.Manager):
    def get_by_natural_key(self, document_slug, number):
        return self.get(document__slug=document_slug, number=number)


@reversion.register()
class SourceRevision(models.Model):
    """One received text of a document, kept exactly and never changed: the first import is
    revision 1, each ``import_article --revision-of`` adds the next."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    #: From 1, in the order received.
    number = models.PositiveIntegerField()
    source_filename = models.CharField(max_length=255)
    #: SHA-256 of the received file's bytes, hex.
    checksum = models.CharField(max_length=64)
    #: The received text, decoded, exactly as received.
    source_text = models.TextField()
    date_received = models.DateField()
    created = models.DateTimeField(auto_now_add=True)

    objects = SourceRevisionManager()

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="sourcerevision_unique_number"
            ),
            models.UniqueConstraint(
                fields=["document", "checksum"], name="sourcerevision_unique_checksum"
            ),
        ]

    def __str__(self):
        return f"{self.document.catalogue_id} revision {self.number}"

    def natural_key(self):
        return (self.document.slug, self.number)

    natural_key.dependencies = ["archive.document"]


class CurrentRevisionManager(models.Manager):
    """The parts of the documents' current revisions only.

    The default manager of every revision part, so that each reverse relation
    (``document.passages``) and each query of the catalogue reads the current text, as it
    did before there were revisions; ``all_revisions`` reads the superseded ones too, and a
    foreign key (``annotation.passage``) reaches any part, whatever its revision.
    """

    def get_queryset(self):
        return super().get_queryset().filter(current=True)


class AllRevisionsManager(models.Manager):
    """The parts of every revision, current or superseded."""


class RevisionPart(models.Model):
    """What a document's parts (sections, passages, notes, its lists) share: the revision of
    the received text they were parsed from."""

    #: The number of the document's ``SourceRevision`` this part was parsed from.
    revision = models.PositiveIntegerField(default=1)
    #: True while that revision is the document's current one; superseded parts stay, for
    #: reading old revisions and for the scholarship still pinned to them.
    current = models.BooleanField(default=True)

    class Meta:
        abstract = True

    def revision_suffix(self):
        """What a natural key adds to say the revision: nothing for revision 1."""
        return () if self.revision == 1 else (self.revision,)


class SectionKind(models.TextChoices):
    BODY = "body", "Body"
    SEE_ALSO = "see_also", "See also"
    NOTES = "notes", "Notes"
    REFERENCES = "references", "References"
    FURTHER_READING = "further_reading", "Further reading"
    EXTERNAL_LINKS = "external_links", "External links"


class DocumentPartManager(CurrentRevisionManager):
    """Natural keys for records that belong to a document: (document slug, anchor), and the
    revision number after them from revision 2 on."""

    def get_by_natural_key(self, document_slug, anchor, revision=1):
        return self.model.all_revisions.db_manager(self.db).get(
            document__slug=document_slug, anchor=anchor, revision=revision
        )


@reversion.register()
class Section(RevisionPart):
    """A heading of a document; the lead (text before the first heading) has no section."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    #: Heading level as in the source: 2 for ``== … ==``, 3 for ``=== … ===``.
    level = models.PositiveSmallIntegerField()
    #: Position among the document's headings, from 1.
    order = models.PositiveIntegerField()
    heading = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.BODY)
    #: Fragment identifier in the reading view, unique in the document.
    anchor = models.SlugField(max_length=120)
    #: Line number of the heading in the received text, from 1.
    line_number = models.PositiveIntegerField()

    objects = DocumentPartManager()
    all_revisions = AllRevisionsManager()

    class Meta:
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "revision", "order"], name="section_unique_order"
            ),
            models.UniqueConstraint(
                fields=["document", "revision", "anchor"], name="section_unique_anchor"
            ),
        ]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    def natural_key(self):
        return (self.document.slug, self.anchor, *self.revision_suffix())

    natural_key.dependencies = ["archive.document"]


class PassageKind(models.TextChoices):
    PARAGRAPH = "paragraph", "Paragraph"
    QUOTATION = "quotation", "Quotation"
    LIST_ITEM = "list_item", "List item"


class PassageQuerySet(models.QuerySet):
    def for_document(self, document):
        return self.filter(document=document)

    def of_revision(self, document, number):
        """The passages of revision ``number`` of ``document`` (use on ``all_revisions``)."""
        return self.filter(document=document, revision=number)


class PassageManager(DocumentPartManager.from_queryset(PassageQuerySet)):
    pass


@reversion.register(exclude=["change_token"])
class Passage(RevisionPart):
    """One paragraph, quotation or list item: a line of the received text, exactly."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="passages")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="passages"
    )
    #: Position in the document, from 1; the anchor is ``p-<order>``.
    order = models.PositiveIntegerField()
    anchor = models.SlugField(max_length=20)
    kind = models.CharField(
        max_length=20, choices=PassageKind.choices, default=PassageKind.PARAGRAPH
    )
    text = models.TextField()
    #: Line number in the received text, from 1.
    line_number = models.PositiveIntegerField()
    #: Drawn when the passage is made (``loaddata`` included), so that the fragments of a
    #: passage never touched since (no ``PassageChanges`` row) are not those of another
    #: database's or another test's passage. Not serialised: cache state, not catalogue data.
    change_token = models.UUIDField(default=uuid.uuid4, editable=False, serialize=False)

    objects = PassageManager()
    all_revisions = PassageQuerySet.as_manager()

    class Meta:
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "revision", "order"], name="passage_unique_order"
            ),
            models.UniqueConstraint(
                fields=["document", "revision", "anchor"], name="passage_unique_anchor"
            ),
        ]

    def __str__(self):
        return f"{self.document.catalogue_id} §{self.order}"

    def get_absolute_url(self):
        """The passage page, the permalink of the passage and all its scholarship (a
        superseded passage's names its revision)."""
        url = reverse(
            "reading:passage-detail", kwargs={"slug": self.document.slug, "number": self.order}
        )
        return url if self.current else f"{url}?revision={self.revision}"

    def natural_key(self):
        return (self.document.slug, self.anchor, *self.revision_suffix())

    natural_key.dependencies = ["archive.document"]

    @property
    def fragment_version(self):
        """What the reading room's cached fragments of this passage are keyed on: its own
        token and its change counter (read with ``select_related("change_counter")``)."""
        try:
            counter = self.change_counter
        except PassageChanges.DoesNotExist:
            return f"{self.change_token.hex}.0"
        return f"{self.change_token.hex}.{counter.count}.{counter.token.hex}"

    @property
    def catalogue_id(self):
        return f"{self.document.catalogue_id}#{self.anchor}"


class NoteManager(CurrentRevisionManager):
    def get_by_natural_key(self, document_slug, marker, revision=1):
        return Note.all_revisions.db_manager(self.db).get(
            document__slug=document_slug, marker=marker, revision=revision
        )


@reversion.register()
class Note(RevisionPart):
    """A footnote: its marker in a passage (``[a]``) and its text, which may be missing."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="notes")
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="notes")
    #: The label inside the brackets, e.g. ``a`` for ``[a]``.
    marker = models.CharField(max_length=10)
    #: Offset of the ``[`` of the marker in the passage text, in code points.
    offset = models.PositiveIntegerField()
    #: The note's text; empty when the received text does not carry it.
    text = models.TextField(blank=True)

    objects = NoteManager()
    all_revisions = AllRevisionsManager()

    class Meta:
        ordering = ["document", "passage__order", "offset"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "revision", "marker"], name="note_unique_marker"
            ),
        ]

    def __str__(self):
        return f"[{self.marker}]"

    def natural_key(self):
        return (self.document.slug, self.marker, *self.revision_suffix())

    natural_key.dependencies = ["archive.document", "archive.passage"]

    @property
    def is_missing(self):
        return not self.text

    @property
    def anchor(self):
        return f"note-{self.marker}"


# ---------------------------------------------------------------------------
# Bibliographic references and external links
# ---------------------------------------------------------------------------


class CatalogueIdManager(models.Manager):
    def get_by_natural_key(self, catalogue_id):
        return self.get(catalogue_id=catalogue_id)


class ReferenceKind(models.TextChoices):
    BOOK = "book", "Book"
    ARTICLE = "article", "Newspaper or journal article"
    REPORT = "report", "Report"
    OTHER = "other", "Other"


class ReferenceQuerySet(models.QuerySet):
    def with_isbn(self):
        return self.exclude(isbn="")

    def with_isbn_in(self, numbers):
        """References whose ISBN, without hyphens and spaces, is one of ``numbers`` (compact,
        upper-case ``X``); the ISBN stays as written in the record."""
        compact = Replace(Replace(Upper("isbn"), Value("-"), Value("")), Value(" "), Value(""))
        return self.alias(compact_isbn=compact).filter(compact_isbn__in=numbers)


class ReferenceManager(CatalogueIdManager.from_queryset(ReferenceQuerySet)):
    pass


@reversion.register()
class Reference(models.Model):
    """A bibliographic record parsed from a References or Further reading line."""

    #: Human-readable catalogue identifier, e.g. ``AR-R0001``.
    catalogue_id = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=ReferenceKind.choices)
    #: Authors in CSL-JSON name form: ``[{"family": "King", "given": "Charles"}]``,
    #: or ``[{"literal": "…"}]`` when the name cannot be split.
    authors = models.JSONField(default=list, blank=True)
    #: Editors, in the same form as authors.
    editors = models.JSONField(default=list, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    #: The full date when the source gives one.
    date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=500)
    #: A translation of the title given in brackets by the source.
    translated_title = models.CharField(max_length=500, blank=True)
    #: Newspaper, journal or report series (CSL container-title).
    periodical = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    place = models.CharField(max_length=200, blank=True)
    isbn = models.CharField(max_length=20, blank=True)
    #: File format named by the source, e.g. PDF.
    format = models.CharField(max_length=40, blank=True)
    url = models.URLField(max_length=500, blank=True)
    archived = models.DateField(null=True, blank=True)
    retrieved = models.DateField(null=True, blank=True)
    #: ISO 639-1 code of the work's language when the source names it.
    language = models.CharField(max_length=8, blank=True)
    #: The line of the received text this record was parsed from, exactly.
    original_line = models.TextField()

    objects = ReferenceManager()

    class Meta:
        ordering = ["catalogue_id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("archive:reference-detail", kwargs={"catalogue_id": self.catalogue_id})

    def natural_key(self):
        return (self.catalogue_id,)

    @property
    def author_names(self):
        return "; ".join(format_name(name) for name in self.authors)

    @property
    def editor_names(self):
        return "; ".join(format_name(name) for name in self.editors)


def format_name(name):
    """Render a CSL name dict as ``Family, Given``."""
    if "literal" in name:
        return name["literal"]
    return ", ".join(part for part in (name.get("family", ""), name.get("given", "")) if part)


class ReferenceRole(models.TextChoices):
    CITED = "cited", "Cited"
    FURTHER_READING = "further_reading", "Further reading"


class DocumentReferenceManager(CurrentRevisionManager):
    def get_by_natural_key(self, document_slug, role, order, revision=1):
        return DocumentReference.all_revisions.db_manager(self.db).get(
            document__slug=document_slug, role=role, order=order, revision=revision
        )


@reversion.register()
class DocumentReference(RevisionPart):
    """A reference as listed by a document, in the document's order."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="listed_references"
    )
    reference = models.ForeignKey(
        Reference, on_delete=models.PROTECT, related_name="document_links"
    )
    role = models.CharField(max_length=20, choices=ReferenceRole.choices)
    #: Position in the document's list for this role, from 1.
    order = models.PositiveIntegerField()

    objects = DocumentReferenceManager()
    all_revisions = AllRevisionsManager()

    class Meta:
        ordering = ["document", "role", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "revision", "role", "order"],
                name="documentreference_unique_order",
            ),
        ]

    def __str__(self):
        return f"{self.document.catalogue_id} {self.get_role_display()} {self.order}"

    def natural_key(self):
        return (self.document.slug, self.role, self.order, *self.revision_suffix())

    natural_key.dependencies = ["archive.document", "archive.reference"]


class LinkKind(models.TextChoices):
    EXTERNAL = "external", "External link"
    SEE_ALSO = "see_also", "See also"


@reversion.register()
class ExternalLink(models.Model):
    """An External links or See also entry; the plain-text source dropped the URLs."""

    #: Human-readable catalogue identifier, e.g. ``AR-L0001``.
    catalogue_id = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    title = models.CharField(max_length=500)
    #: The site that hosts it, e.g. Wikisource.
    site = models.CharField(max_length=200, blank=True)
    #: ISO 639-1 code of the linked page's language, e.g. ``ro`` for "(in Romanian)".
    language = models.CharField(max_length=8, blank=True)
    #: Archive information given by the source, e.g. "Archived 13 August 2021 at the Wayback
    #: Machine".
    archive_note = models.CharField(max_length=300, blank=True)
    #: Year or other remark the source adds, e.g. "2004".
    remark = models.CharField(max_length=200, blank=True)
    #: Unknown for the received texts; can be filled in later.
    url = models.URLField(max_length=500, blank=True)
    original_line = models.TextField()

    objects = CatalogueIdManager()

    class Meta:
        ordering = ["catalogue_id"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.catalogue_id,)


class DocumentLinkManager(CurrentRevisionManager):
    def get_by_natural_key(self, document_slug, link_catalogue_id, revision=1):
        return DocumentLink.all_revisions.db_manager(self.db).get(
            document__slug=document_slug, link__catalogue_id=link_catalogue_id, revision=revision
        )


@reversion.register()
class DocumentLink(RevisionPart):
    """An external link or See also entry as listed by a document, in order."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="listed_links")
    link = models.ForeignKey(ExternalLink, on_delete=models.PROTECT, related_name="document_links")
    #: Position in the document's list for this kind, from 1.
    order = models.PositiveIntegerField()

    objects = DocumentLinkManager()
    all_revisions = AllRevisionsManager()

    class Meta:
        ordering = ["document", "link__kind", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "revision", "link"], name="documentlink_unique_link"
            ),
        ]

    def __str__(self):
        return f"{self.document.catalogue_id} → {self.link.catalogue_id}"

    def natural_key(self):
        return (self.document.slug, self.link.catalogue_id, *self.revision_suffix())

    natural_key.dependencies = ["archive.document", "archive.externallink"]


class PassageChanges(models.Model):
    """How many times what is shown on or beside a passage has changed: every write of
    scholarship on it bumps it in its transaction (``archive.changes.touch``), and the reading
    room's fragments of the passage are cached under it, with a random token drawn afresh with
    every bump so that a count that comes round again (a restored backup, a rolled-back test)
    never meets a fragment of another history.

    A table of its own rather than columns of ``Passage``: a passage row carries its text's
    stored search vectors and three GIN indexes, and updating it rewrote all of them on every
    scholarly write (docs/performance.md, "Service writes"). Not versioned: a counter.
    """

    passage = models.OneToOneField(
        Passage,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="change_counter",
    )
    count = models.PositiveBigIntegerField(default=0)
    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = "passage change counter"

    def __str__(self):
        return f"{self.passage_id}: {self.count}"


class DocumentChanges(models.Model):
    """How many times the scholarship on a document (or the catalogue) has changed.

    Not versioned: a counter, bumped in the same transaction as every write of the services
    that touches the document (``archive.changes.touch``), with a random token drawn
    afresh each time. The anonymous reading view's cache is keyed on both, so the next request
    after a write renders the page afresh, and a count that comes round again (a database
    restored from a backup, a rolled-back test) never finds a page of another history.
    """

    document = models.OneToOneField(
        Document,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="change_counter",
    )
    count = models.PositiveBigIntegerField(default=0)
    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = "document change counter"

    def __str__(self):
        return f"{self.document_id}: {self.count}"
