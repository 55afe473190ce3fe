"""Plans: every write, decided from the seed before anything is written."""

import datetime as dt
import re
import uuid
from collections import deque
from dataclasses import dataclass, field, replace

from annotations.models import (
    FlagCategory,
    FlagStatus,
    ModerationStatus,
    Motivation,
    Relation,
    Stance,
    Visibility,
)
from annotations.services import TargetData

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
