"""Public read-only JSON, the /api/ page, and the export links on the pages readers use."""

import json

import pytest
from django.test import Client

from annotations.models import Annotation
from archive.models import Document, ExternalLink, Passage

EN = "soviet-occupation-of-bessarabia-and-northern-bukovina"
RO = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"


@pytest.fixture
def client():
    return Client()


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_documents_list(client, articles):
    data = get_json(client, "/documents.json")
    assert data["count"] == 2 and data["pages"] == 1 and data["next"] is None
    first = data["results"][0]
    assert first["catalogue_id"] == "AR-D0001"
    assert first["passage_count"] == articles["en"].passages.count()
    assert first["links"]["annotations"].endswith(f"/documents/{EN}/annotations.jsonld")
    assert first["links"]["oai_identifier"] == "oai:bessarabia1940-archive:AR-D0001"
    data = get_json(client, "/documents.json?language=ro")
    assert [d["slug"] for d in data["results"]] == [RO]
    assert data["results"][0]["translation_of"] == f"http://testserver/documents/{EN}.json"


def test_document_detail_holds_the_text_exactly(client, articles):
    document = articles["ro"]
    data = get_json(client, f"/documents/{RO}.json")
    assert data["title"] == "Ocuparea sovietică a Basarabiei și Bucovinei de Nord"
    assert data["sha256"] == document.checksum
    passages = list(Passage.objects.filter(document=document).order_by("order"))
    assert [p["text"] for p in data["passages"]] == [p.text for p in passages]
    assert data["passages"][0]["url"] == f"http://testserver/documents/{RO}/#p-1"
    assert len(data["sections"]) == document.sections.count()
    english = get_json(client, f"/documents/{EN}.json")
    assert english["translations"] == [f"http://testserver/documents/{RO}.json"]
    notes = [n for p in english["passages"] for n in p["notes"]]
    assert len(notes) == articles["en"].notes.count()
    assert {r["role"] for r in english["references"]} <= {"cited", "further_reading"}
    assert len(english["external_links"]) == articles["en"].listed_links.count()
    anchors = {s["anchor"] for s in english["sections"]}
    assert {p["section"] for p in english["passages"]} - {None} <= anchors


def test_links(client, articles, settings):
    data = get_json(client, "/links.json")
    assert data["count"] == ExternalLink.objects.count()
    link = data["results"][0]
    assert link["catalogue_id"] == "AR-L0001"
    assert link["listed_by"] and link["original_line"]
    single = get_json(client, "/links/AR-L0001.json")
    assert single == link
    settings.EXPORTS_API_PAGE_SIZE = 5
    data = get_json(client, "/links.json?kind=external")
    assert data["next"] == "http://testserver/links.json?kind=external&page=2"
    last = get_json(client, f"/links.json?kind=external&page={data['pages']}")
    assert last["next"] is None and last["previous"]
    get_json(client, "/links.json?page=999", status=404)


@pytest.mark.parametrize(
    "url, status",
    [
        ("/documents.json?page=0", 400),
        ("/documents.json?page=abc", 400),
        ("/documents.json?page=2", 404),
        ("/documents.json?language=xx", 400),
        ("/links.json?kind=nonsense", 400),
        ("/links.json?page=-3", 400),
        ("/documents/nope.json", 404),
        ("/links/AR-L9999.json", 404),
        ("/links/AR-%00.json", 400),
        ("/references/AR-%00.json", 400),
        ("/references.bib?q=%00", 400),
        ("/documents.json?language=%00", 400),
    ],
)
def test_bad_input(client, articles, url, status):
    data = get_json(client, url, status=status)
    assert data["error"]


def test_read_only(client, articles):
    for url in ("/documents.json", f"/documents/{EN}.json", "/links.json", "/api/"):
        assert client.post(url).status_code == 405
        assert client.head(url).status_code == 200


def test_query_counts_are_constant(client, articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/links.json")
    with django_assert_max_num_queries(2):
        client.get("/documents.json")
    with django_assert_max_num_queries(8):
        client.get(f"/documents/{EN}.json")
    ExternalLink.objects.bulk_create(
        ExternalLink(catalogue_id=f"AR-L{500 + i}", kind="external", title=f"L{i}",
                     original_line="…")
        for i in range(80)
    )  # fmt: skip
    with django_assert_max_num_queries(3):
        client.get("/links.json")


def test_api_page_documents_the_endpoints(client, db):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "W3C Web Annotation",
        "CSL-JSON",
        "BibTeX",
        "OAI-PMH",
        "<table>",
        "/documents/&lt;slug&gt;/annotations.jsonld",
        "import_annotations",
    ):
        assert text in html, text  # fmt: skip
    home = client.get("/").content.decode()
    assert 'href="/api/"' in home  # the footer links it


def test_pages_link_their_exports(demo, client, scholar):
    page = client.get(f"/documents/{RO}/").content.decode()
    assert "Cite this document" in page
    assert "Wikipedia contributors. “Ocuparea sovietică a Basarabiei și Bucovinei de Nord.”" in page
    for url in (
        f"/documents/{RO}/cite.bib",
        f"/documents/{RO}/cite.json",
        f"/documents/{RO}/references.bib",
        f"/documents/{RO}/annotations.jsonld",
        f"/documents/{RO}.json",
        "/oai/?verb=GetRecord&amp;metadataPrefix=oai_dc&amp;identifier=oai:bessarabia1940-archive:AR-D0002",
        "css/exports.css",
    ):
        assert url in page, url
    reference = client.get("/references/AR-R0007/").content.decode()
    assert "/references/AR-R0007.bib" in reference and "/references/AR-R0007.json" in reference
    listing = client.get("/references/?kind=book&page=1").content.decode()
    assert 'href="/references.bib?kind=book"' in listing
    assert 'href="/references.json?kind=book"' in listing
    assert 'href="/links.json"' in client.get("/links/").content.decode()
    annotation = Annotation.objects.public().filter(parent__isnull=True).first()
    page = client.get(annotation.get_absolute_url()).content.decode()
    assert "Cite this annotation" in page
    assert f"/annotations/{annotation.pk}.jsonld" in page
    assert f"http://testserver/annotations/{annotation.pk}/" in page
    assert f"{annotation.author.username}. “" in page
    assert Document.objects.count() == 2
