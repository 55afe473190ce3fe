"""Versioned writes: one revision per change, stale edits refused, reverts and restores exact."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from reversion.models import Version

from annotations import services
from annotations.models import Annotation, DisputedClaim, FlagStatus
from annotations.services import StaleEdit, TargetData

pytestmark = pytest.mark.django_db


@pytest.fixture
def passage(articles):
    return articles["en"].passages.get(order=1)


def annotate(user, passage, **kw):
    defaults = {
        "target": TargetData(passage=passage, exact="Soviet Union occupied Bessarabia"),
        "body": "First *note*.",
        "motivation": "commenting",
        "visibility": "public",
        "tags": ["ultimatum", "Dates"],
    }
    defaults.update(kw)
    return services.create_annotation(user=user, **defaults)


def versions(obj):
    return list(Version.objects.get_for_object(obj).order_by("revision__date_created", "pk"))


def test_create_stores_validated_selectors_and_one_revision(scholar, passage):
    annotation = annotate(scholar, passage)
    start = passage.text.index("Soviet Union occupied Bessarabia")
    assert (annotation.start, annotation.end) == (start, start + 32)
    assert annotation.prefix == passage.text[start - 32 : start]
    assert [v.revision.user for v in versions(annotation)] == [scholar]
    assert versions(annotation)[0].revision.comment == "Created"
    assert sorted(t.name for t in annotation.tags.all()) == ["dates", "ultimatum"]


def test_quote_that_does_not_match_positions_is_refused_and_not_stored(scholar, passage):
    with pytest.raises(ValidationError, match="does not match the passage"):
        annotate(
            scholar, passage, target=TargetData(passage=passage, start=0, end=7, exact="Soviet")
        )
    with pytest.raises(ValidationError, match="outside the passage"):
        annotate(scholar, passage, target=TargetData(passage=passage, start=0, end=10**6))
    assert Annotation.objects.count() == 0
    assert Version.objects.count() == 0


def test_anonymous_and_readers_without_group_cannot_annotate(passage):
    with pytest.raises(PermissionDenied):
        annotate(AnonymousUser(), passage)
    assert Annotation.objects.count() == 0


def test_edit_with_current_version_makes_one_new_revision(scholar, passage):
    annotation = annotate(scholar, passage)
    edited = services.update_annotation(
        annotation=annotation, user=scholar, data={"body": "Second."}, base_version=1
    )
    assert edited.version == 2
    assert [v.field_dict["body"] for v in versions(annotation)] == ["First *note*.", "Second."]


def test_edit_with_stale_version_is_refused_and_nothing_is_overwritten(scholar, passage):
    annotation = annotate(scholar, passage)
    services.update_annotation(
        annotation=annotation, user=scholar, data={"body": "A"}, base_version=1
    )
    with pytest.raises(StaleEdit) as refused:
        services.update_annotation(
            annotation=annotation, user=scholar, data={"body": "B"}, base_version=1
        )
    assert refused.value.current.body == "A"
    annotation.refresh_from_db()
    assert annotation.body == "A"
    assert len(versions(annotation)) == 2


def test_another_scholar_cannot_edit_but_a_moderator_can(
    scholar, other_scholar, moderator, passage
):
    annotation = annotate(scholar, passage)
    with pytest.raises(PermissionDenied):
        services.update_annotation(
            annotation=annotation, user=other_scholar, data={"body": "x"}, base_version=1
        )
    services.update_annotation(
        annotation=annotation, user=moderator, data={"body": "fixed"}, base_version=1
    )
    assert versions(annotation)[-1].revision.user == moderator


def test_revert_brings_back_exact_earlier_content_as_a_new_version(scholar, passage):
    annotation = annotate(scholar, passage)
    first = versions(annotation)[0]
    services.update_annotation(
        annotation=annotation,
        user=scholar,
        data={
            "body": "Changed",
            "motivation": "questioning",
            "tags": ["other"],
            "target": TargetData(passage=passage, exact="Northern Bukovina"),
        },
        base_version=1,
    )
    reverted = services.revert_annotation(annotation=annotation, user=scholar, version=first)
    assert reverted.version == 3
    for name in services.ANNOTATION_CONTENT_FIELDS:
        assert getattr(reverted, name) == first.field_dict[name], name
    assert sorted(t.name for t in reverted.tags.all()) == ["dates", "ultimatum"]
    assert len(versions(annotation)) == 3
    assert versions(annotation)[-1].revision.comment.startswith("Reverted to the version of")


def test_delete_and_restore_are_revisions_and_restore_is_exact(scholar, passage):
    annotation = annotate(scholar, passage)
    services.delete_annotation(annotation=annotation, user=scholar)
    assert Annotation.objects.public().count() == 0
    restored = services.restore_annotation(annotation=annotation, user=scholar)
    assert restored.body == "First *note*." and not restored.is_deleted
    assert [v.revision.comment for v in versions(annotation)] == ["Created", "Deleted", "Restored"]


def test_private_annotation_is_visible_only_to_its_author(scholar, other_scholar, passage):
    annotation = annotate(scholar, passage, visibility="private")
    assert list(Annotation.objects.visible_to(scholar)) == [annotation]
    assert list(Annotation.objects.visible_to(other_scholar)) == []
    assert list(Annotation.objects.visible_to(AnonymousUser())) == []


def test_only_moderators_change_flag_status_and_a_note_is_required(scholar, moderator, passage):
    claim = services.create_flag(
        user=scholar,
        target=TargetData(passage=passage, exact="3 July 1940"),
        category="date",
        statement="The Romanian text says 4 July.",
    )
    with pytest.raises(PermissionDenied):
        services.set_flag_status(claim=claim, user=scholar, status="upheld", note="ok")
    with pytest.raises(ValidationError):
        services.set_flag_status(claim=claim, user=moderator, status="upheld", note=" ")
    services.set_flag_status(claim=claim, user=moderator, status="upheld", note="Checked.")
    claim.refresh_from_db()
    assert claim.status == FlagStatus.UPHELD
    assert DisputedClaim.objects.get().resolution_note == "Checked."
    assert [v.revision.user for v in versions(claim)] == [scholar, moderator]


def test_windows_line_endings_are_stored_as_unix_ones(scholar, passage):
    annotation = annotate(scholar, passage, body="One\r\n\r\n- two\rthree")
    assert annotation.body == "One\n\n- two\nthree"
    edited = services.update_annotation(
        annotation=annotation, user=scholar, data={"body": "A\r\nB"}, base_version=1
    )
    assert edited.body == "A\nB"
