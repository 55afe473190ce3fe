"""OAI-PMH 2.0 at /oai/: every verb, errors, datestamps, resumption; read by harvesters."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from lxml import etree

from archive.models import Document, Reference

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"oai": OAI, "oai_dc": OAI_DC, "dc": DC}
VERBS = {
    "Identify",
    "ListMetadataFormats",
    "ListSets",
    "GetRecord",
    "ListIdentifiers",
    "ListRecords",
}
DC_ELEMENTS = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
}  # fmt: skip
ERROR_CODES = {
    "badArgument", "badResumptionToken", "badVerb", "cannotDisseminateFormat", "idDoesNotExist",
    "noRecordsMatch", "noMetadataFormats", "noSetHierarchy",
}  # fmt: skip
UTC_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
PREFIX = "oai:bessarabia1940-archive:"


def q(tag):
    return f"{{{OAI}}}{tag}"


def validate(xml):
    """Check a response against the structure the OAI-PMH 2.0 schema prescribes; return its
    root. (The schema itself is not vendored: these are its rules, element by element.)"""
    root = etree.fromstring(xml)
    assert root.tag == q("OAI-PMH")
    assert root.get(f"{{{XSI}}}schemaLocation").split() == [
        OAI,
        "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
    ]
    children = list(root)
    assert [c.tag for c in children[:2]] == [q("responseDate"), q("request")]
    assert UTC_SECONDS.match(children[0].text)
    assert children[1].text.startswith("http")
    rest = children[2:]
    assert rest, "no verb element or error"
    if rest[0].tag == q("error"):
        assert all(c.tag == q("error") for c in rest)
        assert all(c.get("code") in ERROR_CODES for c in rest)
        # badVerb and badArgument: the request element carries no attributes.
        if {c.get("code") for c in rest} & {"badVerb", "badArgument"}:
            assert not children[1].attrib
        return root
    assert len(rest) == 1 and rest[0].tag in {q(v) for v in VERBS}
    assert children[1].get("verb") == etree.QName(rest[0]).localname
    body = rest[0]
    for header in body.iter(q("header")):
        parts = [etree.QName(c).localname for c in header]
        assert parts[:2] == ["identifier", "datestamp"]
        assert set(parts[2:]) <= {"setSpec"}
        assert header.findtext(q("identifier")).startswith(PREFIX)
        assert UTC_SECONDS.match(header.findtext(q("datestamp")))
        assert all(SET_SPEC.match(s.text) for s in header.findall(q("setSpec")))
    for metadata in body.iter(q("metadata")):
        (dc,) = list(metadata)
        assert dc.tag == f"{{{OAI_DC}}}dc"
        assert dc.get(f"{{{XSI}}}schemaLocation") == (
            f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
        )
        assert len(dc), "empty oai_dc"
        for element in dc:
            name = etree.QName(element)
            assert name.namespace == DC and name.localname in DC_ELEMENTS
            assert element.text and element.text.strip()
            assert len(element) == 0
    tokens = body.findall(q("resumptionToken"))
    assert len(tokens) <= 1
    if tokens:
        assert list(body)[-1] is tokens[0]
    return root


def oai(client, method="get", **params):
    response = getattr(client, method)("/oai/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return validate(response.content)


def error_code(root):
    errors = root.findall(q("error"))
    return errors[0].get("code") if errors else None


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def catalogue(articles):
    return {"documents": Document.objects.count(), "references": Reference.objects.count()}


def test_identify(client, catalogue):
    root = oai(client, verb="Identify")
    identify = root.find(q("Identify"))
    assert identify.findtext(q("repositoryName")) == "Bessarabia 1940 Archive"
    assert identify.findtext(q("baseURL")) == "http://testserver/oai/"
    assert identify.findtext(q("protocolVersion")) == "2.0"
    assert "@" in identify.findtext(q("adminEmail"))
    assert identify.findtext(q("deletedRecord")) == "no"
    assert identify.findtext(q("granularity")) == "YYYY-MM-DDThh:mm:ssZ"
    assert UTC_SECONDS.match(identify.findtext(q("earliestDatestamp")))
    # POST works as GET.
    assert oai(client, "post", verb="Identify").find(q("Identify")) is not None


def test_list_metadata_formats_and_sets(client, catalogue):
    root = oai(client, verb="ListMetadataFormats")
    (fmt,) = root.find(q("ListMetadataFormats"))
    assert fmt.findtext(q("metadataPrefix")) == "oai_dc"
    assert fmt.findtext(q("metadataNamespace")) == OAI_DC
    root = oai(client, verb="ListMetadataFormats", identifier=f"{PREFIX}AR-R0001")
    assert root.find(q("ListMetadataFormats")) is not None
    root = oai(client, verb="ListMetadataFormats", identifier=f"{PREFIX}AR-X9999")
    assert error_code(root) == "idDoesNotExist"
    root = oai(client, verb="ListSets")
    specs = [s.findtext(q("setSpec")) for s in root.find(q("ListSets"))]
    assert specs == ["documents", "references"]


def test_get_record(client, catalogue):
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=f"{PREFIX}AR-D0002")
    record = root.find("oai:GetRecord/oai:record", NS)
    assert record.findtext("oai:header/oai:setSpec", namespaces=NS) == "documents"
    dc = record.find("oai:metadata/oai_dc:dc", NS)
    assert dc.findtext("dc:title", namespaces=NS) == (
        "Ocuparea sovietică a Basarabiei și Bucovinei de Nord"
    )
    assert dc.findtext("dc:language", namespaces=NS) == "ro"
    assert "CC BY-SA 4.0" in [e.text for e in dc.findall("dc:rights", NS)]
    assert dc.findtext("dc:relation", namespaces=NS).endswith(
        Document.objects.get(catalogue_id="AR-D0001").get_absolute_url()
    )
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=f"{PREFIX}AR-R0005")
    dc = root.find("oai:GetRecord/oai:record/oai:metadata/oai_dc:dc", NS)
    assert dc.findtext("dc:creator", namespaces=NS) == "Usatiuc-Bulgăr, Alexandru"
    identifiers = [e.text for e in dc.findall("dc:identifier", NS)]
    assert "urn:isbn:9975939368" in identifiers
    assert "AR-R0005" in identifiers


def test_list_records_and_identifiers(client, catalogue):
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    records = root.findall("oai:ListRecords/oai:record", NS)
    assert len(records) == catalogue["documents"] + catalogue["references"]
    assert root.find("oai:ListRecords/oai:resumptionToken", NS) is None
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="references")
    headers = root.findall("oai:ListIdentifiers/oai:header", NS)
    assert len(headers) == catalogue["references"]
    assert {h.findtext("oai:setSpec", namespaces=NS) for h in headers} == {"references"}


@pytest.mark.parametrize(
    "params, code",
    [
        ({}, "badVerb"),
        ({"verb": "Bogus"}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "GetRecord", "identifier": f"{PREFIX}AR-D0001"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-45"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T10:00:00"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T10:00Z"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2020-01-01",
                "until": "2021-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2021-01-02",
                "until": "2021-01-01",
            },
            "badArgument",
        ),  # fmt: skip
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "nope"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": f"{PREFIX}AR-D0001"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"{PREFIX}AR-D9999"},
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:other:AR-D0001"},
            "idDoesNotExist",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "1969-01-01"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
        ({"verb": "ListRecords", "resumptionToken": "%"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "metadataPrefix%3Doai_dc%26cursor%3D-5"},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "metadataPrefix%3Doai_dc%26cursor%3D9999"},
            "badResumptionToken",
        ),
        (
            {
                "verb": "ListRecords",
                "resumptionToken": "metadataPrefix%3Doai_dc%26evil%3D1%26cursor%3D1",
            },
            "badResumptionToken",
        ),
        (
            {
                "verb": "ListRecords",
                "resumptionToken": "metadataPrefix%3Doai_dc%26from_%3Dnever%26cursor%3D1",
            },
            "badResumptionToken",
        ),
        (
            {
                "verb": "ListRecords",
                "resumptionToken": "set%3Dnope%26metadataPrefix%3Doai_dc%26cursor%3D1",
            },
            "badResumptionToken",
        ),  # fmt: skip
    ],
)
def test_errors(client, catalogue, params, code):
    root = oai(client, **params)
    assert error_code(root) == code


def test_repeated_argument_is_bad(client, catalogue):
    response = client.get("/oai/?verb=Identify&verb=Identify")
    assert error_code(validate(response.content)) == "badArgument"
    query = "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc"
    assert error_code(validate(client.get(f"/oai/?{query}").content)) == "badArgument"


def test_edge_values_are_answered_not_crashed(client, catalogue):
    for params in (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x\x01"},
        {"verb": "Bad\x00verb"},
        {"verb": "Identify", "\x02": "1"},
    ):
        assert error_code(oai(client, **params)) == "badArgument"
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="9999-12-31")
    assert len(root.findall("oai:ListIdentifiers/oai:header", NS)) == sum(catalogue.values())
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="0000-01-01")
    assert error_code(root) == "badArgument"
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier="oai:ă 'ș' <&>")
    assert error_code(root) == "idDoesNotExist"


def test_methods(client, catalogue):
    assert client.put("/oai/?verb=Identify").status_code == 405
    assert client.head("/oai/?verb=Identify").status_code == 200


def harvest(client, **params):
    """Follow resumption tokens; return (identifiers, number of responses)."""
    verb = params["verb"]
    identifiers, responses = [], 0
    while True:
        root = oai(client, **params)
        responses += 1
        if error_code(root) == "noRecordsMatch":
            return identifiers, responses
        assert error_code(root) is None
        body = root.find(q(verb))
        identifiers += [e.text for e in body.iter(q("identifier"))]
        token = body.find(q("resumptionToken"))
        if token is None or not token.text:
            if responses > 1:
                # The response completing a resumed list has an empty token.
                assert token is not None and not token.text
            return identifiers, responses
        params = {"verb": verb, "resumptionToken": token.text}


def test_resumption_tokens(client, catalogue, settings):
    settings.EXPORTS_OAI_PAGE_SIZE = 4
    total = catalogue["documents"] + catalogue["references"]
    for verb in ("ListRecords", "ListIdentifiers"):
        identifiers, responses = harvest(client, verb=verb, metadataPrefix="oai_dc")
        assert len(identifiers) == len(set(identifiers)) == total
        assert responses == -(-total // 4)
    identifiers, _ = harvest(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="references"
    )
    assert len(identifiers) == catalogue["references"]
    settings.EXPORTS_OAI_PAGE_SIZE = 1
    root = oai(client, verb="ListSets")
    token = root.findtext("oai:ListSets/oai:resumptionToken", namespaces=NS)
    root = oai(client, verb="ListSets", resumptionToken=token)
    assert root.findtext("oai:ListSets/oai:set/oai:setSpec", namespaces=NS) == "references"


def test_from_until(client, catalogue):
    # The revision's time lies between these two, to the second (OAI-PMH's granularity).
    before = datetime.now(UTC).replace(microsecond=0)
    reference = Reference.objects.get(catalogue_id="AR-R0007")
    with reversion.create_revision():
        reference.publisher = "Hoover Institution Press"
        reference.save()
    after = datetime.now(UTC).replace(microsecond=0)
    day = before.strftime("%Y-%m-%d")
    stamp = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    ids, _ = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="references",
                     **{"from": day})  # fmt: skip
    assert ids == [f"{PREFIX}AR-R0007"]
    ids, _ = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": stamp})
    assert ids == [f"{PREFIX}AR-R0007"]
    earlier = (before - timedelta(days=1)).strftime("%Y-%m-%d")
    ids, _ = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until=earlier)
    assert f"{PREFIX}AR-R0007" not in ids and len(ids) == sum(catalogue.values()) - 1
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=f"{PREFIX}AR-R0007")
    datestamp = root.findtext("oai:GetRecord/oai:record/oai:header/oai:datestamp", namespaces=NS)
    assert UTC_SECONDS.match(datestamp)
    assert stamp <= datestamp <= after.strftime("%Y-%m-%dT%H:%M:%SZ")
    # until is inclusive to the second.
    ids, _ = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="references",
                     **{"from": f"{day}T00:00:00Z", "until": datestamp})  # fmt: skip
    assert ids == [f"{PREFIX}AR-R0007"]
    # Both bounds must have the same granularity.
    root = oai(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", until=stamp, **{"from": day}
    )
    assert error_code(root) == "badArgument"


def test_query_count_is_constant(client, catalogue, settings, django_assert_num_queries):
    settings.EXPORTS_OAI_PAGE_SIZE = 500
    # The content type of Reference is cached per process after its first lookup; whether an
    # earlier test on this worker made it depends on the order, so clear it and count it once.
    ContentType.objects.clear_cache()
    with django_assert_num_queries(7):
        oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    Reference.objects.bulk_create(
        Reference(catalogue_id=f"AR-R{2000 + i}", kind="book", title=f"Book {i}", original_line="…")
        for i in range(150)
    )
    with django_assert_num_queries(6):
        root = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    assert len(root.findall("oai:ListRecords/oai:record", NS)) == sum(catalogue.values()) + 150


@pytest.fixture
def live_catalogue(transactional_db, live_server, settings):
    call_command("loaddata", "articles", verbosity=0)
    settings.EXPORTS_OAI_PAGE_SIZE = 5
    return live_server.url + "/oai/"


@pytest.mark.commits("harvesters read the live server over HTTP, from its own threads")
def test_harvest_with_oaipmh_scythe(live_catalogue):
    from oaipmh_scythe import Scythe

    with Scythe(live_catalogue) as scythe:
        identify = scythe.identify()
        assert identify.repositoryName == "Bessarabia 1940 Archive"
        records = list(scythe.list_records(metadata_prefix="oai_dc"))
        assert len(records) == Document.objects.count() + Reference.objects.count()
        titles = {r.metadata["title"][0] for r in records}
        assert "Ocuparea sovietică a Basarabiei și Bucovinei de Nord" in titles
        headers = list(scythe.list_identifiers(metadata_prefix="oai_dc", set_="documents"))
        assert [h.identifier for h in headers] == [f"{PREFIX}AR-D0001", f"{PREFIX}AR-D0002"]
        assert [s.setSpec for s in scythe.list_sets()] == ["documents", "references"]
        assert [f.metadataPrefix for f in scythe.list_metadata_formats()] == ["oai_dc"]
        record = scythe.get_record(identifier=f"{PREFIX}AR-R0007", metadata_prefix="oai_dc")
        assert record.metadata["creator"] == ["King, Charles"]


@pytest.mark.commits("harvesters read the live server over HTTP, from its own threads")
def test_harvest_with_pyoai_client(live_catalogue):
    from oaipmh.client import Client as OAIClient
    from oaipmh.metadata import MetadataRegistry, oai_dc_reader

    registry = MetadataRegistry()
    registry.registerReader("oai_dc", oai_dc_reader)
    client = OAIClient(live_catalogue, registry)
    records = list(client.listRecords(metadataPrefix="oai_dc", set="references"))
    assert len(records) == Reference.objects.count()
    header, metadata, _ = records[0]
    assert header.identifier() == f"{PREFIX}AR-R0001"
    assert metadata["creator"] == ["Ciorănescu, George"]
