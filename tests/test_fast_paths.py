"""The reading view's fast paths give exactly what the slow ones gave (docs/performance.md):
``fast_reverse`` and ``reverse``, ``truncate`` and ``truncatechars``, the services' tag writes
and the revisions they make; and how many statements a write takes."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils.text import Truncator
from hypothesis import given, settings
from hypothesis import strategies as st
from reversion.models import Version

from annotations import services
from annotations.fragments import truncate
from annotations.services import TargetData
from config.reverse import fast_reverse


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("annotations:annotation-detail", {"pk": uuid.uuid4()}),
        ("annotations:flag-detail", {"pk": uuid.uuid4()}),
        ("annotations:crossref-detail", {"pk": uuid.uuid4()}),
        ("archive:document-detail", {"slug": "soviet-occupation-1940"}),
        ("archive:reference-detail", {"catalogue_id": "AR-R0001"}),
        ("archive:reference-detail", {"catalogue_id": "odd id with:ăș?&#"}),
        ("annotations:annotation-create", {"slug": "a-b", "anchor": "p-12"}),
        ("archive:home", {}),
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/archive/"])
def test_fast_reverse_gives_what_reverse_gives(name, kwargs, prefix):
    set_script_prefix(prefix)
    try:
        assert fast_reverse(name, **kwargs) == reverse(name, kwargs=kwargs)
        assert fast_reverse(name, **kwargs).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_fast_reverse_falls_back_to_reverse_for_other_arguments():
    with pytest.raises(Exception, match="Reverse"):
        fast_reverse("annotations:annotation-detail", pk="not-a-uuid", extra=1)


TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(codec="ascii"),
        st.sampled_from("ăâîșțĂÂÎȘȚşţ“”—…"),
        # Combining marks, alone and after letters: counted as nothing by Truncator.
        st.sampled_from("\u0301\u0306\u0327\u0326\u20d7"),
        st.characters(),
    ),
    max_size=200,
)


@settings(deadline=None)
@given(text=TEXTS, length=st.integers(min_value=1, max_value=160))
def test_truncate_is_truncatechars(text, length):
    assert truncate(text, length) == Truncator(text).chars(length)


@pytest.mark.django_db
def test_a_new_annotation_takes_seven_statements_and_its_revision_holds_its_tags(articles, scholar):
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
    # Tags by name, the row, its tag rows, the change counter, reversion's existence check,
    # the revision and its version (plus the transaction's own statements on PostgreSQL).
    writes = [sql for sql in statements if sql.split()[0] in ("SELECT", "INSERT", "UPDATE")]
    assert len(writes) == 7, statements
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
