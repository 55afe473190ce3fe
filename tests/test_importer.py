"""The importer class and the import_article command: success, idempotency, errors, atomicity."""

import datetime as dt
import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from reversion.models import Revision

from archive.importers.article import ArticleImporter, ImporterError
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
from tests.conftest import ROOT

SOURCES = ROOT / "fixtures" / "sources"
ENGLISH_FILE = SOURCES / "000_7b11acfc32eec4c2.txt"
ROMANIAN_FILE = SOURCES / "001_2220ee805bcc616b.txt"
ENGLISH_TITLE = "Soviet occupation of Bessarabia and Northern Bukovina"
ENGLISH_SLUG = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN_TITLE = "Ocuparea sovietică a Basarabiei și Bucovinei de Nord"
ROMANIAN_SLUG = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"
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
ENGLISH_COUNTS = {
    "Document": 1,
    "Section": 28,
    "Passage": 76,
    "Note": 1,
    # 15 listed as references, and the book listed among the external links.
    "Reference": 16,
    "DocumentReference": 15,
    "ExternalLink": 14,
    "DocumentLink": 14,
}
ENGLISH_REPORT = [
    f"Imported AR-D0001 ({ENGLISH_SLUG}) from 000_7b11acfc32eec4c2.txt.",
    "sections: 28",
    "passages: 76",
    "notes: 1",
    "references: 16 (16 new, 0 reused)",
    "links: 14 (14 new, 0 reused)",
    "warnings: 4",
    "  note [a] (line 59) has no text in the source",
    "  line 74 holds only whitespace (' '); read as blank",
    "  line 192: reference has no year or publisher; read as author 'Mikhail Meltyukhov' "
    'and title "Stalin\'s Missed Chance"',
    "  line 219: external-link entry looks like a bibliographic citation; kept as an external "
    "link titled 'Istoria Basarabiei de la începuturi până în 2003' and catalogued as a "
    "reference too (book: author Ioan Scurtu; year 2003; publisher Editura Institutului "
    "Cultural Român; ISBN 9789735773779)",
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def run_command(*args):
    out = StringIO()
    call_command("import_article", *[str(arg) for arg in args], stdout=out)
    return out.getvalue().splitlines()


def import_english(**extra):
    return ArticleImporter(ENGLISH_FILE, language="en", title=ENGLISH_TITLE, **extra).run()


# -- success -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_imports_the_english_text_and_prints_a_report():
    lines = run_command(
        ENGLISH_FILE,
        "--language=en",
        f"--title={ENGLISH_TITLE}",
        "--creator=Wikipedia contributors",
        "--provenance=Received as a file.",
        "--source-url=https://en.wikipedia.org/wiki/Soviet_occupation_of_Bessarabia",
        "--licence=CC BY-SA 4.0",
        "--licence-url=https://creativecommons.org/licenses/by-sa/4.0/",
        "--description=An article.",
        "--received=2026-11-22",
    )
    assert lines == ENGLISH_REPORT
    assert counts() == ENGLISH_COUNTS
    document = Document.objects.get()
    data = ENGLISH_FILE.read_bytes()
    assert (document.catalogue_id, document.slug, document.title, document.language) == (
        "AR-D0001",
        ENGLISH_SLUG,
        ENGLISH_TITLE,
        "en",
    )
    assert document.checksum == hashlib.sha256(data).hexdigest()
    assert document.source_text == data.decode("utf-8")
    assert document.source_filename == "000_7b11acfc32eec4c2.txt"
    assert document.date_received == dt.date(2026, 11, 22)
    assert document.creator == "Wikipedia contributors"
    assert document.provenance == "Received as a file."
    assert document.licence == "CC BY-SA 4.0"
    assert document.licence_url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert document.description == "An article."
    assert document.translation_of is None


@pytest.mark.django_db
def test_importer_class_returns_a_report_and_creates_the_rows(django_assert_max_num_queries):
    # Bulk inserts, whatever the number of rows: 25 for the catalogue, the revision with its
    # versions, and a content-type lookup for each of the eight versioned models.
    with django_assert_max_num_queries(40):
        report = import_english()
    assert report.created is True
    assert (report.sections, report.passages, report.notes) == (28, 76, 1)
    revision = Revision.objects.get()
    assert revision.comment.startswith("Imported 000_7b11acfc32eec4c2.txt (sha256 ")
    # One version for each record the import created (the document, its source revision 1,
    # sections, passages, the note, references and links, and the lists of both).
    assert revision.version_set.count() == 1 + 1 + 28 + 76 + 1 + 16 + 15 + 14 + 14
    assert (report.references_created, report.references_reused) == (16, 0)
    assert (report.links_created, report.links_reused) == (14, 0)
    assert report.summary() == ENGLISH_REPORT
    document = report.document
    assert document.slug == ENGLISH_SLUG  # slugified title
    assert document.date_received == timezone.localdate()  # default: today
    assert counts() == ENGLISH_COUNTS


@pytest.mark.django_db
def test_imported_rows_carry_the_parsed_values():
    document = import_english().document
    ultimatum = document.sections.get(anchor="soviet-ultimatum")
    assert (ultimatum.order, ultimatum.level, ultimatum.line_number, ultimatum.kind) == (
        7,
        3,
        58,
        "body",
    )
    assert ultimatum.parent.anchor == "political-and-military-developments"
    passage = document.passages.get(line_number=59)
    assert (passage.anchor, passage.section, passage.kind) == ("p-30", ultimatum, "paragraph")
    note = Note.objects.get()
    assert (note.document, note.passage, note.marker, note.text) == (document, passage, "a", "")
    assert passage.text[note.offset : note.offset + 3] == "[a]"
    assert sorted(
        document.passages.exclude(kind="paragraph").values_list("line_number", "kind")
    ) == [
        (33, "quotation"),
        (53, "quotation"),
        (67, "list_item"),
        (68, "list_item"),
        (69, "list_item"),
        (99, "quotation"),
        (165, "list_item"),
        (166, "list_item"),
    ]
    assert document.passages.filter(section=None).count() == 5
    usatiuc = Reference.objects.get(catalogue_id="AR-R0005")
    assert (usatiuc.place, usatiuc.publisher, usatiuc.isbn, usatiuc.language) == (
        "Orhei",
        "Lyceum",
        "9975-939-36-8",
        "ro",
    )
    listed = DocumentReference.objects.get(reference=usatiuc)
    assert (listed.document, listed.role, listed.order) == (document, "cited", 5)
    treptow = DocumentReference.objects.get(role="further_reading", order=4).reference
    assert (treptow.catalogue_id, treptow.title) == ("AR-R0015", "Romania and World War II")
    scurtu = ExternalLink.objects.get(catalogue_id="AR-L0014")
    assert (scurtu.kind, scurtu.title) == (
        "external",
        "Istoria Basarabiei de la începuturi până în 2003",
    )
    assert DocumentLink.objects.get(link=scurtu).order == 8
    first_see_also = ExternalLink.objects.get(catalogue_id="AR-L0001")
    assert (first_see_also.kind, DocumentLink.objects.get(link=first_see_also).order) == (
        "see_also",
        1,
    )


@pytest.mark.django_db
def test_romanian_text_imports_as_translation_of_the_english():
    english = import_english().document
    lines = run_command(
        ROMANIAN_FILE,
        "--language",
        "ro",
        "--title",
        ROMANIAN_TITLE,
        "--translation-of",
        ENGLISH_SLUG,
        "--received",
        "2026-11-22",
    )
    assert lines == [
        f"Imported AR-D0002 ({ROMANIAN_SLUG}) from 001_2220ee805bcc616b.txt.",
        "sections: 0",
        "passages: 16",
        "notes: 0",
        "references: 0 (0 new, 0 reused)",
        "links: 0 (0 new, 0 reused)",
        "warnings: 1",
        "  line 4 seems to continue on line 5; kept as two passages, as received",
    ]
    romanian = Document.objects.get(slug=ROMANIAN_SLUG)
    assert romanian.translation_of == english
    assert romanian.source_text == ROMANIAN_FILE.read_text(encoding="utf-8")


# -- idempotency and reuse -----------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_nothing():
    first = import_english()
    before = counts()
    again = import_english()
    assert again.created is False
    assert again.document == first.document
    assert again.summary() == [
        f"Already imported: AR-D0001 ({ENGLISH_SLUG}) holds this file "
        f"(checksum {first.document.checksum[:12]}…); nothing created."
    ]
    lines = run_command(ENGLISH_FILE, "--language", "en", "--title", ENGLISH_TITLE)
    assert lines == again.summary()
    assert counts() == before


@pytest.mark.django_db
def test_crlf_file_imports_with_the_same_passage_texts_and_reuses_references(tmp_path):
    english = import_english().document
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(ENGLISH_FILE.read_bytes().replace(b"\n", b"\r\n"))
    report = ArticleImporter(crlf, language="en", title="CRLF copy").run()
    copy = report.document
    assert copy.slug == "crlf-copy"
    assert copy.source_text == crlf.read_bytes().decode("utf-8")
    assert "\r\n" in copy.source_text
    assert list(copy.passages.values_list("text", "kind", "line_number")) == list(
        english.passages.values_list("text", "kind", "line_number")
    )
    assert copy.sections.count() == 28
    assert (report.references_created, report.references_reused) == (0, 16)
    assert (report.links_created, report.links_reused) == (0, 14)
    assert Reference.objects.count() == 16
    assert ExternalLink.objects.count() == 14
    assert DocumentReference.objects.filter(document=copy).count() == 15
    assert DocumentLink.objects.filter(document=copy).count() == 14


@pytest.mark.django_db
def test_known_reference_and_link_lines_are_reused_and_new_ones_numbered_on(tmp_path):
    import_english()
    king = "King, Charles (2000). The Moldovans. Hoover Press. ISBN 978-0-8179-9792-2."
    text = (
        "A lead.\n== References ==\n"
        f"{king}\n"
        "Doe, Jane (2001). A New Book. Press.\n"
        "== See also ==\nVilnius Declaration\nSomething new\n"
        "== External links ==\nVilnius Declaration\n"
    )
    path = tmp_path / "other.txt"
    path.write_text(text, encoding="utf-8")
    report = ArticleImporter(path, language="en", title="Other", creator="x").run()
    assert report.document.catalogue_id == "AR-D0002"
    assert (report.references_created, report.references_reused) == (1, 1)
    # The see-also line is known; the same line as an external link is a new link.
    assert (report.links_created, report.links_reused) == (2, 1)
    listed = report.document.listed_references.order_by("order")
    assert [item.reference.catalogue_id for item in listed] == ["AR-R0007", "AR-R0017"]
    links = report.document.listed_links.order_by("link__kind", "order")
    assert [(item.link.catalogue_id, item.link.kind, item.order) for item in links] == [
        ("AR-L0016", "external", 1),
        ("AR-L0004", "see_also", 1),
        ("AR-L0015", "see_also", 2),
    ]


# -- errors --------------------------------------------------------------------------------


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_FILES = {
    "missing": (None, "file not found: "),
    "directory": ("dir", "not a regular file: "),
    "empty": (b"", "file is empty (0 bytes): "),
    "whitespace": (b" \n\t\r\n\n", "file holds only whitespace: "),
    "binary": (b"text\x00more", "binary file (contains NUL bytes) rejected: "),
    "not-utf8": (b"\xff\xfe bad", "not valid UTF-8: "),
}


def bad_file(tmp_path, case):
    data, _ = BAD_FILES[case]
    if data is None:
        return tmp_path / "missing.txt"
    if data == "dir":
        (tmp_path / "folder").mkdir()
        return tmp_path / "folder"
    return write(tmp_path, f"{case}.txt", data)


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_refused_by_the_command_and_change_nothing(tmp_path, case):
    import_english()
    before = counts()
    path = bad_file(tmp_path, case)
    with pytest.raises(CommandError) as raised:
        run_command(path, "--language", "en", "--title", "Bad")
    message = str(raised.value)
    assert message.startswith(BAD_FILES[case][1])
    assert str(path) in message
    assert "\n" not in message
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_refused_by_the_class(tmp_path, case):
    path = bad_file(tmp_path, case)
    with pytest.raises(ImporterError, match=r"^" + re.escape(BAD_FILES[case][1])):
        ArticleImporter(path, language="en", title="Bad").run()
    assert counts() == dict.fromkeys(ENGLISH_COUNTS, 0)


@pytest.mark.django_db
def test_invalid_utf8_message_names_the_byte_offset(tmp_path):
    path = write(tmp_path, "latin1.txt", "Line one\nRomânia\n".encode("latin-1"))
    with pytest.raises(ImporterError) as raised:
        ArticleImporter(path, language="ro", title="Latin-1").run()
    assert (
        str(raised.value) == f"not valid UTF-8: {path} (byte offset 12: invalid continuation byte)"
    )
    path = write(tmp_path, "bom.txt", b"\xff\xfe bad")
    with pytest.raises(ImporterError, match=r"\(byte offset 0: invalid start byte\)$"):
        ArticleImporter(path, language="ro", title="Bad").run()


BAD_ARGUMENTS = {
    "language": (["--language", "fr", "--title", "T"], "unknown language 'fr' (known: en, ro)"),
    "empty title": (["--language", "en", "--title", ""], "the title is empty"),
    "blank title": (["--language", "en", "--title", "   "], "the title is empty"),
    "unsluggable title": (
        ["--language", "en", "--title", "—"],
        "cannot make a slug from the title '—'",
    ),
    "bad slug": (
        ["--language", "en", "--title", "T", "--slug", "a b"],
        "'a b' is not a valid slug",
    ),
    "translation of": (
        ["--language", "ro", "--title", "T", "--translation-of", "nowhere"],
        "no document with slug 'nowhere' to be a translation of",
    ),
    "received": (
        ["--language", "en", "--title", "T", "--received", "2026-13-01"],
        "--received must be a date as YYYY-MM-DD, not '2026-13-01'",
    ),
    "received words": (
        ["--language", "en", "--title", "T", "--received", "yesterday"],
        "--received must be a date as YYYY-MM-DD, not 'yesterday'",
    ),
    "source url": (
        ["--language", "en", "--title", "T", "--source-url", "not a url"],
        "source_url is not a valid URL: 'not a url'",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_bad_arguments_are_refused_with_one_line_and_change_nothing(tmp_path, case):
    import_english()
    before = counts()
    path = write(tmp_path, "good.txt", b"A good text.\n")
    arguments, expected = BAD_ARGUMENTS[case]
    with pytest.raises(CommandError) as raised:
        run_command(path, *arguments)
    assert str(raised.value) == expected
    assert counts() == before


@pytest.mark.django_db
def test_slug_holding_another_text_is_refused(tmp_path):
    document = import_english().document
    before = counts()
    path = write(tmp_path, "other.txt", b"Another text.\n")
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = (
        f"slug '{ENGLISH_SLUG}' already holds a different text "
        f"(checksum {document.checksum[:12]}…, this file {checksum[:12]}…)"
    )
    with pytest.raises(CommandError) as raised:
        run_command(path, "--language", "en", "--title", ENGLISH_TITLE)
    assert str(raised.value) == expected
    with pytest.raises(ImporterError) as raised:
        ArticleImporter(path, language="en", title="x", slug=ENGLISH_SLUG).run()
    assert str(raised.value) == expected
    assert counts() == before


@pytest.mark.django_db
def test_same_file_under_another_slug_is_refused():
    import_english()
    before = counts()
    with pytest.raises(CommandError) as raised:
        run_command(ENGLISH_FILE, "--language", "en", "--title", "Copy")
    assert str(raised.value) == (
        f"this file is already catalogued as AR-D0001 under slug '{ENGLISH_SLUG}'"
    )
    assert counts() == before


@pytest.mark.django_db
def test_missing_required_options_fail():
    with pytest.raises(CommandError, match="--language"):
        run_command(ENGLISH_FILE, "--title", "T")


# -- atomicity -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "step",
    ["create_sections", "create_passages", "create_notes", "create_references", "create_links"],
)
def test_failure_mid_import_leaves_the_database_unchanged(monkeypatch, tmp_path, step):
    import_english()
    before = counts()
    copy = write(tmp_path, "copy.txt", ENGLISH_FILE.read_bytes() + b"\nOne more line.")
    original = getattr(ArticleImporter, step)

    def fail(self, *args):
        original(self, *args)
        raise RuntimeError(f"{step} failed")

    monkeypatch.setattr(ArticleImporter, step, fail)
    with pytest.raises(RuntimeError, match=f"{step} failed"):
        ArticleImporter(copy, language="en", title="Copy").run()
    assert counts() == before
    assert not Document.objects.filter(slug="copy").exists()
