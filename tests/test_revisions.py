"""New source revisions of a received text: import, passage matching, re-anchoring, reading,
orphans (issue 17, item 3)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from annotations.anchoring import reattach_orphan, retire_orphan
from annotations.models import Anchoring, Annotation, CrossReference, DisputedClaim
from annotations.services import TargetData, create_annotation
from archive.importers.revision import match_passages, text_language
from archive.models import Document, Passage, Section, SourceRevision
from devdata.revision import DELETED, ENGLISH_SOURCE, expected_quote, revised_text
from tests.conftest import ROOT

SOURCES = ROOT / "fixtures" / "sources"
ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN_FILE = SOURCES / "001_2220ee805bcc616b.txt"


def revised_file(tmp_path):
    path = tmp_path / "000_7b11acfc32eec4c2-r2.txt"
    path.write_text(revised_text((SOURCES / ENGLISH_SOURCE).read_text(encoding="utf-8")))
    return path


def import_revision(*args):
    out = StringIO()
    call_command("import_article", *[str(arg) for arg in args], stdout=out)
    return out.getvalue().splitlines()


def state():
    """Everything a refused revision must leave as it was."""
    return {
        "revisions": list(SourceRevision.objects.values_list("pk", "checksum")),
        "passages": Passage.all_revisions.count(),
        "current": Passage.objects.count(),
        "documents": list(Document.objects.values_list("revision", "checksum")),
        "targets": sorted(
            (str(pk), passage, anchoring)
            for model in (Annotation, DisputedClaim, CrossReference)
            for pk, passage, anchoring in model.objects.values_list("pk", "passage", "anchoring")
        ),
        "versions": Version.objects.count(),
    }


@pytest.mark.django_db
def test_revision_of_an_unknown_document_is_one_line_and_changes_nothing(articles, tmp_path):
    before = state()
    with pytest.raises(CommandError) as error:
        import_revision(revised_file(tmp_path), "--revision-of", "no-such-document")
    assert str(error.value) == "no document with slug 'no-such-document' to import a revision of"
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["text", "option"])
def test_revision_in_another_language_is_one_line_and_changes_nothing(articles, tmp_path, how):
    before = state()
    if how == "text":  # the Romanian text offered as a revision of the English article
        args = (ROMANIAN_FILE, "--revision-of", ENGLISH)
        message = "the text reads as Romanian (ro), but '{}' is in English (en)"
    else:
        args = (revised_file(tmp_path), "--revision-of", ENGLISH, "--language", "ro")
        message = "the revision's language 'ro' differs from '{}', which is in 'en'"
    with pytest.raises(CommandError) as error:
        import_revision(*args)
    assert str(error.value) == message.format(ENGLISH)
    assert "\n" not in str(error.value)
    assert state() == before


def test_text_language_tells_the_two_articles_apart():
    assert text_language((SOURCES / ENGLISH_SOURCE).read_text()) == "en"
    assert text_language(ROMANIAN_FILE.read_text()) == "ro"
    assert text_language("Too short to tell.") is None


@pytest.mark.django_db
def test_revision_keeps_the_previous_text_and_checksum(articles, tmp_path):
    english = Document.objects.get(slug=ENGLISH)
    old_text, old_checksum = english.source_text, english.checksum
    lines = import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)
    assert lines[0].startswith("Imported revision 2 of AR-D0001")
    assert lines[1] == "passages: 71 unchanged, 4 edited, 1 new, 1 removed"
    english.refresh_from_db()
    assert english.revision == 2 and english.checksum != old_checksum
    first, second = SourceRevision.objects.filter(document=english)
    assert (first.number, first.source_text, first.checksum) == (1, old_text, old_checksum)
    assert (second.number, second.source_text) == (2, english.source_text)
    # The old parts stay, superseded; the default managers read the current revision only.
    assert Passage.all_revisions.filter(document=english, revision=1, current=False).count() == 76
    assert english.passages.count() == Passage.objects.filter(document=english).count() == 76
    assert not english.passages.exclude(revision=2).exists()
    assert Section.objects.filter(document=english).count() == 28
    # The same file again creates nothing; an earlier revision is refused.
    assert import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)[0].startswith(
        "Already imported"
    )
    before = state()
    with pytest.raises(CommandError, match="this file is revision 1 of"):
        import_revision(SOURCES / ENGLISH_SOURCE, "--revision-of", ENGLISH)
    assert state() == before


@pytest.mark.django_db
def test_revision_options_that_describe_a_new_document_are_refused(articles, tmp_path):
    with pytest.raises(CommandError, match="drop --title"):
        import_revision(revised_file(tmp_path), "--revision-of", ENGLISH, "--title", "T")


def test_passages_are_matched_unchanged_edited_new_and_removed():
    def passages(*texts):
        made = [Passage(text=text, order=n) for n, text in enumerate(texts, start=1)]
        for n, passage in enumerate(made):
            passage.pk = n + 1 if texts is old_texts else 100 + n
        return made

    old_texts = ("Alpha beta gamma delta.", "A paragraph that goes away entirely.", "Same.")
    old = passages(*old_texts)
    new = passages("Same.", "Alpha beta gamma delta, epsilon.", "Something else, quite new.")
    kinds = {
        (m.old.text if m.old else None, m.new.text if m.new else None): m.kind
        for m in match_passages(old, new)
    }
    assert kinds == {
        ("Alpha beta gamma delta.", "Alpha beta gamma delta, epsilon."): "edited",
        ("A paragraph that goes away entirely.", None): "removed",
        ("Same.", "Same."): "unchanged",
        (None, "Something else, quite new."): "new",
    }


@pytest.mark.django_db
def test_every_item_is_re_anchored_or_an_orphan_never_lost(articles, demo, scholar, tmp_path):
    english = Document.objects.get(slug=ENGLISH)
    deleted = english.passages.get(text__startswith=DELETED)
    typo = english.passages.get(text__contains="would only by peaceful means")
    on_typo = create_annotation(
        user=scholar,
        target=TargetData(passage=typo, exact="would only by peaceful means"),
        body="Words are missing here.",
        motivation="commenting",
        visibility="public",
    )
    on_deleted = create_annotation(
        user=scholar,
        target=TargetData(passage=deleted, exact="signed a secret convention"),
        body="On the deleted paragraph.",
        motivation="commenting",
        visibility="public",
    )
    items = [
        *Annotation.objects.filter(passage__document=english),
        *CrossReference.objects.filter(passage__document=english),
        *CrossReference.objects.filter(to_passage__document=english).exclude(
            passage__document=english
        ),
    ]
    lines = import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)
    summary = next(line for line in lines if line.startswith("re-anchored to revision 2"))
    assert summary == ("re-anchored to revision 2: 26 items, 19 exact, 5 fuzzy, 2 orphans"), lines
    counts = {"moved": 0, "orphan": 0}
    for item in items:
        item.refresh_from_db()
        ends = [(item.anchoring, item.passage)]
        if isinstance(item, CrossReference) and item.to_passage_id:
            ends.append((item.to_anchoring, item.to_passage))
        english_ends = [(a, p) for a, p in ends if p.document_id == english.pk]
        assert english_ends
        orphan = any(a == Anchoring.ORPHAN for a, _ in english_ends)
        counts["orphan" if orphan else "moved"] += 1
        for anchoring, passage in english_ends:
            # An orphan stays pinned to revision 1; everything else is on revision 2.
            assert passage.revision == (1 if anchoring == Anchoring.ORPHAN else 2)
        comment = Version.objects.get_for_object(item).first().revision.comment
        assert comment == (
            "orphaned at revision 2: kept on its old revision"
            if orphan
            else "re-anchored to revision 2"
        )
    assert counts == {"moved": 24, "orphan": 2}
    assert len(items) == counts["moved"] + counts["orphan"]
    on_typo.refresh_from_db()
    assert on_typo.anchoring == Anchoring.FUZZY
    assert on_typo.exact == expected_quote("would only by peaceful means")
    assert on_typo.passage.text[on_typo.start : on_typo.end] == on_typo.exact
    assert on_typo.written_on == 1 and on_typo.version == 2
    on_deleted.refresh_from_db()
    assert on_deleted.anchoring == Anchoring.ORPHAN and on_deleted.passage_id == deleted.pk


@pytest.mark.django_db
def test_reading_views_show_the_current_revision_and_any_other_on_request(
    client, articles, demo, scholar, tmp_path
):
    english = Document.objects.get(slug=ENGLISH)
    deleted = english.passages.get(text__startswith=DELETED)
    create_annotation(
        user=scholar,
        target=TargetData(passage=deleted, exact="signed a secret convention"),
        body="On the deleted paragraph.",
        motivation="commenting",
        visibility="public",
    )
    import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)
    url = english.get_absolute_url()
    current = client.get(url).content.decode()
    assert DELETED not in current
    assert "Revision 2 of 2" in current
    lead = client.get(f"{url}p-1/").content.decode()
    assert "Written on revision 1 · moved to revision 2 (moved: exact quote)" in lead
    old = client.get(f"{url}?revision=1").content.decode()
    assert "Revision 1 of 2 (superseded)" in old, old
    assert "Back in August 1916, the Entente" in old  # the rest is cut by the orphan's mark
    page = client.get(f"{url}p-{deleted.order}/?revision=1").content.decode()
    assert "orphan: not found in the new revision, kept on revision 1" in page
    assert client.get(f"{url}?revision=3").status_code == 404
    assert client.get(f"{url}?revision=x").status_code == 400


@pytest.mark.django_db
def test_a_moderator_reattaches_or_retires_an_orphan(articles, scholar, moderator, tmp_path):
    english = Document.objects.get(slug=ENGLISH)
    deleted = english.passages.get(text__startswith=DELETED)
    orphans = [
        create_annotation(
            user=scholar,
            target=TargetData(passage=deleted, exact=quote),
            body="On the deleted paragraph.",
            motivation="commenting",
            visibility="public",
        )
        for quote in ("signed a secret convention", "the Entente")
    ]
    import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)
    first, second = (Annotation.objects.get(pk=item.pk) for item in orphans)
    assert first.anchoring == second.anchoring == Anchoring.ORPHAN
    lead = english.passages.get(order=1)
    with pytest.raises(ValidationError):
        reattach_orphan(item=first, user=moderator, target=TargetData(passage=deleted))
    moved = reattach_orphan(
        item=first,
        user=moderator,
        target=TargetData(passage=lead, exact="ultimatum made to Romania"),
    )
    assert (moved.anchoring, moved.passage_id, moved.exact) == (
        Anchoring.REATTACHED,
        lead.pk,
        "ultimatum made to Romania",
    )
    assert moved.written_on == 1
    with pytest.raises(ValidationError):
        retire_orphan(item=second, user=moderator, note=" ")
    retired = retire_orphan(item=second, user=moderator, note="The paragraph was cut.")
    assert retired.anchoring == Anchoring.RETIRED and retired.passage_id == deleted.pk
    assert Version.objects.get_for_object(retired).first().revision.comment == (
        "Retired orphan. The paragraph was cut."
    )
    with pytest.raises(ValidationError):
        retire_orphan(item=retired, user=moderator, note="again")


ROMANIAN = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"


@pytest.mark.django_db
def test_every_page_still_works_after_a_revision(client, articles, demo, scholar, tmp_path):
    """The other apps read the current revision; an orphan's own pages name its old one."""
    english = Document.objects.get(slug=ENGLISH)
    deleted = english.passages.get(text__startswith=DELETED)
    orphan = create_annotation(
        user=scholar,
        target=TargetData(passage=deleted, exact="signed a secret convention"),
        body="On the deleted paragraph.",
        motivation="commenting",
        visibility="public",
    )
    import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)
    orphan.refresh_from_db()
    assert orphan.passage.get_absolute_url().endswith(f"p-{deleted.order}/?revision=1")
    client.force_login(scholar)
    for url in (
        "/documents/",
        f"/documents/{ENGLISH}/",
        f"/documents/{ROMANIAN}/",
        f"/documents/{ROMANIAN}/compare/",
        f"/documents/{ENGLISH}.json",
        "/documents.json",
        "/search/?q=Entente",
        "/annotations/",
        f"/annotations/{orphan.pk}/",
        f"/annotations/{orphan.pk}.jsonld",
        f"/documents/{ENGLISH}/p-1/panel/",
        f"/documents/{ENGLISH}/p-{deleted.order}/panel/?revision=1",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    texts = [p["text"] for p in client.get(f"/documents/{ENGLISH}.json").json()["passages"]]
    assert len(texts) == 76 and not any(text.startswith(DELETED) for text in texts)


@pytest.mark.django_db
def test_the_measurement_balances_and_rolls_back(articles, demo):
    before = state()
    out = StringIO()
    call_command("measure_reanchoring", "--generated", "40", stdout=out)
    lines = out.getvalue().splitlines()
    assert "demo       |   28 |    23 |     4 (4) |       1" in lines
    generated = next(line for line in lines if line.startswith("generated  |"))
    assert "UNBALANCED" not in out.getvalue()
    ends, exact, fuzzy, orphans = (int(part.split()[0]) for part in generated.split("|")[1:])
    assert ends == 40 == exact + fuzzy + orphans
    assert lines[-1] == "Rolled back: the database is as it was."
    assert state() == before


@pytest.mark.django_db
def test_reverting_to_a_version_before_a_move_keeps_the_target_on_the_new_text(
    articles, scholar, tmp_path
):
    from annotations.services import revert_annotation, update_annotation

    english = Document.objects.get(slug=ENGLISH)
    typo = english.passages.get(text__contains="would only by peaceful means")
    annotation = create_annotation(
        user=scholar,
        target=TargetData(passage=typo, exact="would only by peaceful means"),
        body="First words.",
        motivation="commenting",
        visibility="public",
    )
    import_revision(revised_file(tmp_path), "--revision-of", ENGLISH)
    annotation = update_annotation(
        annotation=annotation, user=scholar, data={"body": "Second words."}, base_version=2
    )
    first = Version.objects.get_for_object(annotation).last()
    reverted = revert_annotation(annotation=annotation, user=scholar, version=first)
    assert reverted.body == "First words."
    assert reverted.passage.current and reverted.anchoring == Anchoring.FUZZY
    assert reverted.passage.text[reverted.start : reverted.end] == reverted.exact
    assert reverted.exact == "would only be settled by peaceful means"
