"""The moderators' side of revisions in the admin: the import action and the orphan queue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Anchoring, Annotation
from annotations.services import TargetData, create_annotation
from archive.models import Document, SourceRevision
from devdata.revision import DELETED
from tests.test_revisions import ENGLISH, ROMANIAN_FILE, revised_file, state


@pytest.fixture
def english(articles):
    return Document.objects.get(slug=ENGLISH)


def orphan_on_deleted(english, scholar, quote):
    deleted = english.passages.get(text__startswith=DELETED)
    return create_annotation(
        user=scholar,
        target=TargetData(passage=deleted, exact=quote),
        body=f"On “{quote}”.",
        motivation="commenting",
        visibility="public",
    )


@pytest.mark.django_db
def test_the_admin_action_leads_to_the_upload_which_imports_a_revision(
    client, english, scholar, moderator, tmp_path
):
    orphan = orphan_on_deleted(english, scholar, "signed a secret convention")
    client.force_login(moderator)
    changelist = reverse("admin:archive_document_changelist")
    response = client.post(
        changelist, {"action": "import_revision", "_selected_action": [english.pk]}
    )
    upload_url = reverse("admin:archive_document_revision", args=[english.pk])
    assert response.status_code == 302 and response.url == upload_url
    path = revised_file(tmp_path)
    response = client.post(
        upload_url, {"text": SimpleUploadedFile(path.name, path.read_bytes())}, follow=True
    )
    assert response.status_code == 200
    said = [str(message) for message in response.context["messages"]]
    assert said[0].startswith("Imported revision 2 of AR-D0001")
    assert said[-1] == "re-anchored to revision 2: 1 items, 0 exact, 0 fuzzy, 1 orphans"
    english.refresh_from_db()
    assert english.revision == 2 and SourceRevision.objects.filter(document=english).count() == 2
    orphan.refresh_from_db()
    assert orphan.anchoring == Anchoring.ORPHAN


@pytest.mark.django_db
def test_an_upload_in_another_language_is_one_line_and_changes_nothing(client, english, moderator):
    client.force_login(moderator)
    before = state()
    response = client.post(
        reverse("admin:archive_document_revision", args=[english.pk]),
        {"text": SimpleUploadedFile("ro.txt", ROMANIAN_FILE.read_bytes())},
    )
    assert response.status_code == 200
    assert "the text reads as Romanian (ro), but" in response.content.decode()
    assert state() == before


@pytest.mark.django_db
def test_a_scholar_cannot_open_the_orphan_queue_or_the_upload(client, english, scholar):
    client.force_login(scholar)
    assert client.get(reverse("admin:orphans")).status_code == 302  # to the admin login
    upload = reverse("admin:archive_document_revision", args=[english.pk])
    assert client.get(upload).status_code == 302


@pytest.mark.django_db
def test_the_orphan_queue_reattaches_and_retires(
    client, english, scholar, moderator, tmp_path, django_assert_max_num_queries
):
    first = orphan_on_deleted(english, scholar, "signed a secret convention")
    second = orphan_on_deleted(english, scholar, "the Entente")
    from tests.test_revisions import import_revision

    import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)
    client.force_login(moderator)
    url = reverse("admin:orphans")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Orphans, oldest first (2)" in page and "signed a secret convention" in page
    bad = client.post(
        url,
        {"kind": "annotation", "item": first.pk, "action": "reattach", "passage": 999},
        follow=True,
    ).content.decode()
    assert "The current revision has no passage 999." in bad
    done = client.post(
        url,
        {
            "kind": "annotation",
            "item": first.pk,
            "action": "reattach",
            "passage": 1,
            "exact": "ultimatum made to Romania",
        },
        follow=True,
    ).content.decode()
    assert "Re-attached to passage 1" in done
    no_note = client.post(
        url, {"kind": "annotation", "item": second.pk, "action": "retire"}, follow=True
    ).content.decode()
    assert "A note is required to retire an orphan." in no_note
    client.post(url, {"kind": "annotation", "item": second.pk, "action": "retire", "note": "Cut."})
    states = dict(
        Annotation.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "anchoring")
    )
    assert states == {first.pk: Anchoring.REATTACHED, second.pk: Anchoring.RETIRED}
    assert "Orphans, oldest first (0)" in client.get(url).content.decode()
