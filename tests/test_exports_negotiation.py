"""W3C Web Annotation Protocol: content negotiation on the pages of annotations, flags,
cross-references and a document's collection, and the protocol's headers."""

import json

import pytest
from django.test import Client

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim
from annotations.services import TargetData
from exports.w3c import JSONLD_CONTENT_TYPE

from .test_exports_w3c import assert_valid

ANNO = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RO = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"
LDP_RESOURCE = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
LDP_CONTAINER = '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"'
CONSTRAINED_BY = (
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)


@pytest.fixture
def client():
    return Client()


def varies_on_accept(response):
    return "Accept" in [part.strip() for part in response.get("Vary", "").split(",")]


def records():
    """One public annotation, one flag, one cross-reference of the demo: (page, .jsonld)."""
    annotation = Annotation.objects.public().filter(parent__isnull=True).first()
    flag = DisputedClaim.objects.first()
    crossref = CrossReference.objects.live().first()
    return [
        (f"/annotations/{annotation.pk}/", f"/annotations/{annotation.pk}.jsonld"),
        (f"/flags/{flag.pk}/", f"/flags/{flag.pk}.jsonld"),
        (f"/cross-references/{crossref.pk}/", f"/cross-references/{crossref.pk}.jsonld"),
    ]


@pytest.mark.parametrize("accept", [ANNO, "application/ld+json", f"text/html;q=0.5, {ANNO}"])
def test_a_records_own_url_answers_json_ld_when_asked(client, demo, accept):
    for page, jsonld in records():
        response = client.get(page, HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"] == JSONLD_CONTENT_TYPE
        data = json.loads(response.content)
        assert data == json.loads(client.get(jsonld).content)
        assert data["id"] == f"http://testserver{jsonld}"
        assert_valid(data)
        assert varies_on_accept(response)
        assert response["ETag"].startswith('"')
        assert LDP_RESOURCE in response["Link"]
        assert response["Content-Location"] == f"http://testserver{jsonld}"
        assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("accept", [None, BROWSER, "*/*", "text/html"])
def test_a_browser_gets_the_page_which_varies_on_accept_and_links_its_json_ld(client, demo, accept):
    for page, jsonld in records():
        response = client.get(page, **({"HTTP_ACCEPT": accept} if accept else {}))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert varies_on_accept(response)
        assert f'<http://testserver{jsonld}>; rel="alternate"' in response["Link"]


def test_the_jsonld_urls_send_the_protocol_headers(client, demo):
    for _, jsonld in records():
        response = client.get(jsonld)
        assert response["Content-Type"] == JSONLD_CONTENT_TYPE
        assert response["Link"] == (
            f'{LDP_RESOURCE}, <http://www.w3.org/ns/oa#Annotation>; rel="type"'
        )
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert varies_on_accept(response)
        assert response["ETag"]


def test_if_none_match_with_the_etag_is_304_and_a_change_gives_a_new_etag(client, demo):
    annotation = Annotation.objects.public().filter(parent__isnull=True).first()
    page = f"/annotations/{annotation.pk}/"
    etag = client.get(page, HTTP_ACCEPT=ANNO)["ETag"]
    response = client.get(page, HTTP_ACCEPT=ANNO, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    annotation.tags.clear()
    assert client.get(page, HTTP_ACCEPT=ANNO)["ETag"] != etag


def test_options_and_head_answer_with_the_headers_and_no_body(client, demo):
    _, jsonld = records()[0]
    response = client.options(jsonld)
    assert response.status_code == 200
    assert response.content == b""
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert LDP_RESOURCE in response["Link"]
    head = client.head(records()[0][0], HTTP_ACCEPT=ANNO)
    assert head.status_code == 200
    assert head["Content-Type"] == JSONLD_CONTENT_TYPE
    assert head.content == b""


def test_a_private_annotation_asked_for_as_json_ld_is_404_to_others(client, demo):
    private = Annotation.objects.filter(visibility="private").first()
    response = client.get(f"/annotations/{private.pk}/", HTTP_ACCEPT=ANNO)
    assert response.status_code == 404
    assert json.loads(response.content)["error"]
    assert varies_on_accept(response)
    client.force_login(private.author)
    response = client.get(f"/annotations/{private.pk}/", HTTP_ACCEPT=ANNO)
    assert response.status_code == 200
    assert json.loads(response.content)["id"].endswith(f"/annotations/{private.pk}.jsonld")


def test_a_documents_collection_and_its_pages_negotiate_too(client, demo, settings):
    settings.EXPORTS_ANNOTATION_PAGE_SIZE = 7
    page_url = f"/documents/{RO}/annotations/"
    jsonld_url = f"http://testserver/documents/{RO}/annotations.jsonld"

    response = client.get(page_url, HTTP_ACCEPT=ANNO)
    assert response.status_code == 200
    collection = json.loads(response.content)
    assert collection["type"] == "AnnotationCollection"
    assert collection["id"] == jsonld_url
    assert_valid(collection)
    assert LDP_CONTAINER in response["Link"] and CONSTRAINED_BY in response["Link"]
    assert varies_on_accept(response) and response["ETag"]
    assert response["Content-Location"] == jsonld_url

    response = client.get(f"{page_url}?page=2", HTTP_ACCEPT=ANNO)
    page = json.loads(response.content)
    assert (page["type"], page["id"]) == ("AnnotationPage", f"{jsonld_url}?page=2")
    assert_valid(page)
    assert '<http://www.w3.org/ns/oa#AnnotationPage>; rel="type"' in response["Link"]
    assert varies_on_accept(response) and response["ETag"]
    assert response["Content-Location"] == f"{jsonld_url}?page=2"

    html = client.get(f"{page_url}?page=2", HTTP_ACCEPT=BROWSER)
    assert html["Content-Type"].startswith("text/html")
    assert varies_on_accept(html)
    assert f'<{jsonld_url}?page=2>; rel="alternate"' in html["Link"]
    assert html.content.decode().count('class="annotation-item"') == 7


def test_the_collection_page_lists_everything_public_on_the_document(
    client, demo, scholar, django_assert_max_num_queries
):
    document = demo["ro"]
    total = (
        Annotation.objects.public().for_document(document).count()
        + DisputedClaim.objects.for_document(document).count()
        + CrossReference.objects.live().for_document(document).count()
    )
    with django_assert_max_num_queries(8):
        response = client.get(f"/documents/{RO}/annotations/")
    text = response.content.decode()
    assert text.count('class="annotation-item"') == total
    for flag in DisputedClaim.objects.for_document(document):
        assert flag.get_absolute_url() in text
    for passage in document.passages.all():
        services.create_annotation(
            user=scholar,
            target=TargetData(passage=passage),
            body="More",
            motivation="commenting",
            visibility="public",
        )
    with django_assert_max_num_queries(8):
        response = client.get(f"/documents/{RO}/annotations/")
    assert response.content.decode().count('class="annotation-item"') == total + 16
    assert client.get(f"/documents/{RO}/annotations/?page=9").status_code == 404
    assert client.get(f"/documents/{RO}/annotations/?page=x").status_code == 404
    assert client.get("/documents/no-such-document/annotations/").status_code == 404
