"""The services' fast tag writes give exactly what the slow ones gave (docs/performance.md):
the revisions they make, and how many statements a write takes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from annotations import services
from annotations.services import TargetData


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
