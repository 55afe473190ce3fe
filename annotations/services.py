"""The only way to change scholarly records.

Each function is one transaction and one django-reversion revision, with the acting user and a
comment. Permission and base-version checks happen inside the transaction, on a locked row, so a
refused write changes nothing. Views, admin actions, importers and commands call these.
"""

from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from archive.changes import touch
from archive.models import Passage

from .models import (
    Anchoring,
    Annotation,
    CrossReference,
    DisputedClaim,
    Evidence,
    FlagStatus,
    ModerationLogEntry,
    ModerationStatus,
    Tag,
)
from .permissions import (
    can_change_annotation,
    can_change_crossref,
    can_create,
    can_moderate_annotations,
    can_moderate_flags,
)
from .selectors import SelectorError, resolve_span

#: The fields of an annotation that a version holds and a revert brings back.
ANNOTATION_CONTENT_FIELDS = (
    "body",
    "motivation",
    "visibility",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
)


#: The content fields that are the annotation's target on its passage.
TARGET_FIELDS = ("exact", "prefix", "suffix", "start", "end")


class StaleEdit(Exception):
    """Someone saved the record after the editor loaded it; nothing was written."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            f"This was changed by someone else (now at version {current.version}); "
            "your edit was not saved."
        )


@dataclass(frozen=True)
class TargetData:
    """A requested target: a passage and optional selectors, not yet validated."""

    passage: object
    start: object = None
    end: object = None
    exact: str = ""
    prefix: str = ""
    suffix: str = ""


def target_fields(target):
    """Validate ``target`` against its passage; return the model fields to store.

    Raise ValidationError with the selector's message when it does not fit.
    """
    try:
        span = resolve_span(
            target.passage.text,
            start=target.start,
            end=target.end,
            exact=target.exact,
            prefix=target.prefix,
            suffix=target.suffix,
        )
    except SelectorError as error:
        raise ValidationError(str(error), code="bad_selector") from error
    # Written now, on the revision the passage belongs to.
    placed = {"written_on": target.passage.revision, "anchoring": Anchoring.WRITTEN}
    if span is None:
        return {
            "passage": target.passage,
            "exact": "",
            "prefix": "",
            "suffix": "",
            "start": None,
            "end": None,
            **placed,
        }
    return {
        "passage": target.passage,
        "exact": span.exact,
        "prefix": span.prefix,
        "suffix": span.suffix,
        "start": span.start,
        "end": span.end,
        **placed,
    }


def unix_newlines(value):
    """Store text with Unix line endings, whatever the browser sent."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def _tag_names(names):
    """Tag names as stored: trimmed, lower case, at most 60 characters, each once, in order."""
    return sorted({name.strip().lower()[:60] for name in names if name and name.strip()})


def _tags(names):
    cleaned = _tag_names(names)
    if not cleaned:
        return []
    # The tags that exist in one query; only new ones one by one.
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=cleaned)}
    return [found.get(name) or Tag.objects.get_or_create(name=name)[0] for name in cleaned]


def _version_with_tags(annotation):
    """Add a new annotation to the revision once its tag rows are written (its block is
    managed by hand, so its ``save()`` added no version without them)."""
    prefetch_related_objects([annotation], "tags")
    reversion.add_to_revision(annotation)


def _store_tags(annotation, tags):
    """Write a new annotation's tag rows straight into the through table (no m2m signals: the
    caller adds the one version, with the tags, to the revision)."""
    through = Annotation.tags.through
    if tags:
        through.objects.bulk_create([through(annotation=annotation, tag=tag) for tag in tags])


def _replace_tags(annotation, names):
    """Give ``annotation`` (its tags prefetched) the tags ``names``, writing only the rows that
    change, then read them again into its prefetch cache, so that the version its ``save()``
    adds holds them. Unchanged tags cost no statement."""
    current = {tag.name: tag for tag in annotation.tags.all()}
    wanted = _tag_names(names)
    if sorted(current) == wanted:
        return
    through = Annotation.tags.through
    removed = [tag.pk for name, tag in current.items() if name not in wanted]
    added = _tags([name for name in wanted if name not in current])
    if removed:
        through.objects.filter(annotation=annotation, tag_id__in=removed).delete()
    if added:
        through.objects.bulk_create([through(annotation=annotation, tag=tag) for tag in added])
    annotation.refresh_from_db(fields=["tags"])  # empties the prefetch cache, no query
    prefetch_related_objects([annotation], "tags")


#: What ``full_clean`` would otherwise check with a query each, and is already known here: the
#: related rows were loaded by the caller (forms and importers pass model instances), a span was
#: checked against its passage by ``target_fields``, the services check a cross-reference's one
#: destination and a piece of evidence's one source themselves (``_check_sources``), and a new
#: UUID primary key is unique. The database's foreign keys and CHECK constraints stay as the
#: backstop. Field validation (lengths, choices) still runs.
RELATED = {
    Annotation: ["tags", "passage", "author", "parent"],
    DisputedClaim: ["passage", "author"],
    CrossReference: ["passage", "author", "to_passage", "to_reference", "to_link"],
    Evidence: ["claim", "reference", "link"],
}


def _clean(record):
    """Validate ``record``'s own fields, without the queries of what is known (``RELATED``)."""
    record.full_clean(
        exclude=RELATED[type(record)], validate_unique=False, validate_constraints=False
    )


def _check_sources(evidence):
    """Each piece of evidence cites one source: a catalogue reference or an external link (the
    ``evidence_cites_one_source`` constraint, checked here without a query)."""
    for item in evidence:
        if (item.get("reference") is None) == (item.get("link") is None):
            raise ValidationError(
                "Evidence cites one source: a catalogue reference or an external link."
            )


def _lock(model, pk, *prefetch):
    """The record, its row locked; with its passage, document and author (for the change
    counter and the version's description) from the same query, their rows not locked; and
    the relations ``prefetch`` names, read after it."""
    related = ["passage__document", "author"]
    if model is CrossReference:
        related.append("to_passage")
    return (
        model.objects.select_for_update(of=("self",))
        .select_related(*related)
        .defer("passage__document__source_text")
        .prefetch_related(*prefetch)
        .get(pk=pk)
    )


def _check_base_version(current, base_version):
    if base_version is None or int(base_version) != current.version:
        raise StaleEdit(current)


# Each write opens ``reversion.create_revision(atomic=False)`` inside its own
# ``transaction.atomic()``: still one transaction, without a savepoint for reversion's block.
def _revision(user, comment):
    reversion.set_user(user)
    reversion.set_comment(comment)


def revert_comment(revision):
    """The comment of a revision that reverts to the version saved in ``revision``."""
    return f"Reverted to the version of {revision.date_created:%Y-%m-%d %H:%M:%S} UTC"


def moderation_comment(status, note):
    """The comment of a revision that gives an annotation a moderation status."""
    return f"Moderation: {ModerationStatus(status).label}. {note}"


def flag_status_comment(status, note):
    """The comment of a revision that gives a flag a status."""
    return f"Status: {FlagStatus(status).label}. {note}"


def _mark_deleted(record, user):
    """Soft-delete ``record`` (locked) as a new version in the open revision."""
    record.deleted = timezone.now()
    record.version += 1
    record.save()
    _revision(user, "Deleted")


def _crossref_documents(crossref):
    """The documents a cross-reference shows on: its source's and its destination's."""
    to_passage = crossref.to_passage
    return (crossref.passage.document_id, to_passage.document_id if to_passage else None)


def _crossref_passages(crossref):
    """The passages a cross-reference shows beside: its source and its destination."""
    return (crossref.passage_id, crossref.to_passage_id)


def moderation_log_entry(record, *, moderator, old_status, new_status, note):
    """The (unsaved) moderation log entry of a status change of ``record``."""
    return ModerationLogEntry(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        object_repr=str(record)[:200],
        moderator=moderator,
        old_status=old_status,
        new_status=new_status,
        note=note,
    )


def _log_moderation(record, **change):
    moderation_log_entry(record, **change).save()


# ---------------------------------------------------------------------------
# Annotations
# ---------------------------------------------------------------------------


def create_annotation(*, user, target, body, motivation, visibility, tags=(), parent=None):
    """Create an annotation on ``target`` as one revision."""
    if not can_create(user):
        raise PermissionDenied("Only scholars can annotate.")
    if parent is not None:
        if parent.parent_id is not None:
            raise ValidationError("Replies go one level deep: reply to the annotation itself.")
        target = TargetData(passage=parent.passage)
    fields = target_fields(target)
    with transaction.atomic(), reversion.create_revision(atomic=False, manage_manually=True):
        annotation = Annotation(
            author=user,
            body=unix_newlines(body),
            motivation=motivation,
            visibility=visibility,
            parent=parent,
            **fields,
        )
        _clean(annotation)
        tags = _tags(tags)
        annotation.save()
        _store_tags(annotation, tags)
        _version_with_tags(annotation)
        _revision(user, "Created")
        touch(annotation.passage.document_id, passages=[annotation.passage_id])
    return annotation


def update_annotation(*, annotation, user, data, base_version):
    """Apply ``data`` (body, motivation, visibility, tags, target) if nobody saved meanwhile."""
    with transaction.atomic(), reversion.create_revision(atomic=False):
        # Its tags too: the version holds them, and an edit writes only those that change.
        current = _lock(Annotation, annotation.pk, "tags")
        old_document_id, old_passage_id = current.passage.document_id, current.passage_id
        if not can_change_annotation(user, current):
            raise PermissionDenied("You may not edit this annotation.")
        if current.is_deleted:
            raise ValidationError("A deleted annotation cannot be edited; restore it first.")
        _check_base_version(current, base_version)
        for name in ("body", "motivation", "visibility"):
            if name in data:
                setattr(current, name, data[name])
        current.body = unix_newlines(current.body)
        if "target" in data:
            for name, value in target_fields(data["target"]).items():
                setattr(current, name, value)
        current.version += 1
        _clean(current)
        if "tags" in data:
            # Before the save, so that the version it adds holds the new tags.
            _replace_tags(current, data["tags"])
        current.save()
        _revision(user, data.get("comment") or "Edited")
        touch(
            old_document_id,
            current.passage.document_id,
            passages=[old_passage_id, current.passage_id],
        )
    return current


def delete_annotation(*, annotation, user):
    """Mark an annotation deleted; its history stays and it can be restored."""
    with transaction.atomic(), reversion.create_revision(atomic=False):
        current = _lock(Annotation, annotation.pk)
        if not can_change_annotation(user, current):
            raise PermissionDenied("You may not delete this annotation.")
        if current.is_deleted:
            return current
        _mark_deleted(current, user)
        touch(current.passage.document_id, passages=[current.passage_id])
    return current


def restore_annotation(*, annotation, user):
    """Bring back a deleted annotation as a new version."""
    with transaction.atomic(), reversion.create_revision(atomic=False):
        current = _lock(Annotation, annotation.pk)
        if not can_change_annotation(user, current):
            raise PermissionDenied("You may not restore this annotation.")
        if not current.is_deleted:
            return current
        current.deleted = None
        current.version += 1
        current.save()
        _revision(user, "Restored")
        touch(current.passage.document_id, passages=[current.passage_id])
    return current


def revert_annotation(*, annotation, user, version):
    """Make a new version whose content is that of reversion ``version`` of this annotation."""
    if version.object_id != str(annotation.pk) or version.content_type.model_class() is not (
        Annotation
    ):
        raise ValidationError("That version belongs to another record.")
    old = version.field_dict
    with transaction.atomic(), reversion.create_revision(atomic=False):
        current = _lock(Annotation, annotation.pk)
        old_document_id, old_passage_id = current.passage.document_id, current.passage_id
        if not can_change_annotation(user, current):
            raise PermissionDenied("You may not revert this annotation.")
        # A version from before its text was revised stands on a superseded passage: its
        # selectors fit that passage only, so the target stays where it is now.
        superseded = Passage.all_revisions.filter(pk=old.get("passage_id"), current=False)
        keep_target = old.get("passage_id") != current.passage_id and superseded.exists()
        for name in ANNOTATION_CONTENT_FIELDS:
            if not (keep_target and name in TARGET_FIELDS):
                setattr(current, name, old[name])
        current.deleted = None
        current.version += 1
        current.save()
        current.tags.set(Tag.objects.filter(pk__in=old.get("tags", [])))
        _revision(
            user,
            revert_comment(version.revision),
        )
        touch(
            old_document_id,
            current.passage.document_id,
            passages=[old_passage_id, current.passage_id],
        )
    return current


def moderate_annotation(*, annotation, user, status, note):
    """Set an annotation's moderation status with a note, as one revision."""
    if status not in ModerationStatus.values:
        raise ValidationError("Unknown moderation status.")
    if not note.strip():
        raise ValidationError("A moderation note is required.")
    with transaction.atomic(), reversion.create_revision(atomic=False):
        current = _lock(Annotation, annotation.pk)
        if not can_moderate_annotations(user):
            raise PermissionDenied("Only moderators can moderate annotations.")
        old_status = current.status
        current.status = status
        current.moderation_note = note
        current.version += 1
        current.save()
        _revision(user, moderation_comment(status, note))
        _log_moderation(
            current, moderator=user, old_status=old_status, new_status=status, note=note
        )
        touch(current.passage.document_id, passages=[current.passage_id])
    return current


# ---------------------------------------------------------------------------
# Disputed-claim flags
# ---------------------------------------------------------------------------


def create_flag(*, user, target, category, statement, evidence=()):
    """Flag ``target`` as disputed; ``evidence`` is a list of dicts for Evidence rows."""
    if not can_create(user):
        raise PermissionDenied("Only scholars can flag disputed claims.")
    fields = target_fields(target)
    evidence = list(evidence)
    _check_sources(evidence)
    with transaction.atomic(), reversion.create_revision(atomic=False):
        claim = DisputedClaim(
            author=user, category=category, statement=unix_newlines(statement), **fields
        )
        _clean(claim)
        claim.save()
        for item in evidence:
            row = Evidence(claim=claim, **item)
            _clean(row)
            row.save()
        _revision(user, "Flagged as disputed")
        touch(claim.passage.document_id, passages=[claim.passage_id])
    return claim


def set_flag_status(*, claim, user, status, note, base_version=None):
    """Change a flag's status (moderators only) with a required note, as one revision."""
    if status not in FlagStatus.values:
        raise ValidationError("Unknown status.")
    if not note.strip():
        raise ValidationError("A resolution note is required.")
    with transaction.atomic(), reversion.create_revision(atomic=False):
        current = _lock(DisputedClaim, claim.pk)
        if not can_moderate_flags(user):
            raise PermissionDenied("Only moderators can change a flag's status.")
        if base_version is not None:
            _check_base_version(current, base_version)
        old_status = current.status
        current.status = status
        current.resolution_note = note
        current.version += 1
        current.save()
        _revision(user, flag_status_comment(status, note))
        _log_moderation(
            current, moderator=user, old_status=old_status, new_status=status, note=note
        )
        touch(current.passage.document_id, passages=[current.passage_id])
    return current


# ---------------------------------------------------------------------------
# Cross-references
# ---------------------------------------------------------------------------


def create_crossref(
    *, user, target, relation, note="", to_target=None, to_reference=None, to_link=None
):
    """Link ``target`` to a passage or span, a reference or an external link."""
    if not can_create(user):
        raise PermissionDenied("Only scholars can add cross-references.")
    destinations = [d for d in (to_target, to_reference, to_link) if d is not None]
    if len(destinations) != 1:
        raise ValidationError("Choose exactly one destination: a passage, a reference or a link.")
    fields = target_fields(target)
    if to_target is not None:
        if (
            to_target.passage.pk == target.passage.pk
            and to_target.start is None
            and (target.start is None)
        ):
            raise ValidationError("A passage cannot be cross-referenced to itself.")
        destination = {f"to_{name}": value for name, value in target_fields(to_target).items()}
    else:
        destination = {"to_reference": to_reference, "to_link": to_link}
    with transaction.atomic(), reversion.create_revision(atomic=False):
        crossref = CrossReference(
            author=user, relation=relation, note=note, **fields, **destination
        )
        _clean(crossref)
        crossref.save()
        _revision(user, "Cross-reference created")
        touch(*_crossref_documents(crossref), passages=_crossref_passages(crossref))
    return crossref


def delete_crossref(*, crossref, user):
    """Mark a cross-reference deleted, as one revision."""
    with transaction.atomic(), reversion.create_revision(atomic=False):
        current = _lock(CrossReference, crossref.pk)
        if not can_change_crossref(user, current):
            raise PermissionDenied("You may not delete this cross-reference.")
        if current.is_deleted:
            return current
        _mark_deleted(current, user)
        touch(*_crossref_documents(current), passages=_crossref_passages(current))
    return current
