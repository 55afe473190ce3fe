"""The moderators' admin: least privilege, moderation through the services, audit, queries."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from annotations import services
from annotations.models import Annotation, DisputedClaim, ModerationLogEntry
from annotations.services import TargetData
from archive.models import ExternalLink, Passage

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(articles, scholar):
    english = articles["en"]
    passage = english.passages.get(order=1)
    annotation = services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage, exact="3 July 1940"),
        body="Original body",
        motivation="commenting",
        visibility="public",
    )
    flag = services.create_flag(
        user=scholar,
        target=TargetData(passage=passage, exact="3 July 1940"),
        category="date",
        statement="4 July in the Romanian text",
    )
    return {
        "document": english,
        "passage": passage,
        "annotation": annotation,
        "flag": flag,
        "reference": english.listed_references.first().reference,
        "link": ExternalLink.objects.first(),
    }


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


def url_table(records):
    """(label, url, {role: expected GET status})."""
    a, f, d = records["annotation"], records["flag"], records["document"]
    p, r, link = records["passage"], records["reference"], records["link"]
    ok = {"moderator": 200, "superuser": 200}
    forbidden = {"moderator": 403, "superuser": 403}
    return [
        ("index", admin_url("index"), ok),
        ("review queue", admin_url("review"), ok),
        ("annotations", admin_url("annotations_annotation_changelist"), ok),
        ("annotation", admin_url("annotations_annotation_change", a.pk), ok),
        ("annotation history", admin_url("annotations_annotation_history", a.pk), ok),
        ("annotation add", admin_url("annotations_annotation_add"), forbidden),
        ("annotation delete", admin_url("annotations_annotation_delete", a.pk), forbidden),
        ("flags", admin_url("annotations_disputedclaim_changelist"), ok),
        ("flag", admin_url("annotations_disputedclaim_change", f.pk), ok),
        ("cross-references", admin_url("annotations_crossreference_changelist"), ok),
        ("moderation log", admin_url("annotations_moderationlogentry_changelist"), ok),
        ("documents", admin_url("archive_document_changelist"), ok),
        ("document", admin_url("archive_document_change", d.pk), ok),
        ("document delete", admin_url("archive_document_delete", d.pk), forbidden),
        ("document add", admin_url("archive_document_add"), forbidden),
        ("sections", admin_url("archive_section_changelist"), ok),
        ("passages", admin_url("archive_passage_changelist"), ok),
        ("passage", admin_url("archive_passage_change", p.pk), ok),
        ("references", admin_url("archive_reference_changelist"), ok),
        ("reference", admin_url("archive_reference_change", r.pk), ok),
        ("links", admin_url("archive_externallink_changelist"), ok),
        ("link", admin_url("archive_externallink_change", link.pk), ok),
        ("users", admin_url("auth_user_changelist"), {"moderator": 403, "superuser": 200}),
        ("groups", admin_url("auth_group_changelist"), {"moderator": 403, "superuser": 200}),
    ]


@pytest.mark.parametrize("role", ["anonymous", "scholar", "moderator", "superuser"])
def test_admin_url_by_role_get(client, records, role, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for label, url, expected in url_table(records):
        response = client.get(url)
        if role in ("anonymous", "scholar"):
            # Not staff: every admin page sends them to the admin login.
            assert response.status_code == 302, label
            assert response.url.startswith(reverse("admin:login")), label
        else:
            assert response.status_code == expected[role], (label, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", "scholar", "moderator"])
def test_admin_url_by_role_post_changes_nothing_it_may_not(client, records, role, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    document, passage = records["document"], records["passage"]
    text_before = passage.text
    expected = {"anonymous": 302, "scholar": 302, "moderator": 403}[role]
    for url in (
        admin_url("archive_document_delete", document.pk),
        admin_url("archive_passage_change", passage.pk),
        admin_url("auth_user_add"),
        admin_url("annotations_annotation_change", records["annotation"].pk),
    ):
        response = client.post(url, {"post": "yes", "text": "tampered", "username": "x"})
        assert response.status_code == expected, url
    passage.refresh_from_db()
    assert passage.text == text_before
    assert document.__class__.objects.filter(pk=document.pk).exists()


def test_moderators_group_is_least_privilege(moderator):
    assert moderator.is_staff and not moderator.is_superuser
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert not any(app == "auth" for app, _ in codenames)
    assert not any(codename.startswith("delete_") for _, codename in codenames)
    assert ("archive", "change_passage") not in codenames
    assert ("archive", "change_reference") in codenames
    assert ("annotations", "moderate_disputedclaim") in codenames


def run_action(client, model, action, pks, note):
    url = admin_url(f"annotations_{model}_changelist")
    data = {"action": action, "_selected_action": [str(pk) for pk in pks]}
    if note is not None:
        data.update({"apply": "1", "note": note})
    return client.post(url, data)


def test_hide_action_needs_a_note_and_is_versioned_and_logged(client, records, moderator):
    annotation = records["annotation"]
    client.force_login(moderator)
    asked = run_action(client, "annotation", "hide", [annotation.pk], None)
    assert asked.status_code == 200 and "Note (required" in asked.content.decode()
    empty = run_action(client, "annotation", "hide", [annotation.pk], "  ")
    assert empty.status_code == 200
    annotation.refresh_from_db()
    assert annotation.status == "published"
    done = run_action(client, "annotation", "hide", [annotation.pk], "Off-topic")
    assert done.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.status, annotation.moderation_note) == ("hidden", "Off-topic")
    latest = Version.objects.get_for_object(annotation).first()
    assert latest.revision.user == moderator
    assert "Off-topic" in latest.revision.comment
    entry = ModerationLogEntry.objects.get()
    assert (entry.moderator, entry.old_status, entry.new_status, entry.note) == (
        moderator,
        "published",
        "hidden",
        "Off-topic",
    )
    # The author sees it hidden, with the reason; the public does not see it.
    client.logout()
    assert client.get(annotation.get_absolute_url()).status_code == 404
    client.force_login(annotation.author)
    page = client.get(annotation.get_absolute_url()).content.decode()
    assert "Off-topic" in page


def test_bulk_uphold_flags_with_note(client, records, moderator, scholar):
    second = services.create_flag(
        user=scholar,
        target=TargetData(passage=records["passage"]),
        category="other",
        statement="Second",
    )
    client.force_login(moderator)
    response = run_action(
        client, "disputedclaim", "uphold", [records["flag"].pk, second.pk], "Both checked"
    )
    assert response.status_code == 302
    assert set(DisputedClaim.objects.values_list("status", flat=True)) == {"upheld"}
    assert ModerationLogEntry.objects.filter(new_status="upheld").count() == 2
    html = client.get(records["document"].get_absolute_url()).content.decode()
    assert "[dispute upheld]" in html and "disputed (upheld)" in html
    # The moderator's note is with the flag, in its passage's scholarship.
    passage = DisputedClaim.objects.first().passage
    assert "Both checked" in client.get(passage.get_absolute_url()).content.decode()


def test_admin_revert_goes_through_the_service(client, records, moderator, scholar):
    annotation = records["annotation"]
    services.update_annotation(
        annotation=annotation, user=scholar, data={"body": "Vandalised"}, base_version=1
    )
    first = Version.objects.get_for_object(annotation).last()
    client.force_login(moderator)
    url = admin_url("annotations_annotation_revision", annotation.pk, first.pk)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    annotation.refresh_from_db()
    assert (annotation.body, annotation.version) == ("Original body", 3)
    assert Version.objects.get_for_object(annotation).first().revision.user == moderator


def test_catalogue_correction_is_versioned_and_leaves_received_text(client, records, moderator):
    link = records["link"]
    client.force_login(moderator)
    url = admin_url("archive_externallink_change", link.pk)
    data = {
        "kind": link.kind,
        "title": link.title,
        "site": link.site,
        "language": link.language,
        "archive_note": link.archive_note,
        "remark": link.remark,
        "url": "https://en.wikisource.org/wiki/Molotov%E2%80%93Ribbentrop_Pact",
        "original_line": "tampered",
        "document_links-TOTAL_FORMS": "0",
        "document_links-INITIAL_FORMS": "0",
    }
    for inline in link.document_links.all():
        index = int(data["document_links-TOTAL_FORMS"])
        data.update(
            {
                f"document_links-{index}-id": inline.pk,
                f"document_links-{index}-link": link.pk,
                f"document_links-{index}-order": inline.order,
            }
        )
        data["document_links-TOTAL_FORMS"] = str(index + 1)
        data["document_links-INITIAL_FORMS"] = str(index + 1)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    link.refresh_from_db()
    assert link.url.startswith("https://en.wikisource.org/")
    assert link.original_line != "tampered"
    assert Version.objects.get_for_object(link).first().revision.user == moderator


def test_passage_text_cannot_be_changed_even_by_a_superuser(client, records, superuser):
    passage = records["passage"]
    client.force_login(superuser)
    url = admin_url("archive_passage_change", passage.pk)
    client.post(url, {"kind": passage.kind, "text": "rewritten"})
    assert Passage.objects.get(pk=passage.pk).text == records["passage"].text


@pytest.mark.parametrize("rows", [3, 60])
def test_annotation_and_flag_changelists_have_constant_queries(
    client, records, moderator, scholar, rows, django_assert_max_num_queries
):
    for number in range(rows):
        services.create_annotation(
            user=scholar,
            target=TargetData(passage=records["passage"]),
            body=f"n{number}",
            motivation="commenting",
            visibility="public",
        )
        services.create_flag(
            user=scholar,
            target=TargetData(passage=records["passage"]),
            category="date",
            statement=f"s{number}",
        )
    client.force_login(moderator)
    for name in ("annotations_annotation_changelist", "annotations_disputedclaim_changelist"):
        with django_assert_max_num_queries(14):
            assert client.get(admin_url(name)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(admin_url("review")).status_code == 200


def test_review_queue_lists_open_flags_oldest_first_and_counts_on_index(
    client, records, moderator, scholar
):
    newer = services.create_flag(
        user=scholar,
        target=TargetData(passage=records["passage"]),
        category="other",
        statement="Newer flag",
    )
    client.force_login(moderator)
    html = client.get(admin_url("review")).content.decode()
    assert html.index(records["flag"].statement) < html.index(newer.statement)
    index = client.get(admin_url("index")).content.decode()
    assert "Flags open or under review" in index
    assert Annotation.objects.count() == 1


def test_compare_view_of_an_id_that_is_no_record_is_404(client, records, moderator):
    client.force_login(moderator)
    compare = "annotations_annotation_compare"
    for object_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = client.get(admin_url(compare, object_id), {"version_id1": 1, "version_id2": 2})
        assert response.status_code == 404
    reference = records["reference"]
    response = client.get(
        admin_url("archive_reference_compare", 999999), {"version_id1": 1, "version_id2": 2}
    )
    assert response.status_code == 404
    assert client.get(admin_url("archive_reference_compare", reference.pk)).status_code == 404
