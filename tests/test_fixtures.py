"""The `articles` fixture: it matches a fresh import and holds every received line exactly."""

import hashlib
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from archive.importers.fixture import serialize_documents
from archive.importers.manifest import import_manifest, load_manifest
from archive.importers.plaintext import is_blank, split_lines
from archive.importers.snapshot import snapshot
from archive.models import (
    Document,
    DocumentLink,
    DocumentReference,
    ExternalLink,
    Note,
    Passage,
    Reference,
    Section,
)
from tests.conftest import FIXTURE_SETS, ROOT, fixture_models

FIXTURE = ROOT / "fixtures" / "articles.json"
SOURCES = ROOT / "fixtures" / "sources"
ENGLISH_SLUG = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN_SLUG = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"
REPEATED_SENTENCE = (
    "La 26 octombrie 1940, șase insule românești de pe brațul Chilia a Dunării, "
    "cu o suprafață de 23,75 km², erau și ele ocupate de armata sovietică."
)
MODELS = [
    Document,
    Section,
    Passage,
    Note,
    Reference,
    DocumentReference,
    ExternalLink,
    DocumentLink,
]
FIXTURE_COUNTS = {
    "Document": 2,
    "Section": 28,
    "Passage": 92,
    "Note": 1,
    # 15 listed as references, and the book listed among the external links (AR-R0016).
    "Reference": 16,
    "DocumentReference": 15,
    "ExternalLink": 14,
    "DocumentLink": 14,
}


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def load_articles():
    call_command("loaddata", "articles", verbosity=0)


def delete_catalogue():
    DocumentLink.objects.all().delete()
    DocumentReference.objects.all().delete()
    ExternalLink.objects.all().delete()
    Reference.objects.all().delete()
    Document.objects.exclude(translation_of=None).delete()
    Document.objects.all().delete()


# -- the fixture and a fresh import agree --------------------------------------------------


@pytest.mark.django_db
def test_fixture_and_a_fresh_import_agree():
    load_articles()
    from_fixture = snapshot()
    assert sorted(from_fixture) == [ROMANIAN_SLUG, ENGLISH_SLUG]
    delete_catalogue()
    assert set(counts().values()) == {0}
    reports = import_manifest()
    assert [report.created for report in reports] == [True, True]
    assert snapshot() == from_fixture


@pytest.mark.django_db
def test_snapshot_notices_a_difference():
    load_articles()
    before = snapshot()
    Passage.objects.filter(document__slug=ROMANIAN_SLUG, order=3).update(
        text="Basarabiei și cesiunea"
    )
    assert snapshot() != before


@pytest.mark.django_db
def test_committed_fixture_is_what_the_build_writes(tmp_path):
    reports = import_manifest()
    assert serialize_documents([r.document for r in reports]) == FIXTURE.read_text("utf-8")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("build_articles_fixture", "--output", str(first), stdout=StringIO())
    call_command("build_articles_fixture", "--output", str(second), stdout=StringIO())
    assert first.read_bytes() == second.read_bytes() == FIXTURE.read_bytes()
    assert counts() == FIXTURE_COUNTS


def test_fixture_file_is_utf8_with_natural_keys_and_fixed_timestamps():
    raw = FIXTURE.read_bytes()
    text = raw.decode("utf-8")
    assert raw.endswith(b"\n]\n")
    assert "\\u" not in text
    assert "Ciorănescu" in text
    assert '"pk"' not in text
    assert (
        text.count('"created": "2026-11-22T00:00:00Z"') == 4
    )  # the two documents and their source revisions 1
    assert text.count('"modified": "2026-11-22T00:00:00Z"') == 2


# -- loading ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_the_fixture_twice_creates_no_duplicates():
    load_articles()
    assert counts() == FIXTURE_COUNTS
    load_articles()
    assert counts() == FIXTURE_COUNTS
    english = Document.objects.get(slug=ENGLISH_SLUG)
    romanian = Document.objects.get(slug=ROMANIAN_SLUG)
    assert (english.catalogue_id, romanian.catalogue_id) == ("AR-D0001", "AR-D0002")
    assert romanian.translation_of == english


@pytest.mark.django_db
def test_importing_after_loading_the_fixture_creates_nothing():
    load_articles()
    reports = import_manifest()
    assert [report.created for report in reports] == [False, False]
    assert counts() == FIXTURE_COUNTS


# -- every received line is in the catalogue -----------------------------------------------


def heading_line(section):
    marks = "=" * section.level
    return f"{marks} {section.heading} {marks}"


@pytest.mark.django_db
@pytest.mark.parametrize("number", [0, 1])
def test_every_line_of_the_received_texts_is_catalogued_exactly(number):
    load_articles()
    entry = load_manifest()[number]
    path = SOURCES / entry["file"]
    data = path.read_bytes()
    document = Document.objects.get(slug=entry["slug"])
    assert document.source_text == data.decode("utf-8")
    assert document.checksum == hashlib.sha256(data).hexdigest()
    assert document.source_filename == entry["file"]

    passages = {p.line_number: p.text for p in document.passages.all()}
    headings = {s.line_number: heading_line(s) for s in document.sections.all()}
    references = {
        item.reference.original_line for item in document.listed_references.select_related()
    }
    links = {item.link.original_line for item in document.listed_links.select_related()}
    missing = []
    for line_number, line in enumerate(split_lines(document.source_text), start=1):
        if is_blank(line):
            continue
        found = (
            passages.get(line_number) == line
            or headings.get(line_number) == line
            or line in references
            or line in links
        )
        if not found:
            missing.append(line_number)
    assert missing == []
    # Nothing in the catalogue that is not a line of the text.
    lines = set(split_lines(document.source_text))
    assert set(passages.values()) | references | links <= lines


@pytest.mark.django_db
def test_english_catalogue_counts_and_isbns():
    load_articles()
    english = Document.objects.get(slug=ENGLISH_SLUG)
    assert english.sections.count() == 28
    listed = english.listed_references.select_related("reference")
    assert listed.filter(role="cited").count() == 11
    assert listed.filter(role="further_reading").count() == 4
    isbns = {
        item.reference.authors[0]["family"]: item.reference.isbn
        for item in listed
        if item.reference.isbn
    }
    assert isbns == {
        "Usatiuc-Bulgăr": "9975-939-36-8",
        "Deletant": "1-4039-9341-6",
        "King": "978-0-8179-9792-2",
        "Livezeanu": "978-0-8014-8688-3",
        "Mitrasca": "978-1-892941-86-2",
        "Motoc": "978-973-0-25973-5",
        "Prusin": "978-0-19-929753-5",
    }
    links = english.listed_links.select_related("link")
    assert links.filter(link__kind="external").count() == 8
    assert links.filter(link__kind="see_also").count() == 6
    note = english.notes.get()
    assert (note.marker, note.passage.line_number, note.text) == ("a", 59, "")


@pytest.mark.django_db
def test_romanian_text_keeps_its_repetition_and_its_cedilla():
    load_articles()
    romanian = Document.objects.get(slug=ROMANIAN_SLUG)
    texts = list(romanian.passages.values_list("text", flat=True))
    assert len(texts) == 16
    assert sum(text.count(REPEATED_SENTENCE) for text in texts) == 2
    assert texts[-1] == REPEATED_SENTENCE
    assert texts[0].endswith(REPEATED_SENTENCE)
    assert sum(text.count("ş") for text in texts) == 1  # U+015F, s with cedilla
    assert "Basarabiei şi cesiunea" in texts[2]
    assert sum(text.count("ș") for text in texts) == 34  # U+0219, s with comma below


def rows_by_natural_key(labels):
    """Every row of the set's models, serialised by natural keys (so pks do not matter)."""
    rows = [row for model in fixture_models(labels) for row in model._default_manager.all()]
    serialised = serializers.serialize(
        "python", rows, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    return sorted(repr(row) for row in serialised)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FIXTURE_SETS))
def test_fixture_snapshots_load_the_same_rows_as_loaddata(name, fixture_snapshots):
    """The suite's `articles` and `demo` (tests/conftest.py) load snapshots by primary key."""
    labels = FIXTURE_SETS[name]
    with transaction.atomic():
        call_command("loaddata", *labels, verbosity=0)
        by_natural_keys = rows_by_natural_key(labels)
        transaction.set_rollback(True)
    call_command("loaddata", str(fixture_snapshots[name]), verbosity=0)
    assert len(by_natural_keys) == {"articles": 184, "demo": 227}[name]
    assert rows_by_natural_key(labels) == by_natural_keys
