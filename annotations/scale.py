"""Synthetic data at scale, in the real schema, written as the services write it.

``manage.py generate_scale_data`` (see that command and docs/performance.md) builds a
reproducible archive from a seed: documents imported with the catalogue's importer, scholars,
and a *plan* of every scholarly write — annotations created and then edited, deleted, restored,
reverted or moderated; flags with evidence and status changes; cross-references, some deleted.

A plan is carried out in one of two ways, which produce the same rows:

- :class:`ServiceWriter` calls ``annotations.services`` — one transaction and one revision per
  write, exactly as the web UI does. The benchmark's own records (the English article's 500
  annotations, flags and cross-references) and a measured sample are written this way.
- :class:`BulkWriter` computes, for each write, the record's state after it and the revision
  the service would have saved — a ``Revision`` (user, comment, date) and one ``Version`` per
  object with the same serializer, fields, ``object_repr`` and ``db`` as django-reversion —
  and inserts the rows in batches. Differences (docs/performance.md): dates come from a
  simulated timeline instead of the clock, revision ids are allocated per batch rather than
  in date order, and no row lock or permission check is taken (the plan only contains writes
  the services accept). ``tests/test_performance_scale.py`` runs one plan both ways and
  compares every row.
"""

import datetime as dt
import json
import re
import uuid
from collections import Counter, defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from archive.models import Passage

from . import services
from .changes import touch_counts
from .models import (
    Annotation,
    CrossReference,
    DisputedClaim,
    Evidence,
    FlagCategory,
    FlagStatus,
    ModerationLogEntry,
    ModerationStatus,
    Motivation,
    Relation,
    Stance,
    Tag,
    Visibility,
)
from .services import ANNOTATION_CONTENT_FIELDS, TargetData, _text, target_fields

MOTIVATIONS = Motivation.values

#: The simulated timeline of bulk writes ends here (fixed, so that a seed gives the same rows).
TIMELINE_END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
TIMELINE_DAYS = 730


@dataclass(frozen=True)
class Sizes:
    """How much to generate; ``Sizes.at(scale)`` scales the figures of scale 1."""

    documents: int = 200
    passages: int = 30_000
    #: Every annotation; ``worked`` of them have a few versions, the others one.
    annotations: int = 970_000
    worked: int = 100_000
    flags: int = 5_000
    crossrefs: int = 20_000
    scholars: int = 200
    moderators: int = 5
    #: Annotations, flags and cross-references on the English article, written through the
    #: services: the reading view the benchmark measures.
    reading: int = 500

    @classmethod
    def at(cls, scale, **overrides):
        base = cls()
        scaled = {
            "documents": max(3, round(base.documents * scale)),
            "passages": max(1, round(base.passages * scale)),
            "annotations": max(1, round(base.annotations * scale)),
            "worked": max(1, round(base.worked * scale)),
            "flags": max(1, round(base.flags * scale)),
            "crossrefs": max(1, round(base.crossrefs * scale)),
            "scholars": max(3, round(base.scholars * scale)),
            "moderators": max(1, round(base.moderators * scale)),
            "reading": max(1, min(base.reading, round(base.reading * scale))),
        }
        scaled.update({k: v for k, v in overrides.items() if v is not None})
        sizes = cls(**scaled)
        return replace(sizes, worked=min(sizes.worked, sizes.annotations))


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------

TOKEN = re.compile(r"[^\s\[\]=*•:]+")


class TextModel:
    """Bigram text from the received English and Romanian texts: realistic word frequencies
    (so that common words are common) without copying whole sentences."""

    def __init__(self, rng, sources):
        self.rng = rng
        self.chains = {}
        for language, text in sources.items():
            tokens = [t for t in TOKEN.findall(text) if not t.startswith(("-", "("))]
            chain = defaultdict(list)
            starts = []
            for previous, current in zip(tokens, tokens[1:], strict=False):
                chain[previous].append(current)
                if previous.endswith(".") and current[:1].isupper():
                    starts.append(current)
            self.chains[language] = (dict(chain), starts or tokens[:1])

    def sentence(self, language="en", low=6, high=30):
        chain, starts = self.chains[language]
        rng = self.rng
        word = rng.choice(starts)
        words = [word]
        limit = rng.randint(low, high)
        while len(words) < limit or not word.endswith("."):
            following = chain.get(word)
            if not following or len(words) >= high + 10:
                break
            word = rng.choice(following)
            words.append(word)
        text = " ".join(words).rstrip(",;")
        text = text[0].upper() + text[1:]
        return text if text.endswith(".") else text + "."

    def paragraph(self, language="en", sentences=(1, 4)):
        return " ".join(self.sentence(language) for _ in range(self.rng.randint(*sentences)))

    def pooled(self, language="en", sentences=(1, 3), pool_size=50_000):
        """Like :meth:`paragraph`, from a pool of sentences made once (a million annotation
        bodies would otherwise take minutes to write word by word)."""
        pools = self.__dict__.setdefault("pools", {})
        if language not in pools:
            pools[language] = [self.sentence(language) for _ in range(pool_size)]
        pool = pools[language]
        rng = self.rng
        return " ".join(pool[int(rng.random() * len(pool))] for _ in range(rng.randint(*sentences)))

    def title(self, language="en"):
        words = self.sentence(language, 3, 7).rstrip(".").split()[:7]
        return " ".join(words).strip(",;") or "Untitled"


def read_sources():
    from archive.importers.manifest import load_manifest, manifest_path

    directory = manifest_path().parent
    return {
        entry["language"]: (directory / entry["file"]).read_text(encoding="utf-8")
        for entry in load_manifest()
    }


def document_text(model, rng, language, passages):
    """A received text in the importer's format: a lead, then sections of paragraphs."""
    lines = []
    lead = max(1, min(3, passages // 10))
    for _ in range(lead):
        lines += [model.paragraph(language), ""]
    remaining = passages - lead
    section = 0
    while remaining > 0:
        section += 1
        lines += [f"== {model.title(language)} {section} ==", ""]
        for _ in range(min(remaining, rng.randint(4, 12))):
            lines += [model.paragraph(language), ""]
            remaining -= 1
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Plans: every write, decided from the seed before anything is written
# ---------------------------------------------------------------------------------------------


@dataclass
class Target:
    passage: object
    start: int | None = None
    end: int | None = None

    def data(self):
        return TargetData(passage=self.passage, start=self.start, end=self.end)


@dataclass
class AnnotationPlan:
    pk: uuid.UUID
    author: object
    target: Target
    body: str
    motivation: str
    visibility: str
    tags: list
    created: dt.datetime
    #: Primary key of the annotation it replies to (planned earlier), or None.
    parent: uuid.UUID | None = None
    #: (when, kind, details) after the creation: edit, delete, restore, revert, moderate.
    writes: list = field(default_factory=list)


@dataclass
class FlagPlan:
    pk: uuid.UUID
    author: object
    target: Target
    category: str
    statement: str
    #: dicts for Evidence rows: reference or link, locator, stance.
    evidence: list
    created: dt.datetime
    #: (when, moderator, status, note)
    statuses: list = field(default_factory=list)


@dataclass
class CrossrefPlan:
    pk: uuid.UUID
    author: object
    target: Target
    relation: str
    note: str
    to_target: Target | None
    to_reference: object
    to_link: object
    created: dt.datetime
    #: When its author deletes it, or None.
    deleted: dt.datetime | None = None


def seeded_uuid(rng):
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def word_span(rng, text):
    """A span of whole words of ``text`` (start, end), or None for a one-word text."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    if len(words) < 2:
        return None
    first = rng.randrange(len(words))
    last = min(len(words) - 1, first + rng.randint(0, 6))
    return words[first][0], words[last][1]


class Planner:
    """Decides every write from one seeded random stream."""

    def __init__(self, rng, text, scholars, moderators, tags, references, links):
        self.rng = rng
        self.text = text
        self.scholars = scholars
        self.moderators = moderators
        self.tags = tags
        self.references = references
        self.links = links
        self.start = TIMELINE_END - dt.timedelta(days=TIMELINE_DAYS)

    def when(self, fraction):
        """A moment on the timeline, ``fraction`` (0–1) of the way along it."""
        seconds = TIMELINE_DAYS * 86400 * min(max(fraction, 0.0), 0.999)
        return self.start + dt.timedelta(seconds=seconds + self.rng.random())

    def later(self, moment):
        """A while after ``moment`` (minutes to weeks), never past the end of the timeline."""
        step = dt.timedelta(seconds=self.rng.expovariate(1 / 86400) + 1)
        return min(moment + step, TIMELINE_END - dt.timedelta(seconds=self.rng.random()))

    def target(self, passage, span_share):
        span = word_span(self.rng, passage.text) if self.rng.random() < span_share else None
        return Target(passage, *span) if span else Target(passage)

    def body(self, language="en"):
        rng = self.rng
        text = self.text.pooled(language, (1, 3))
        roll = rng.random()
        if roll < 0.1:
            words = text.split()
            i = rng.randrange(len(words))
            words[i] = f"*{words[i].strip('.,;')}*"
            text = " ".join(words)
        elif roll < 0.13:
            text += " See [the source](https://example.org/source)."
        return text

    def pick_tags(self):
        return self.rng.sample(self.tags, k=min(len(self.tags), self.rng.choice((0, 1, 1, 2, 3))))

    def annotations(self, passages, count, worked, fraction=(0.0, 1.0), public_only=False):
        """Yield ``count`` annotation plans on ``passages``, ``worked`` of them (spread evenly,
        so that every batch mixes both kinds) with a few versions; some of those are replies."""
        rng = self.rng
        low, high = fraction
        worked_every = count / worked if worked else 0
        next_worked = 0.0
        recent = deque(maxlen=50)  # top-level annotations a reply may answer: (pk, passage)
        for index in range(count):
            moment = self.when(low + (high - low) * index / max(count, 1))
            is_worked = bool(worked) and index >= next_worked
            if is_worked:
                next_worked += worked_every
            if is_worked and recent and rng.random() < 0.05:
                parent_pk, passage = rng.choice(recent)
                plan = AnnotationPlan(
                    pk=seeded_uuid(rng),
                    author=rng.choice(self.scholars),
                    target=Target(passage),
                    body=self.body(),
                    motivation=Motivation.COMMENTING,
                    visibility=Visibility.PUBLIC,
                    tags=[],
                    created=moment,
                    parent=parent_pk,
                )
            else:
                passage = rng.choice(passages)
                plan = AnnotationPlan(
                    pk=seeded_uuid(rng),
                    author=rng.choice(self.scholars),
                    target=self.target(passage, 0.6),
                    body=self.body(),
                    motivation=rng.choice(MOTIVATIONS),
                    visibility=(
                        Visibility.PUBLIC
                        if public_only or rng.random() < 0.9
                        else Visibility.PRIVATE
                    ),
                    tags=self.pick_tags(),
                    created=moment,
                )
                recent.append((plan.pk, passage))
            if is_worked:
                self.add_writes(plan)
            yield plan

    def add_writes(self, plan):
        """One to four writes after the creation (three versions on average)."""
        rng = self.rng
        moment = plan.created
        deleted = False
        versions = 1
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 4))):
            moment = self.later(moment)
            roll = rng.random()
            if deleted:
                plan.writes.append((moment, "restore", {}))
                deleted = False
            elif roll < 0.72 or versions < 2 and roll < 0.9:
                edit = {"body": plan.body + " " + self.text.pooled("en", (1, 1))}
                if rng.random() < 0.3 and plan.parent is None:
                    edit["tags"] = self.pick_tags()
                if rng.random() < 0.2:
                    edit["comment"] = "Corrected after checking the source"
                plan.writes.append((moment, "edit", edit))
            elif roll < 0.8:
                plan.writes.append((moment, "delete", {}))
                deleted = True
            elif roll < 0.9:
                plan.writes.append((moment, "revert", {"to": rng.randrange(versions)}))
            else:
                status = rng.choice((ModerationStatus.HIDDEN, ModerationStatus.SPAM))
                plan.writes.append(
                    (
                        moment,
                        "moderate",
                        {
                            "moderator": rng.choice(self.moderators),
                            "status": status,
                            "note": "Not about the passage.",
                        },
                    )
                )
            versions += 1

    def flags(self, passages, count, fraction=(0.0, 1.0), statuses=True):
        rng = self.rng
        plans = []
        low, high = fraction
        for index in range(count):
            evidence = []
            for _ in range(rng.choice((0, 1, 1, 2))):
                if self.references and (not self.links or rng.random() < 0.8):
                    evidence.append(
                        {
                            "reference": rng.choice(self.references),
                            "locator": f"p. {rng.randint(1, 400)}",
                            "stance": rng.choice(Stance.values),
                        }
                    )
                elif self.links:
                    evidence.append({"link": rng.choice(self.links), "stance": Stance.CONTRADICTS})
            plan = FlagPlan(
                pk=seeded_uuid(rng),
                author=rng.choice(self.scholars),
                target=self.target(rng.choice(passages), 0.7),
                category=rng.choice(FlagCategory.values),
                statement=self.text.paragraph("en", (1, 2)),
                evidence=evidence,
                created=self.when(low + (high - low) * index / max(count, 1)),
            )
            moment = plan.created
            roll = rng.random() if statuses else 0
            if roll > 0.4:
                moment = self.later(moment)
                plan.statuses.append(
                    (moment, rng.choice(self.moderators), FlagStatus.UNDER_REVIEW, "Looking.")
                )
            if roll > 0.8:
                moment = self.later(moment)
                final = rng.choice((FlagStatus.UPHELD, FlagStatus.REJECTED, FlagStatus.RESOLVED))
                plan.statuses.append(
                    (moment, rng.choice(self.moderators), final, "Checked against the sources.")
                )
            plans.append(plan)
        return plans

    def crossrefs(self, passages, count, to_passages=None, fraction=(0.0, 1.0), deletes=True):
        rng = self.rng
        plans = []
        low, high = fraction
        to_passages = to_passages or passages
        for index in range(count):
            passage = rng.choice(passages)
            roll = rng.random()
            to_target = to_reference = to_link = None
            if roll < 0.7 or not (self.references or self.links):
                other = rng.choice(to_passages)
                for _ in range(20):  # another document's passage, if there is one
                    if other.document_id != passage.document_id:
                        break
                    other = rng.choice(to_passages)
                if other.pk == passage.pk:
                    other = to_passages[(to_passages.index(other) + 1) % len(to_passages)]
                to_target = self.target(other, 0.2)
            elif roll < 0.9 and self.references or not self.links:
                to_reference = rng.choice(self.references)
            else:
                to_link = rng.choice(self.links)
            target = self.target(passage, 0.3)
            plan = CrossrefPlan(
                pk=seeded_uuid(rng),
                author=rng.choice(self.scholars),
                target=target,
                relation=rng.choice(Relation.values),
                note=self.text.sentence() if rng.random() < 0.3 else "",
                to_target=to_target,
                to_reference=to_reference,
                to_link=to_link,
                created=self.when(low + (high - low) * index / max(count, 1)),
            )
            if deletes and rng.random() < 0.1:
                plan.deleted = self.later(plan.created)
            plans.append(plan)
        return plans


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


@contextmanager
def primary_key(model, pk):
    """Let the service's new record take the planned primary key (the default is uuid4)."""
    pk_field = model._meta.pk
    saved = pk_field.default
    pk_field.default = lambda: pk
    pk_field.__dict__.pop("_get_default", None)  # a cached_property of the default
    try:
        yield
    finally:
        pk_field.default = saved
        pk_field.__dict__.pop("_get_default", None)


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

    def version(self, obj):
        """The Version django-reversion makes of ``obj`` in its current state."""
        options = _get_options(type(obj))
        return Version(
            content_type=self.content_types[type(obj)],
            object_id=str(obj.pk),
            db="default",
            format=options.format,
            serialized_data=self.serialize(obj, options),
            object_repr=str(obj),
        )

    def serialize(self, obj, options):
        """What ``serializers.serialize("json", (obj,), …)`` returns, three times quicker.

        Django's JSON serializer is its Python serializer followed by ``json.dump`` of each
        object with DjangoJSONEncoder and ensure_ascii off, between brackets; this makes the
        same call once per object instead of through a stream. Every 1000th result is checked
        against Django's own.
        """
        assert options.format == "json"
        data = self.python_serializer.serialize(
            (obj,), fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
        )[0]
        text = "[" + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False) + "]"
        self.serialized += 1
        if self.serialized % 1000 == 1:
            expected = serializers.serialize(
                "json",
                (obj,),
                fields=options.fields,
                use_natural_foreign_keys=options.use_natural_foreign_keys,
            )
            if text != expected:
                raise AssertionError(f"serialized differently:\n{text}\n{expected}")
        return text

    def revision(self, when, user, comment, objects, documents):
        self.revisions.append(
            PendingRevision(
                Revision(date_created=when, user=user, comment=comment),
                [self.version(obj) for obj in objects],
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
        Passage.objects.filter(document_id__in=list(self.touched)).touch_all()
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
            body=_text(plan.body),
            motivation=plan.motivation,
            visibility=plan.visibility,
            parent_id=plan.parent,
            created=plan.created,
            modified=plan.created,
            **fields,
        )
        document_id = annotation.passage.document_id
        tags = self.tags(plan.tags)
        annotation._prefetched_objects_cache = {"tags": prefetched(tags)}
        self.revision(plan.created, plan.author, "Created", [annotation], [document_id])
        history = [(dict(content(annotation)), tags)]
        log = []
        for when, kind, details in plan.writes:
            annotation.modified = when
            annotation.version += 1
            user, comment = plan.author, None
            if kind == "edit":
                annotation.body = _text(details["body"])
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
                comment = (
                    f"Reverted to the version of {reverted_from.date_created:%Y-%m-%d %H:%M:%S} UTC"
                )
            elif kind == "moderate":
                user = details["moderator"]
                log.append(
                    ModerationLogEntry(
                        content_type=self.content_types[Annotation],
                        object_id=str(annotation.pk),
                        object_repr=str(annotation)[:200],
                        moderator=user,
                        old_status=annotation.status,
                        new_status=details["status"],
                        note=details["note"],
                        created=when,
                    )
                )
                annotation.status = details["status"]
                annotation.moderation_note = details["note"]
                label = ModerationStatus(details["status"]).label
                comment = f"Moderation: {label}. {details['note']}"
            annotation._prefetched_objects_cache = {"tags": prefetched(tags)}
            self.revision(when, user, comment, [annotation], [document_id])
            history.append((dict(content(annotation)), tags))
        annotation._prefetched_objects_cache = {}
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
                        statement=_text(plan.statement),
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
                            ModerationLogEntry(
                                content_type=self.content_types[DisputedClaim],
                                object_id=str(claim.pk),
                                object_repr=str(claim)[:200],
                                moderator=moderator,
                                old_status=claim.status,
                                new_status=status,
                                note=note,
                                created=when,
                            )
                        )
                        claim.status, claim.resolution_note = status, note
                        claim.version += 1
                        claim.modified = when
                        comment = f"Status: {FlagStatus(status).label}. {note}"
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


def prefetched(tags):
    """A queryset already holding ``tags``, as ``prefetch_related`` leaves it: the serializer
    lists an annotation's tags from it without a query."""
    queryset = Tag.objects.all()
    queryset._result_cache = list(tags)
    queryset._prefetch_done = True
    return queryset


def content(annotation):
    return {name: getattr(annotation, name) for name in ANNOTATION_CONTENT_FIELDS}


# ---------------------------------------------------------------------------------------------
# People and the catalogue
# ---------------------------------------------------------------------------------------------


def make_users(prefix, count, group):
    group = Group.objects.get(name=group)
    names = [f"{prefix}{number:04d}" for number in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    for name in names:
        if name not in existing:
            user = User(username=name, is_staff=group.name == "Moderators")
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
    return list(User.objects.filter(username__in=names).order_by("username"))


def import_documents(rng, text, sizes, directory, report):
    """The received articles, then generated documents through the importer."""
    from archive.importers.article import ArticleImporter
    from archive.importers.manifest import import_manifest
    from archive.models import Document, Language

    import_manifest()
    real = Document.objects.count()
    generated = max(0, sizes.documents - real)
    existing_passages = sum(d.passages.count() for d in Document.objects.all())
    per_document = max(5, (sizes.passages - existing_passages) // max(generated, 1))
    directory = Path(directory)
    for number in range(1, generated + 1):
        language = Language.ROMANIAN if rng.random() < 0.2 else Language.ENGLISH
        body = document_text(text, rng, language, per_document)
        path = directory / f"scale-{number:04d}.txt"
        path.write_text(body, encoding="utf-8")
        ArticleImporter(
            path,
            language=language,
            title=f"{text.title(language)} ({number})",
            slug=f"scale-{number:04d}",
            description="Generated for the performance benchmark (generate_scale_data).",
            creator="generate_scale_data",
            provenance=f"Synthetic text from seed {report['seed']}.",
            date_received=dt.date(2026, 1, 1),
        ).run()
    report["documents"] = Document.objects.count()


@contextmanager
def search_indexes_dropped(tables, enabled):
    """Drop the GIN search indexes of ``tables`` during a bulk load and build them again after
    (PostgreSQL; a GIN index is far quicker to build at once than to grow row by row)."""
    if not enabled or connection.vendor != "postgresql" or connection.in_atomic_block:
        yield []
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef ILIKE '%%USING gin%%'",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield [name for name, _ in indexes]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
