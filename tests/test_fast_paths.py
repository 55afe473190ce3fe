"""The services' fast tag writes give exactly what the slow ones gave (docs/performance.md):
the revisions they make, and how many statements a write takes."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim, Evidence
from annotations.services import TargetData
from archive.models import ExternalLink, Reference


@pytest.mark.django_db
def test_a_new_annotation_takes_nine_statements_and_its_revision_holds_its_tags(articles, scholar):
    passage = articles["en"].passages.get(order=1)

    def create():
        return services.create_annotation(
            user=scholar,
            target=TargetData(passage=passage, start=0, end=12),
            body="A note",
            motivation="commenting",
            visibility="public",
            tags=["dates", "Ultimatum"],
        )

    create()  # the tags exist now, and the scholar's permissions are known
    with CaptureQueriesContext(connection) as queries:
        annotation = create()
    statements = [q["sql"] for q in queries.captured_queries]
    # Tags by name, the row, its tag rows, the tags read back for the version (prefetched: no
    # private cache of Django's is filled by hand), the passage's and the document's change
    # counters, reversion's existence check, the revision and its version (plus the
    # transaction's own statements on PostgreSQL).
    writes = [sql for sql in statements if sql.split()[0] in ("SELECT", "INSERT", "UPDATE")]
    assert len(writes) == 9, statements
    assert sorted(annotation.tags.values_list("name", flat=True)) == ["dates", "ultimatum"]
    (version,) = Version.objects.get_for_object(annotation)
    assert sorted(version.field_dict["tags"]) == sorted(
        annotation.tags.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_an_edit_writes_only_the_tags_that_change_and_its_revision_holds_them(articles, scholar):
    passage = articles["en"].passages.get(order=1)
    annotation = services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage),
        body="A note",
        motivation="commenting",
        visibility="public",
        tags=["dates", "ultimatum"],
    )
    edited = services.update_annotation(
        annotation=annotation,
        user=scholar,
        data={"body": "A note, edited", "tags": ["ultimatum", "borders"]},
        base_version=annotation.version,
    )
    assert sorted(edited.tags.values_list("name", flat=True)) == ["borders", "ultimatum"]
    latest = Version.objects.get_for_object(edited).first()
    assert sorted(latest.field_dict["tags"]) == sorted(edited.tags.values_list("pk", flat=True))
    assert latest.field_dict["body"] == "A note, edited"
    # An edit that leaves the tags out keeps them.
    kept = services.update_annotation(
        annotation=edited, user=scholar, data={"body": "Again"}, base_version=edited.version
    )
    assert sorted(kept.tags.values_list("name", flat=True)) == ["borders", "ultimatum"]
    assert sorted(Version.objects.get_for_object(kept).first().field_dict["tags"]) == sorted(
        kept.tags.values_list("pk", flat=True)
    )


def statements(queries):
    """The statements of a write, without the transaction's own (savepoints, BEGIN, COMMIT);
    an ``executemany`` (logged as "N times: …") counts N times."""
    found = []
    for query in queries.captured_queries:
        match = re.match(r"(\d+) times: (.*)", query["sql"], re.DOTALL)
        times, sql = (int(match[1]), match[2]) if match else (1, query["sql"])
        if sql.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            found += [sql] * times
    return found


@pytest.mark.django_db
def test_an_edit_with_unchanged_tags_writes_no_tag_row_and_takes_eight_statements(
    articles, scholar
):
    passage = articles["en"].passages.get(order=1)
    annotation = services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage),
        body="A note",
        motivation="commenting",
        visibility="public",
        tags=["dates", "ultimatum"],
    )
    with CaptureQueriesContext(connection) as queries:
        edited = services.update_annotation(
            annotation=annotation,
            user=scholar,
            data={"body": "A note, edited", "tags": ["Ultimatum", "dates "]},
            base_version=annotation.version,
        )
    sql = statements(queries)
    # The locked row (with passage, document and author), its tags, the update, the passage's
    # and the document's counters, reversion's existence check, the revision and its version.
    assert len(sql) == 8, sql
    assert not any('annotations_annotation_tags" (' in s or "DELETE" in s for s in sql), sql
    latest = Version.objects.get_for_object(edited).first()
    assert sorted(latest.field_dict["tags"]) == sorted(annotation.tags.values_list("pk", flat=True))
    assert latest.field_dict["body"] == "A note, edited"


@pytest.mark.django_db
def test_an_edit_that_changes_tags_takes_fourteen_statements(articles, scholar):
    passage = articles["en"].passages.get(order=1)
    annotation = services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage),
        body="A note",
        motivation="commenting",
        visibility="public",
        tags=["dates", "ultimatum", "borders"],
    )
    with CaptureQueriesContext(connection) as queries:
        services.update_annotation(
            annotation=annotation,
            user=scholar,
            data={"body": "Again", "tags": ["dates", "Treaty"]},
            base_version=annotation.version,
        )
    # Besides the eight of an edit: the new tag looked up by name, then by get_or_create and
    # created (3), the removed rows deleted, the added row inserted, the tags read again for
    # the version.
    assert len(statements(queries)) == 14, statements(queries)


@pytest.mark.django_db
def test_reversion_checks_an_annotation_exists_without_joins(articles, scholar):
    passage = articles["en"].passages.get(order=1)
    with CaptureQueriesContext(connection) as queries:
        annotation = services.create_annotation(
            user=scholar,
            target=TargetData(passage=passage),
            body="A note",
            motivation="commenting",
            visibility="public",
        )
    (check,) = [
        s for s in statements(queries) if s.startswith('SELECT "annotations_annotation"."id"')
    ]
    assert "JOIN" not in check and "ORDER BY" not in check, check
    # The base manager's rows are unordered; the default manager keeps its ordering.
    assert Annotation.objects.all().query.get_meta().ordering
    assert Annotation._base_manager.get(pk=annotation.pk) == annotation


@pytest.mark.django_db
def test_a_flag_takes_nine_statements_and_a_crossref_seven(articles, scholar):
    passage, other = articles["en"].passages.filter(order__in=(1, 2)).order_by("order")
    reference = Reference.objects.first()
    # The scholar's permissions and the content types are known (cached per process).
    scholar.has_perm("annotations.add_annotation")
    ContentType.objects.get_for_models(DisputedClaim, Evidence, CrossReference)
    with CaptureQueriesContext(connection) as queries:
        claim = services.create_flag(
            user=scholar,
            target=TargetData(passage=passage),
            category="date",
            statement="Another date.",
            evidence=[{"reference": reference, "locator": "p. 1", "stance": "contradicts"}],
        )
    # The claim, its evidence (read for the claim's version, then inserted), the counters (2),
    # reversion's existence checks (the claim's, the evidence's), the revision and its versions.
    assert len(statements(queries)) == 9, statements(queries)
    assert {
        v.content_type.model
        for v in Version.objects.filter(revision__comment__startswith="Flagged")
    } == {
        "disputedclaim",
        "evidence",
    }
    assert claim.evidence.get().reference == reference
    with CaptureQueriesContext(connection) as queries:
        services.create_crossref(
            user=scholar,
            target=TargetData(passage=passage),
            relation="see_also",
            to_target=TargetData(passage=other),
        )
    # The row, the counters (the two passages', the document's), the existence check, the
    # revision and its version.
    assert len(statements(queries)) == 7, statements(queries)


@pytest.mark.django_db
def test_evidence_without_exactly_one_source_is_refused_before_anything_is_written(
    articles, scholar
):
    passage = articles["en"].passages.get(order=1)
    reference, link = Reference.objects.first(), ExternalLink.objects.first()
    for evidence in (
        {"stance": "supports"},
        {"reference": reference, "link": link, "stance": "supports"},
    ):
        with pytest.raises(ValidationError, match="one source"):
            services.create_flag(
                user=scholar,
                target=TargetData(passage=passage),
                category="date",
                statement="Another date.",
                evidence=[evidence],
            )
    assert not DisputedClaim.objects.exists()
