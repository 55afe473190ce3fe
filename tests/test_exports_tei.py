"""TEI P5: the export (valid against tei_all, the received text character for character, the
lists and the stand-off scholarship) and the import of a TEI file (round trip, bad input)."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from lxml import etree

from annotations import services
from annotations.models import Anchoring, Annotation, CrossReference, DisputedClaim
from annotations.services import TargetData
from archive.importers.article import ArticleImporter
from archive.importers.snapshot import snapshot_document
from archive.importers.tei import TEI_NS, XML_ID, element_text
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
from devdata.revision import DELETED, ENGLISH_SOURCE, revised_text
from exports.tei import CONTENT_TYPE
from tests.conftest import ROOT, make_user

NS = {"tei": TEI_NS}
SOURCES = ROOT / "fixtures" / "sources"
EN = "soviet-occupation-of-bessarabia-and-northern-bukovina"
RO = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"
PASSAGE_TAGS = {"paragraph": "p", "quotation": "quote", "list_item": "item"}
#: ``#string-range(//*[@xml:id='p-3'],218,10)``
STRING_RANGE = re.compile(r"^#string-range\(//\*\[@xml:id='(?P<anchor>[^']+)'\],(\d+),(\d+)\)$")


def tei_of(client, slug):
    response = client.get(reverse("exports:document-tei", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    return etree.fromstring(response.content)


def by_id(root, value):
    (element,) = root.xpath("//*[@xml:id=$value]", value=value)
    return element


def assert_valid(schema, root):
    if not schema.validate(root):
        errors = "\n".join(f"line {e.line}: {e.message}" for e in list(schema.error_log)[:10])
        raise AssertionError(f"not valid against tei_all:\n{errors}")


# -- the export ----------------------------------------------------------------------------


SHAPES = {
    "a text that begins with a list section": (
        "== References ==\nDoe, Jane (2001). A Book. Press.\n"
        '== External links ==\n"Page", from Wikisource\n'
    ),
    "notes without a Notes heading, a citation among the links": (
        "A lead with a note.[a]\n== History ==\n=== Early ===\nText.\n\nIt says:\n\n"
        "one thing;\nanother thing.\n== External links ==\n"
        "Ioan Scurtu (2003). Istoria. Editura. ISBN 9789735773779.\n"
    ),
    "a heading two levels down, a quotation, a body section after the lists": (
        "Lead.\n==== Deep ====\nIt reads:\n\nA quotation without a full stop\n"
        "== See also ==\nSomething\n== Afterword ==\nLast words.\n"
    ),
}
CONTROLS = "A line with a vertical tab \x0b and a bell \x07 in it.\n"


def test_every_export_validates_against_tei_all(articles, tmp_path, tei_schema):
    """Both articles with and without the demo scholarship, the unusual shapes and the
    characters XML cannot carry: in one test, so that a test run compiles tei_all once
    (10 s of CPU on the project's machine; validating an export takes milliseconds)."""
    client = Client()
    for slug in (EN, RO):
        root = tei_of(client, slug)
        assert_valid(tei_schema, root)
        assert root.find("tei:standOff", NS) is None
    call_command("loaddata", "demo", verbosity=0)
    for slug in (EN, RO):
        root = tei_of(client, slug)
        assert_valid(tei_schema, root)
        assert root.xpath("tei:standOff/tei:listAnnotation/tei:annotation", namespaces=NS)
    for number, text in enumerate([*SHAPES.values(), CONTROLS]):
        source = tmp_path / f"{number}.txt"
        source.write_text(text, encoding="utf-8")
        document = ArticleImporter(source, language="en", title=f"Shape {number}").run().document
        assert_valid(tei_schema, tei_of(client, document.slug))
    # After a revision, with an orphan on the old text and items moved to the new one.
    orphan_after_revision(tmp_path)
    for slug in (EN, RO):
        assert_valid(tei_schema, tei_of(client, slug))
    # The schema does refuse: a TEI document without its header is not valid.
    broken = tei_of(client, RO)
    broken.remove(broken.find("tei:teiHeader", NS))
    assert not tei_schema.validate(broken)


def test_every_passage_in_the_tei_is_the_catalogue_text_character_for_character(demo):
    client = Client()
    for document in demo.values():
        root = tei_of(client, document.slug)
        passages = list(document.passages.order_by("order"))
        exported = root.xpath("tei:text//*[starts-with(@xml:id, 'p-')]", namespaces=NS)
        assert [element.get(XML_ID) for element in exported] == [p.anchor for p in passages]
        for element, passage in zip(exported, passages, strict=True):
            assert element_text(element) == passage.text
            assert etree.QName(element).localname == PASSAGE_TAGS[passage.kind]
        # The string value itself, with nothing in between that is not the text.
        assert "".join(exported[0].itertext()) == passages[0].text


def test_header_carries_the_catalogue_record(articles):
    english = articles["en"]
    root = tei_of(Client(), EN)
    header = root.find("tei:teiHeader", NS)

    def text(path):
        return header.xpath(f"string({path})", namespaces=NS)

    assert text("tei:fileDesc/tei:titleStmt/tei:title") == english.title
    assert text("tei:fileDesc/tei:titleStmt/tei:author") == "Wikipedia contributors"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert text("tei:profileDesc/tei:langUsage/tei:language/@ident") == "en"
    assert text("tei:profileDesc/tei:abstract/tei:p") == english.description
    assert text(".//tei:idno[@type='catalogue']") == "AR-D0001"
    licence = header.find(".//tei:availability/tei:licence", NS)
    assert (licence.text, licence.get("target")) == (english.licence, english.licence_url)
    received = ".//tei:sourceDesc/tei:bibl[@type='received']"
    assert text(f"{received}/tei:note[@type='provenance']") == english.provenance
    assert text(f"{received}/tei:ref[@type='source']/@target") == english.source_url
    assert text(f"{received}/tei:date[@type='received']/@when") == "2026-11-22"
    assert text(f"{received}/tei:idno[@type='SHA-256']") == english.checksum
    assert text(f"{received}/tei:idno[@type='filename']") == english.source_filename
    romanian = tei_of(Client(), RO)
    assert romanian.xpath(
        "string(//tei:relatedItem[@type='translationOf']/@target)", namespaces=NS
    ) == (f"http://testserver/documents/{EN}.tei.xml")


def test_sections_are_nested_divisions_and_the_lists_are_in_the_back(articles):
    english = articles["en"]
    root = tei_of(Client(), EN)
    divisions = root.xpath("tei:text//tei:div[tei:head]", namespaces=NS)
    sections = list(english.sections.order_by("order"))
    assert [d.get(XML_ID) for d in divisions] == [s.anchor for s in sections]
    for division, section in zip(divisions, sections, strict=True):
        assert division.findtext("tei:head", namespaces=NS) == section.heading
        assert division.find("tei:head", NS).get("rend") == f"level-{section.level}"
        assert division.get("type") == section.kind
        parent = division.getparent()
        expected = section.parent.anchor if section.parent else None
        assert (parent.get(XML_ID) if parent.tag == f"{{{TEI_NS}}}div" else None) == expected
    back = [d.get("type") for d in root.xpath("tei:text/tei:back/tei:div", namespaces=NS)]
    assert back == ["see_also", "notes", "references", "further_reading", "external_links"]


def test_the_note_marker_stays_in_the_text_and_its_missing_text_is_recorded(articles):
    note = Note.objects.get(document=articles["en"], marker="a")
    root = tei_of(Client(), EN)
    marker = by_id(root, "note-a.marker")
    assert (marker.text, marker.get("target")) == ("[a]", "#note-a")
    assert marker.getparent().get(XML_ID) == note.passage.anchor
    exported = by_id(root, "note-a")
    assert exported.getparent().get("type") == "notes"
    assert (exported.get("n"), exported.get("target")) == ("a", "#note-a.marker")
    gap = exported.find("tei:gap", NS)
    assert gap.get("reason") == "not-in-source"
    assert "does not carry its text" in gap.findtext("tei:desc", namespaces=NS)


def test_references_are_bibl_structs_from_the_parsed_fields_with_the_original_line(articles):
    english = articles["en"]
    root = tei_of(Client(), EN)
    for role, count in (("cited", 11), ("further_reading", 4)):
        listed = english.listed_references.filter(role=role).order_by("order")
        entries = root.xpath(f"//tei:listBibl[@type='{role}']/tei:biblStruct", namespaces=NS)
        assert len(entries) == len(listed) == count
        for entry, listing in zip(entries, listed, strict=True):
            reference = listing.reference
            assert entry.get(XML_ID) == reference.catalogue_id
            assert entry.get("type") == reference.kind
            assert entry.findtext("tei:note[@type='original']", namespaces=NS) == (
                reference.original_line
            )
    king = by_id(root, "AR-R0007")
    assert king.xpath("string(tei:monogr/tei:title)", namespaces=NS) == "The Moldovans"
    assert king.xpath("string(.//tei:surname)", namespaces=NS) == "King"
    assert king.xpath("string(.//tei:idno[@type='ISBN'])", namespaces=NS) == "978-0-8179-9792-2"
    assert king.xpath("string(.//tei:imprint/tei:publisher)", namespaces=NS) == "Hoover Press"
    assert king.xpath("string(.//tei:imprint/tei:date/@when)", namespaces=NS) == "2000"


def test_links_keep_their_lines_and_the_scurtu_book_is_a_reference_beside_its_link(articles):
    english = articles["en"]
    root = tei_of(Client(), EN)
    for listing in english.listed_links.select_related("link"):
        item = by_id(root, listing.link.catalogue_id)
        assert element_text(item) == listing.link.original_line
    scurtu = Reference.objects.get(isbn="9789735773779")
    link = ExternalLink.objects.get(original_line=scurtu.original_line)
    assert by_id(root, link.catalogue_id).get("corresp") == f"#{scurtu.catalogue_id}"
    book = by_id(root, scurtu.catalogue_id)
    assert book.getparent().get("type") == "from_links"
    assert book.get("type") == "book"
    assert book.xpath("string(.//tei:idno[@type='ISBN'])", namespaces=NS) == "9789735773779"


def test_stand_off_holds_the_public_scholarship_each_pointing_at_its_passage_or_span(demo, scholar):
    english = demo["en"]
    private = services.create_annotation(
        user=scholar,
        target=TargetData(passage=english.passages.get(order=3), exact="2 August 1940"),
        body="Private note",
        motivation="commenting",
        visibility="private",
    )
    root = tei_of(Client(), EN)
    lists = {
        element.get("type"): element
        for element in root.xpath("tei:standOff/tei:listAnnotation", namespaces=NS)
    }
    records = {
        "annotations": list(Annotation.objects.public().for_document(english)),
        "disputed-claims": list(DisputedClaim.objects.for_document(english)),
        "cross-references": list(CrossReference.objects.live().for_document(english)),
    }
    assert set(lists) == {name for name, items in records.items() if items}
    ids = {element.get(XML_ID) for element in root.xpath("//tei:annotation", namespaces=NS)}
    assert f"annotation.{private.pk}" not in ids
    prefixes = {
        "annotations": "annotation",
        "disputed-claims": "flag",
        "cross-references": "crossref",
    }
    for name, items in records.items():
        assert len(lists[name]) == len(items) if items else name not in lists
        for record in items:
            element = by_id(root, f"{prefixes[name]}.{record.pk}")
            if getattr(record, "parent_id", None):
                assert element.get("motivation") == "replying"
                continue
            target = element.get("target")
            if record.is_span:
                anchor, start, length = STRING_RANGE.match(target).groups()
                text = element_text(by_id(root, anchor))
                assert text[int(start) : int(start) + int(length)] == record.exact
                assert anchor == record.passage.anchor
            else:
                assert target == f"#{record.passage.anchor}"
            assert element.findtext("tei:respStmt/tei:persName", namespaces=NS)


def test_flags_carry_category_status_and_evidence(demo):
    root = tei_of(Client(), RO)
    flags = DisputedClaim.objects.for_document(demo["ro"]).prefetch_related("evidence")
    assert flags
    for claim in flags:
        element = by_id(root, f"flag.{claim.pk}")
        assert element.get("motivation") == "assessing"
        assert element.findtext("tei:note[@type='statement']", namespaces=NS) == claim.statement
        assert element.find("tei:note[@type='category']", NS).get("n") == claim.category
        assert element.find("tei:note[@type='status']", NS).get("n") == claim.status
        evidence = element.findall("tei:ref[@type='evidence']", NS)
        assert [ref.get("subtype") for ref in evidence] == [e.stance for e in claim.evidence.all()]


def test_cross_references_to_the_other_document_point_at_its_tei_url(demo):
    root = tei_of(Client(), RO)
    crossrefs = (
        CrossReference.objects.live()
        .for_document(demo["ro"])
        .filter(to_passage__document=demo["en"])
    )
    assert crossrefs
    for crossref in crossrefs:
        element = by_id(root, f"crossref.{crossref.pk}")
        destination = element.find("tei:ptr[@type='destination']", NS)
        assert destination.get("subtype") == crossref.relation
        base = f"http://testserver/documents/{EN}.tei.xml#"
        assert destination.get("target").startswith(base)
        fragment = destination.get("target").removeprefix(base)
        if crossref.to_start is None:
            assert fragment == crossref.to_passage.anchor
        else:
            start, end = crossref.to_start, crossref.to_end
            expected = f"string-range(//*[@xml:id='{crossref.to_passage.anchor}'],"
            assert fragment == f"{expected}{start},{end - start})"


def test_export_reads_a_fixed_number_of_queries(demo, scholar, django_assert_max_num_queries):
    client = Client()
    url = reverse("exports:document-tei", kwargs={"slug": RO})
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for passage in demo["ro"].passages.all():
        services.create_annotation(
            user=scholar,
            target=TargetData(passage=passage),
            body="More",
            motivation="commenting",
            visibility="public",
            tags=["more"],
        )
    with django_assert_max_num_queries(12):
        root = etree.fromstring(client.get(url).content)
    assert len(root.xpath("//tei:note[@type='tag'][.='more']", namespaces=NS)) == 16


def test_unknown_document_is_404(db):
    response = Client().get("/documents/no-such-document.tei.xml")
    assert response.status_code == 404


def test_reading_view_and_api_link_the_tei(articles):
    client = Client()
    url = reverse("exports:document-tei", kwargs={"slug": EN})
    assert f'href="{url}"' in client.get(articles["en"].get_absolute_url()).content.decode()
    data = client.get(reverse("exports:api-document", kwargs={"slug": EN})).json()
    assert data["links"]["tei"] == f"http://testserver{url}"
    assert "/documents/&lt;slug&gt;.tei.xml" in client.get(reverse("exports:api")).content.decode()


# -- after a revision of the received text --------------------------------------------------


def orphan_after_revision(tmp_path):
    """Annotate the English paragraph that the revised text deletes, import the revised text
    as revision 2, and return the annotation, now an orphan on revision 1."""
    english = Document.objects.get(slug=EN)
    deleted = english.passages.get(text__startswith=DELETED)
    orphan = services.create_annotation(
        user=make_user("orphan-author", "Scholars"),
        target=TargetData(passage=deleted, exact="signed a secret convention"),
        body="On the deleted paragraph.",
        motivation="commenting",
        visibility="public",
    )
    path = tmp_path / "000_7b11acfc32eec4c2-r2.txt"
    path.write_text(revised_text((SOURCES / ENGLISH_SOURCE).read_text(encoding="utf-8")))
    call_command("import_article", str(path), "--revision-of", EN, stdout=io.StringIO())
    orphan.refresh_from_db()
    assert orphan.anchoring == Anchoring.ORPHAN
    return orphan


def test_after_a_revision_the_text_is_the_new_one_and_orphans_point_at_their_old_passage(
    demo, tmp_path
):
    orphan = orphan_after_revision(tmp_path)
    english = Document.objects.get(slug=EN)
    root = tei_of(Client(), EN)
    passages = list(english.passages.order_by("order"))  # the current revision's
    exported = root.xpath("tei:text//*[starts-with(@xml:id, 'p-')]", namespaces=NS)
    assert [element_text(element) for element in exported] == [p.text for p in passages]
    assert not any(p.text.startswith(DELETED) for p in passages)
    changes = root.findall("tei:teiHeader/tei:revisionDesc/tei:change", NS)
    assert [(c.get("n"), c.get("type")) for c in changes] == [("1", "received"), ("2", "received")]
    assert english.checksum in changes[1].text
    assert root.xpath("string(//tei:idno[@type='SHA-256'])", namespaces=NS) == english.checksum

    element = by_id(root, f"annotation.{orphan.pk}")
    assert element.get("target") == f"http://testserver{orphan.passage.get_absolute_url()}"
    assert element.get("target").endswith("/?revision=1")
    assert element.find("tei:note[@type='anchoring']", NS).get("n") == "orphan"
    assert element.findtext("tei:note[@type='quote']", namespaces=NS) == orphan.exact
    # Everything on the current text points at it, and its spans hold their quotes.
    for record in (
        Annotation.objects.public()
        .for_document(english)
        .filter(passage__current=True, start__isnull=False)
    ):
        target = by_id(root, f"annotation.{record.pk}").get("target")
        anchor, start, length = STRING_RANGE.match(target).groups()
        text = element_text(by_id(root, anchor))
        assert text[int(start) : int(start) + int(length)] == record.exact
    moved = [
        element
        for element in root.xpath("//tei:annotation", namespaces=NS)
        if element.find("tei:note[@type='anchoring']", NS) is not None
    ]
    assert len(moved) > 1


def test_a_tei_file_imports_as_a_revision_and_the_scholarship_moves_to_it(demo, tmp_path):
    romanian = Document.objects.get(slug=RO)
    root = tei_of(Client(), RO)
    root.remove(root.find("tei:standOff", NS))
    edited = by_id(root, "p-2")
    edited.text = edited.text.replace("a fost", "a fost atunci", 1)
    path = tmp_path / "ro-r2.tei.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    items = Annotation.objects.public().for_document(romanian).count()

    out = io.StringIO()
    call_command("import_article", str(path), "--revision-of", RO, stdout=out)

    romanian.refresh_from_db()
    assert romanian.revision == 2
    assert romanian.source_filename == "ro-r2.tei.xml"
    texts = [p.text for p in romanian.passages.order_by("order")]
    assert texts[1] == element_text(edited) and "a fost atunci" in texts[1]
    assert len(texts) == 16
    assert "re-anchored to revision 2" in out.getvalue()
    moved = Annotation.objects.public().filter(passage__document=romanian, passage__current=True)
    assert moved.count() == items
    for annotation in moved.filter(start__isnull=False):
        assert annotation.passage.text[annotation.start : annotation.end] == annotation.exact


# -- characters XML cannot carry ---------------------------------------------------------


def test_characters_xml_cannot_carry_are_written_as_g_and_read_back(db, tmp_path):
    source = tmp_path / "control.txt"
    source.write_text(CONTROLS, encoding="utf-8")
    report = ArticleImporter(source, language="en", title="Controls").run()
    passage = report.document.passages.get()
    response = Client().get(reverse("exports:document-tei", kwargs={"slug": "controls"}))
    root = etree.fromstring(response.content)
    element = by_id(root, "p-1")
    assert [g.get("n") for g in element.findall("tei:g", NS)] == ["U+000B", "U+0007"]
    assert element_text(element) == passage.text
    exported = tmp_path / "controls.tei.xml"
    exported.write_bytes(response.content)
    call_command("import_article", str(exported), "--slug", "controls-again", stdout=io.StringIO())
    assert Passage.objects.get(document__slug="controls-again").text == passage.text


@pytest.mark.parametrize("shape", SHAPES)
def test_unusual_shapes_import_back_the_same(db, tmp_path, shape):
    source = tmp_path / "shape.txt"
    source.write_text(SHAPES[shape], encoding="utf-8")
    original = ArticleImporter(source, language="en", title="Shape").run().document
    response = Client().get(reverse("exports:document-tei", kwargs={"slug": "shape"}))
    exported = tmp_path / "shape.tei.xml"
    exported.write_bytes(response.content)
    call_command("import_article", str(exported), "--slug", "shape-again", stdout=io.StringIO())
    assert comparable(Document.objects.get(slug="shape-again")) == comparable(original)


# -- the import ----------------------------------------------------------------------------


def comparable(document):
    """A document's sections, passages, notes, references and links, without line numbers
    (in the TEI file they are the lines of its elements)."""
    data = snapshot_document(document)
    for key in ("sections", "passages"):
        for row in data[key]:
            row.pop("line_number")
    return {key: data[key] for key in ("sections", "passages", "notes", "references", "links")}


@pytest.mark.parametrize("slug", [EN, RO])
def test_importing_an_export_gives_the_same_sections_and_passages(demo, tmp_path, slug):
    original = Document.objects.get(slug=slug)
    path = tmp_path / f"{slug}.tei.xml"
    path.write_bytes(Client().get(reverse("exports:document-tei", kwargs={"slug": slug})).content)
    references, links = Reference.objects.count(), ExternalLink.objects.count()

    call_command("import_article", str(path), "--slug", "round-trip", stdout=io.StringIO())

    copy = Document.objects.get(slug="round-trip")
    assert comparable(copy) == comparable(original)
    for field in ("title", "language", "description", "creator", "provenance", "source_url"):
        assert getattr(copy, field) == getattr(original, field)
    assert (copy.licence, copy.licence_url) == (original.licence, original.licence_url)
    assert copy.date_received == original.date_received
    # The received file is the TEI file, kept whole.
    assert copy.source_text == path.read_text(encoding="utf-8")
    assert copy.source_filename == path.name
    # References and links are the catalogue's own, reused by their lines.
    assert (Reference.objects.count(), ExternalLink.objects.count()) == (references, links)
    passage = copy.passages.get(order=1)
    assert (
        path.read_text(encoding="utf-8")
        .splitlines()[passage.line_number - 1]
        .lstrip()
        .startswith('<p xml:id="p-1"')
    )


def test_importing_the_same_tei_twice_creates_nothing(articles, tmp_path):
    path = tmp_path / "ro.tei.xml"
    path.write_bytes(Client().get(reverse("exports:document-tei", kwargs={"slug": RO})).content)
    call_command("import_article", str(path), "--slug", "copy", stdout=io.StringIO())
    before = Passage.objects.count()
    call_command("import_article", str(path), "--slug", "copy", stdout=io.StringIO())
    assert Passage.objects.count() == before


def test_a_plain_tei_text_imports_with_header_and_body(db, tmp_path):
    path = tmp_path / "letter.xml"
    path.write_text(
        f"""<TEI xmlns="{TEI_NS}">
  <teiHeader><fileDesc>
    <titleStmt><title>A letter</title><author>Someone</author></titleStmt>
    <publicationStmt><p>Unpublished</p></publicationStmt>
    <sourceDesc><p>Typed from the original.</p></sourceDesc>
  </fileDesc></teiHeader>
  <text><body>
    <p>Dear friend,</p>
    <div><head>News</head><p>All is well.</p>
      <list><item>one thing;</item><item>another.</item></list></div>
  </body></text>
</TEI>""",
        encoding="utf-8",
    )
    call_command("import_article", str(path), "--language", "ro", stdout=io.StringIO())
    document = Document.objects.get()
    assert (document.title, document.slug, document.language) == ("A letter", "a-letter", "ro")
    assert document.creator == "Someone"
    assert [(p.kind, p.text) for p in document.passages.order_by("order")] == [
        ("paragraph", "Dear friend,"),
        ("paragraph", "All is well."),
        ("list_item", "one thing;"),
        ("list_item", "another."),
    ]
    (section,) = document.sections.all()
    assert (section.heading, section.anchor, section.level) == ("News", "news", 2)


# -- bad input -----------------------------------------------------------------------------


def all_counts():
    models = (Document, Section, Passage, Note, Reference, DocumentReference, ExternalLink)
    return {model.__name__: model.objects.count() for model in (*models, DocumentLink)}


BAD_TEI = {
    "malformed": (
        "broken.xml",
        f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title>',
        r"^not well-formed XML: .*broken\.xml \(line 1, column \d+: .+\)$",
    ),
    "not TEI": (
        "page.xml",
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Hello</p></body></html>',
        r"^not a TEI P5 document: .*page\.xml \(its root element is <html> in "
        r"http://www\.w3\.org/1999/xhtml, not <TEI> in http://www\.tei-c\.org/ns/1\.0\)$",
    ),
    "TEI without its namespace": (
        "plain.tei",
        "<TEI><teiHeader/><text><body><p>x</p></body></text></TEI>",
        r"^not a TEI P5 document: .*plain\.tei \(its root element is <TEI>, not <TEI> in ",
    ),
    "no body": (
        "nobody.xml",
        f'<TEI xmlns="{TEI_NS}" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>T</title>'
        "</titleStmt></fileDesc></teiHeader></TEI>",
        r"^the TEI document has no <text> with a <body>$",
    ),
    "no language": (
        "nolang.xml",
        f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>'
        "</fileDesc></teiHeader><text><body><p>x</p></body></text></TEI>",
        r"^the TEI document's language is ''; the archive takes en, ro \(give --language to "
        r"say which\)$",
    ),
}


@pytest.mark.parametrize("case", BAD_TEI)
def test_bad_tei_is_one_line_and_changes_nothing(articles, tmp_path, case):
    name, content, message = BAD_TEI[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = all_counts()
    with pytest.raises(CommandError) as error:
        call_command("import_article", str(path), stdout=io.StringIO())
    text = str(error.value)
    assert "\n" not in text
    assert re.search(message, text), text
    assert all_counts() == before


def test_entities_are_not_expanded_and_nothing_is_fetched(db, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    path = tmp_path / "entity.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<TEI xmlns="{TEI_NS}" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>E</title>'
        "</titleStmt></fileDesc></teiHeader><text><body><p>before &x; after</p></body></text>"
        "</TEI>",
        encoding="utf-8",
    )
    call_command("import_article", str(path), stdout=io.StringIO())
    assert "SECRET" not in Passage.objects.get().text


def test_a_plain_text_file_still_needs_language_and_title(db, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("A lead.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="^a plain-text file needs --language and --title$"):
        call_command("import_article", str(path), "--title", "T", stdout=io.StringIO())
    assert not Document.objects.exists()
