"""W3C Web Annotation exports: single records, a document's collection and its pages."""

import json
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from pyld import jsonld

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim, Evidence
from annotations.services import TargetData
from archive.models import Reference
from exports.w3c import ANNO_CONTEXT, JSONLD_CONTENT_TYPE

DATA = Path(__file__).parent / "data" / "w3c"
SCHEMA = json.loads((DATA / "annotation-model-subset.schema.json").read_text(encoding="utf-8"))
CONTEXT = json.loads((DATA / "anno-context-subset.jsonld").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
OA = "http://www.w3.org/ns/oa#"
EN = "soviet-occupation-of-bessarabia-and-northern-bukovina"
RO = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"


def load_context(url, options=None):
    """PyLD's document loader: the bundled context, and nothing from the network."""
    if url != ANNO_CONTEXT:
        raise AssertionError(f"unexpected fetch of {url}")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def assert_valid(data):
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    # Every key is a term of the context (or a keyword), so JSON-LD expansion keeps them all.
    terms = set(CONTEXT["@context"])

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                assert key.startswith("@") or key in terms, f"{key!r} is not a term of anno.jsonld"
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return jsonld.expand(data, {"documentLoader": load_context})


def quads(data):
    return jsonld.to_rdf(
        data, {"format": "application/n-quads", "documentLoader": load_context}
    ).splitlines()


@pytest.fixture
def client():
    return Client()


def get_json(client, url, status=200, **extra):
    response = client.get(url, **extra)
    assert response.status_code == status, response.content[:500]
    return response, json.loads(response.content)


def test_annotation_jsonld_is_a_valid_w3c_annotation(client, demo):
    annotation = Annotation.objects.public().filter(start__isnull=False, tags__isnull=False)[0]
    response, data = get_json(client, f"/annotations/{annotation.pk}.jsonld")
    assert response["Content-Type"] == JSONLD_CONTENT_TYPE
    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["@context"] == ANNO_CONTEXT
    assert data["id"] == f"http://testserver/annotations/{annotation.pk}.jsonld"
    assert data["type"] == "Annotation"
    assert data["motivation"] == annotation.motivation
    assert data["creator"] == {
        "type": "Person",
        "name": annotation.author.username,
        "nickname": annotation.author.username,
    }
    assert data["created"].endswith("Z") and data["modified"].endswith("Z")
    body = data["body"]
    assert body[0] == {"type": "TextualBody", "value": annotation.body, "format": "text/markdown"}
    assert {b["value"] for b in body[1:]} == {t.name for t in annotation.tags.all()}
    passage = annotation.passage
    assert data["target"] == {
        "type": "SpecificResource",
        "source": f"http://testserver{passage.get_absolute_url()}",
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.exact,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
            },
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
        ],
    }
    assert passage.text[annotation.start : annotation.end] == annotation.exact
    expanded = assert_valid(data)
    assert expanded[0]["@type"] == [f"{OA}Annotation"]
    lines = quads(data)
    assert f"<{data['id']}> <{OA}motivatedBy> <{OA}{annotation.motivation}> ." in lines


def test_whole_passage_target_and_reply(client, demo):
    reply = Annotation.objects.public().filter(parent__isnull=False).first()
    _, data = get_json(client, f"/annotations/{reply.pk}.jsonld")
    assert data["motivation"] == "replying"
    assert data["target"] == f"http://testserver/annotations/{reply.parent_id}.jsonld"
    assert_valid(data)


def test_private_hidden_deleted_are_404_for_others(client, demo, scholar, moderator):
    private = Annotation.objects.filter(visibility="private").first()
    assert private is not None
    response = client.get(f"/annotations/{private.pk}.jsonld")
    assert response.status_code == 404
    assert json.loads(response.content)["error"]
    client.force_login(scholar)
    assert client.get(f"/annotations/{private.pk}.jsonld").status_code == 404
    # The author sees their own.
    client.force_login(private.author)
    assert client.get(f"/annotations/{private.pk}.jsonld").status_code == 200

    public = Annotation.objects.public().filter(parent__isnull=True).first()
    services.moderate_annotation(annotation=public, user=moderator, status="hidden", note="Test")
    client.logout()
    assert client.get(f"/annotations/{public.pk}.jsonld").status_code == 404
    client.force_login(scholar)
    assert client.get(f"/annotations/{public.pk}.jsonld").status_code == 404

    other = Annotation.objects.public().exclude(pk=public.pk).filter(parent__isnull=True).first()
    services.delete_annotation(annotation=other, user=other.author)
    client.force_login(other.author)
    assert client.get(f"/annotations/{other.pk}.jsonld").status_code == 404


def test_flag_exports_as_assessing(client, demo):
    claim = DisputedClaim.objects.first()
    Evidence.objects.create(claim=claim, reference=Reference.objects.first(), stance="supports")
    _, data = get_json(client, f"/flags/{claim.pk}.jsonld")
    assert data["motivation"] == "assessing"
    purposes = {body.get("purpose"): body for body in data["body"]}
    assert purposes["assessing"]["value"] == claim.statement
    assert purposes["classifying"]["value"] == claim.get_category_display()
    assert purposes["describing"]["value"].startswith(f"Status: {claim.get_status_display()}.")
    assert purposes["linking"]["source"].endswith(Reference.objects.first().get_absolute_url())
    assert_valid(data)


def test_crossref_exports_as_linking(client, demo):
    crossref = CrossReference.objects.filter(to_passage__isnull=False).first()
    _, data = get_json(client, f"/cross-references/{crossref.pk}.jsonld")
    assert data["motivation"] == "linking"
    destination = data["body"][0]
    assert destination["purpose"] == "linking"
    assert destination["source"] == f"http://testserver{crossref.to_passage.get_absolute_url()}"
    assert data["body"][1] == {
        "type": "TextualBody",
        "purpose": "classifying",
        "value": crossref.get_relation_display(),
    }
    assert_valid(data)
    services.delete_crossref(crossref=crossref, user=crossref.author)
    assert client.get(f"/cross-references/{crossref.pk}.jsonld").status_code == 404


def walk_collection(client, url):
    _, collection = get_json(client, url)
    assert_valid(collection)
    items = list(collection.get("first", {}).get("items", []))
    pages = 1 if items else 0
    next_url = collection.get("first", {}).get("next")
    while next_url:
        _, page = get_json(client, next_url)
        assert_valid(page)
        assert page["partOf"] == {"id": collection["id"], "total": collection["total"]}
        assert page["startIndex"] == len(items)
        assert page["prev"]
        items += page["items"]
        pages += 1
        next_url = page.get("next")
    return collection, items, pages


def test_collection_pages_cover_everything_in_document_order(client, demo, settings):
    settings.EXPORTS_ANNOTATION_PAGE_SIZE = 7
    document = demo["ro"]
    url = f"http://testserver/documents/{RO}/annotations.jsonld"
    collection, items, pages = walk_collection(client, url)
    public = Annotation.objects.public().for_document(document).count()
    flags = DisputedClaim.objects.for_document(document).count()
    crossrefs = CrossReference.objects.live().for_document(document).count()
    assert collection["total"] == public + flags + crossrefs == len(items)
    assert pages == -(-collection["total"] // 7)
    assert collection["last"] == f"{url}?page={pages}"
    assert len({item["id"] for item in items}) == len(items)
    assert Annotation.objects.filter(visibility="private").exists()
    private_ids = {str(a.pk) for a in Annotation.objects.filter(visibility="private")}
    assert not any(
        item["id"].split("/")[-1].removesuffix(".jsonld") in private_ids for item in items
    )
    orders = []
    for item in items:
        target = item["target"]
        source = target if isinstance(target, str) else target["source"]
        if "#p-" in source:
            orders.append(int(source.rsplit("#p-", 1)[1]))
    assert orders == sorted(orders)
    motivations = {item["motivation"] for item in items}
    assert {"assessing", "linking"} <= motivations


def test_collection_bad_pages(client, demo):
    base = f"/documents/{RO}/annotations.jsonld"
    for bad in ("0", "-1", "abc", "1.5", "", "99999999999"):
        response = client.get(f"{base}?page={bad}")
        assert response.status_code == 400, bad
        assert "error" in json.loads(response.content)
    assert client.get(f"{base}?page=1&page=2").status_code == 400
    assert client.get(f"{base}?page=999").status_code == 404
    assert client.get("/documents/no-such-document/annotations.jsonld").status_code == 404
    assert client.post(base).status_code == 405
    assert client.get("/annotations/00000000-0000-0000-0000-000000000000.jsonld").status_code == 404


def test_empty_collection(client, articles):
    _, data = get_json(client, f"/documents/{EN}/annotations.jsonld")
    assert data["total"] == 0 and "first" not in data
    assert_valid(data)
    assert client.get(f"/documents/{EN}/annotations.jsonld?page=1").status_code == 404


def test_collection_query_count_is_constant(
    client, articles, scholar, settings, django_assert_max_num_queries
):
    settings.EXPORTS_ANNOTATION_PAGE_SIZE = 200
    document = articles["en"]
    passages = list(document.passages.order_by("order")[:10])
    url = f"/documents/{EN}/annotations.jsonld"

    def add(count):
        for i in range(count):
            passage = passages[i % len(passages)]
            services.create_annotation(
                user=scholar,
                target=TargetData(passage=passage, start=0, end=5),
                body=f"Note {i}",
                motivation="commenting",
                visibility="public",
                tags=["t1", "t2"],
            )
            services.create_flag(
                user=scholar, target=TargetData(passage=passage), category="date", statement="x"
            )
            services.create_crossref(
                user=scholar,
                target=TargetData(passage=passage),
                relation="see_also",
                to_reference=Reference.objects.first(),
            )

    add(2)
    with django_assert_max_num_queries(12):
        _, small = get_json(client, url)
    add(20)
    with django_assert_max_num_queries(12):
        _, large = get_json(client, url)
    assert large["total"] == 66 and len(large["first"]["items"]) == 66
    with django_assert_max_num_queries(12):
        get_json(client, f"{url}?page=1")
