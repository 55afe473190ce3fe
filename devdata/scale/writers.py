"""Writers: carry out plans through the services, or in bulk with the same rows."""

import json
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from reversion.models import Revision, Version

from annotations import services
from annotations.models import (
    Annotation,
    CrossReference,
    DisputedClaim,
    Evidence,
    ModerationLogEntry,
    Tag,
)
from annotations.services import ANNOTATION_CONTENT_FIELDS, target_fields, unix_newlines
from archive.changes import touch_counts, touch_passages
from archive.models import Document, Passage

#: The tables a generation fills, by the names its report gives them.
TABLES = {
    "documents": Document,
    "passages": Passage,
    "annotations": Annotation,
    "annotation tags": Annotation.tags.through,
    "flags": DisputedClaim,
    "evidence": Evidence,
    "cross-references": CrossReference,
    "moderation log": ModerationLogEntry,
    "revisions": Revision,
    "versions": Version,
}


def table_counts():
    """How many rows each of ``TABLES`` holds."""
    return Counter({name: model.objects.count() for name, model in TABLES.items()})


@contextmanager
def primary_key(model, pk):
    """Let the service's new record take the planned primary key (the default is uuid4).

    ``Model.__init__`` asks each field for ``get_default()``; the primary key's answers ``pk``
    while the block runs.
    """
    pk_field = model._meta.pk
    pk_field.get_default = lambda: pk
    try:
        yield
    finally:
        del pk_field.get_default


class ServiceWriter:
    """Carry out plans through ``annotations.services``: one transaction and revision each."""

    def __init__(self):
        self.writes = 0

    def annotations(self, plans):
        for plan in plans:
            parent = Annotation.objects.get(pk=plan.parent) if plan.parent else None
            with primary_key(Annotation, plan.pk):
                annotation = services.create_annotation(
                    user=plan.author,
                    target=plan.target.data(),
                    body=plan.body,
                    motivation=plan.motivation,
                    visibility=plan.visibility,
                    tags=plan.tags,
                    parent=parent,
                )
            self.writes += 1
            for _, kind, details in plan.writes:
                annotation = self.annotation_write(annotation, plan, kind, details)
                self.writes += 1

    def annotation_write(self, annotation, plan, kind, details):
        user = plan.author
        if kind == "edit":
            data = {"body": details["body"]}
            if "tags" in details:
                data["tags"] = details["tags"]
            if "comment" in details:
                data["comment"] = details["comment"]
            return services.update_annotation(
                annotation=annotation, user=user, data=data, base_version=annotation.version
            )
        if kind == "delete":
            return services.delete_annotation(annotation=annotation, user=user)
        if kind == "restore":
            return services.restore_annotation(annotation=annotation, user=user)
        if kind == "revert":
            versions = Version.objects.get_for_object(annotation).order_by("pk")
            return services.revert_annotation(
                annotation=annotation, user=user, version=versions[details["to"]]
            )
        if kind == "moderate":
            return services.moderate_annotation(
                annotation=annotation,
                user=details["moderator"],
                status=details["status"],
                note=details["note"],
            )
        raise ValueError(kind)

    def flags(self, plans):
        for plan in plans:
            with primary_key(DisputedClaim, plan.pk):
                claim = services.create_flag(
                    user=plan.author,
                    target=plan.target.data(),
                    category=plan.category,
                    statement=plan.statement,
                    evidence=[dict(item) for item in plan.evidence],
                )
            self.writes += 1
            for _, moderator, status, note in plan.statuses:
                claim = services.set_flag_status(
                    claim=claim, user=moderator, status=status, note=note
                )
                self.writes += 1

    def crossrefs(self, plans):
        for plan in plans:
            with primary_key(CrossReference, plan.pk):
                crossref = services.create_crossref(
                    user=plan.author,
                    target=plan.target.data(),
                    relation=plan.relation,
                    note=plan.note,
                    to_target=plan.to_target.data() if plan.to_target else None,
                    to_reference=plan.to_reference,
                    to_link=plan.to_link,
                )
            self.writes += 1
            if plan.deleted:
                services.delete_crossref(crossref=crossref, user=plan.author)
                self.writes += 1


@contextmanager
def dates_as_given(*models):
    """Let bulk inserts keep the simulated dates instead of auto_now/auto_now_add's clock."""
    changed = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class PendingRevision:
    revision: Revision
    versions: list


class BulkWriter:
    """Write the rows the services would write, in batches (see the module's docstring)."""

    def __init__(self, batch_size=2000):
        self.batch_size = batch_size
        self.revisions = []
        self.writes = 0
        self.rows = Counter()
        self.touched = Counter()
        self.content_types = {
            model: ContentType.objects.get_for_model(model)
            for model in (Annotation, DisputedClaim, Evidence, CrossReference)
        }
        self.tag_cache = {}
        self.python_serializer = serializers.get_serializer("python")()
        self.serialized = 0

    # -- versions -----------------------------------------------------------------------------

    def version(self, obj, tags=()):
        """The Version django-reversion makes of ``obj`` in its current state.

        The four models written here are registered with reversion's defaults (JSON, every
        field, no natural keys), which ``tests/test_performance_scale.py`` holds the rows to;
        an annotation's ``tags`` are given, since its tag rows are not written yet.
        """
        assert reversion.is_registered(type(obj))
        return Version(
            content_type=self.content_types[type(obj)],
            object_id=str(obj.pk),
            db="default",
            format="json",
            serialized_data=self.serialize(obj, tags),
            object_repr=str(obj),
        )

    def serialize(self, obj, tags=()):
        """What ``serializers.serialize("json", (obj,))`` returns, three times quicker, with
        ``tags`` as the annotation's tags (in name order, as ``Tag`` orders them).

        Django's JSON serializer is its Python serializer followed by ``json.dump`` of each
        object with DjangoJSONEncoder and ensure_ascii off, between brackets; this makes the
        same call once per object instead of through a stream. The many-to-many field comes
        last, as Django's serializer writes it. Every 1000th result is checked against
        Django's own (of the other fields).
        """
        meta = type(obj)._meta
        fields = [f.name for f in meta.local_fields]
        data = self.python_serializer.serialize((obj,), fields=fields)[0]
        self.serialized += 1
        if self.serialized % 1000 == 1:
            text = "[" + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False) + "]"
            expected = serializers.serialize("json", (obj,), fields=fields)
            if text != expected:
                raise AssertionError(f"serialized differently:\n{text}\n{expected}")
        for many in meta.local_many_to_many:
            data["fields"][many.name] = [tag.pk for tag in tags]
        return "[" + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False) + "]"

    def revision(self, when, user, comment, objects, documents, tags=()):
        self.revisions.append(
            PendingRevision(
                Revision(date_created=when, user=user, comment=comment),
                [self.version(obj, tags) for obj in objects],
            )
        )
        self.writes += 1
        for document_id in {d for d in documents if d is not None}:
            self.touched[document_id] += 1

    def save_revisions(self):
        revisions = Revision.objects.bulk_create(
            [pending.revision for pending in self.revisions], batch_size=self.batch_size
        )
        versions = []
        for revision, pending in zip(revisions, self.revisions, strict=True):
            for version in pending.versions:
                version.revision = revision
                versions.append(version)
        Version.objects.bulk_create(versions, batch_size=self.batch_size)
        self.rows["revisions"] += len(revisions)
        self.rows["versions"] += len(versions)
        self.revisions = []

    def save_counters(self):
        # Where each service write adds one to the counter, a batch adds its writes at once;
        # the passages of the documents it wrote on are bumped in one statement.
        touch_passages(list(self.touched))
        touch_counts(self.touched)
        self.touched.clear()

    def tags(self, names):
        """Tags by name, as ``services._tags`` makes them (lower case, created if new), in
        name order: the order the serializer lists them in."""
        cleaned = sorted({name.strip().lower()[:60] for name in names if name and name.strip()})
        missing = [name for name in cleaned if name not in self.tag_cache]
        if missing:
            for tag in Tag.objects.filter(name__in=missing):
                self.tag_cache[tag.name] = tag
            for name in missing:
                if name not in self.tag_cache:
                    self.tag_cache[name] = Tag.objects.create(name=name)
        return [self.tag_cache[name] for name in cleaned]

    def log_entry(self, record, moderator, old_status, new_status, note, when):
        """The moderation log entry the services write for a status change, dated ``when``."""
        entry = services.moderation_log_entry(
            record, moderator=moderator, old_status=old_status, new_status=new_status, note=note
        )
        entry.created = when
        return entry

    # -- annotations --------------------------------------------------------------------------

    def annotations(self, plans):
        """Insert the annotations of ``plans`` (a list) with every version, in batches."""
        for start in range(0, len(plans), self.batch_size):
            batch = plans[start : start + self.batch_size]
            with transaction.atomic(), dates_as_given(Annotation, ModerationLogEntry):
                rows, tag_rows, log = [], [], []
                for plan in batch:
                    annotation, tags, entries = self.annotation(plan)
                    rows.append(annotation)
                    tag_rows += [
                        Annotation.tags.through(annotation_id=annotation.pk, tag_id=tag.pk)
                        for tag in tags
                    ]
                    log += entries
                Annotation.objects.bulk_create(rows, batch_size=self.batch_size)
                Annotation.tags.through.objects.bulk_create(tag_rows, batch_size=self.batch_size)
                ModerationLogEntry.objects.bulk_create(log, batch_size=self.batch_size)
                self.save_revisions()
                self.save_counters()
            self.rows["annotations"] += len(rows)
            self.rows["annotation tags"] += len(tag_rows)
            self.rows["moderation log"] += len(log)

    def annotation(self, plan):
        fields = target_fields(plan.target.data())
        annotation = Annotation(
            id=plan.pk,
            author=plan.author,
            body=unix_newlines(plan.body),
            motivation=plan.motivation,
            visibility=plan.visibility,
            parent_id=plan.parent,
            created=plan.created,
            modified=plan.created,
            **fields,
        )
        document_id = annotation.passage.document_id
        tags = self.tags(plan.tags)
        self.revision(plan.created, plan.author, "Created", [annotation], [document_id], tags)
        history = [(dict(content(annotation)), tags)]
        log = []
        for when, kind, details in plan.writes:
            annotation.modified = when
            annotation.version += 1
            user, comment = plan.author, None
            if kind == "edit":
                annotation.body = unix_newlines(details["body"])
                if "tags" in details:
                    tags = self.tags(details["tags"])
                comment = details.get("comment") or "Edited"
            elif kind == "delete":
                annotation.deleted = when
                comment = "Deleted"
            elif kind == "restore":
                annotation.deleted = None
                comment = "Restored"
            elif kind == "revert":
                old, tags = history[details["to"]]
                for name, value in old.items():
                    setattr(annotation, name, value)
                annotation.deleted = None
                reverted_from = self.revisions[-(len(history) - details["to"])].revision
                comment = services.revert_comment(reverted_from)
            elif kind == "moderate":
                user = details["moderator"]
                log.append(
                    self.log_entry(
                        annotation,
                        user,
                        annotation.status,
                        details["status"],
                        details["note"],
                        when,
                    )
                )
                annotation.status = details["status"]
                annotation.moderation_note = details["note"]
                comment = services.moderation_comment(details["status"], details["note"])
            self.revision(when, user, comment, [annotation], [document_id], tags)
            history.append((dict(content(annotation)), tags))
        return annotation, tags, log

    # -- flags --------------------------------------------------------------------------------

    def flags(self, plans):
        for start in range(0, len(plans), self.batch_size):
            batch = plans[start : start + self.batch_size]
            with transaction.atomic(), dates_as_given(DisputedClaim, ModerationLogEntry):
                claims, evidence, log, steps = [], [], [], []
                for plan in batch:
                    claim = DisputedClaim(
                        id=plan.pk,
                        author=plan.author,
                        category=plan.category,
                        statement=unix_newlines(plan.statement),
                        created=plan.created,
                        modified=plan.created,
                        **target_fields(plan.target.data()),
                    )
                    rows = [Evidence(claim=claim, **item) for item in plan.evidence]
                    claims.append(claim)
                    evidence += rows
                    steps.append((plan, claim, rows))
                # Evidence needs its ids (from the insert) before it can be serialized.
                Evidence.objects.bulk_create(evidence, batch_size=self.batch_size)
                for plan, claim, rows in steps:
                    document_id = claim.passage.document_id
                    self.revision(
                        plan.created, plan.author, "Flagged as disputed", [claim, *rows],
                        [document_id],
                    )  # fmt: skip
                    for when, moderator, status, note in plan.statuses:
                        log.append(
                            self.log_entry(claim, moderator, claim.status, status, note, when)
                        )
                        claim.status, claim.resolution_note = status, note
                        claim.version += 1
                        claim.modified = when
                        comment = services.flag_status_comment(status, note)
                        self.revision(when, moderator, comment, [claim, *rows], [document_id])
                # Claims go in as they ended; the evidence above already points at them.
                DisputedClaim.objects.bulk_create(claims, batch_size=self.batch_size)
                ModerationLogEntry.objects.bulk_create(log, batch_size=self.batch_size)
                self.save_revisions()
                self.save_counters()
            self.rows["flags"] += len(claims)
            self.rows["evidence"] += len(evidence)
            self.rows["moderation log"] += len(log)

    # -- cross-references ---------------------------------------------------------------------

    def crossrefs(self, plans):
        for start in range(0, len(plans), self.batch_size):
            batch = plans[start : start + self.batch_size]
            with transaction.atomic(), dates_as_given(CrossReference):
                rows = []
                for plan in batch:
                    if plan.to_target is not None:
                        destination = {
                            f"to_{name}": value
                            for name, value in target_fields(plan.to_target.data()).items()
                        }
                    else:
                        destination = {"to_reference": plan.to_reference, "to_link": plan.to_link}
                    crossref = CrossReference(
                        id=plan.pk,
                        author=plan.author,
                        relation=plan.relation,
                        note=plan.note,
                        created=plan.created,
                        modified=plan.created,
                        **target_fields(plan.target.data()),
                        **destination,
                    )
                    to_passage = crossref.to_passage
                    documents = [
                        crossref.passage.document_id,
                        to_passage.document_id if to_passage else None,
                    ]
                    self.revision(
                        plan.created, plan.author, "Cross-reference created", [crossref], documents
                    )
                    if plan.deleted:
                        crossref.deleted = crossref.modified = plan.deleted
                        crossref.version += 1
                        self.revision(plan.deleted, plan.author, "Deleted", [crossref], documents)
                    rows.append(crossref)
                CrossReference.objects.bulk_create(rows, batch_size=self.batch_size)
                self.save_revisions()
                self.save_counters()
            self.rows["cross-references"] += len(rows)


def content(annotation):
    return {name: getattr(annotation, name) for name in ANNOTATION_CONTENT_FIELDS}
