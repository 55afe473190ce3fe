"""The scale generator: the bulk path writes exactly the rows the services write, and the
command runs at a tiny scale on either database."""

import json
import random
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from reversion.models import Revision, Version

from annotations.models import (
    Annotation,
    CrossReference,
    DisputedClaim,
    Evidence,
    ModerationLogEntry,
    Tag,
)
from archive.models import Document, DocumentChanges, ExternalLink, Passage, Reference
from devdata import scale

pytestmark = pytest.mark.django_db

#: Fields whose values come from the clock (services) or the simulated timeline (bulk).
DATES = {"created", "modified", "deleted"}


def normalised_fields(version, tag_names, evidence_order):
    data = json.loads(version.serialized_data)
    assert len(data) == 1
    fields = data[0]["fields"]
    for name in DATES & fields.keys():
        fields[name] = fields[name] is not None
    if "tags" in fields:
        fields["tags"] = [tag_names[pk] for pk in fields["tags"]]
    if "claim" in fields:
        fields["claim"] = str(fields["claim"])
    pk = data[0]["pk"]
    if data[0]["model"] == "annotations.evidence":
        pk = evidence_order[pk]
    return data[0]["model"], pk, fields


def snapshot():
    """Every row the scholarship writes, without ids and dates that differ between runs."""
    tag_names = dict(Tag.objects.values_list("pk", "name"))
    evidence_order = {
        pk: (str(claim), order)
        for order, (pk, claim) in enumerate(
            Evidence.objects.order_by("pk").values_list("pk", "claim")
        )
    }
    revisions = []
    for revision in Revision.objects.order_by("pk").prefetch_related("version_set"):
        comment = re.sub(r"version of [\d-]+ [\d:]+ UTC", "version of <date> UTC", revision.comment)
        versions = sorted(
            (
                version.content_type.model,
                version.object_id if version.content_type.model != "evidence" else "evidence",
                version.db,
                version.format,
                version.object_repr,
                json.dumps(normalised_fields(version, tag_names, evidence_order), sort_keys=True),
            )
            for version in revision.version_set.all()
        )
        revisions.append((revision.user_id, comment, tuple(versions)))

    def rows(model, exclude=()):
        names = [f.attname for f in model._meta.concrete_fields if f.name not in exclude]
        return sorted(
            tuple(str(getattr(row, name)) for name in names) for row in model.objects.all()
        )

    return {
        # Per record, its revisions in the order they were made.
        "revisions": sorted(
            (key, [r for r in revisions if key in {v[1] for v in r[2]}])
            for key in {v[1] for r in revisions for v in r[2]}
        ),
        "revision count": len(revisions),
        "annotations": rows(Annotation, DATES),
        "deleted annotations": sorted(
            str(pk)
            for pk in Annotation.objects.filter(deleted__isnull=False).values_list("pk", flat=True)
        ),
        "annotation tags": sorted(
            (str(a), tag_names[t])
            for a, t in Annotation.tags.through.objects.values_list("annotation_id", "tag_id")
        ),
        "flags": rows(DisputedClaim, DATES),
        "evidence": rows(Evidence, {"id"}),
        "cross-references": rows(CrossReference, DATES),
        "deleted cross-references": CrossReference.objects.filter(deleted__isnull=False).count(),
        "moderation log": rows(ModerationLogEntry, {"id", "created"}),
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "counters": sorted(DocumentChanges.objects.values_list("document_id", "count")),
    }


@pytest.fixture
def planner(articles):
    rng = random.Random(7)
    text = scale.TextModel(rng, scale.read_sources())
    passages = list(Passage.objects.select_related("document").order_by("document_id", "order"))
    return scale.Planner(
        rng,
        text,
        scale.make_users("scholar", 3, "Scholars"),
        scale.make_users("moderator", 1, "Moderators"),
        ["dates", "figures", "names", "treaty", "deportations"],
        list(Reference.objects.order_by("pk")),
        list(ExternalLink.objects.order_by("pk")),
    ), passages


def test_bulk_writer_writes_what_the_services_write(planner):
    planner, passages = planner
    annotations = list(planner.annotations(passages, 60, 60))
    flags = planner.flags(passages, 12)
    crossrefs = planner.crossrefs(passages, 12)
    kinds = Counter(kind for plan in annotations for _, kind, _ in plan.writes)
    # The plan exercises every kind of write, replies and flags with evidence and statuses.
    assert set(kinds) == {"edit", "delete", "restore", "revert", "moderate"}, kinds
    assert any(plan.parent for plan in annotations)
    assert any(plan.evidence for plan in flags) and any(plan.statuses for plan in flags)
    assert any(plan.deleted for plan in crossrefs)
    assert any(plan.to_reference or plan.to_link for plan in crossrefs)

    with transaction.atomic():
        writer = scale.ServiceWriter()
        writer.annotations(annotations)
        writer.flags(flags)
        writer.crossrefs(crossrefs)
        by_services = snapshot()
        transaction.set_rollback(True)

    with transaction.atomic():
        bulk = scale.BulkWriter(batch_size=25)  # several batches
        bulk.annotations(annotations)
        bulk.flags(flags)
        bulk.crossrefs(crossrefs)
        in_bulk = snapshot()
        # The simulated timeline: each record's versions are in date order.
        for plan in annotations[:10]:
            dates = list(
                Version.objects.get_for_object_reference(Annotation, plan.pk)
                .order_by("pk")
                .values_list("revision__date_created", flat=True)
            )
            assert dates == sorted(dates) and len(dates) == 1 + len(plan.writes)

    assert writer.writes == bulk.writes == by_services["revision count"] > 150
    assert len(by_services["moderation log"]) > 5 and len(by_services["evidence"]) > 5
    assert by_services.keys() == in_bulk.keys()
    for name in by_services:
        assert in_bulk[name] == by_services[name], name


def test_sizes_scale_down_with_minimums():
    sizes = scale.Sizes.at(0.01)
    assert (sizes.documents, sizes.passages, sizes.annotations, sizes.worked) == (
        3,
        300,
        9700,
        1000,
    )
    assert sizes.reading == 5
    assert scale.Sizes.at(1) == scale.Sizes()
    assert scale.Sizes.at(0.001, annotations=50, worked=80).worked == 50


@pytest.mark.slow
def test_same_seed_same_plan(articles):
    def plan(seed):
        rng = random.Random(seed)
        planner = scale.Planner(
            rng,
            scale.TextModel(rng, scale.read_sources()),
            ["a", "b"],
            ["m"],
            ["t1", "t2"],
            [],
            [],
        )
        passages = list(Passage.objects.order_by("pk"))
        return [
            (p.pk, p.body, p.target.passage.pk, p.target.start, p.writes)
            for p in planner.annotations(passages, 20, 10)
        ]

    assert plan(3) == plan(3)
    assert plan(3) != plan(4)


def test_command_generates_a_tiny_archive(capsys):
    call_command(
        "generate_scale_data",
        "--scale",
        "0.002",
        "--documents",
        "4",
        "--annotations",
        "300",
        "--worked",
        "60",
        "--reading",
        "5",
        "--service-share",
        "0.1",
        "--batch-size",
        "50",
    )
    out = capsys.readouterr().out
    assert Document.objects.count() == 4
    assert Annotation.objects.count() == 300
    english = Document.objects.get(language="en", slug__startswith="soviet")
    assert Annotation.objects.filter(passage__document=english).count() == 5
    assert DisputedClaim.objects.filter(passage__document=english).count() == 5
    assert CrossReference.objects.filter(passage__document=english).count() == 5
    # Every annotation has as many versions as writes; every document has a counter.
    versions = Version.objects.get_for_model(Annotation).count()
    assert versions == Annotation.objects.count() + sum(
        a.version - 1 for a in Annotation.objects.only("version")
    )
    assert DocumentChanges.objects.count() == Document.objects.count()
    assert "rows/s" in out and "annotations (bulk)" in out and "annotations (services)" in out
    with pytest.raises(Exception, match="already holds scholarship"):
        call_command("generate_scale_data", "--scale", "0.001")

    # The stress article: the English text again, carrying records of each kind, through the
    # services (one revision per write), and only once.
    call_command("generate_stress_article", "--records", "6")
    stress = Document.objects.get(slug="stress-article")
    assert stress.passages.count() == english.passages.count()
    assert [p.text for p in stress.passages.order_by("order")] == [
        p.text for p in english.passages.order_by("order")
    ]
    assert Annotation.objects.filter(passage__document=stress).count() == 6
    assert DisputedClaim.objects.filter(passage__document=stress).count() == 6
    crossrefs = CrossReference.objects.filter(passage__document=stress)
    assert crossrefs.count() == 6
    assert all(c.to_passage.document_id == english.pk for c in crossrefs.exclude(to_passage=None))
    for annotation in Annotation.objects.filter(passage__document=stress):
        assert Version.objects.get_for_object(annotation).count() == 1
    with pytest.raises(Exception, match="already there"):
        call_command("generate_stress_article", "--records", "6")
