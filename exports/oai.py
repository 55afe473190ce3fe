"""OAI-PMH 2.0 for documents and references, in Dublin Core (``oai_dc``).

The protocol — verbs, argument checks, error codes, the XML envelope, resumption tokens — is
the ``oaipmh`` library's server (the maintained fork of pyoai); this module is its data source
(an ``IBatchingOAI``: each list is one sliced query) and guards the few places where the library
trusts its input:

- a resumption token is decoded and checked here before the library sees it, so a forged or
  damaged token is ``badResumptionToken``, never a server error;
- ``from``/``until`` must be ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ`` (the library is laxer),
  with the same granularity, and ``from`` not after ``until``;
- a repeated argument is ``badArgument`` (the protocol forbids repeats);
- an unknown ``metadataPrefix`` is ``cannotDisseminateFormat`` even when nothing would match;
- the last page of a resumed list carries an empty ``resumptionToken``, as the protocol asks.

Datestamps: a document's is ``Document.modified``. A reference has no timestamp of its own;
its datestamp is the date of its latest django-reversion revision (an import or a moderator's
correction), else the time the first document listing it (or listing the external link it was
catalogued from) was catalogued, else the Unix epoch.
Deleted records: ``no`` (catalogue records are not withdrawn through the public site).
"""

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, DateTimeField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from lxml import etree
from oaipmh import common, error
from oaipmh.server import (
    NS_DC,
    NS_OAIDC,
    NS_XSI,
    BatchingResumption,
    ServerBase,
    XMLTreeServer,
    decodeResumptionToken,
    nsoai,
)
from reversion.models import Version

from archive.models import Document, DocumentLink, DocumentReference, Reference

from .citations import SITE_NAME, csl_type, full_title

OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SETS = {
    "documents": "Documents: received source texts",
    "references": "References: bibliographic records cited by the documents",
}
DATESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Arguments a resumption token may carry (the library adds ``batch_size``).
TOKEN_KEYS = {"metadataPrefix", "set", "from_", "until", "batch_size"}


def page_size():
    """Records per response before a resumption token; ``EXPORTS_OAI_PAGE_SIZE``."""
    return int(getattr(settings, "EXPORTS_OAI_PAGE_SIZE", 100))


def repository_identifier():
    """The namespace part of record identifiers: ``oai:<this>:AR-D0001``."""
    return getattr(settings, "EXPORTS_OAI_REPOSITORY_IDENTIFIER", "bessarabia1940-archive")


def admin_emails():
    configured = getattr(settings, "EXPORTS_OAI_ADMIN_EMAILS", None)
    if configured:
        return list(configured)
    admins = [email for _, email in getattr(settings, "ADMINS", [])]
    return admins or ["archive@example.org"]


def record_identifier(catalogue_id):
    return f"oai:{repository_identifier()}:{catalogue_id}"


def naive_utc(moment):
    """The library writes naive UTC datetimes; seconds granularity."""
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def aware(moment):
    return moment.replace(tzinfo=UTC)


def references_with_datestamp():
    content_type = ContentType.objects.get_for_model(Reference)
    latest_revision = (
        Version.objects.filter(
            content_type=content_type, object_id=Cast(OuterRef("pk"), CharField())
        )
        .order_by("-revision__date_created")
        .values("revision__date_created")[:1]
    )
    first_listed = (
        DocumentReference.objects.filter(reference=OuterRef("pk"))
        .order_by("document__created")
        .values("document__created")[:1]
    )
    first_linked = (
        DocumentLink.objects.filter(link__original_line=OuterRef("original_line"))
        .order_by("document__created")
        .values("document__created")[:1]
    )
    return Reference.objects.annotate(
        datestamp=Coalesce(
            Subquery(latest_revision, output_field=DateTimeField()),
            Subquery(first_listed, output_field=DateTimeField()),
            Subquery(first_linked, output_field=DateTimeField()),
            Value(EPOCH, output_field=DateTimeField()),
        )
    )


def documents_with_datestamp():
    return Document.objects.defer("source_text").annotate(datestamp=F("modified"))


class DublinCore:
    """``oai_dc`` fields of a record, as lists of strings (the library's Metadata map)."""

    def __init__(self, request):
        self.request = request

    def url(self, path):
        return self.request.build_absolute_uri(path)

    def document(self, document):
        rights = [value for value in (document.licence, document.licence_url) if value]
        fields = {
            "title": [document.title],
            "creator": [document.creator] if document.creator else [],
            "description": [document.description] if document.description else [],
            "publisher": [SITE_NAME],
            "date": [document.date_received.isoformat()],
            "type": ["Text"],
            "format": ["text/plain"],
            "identifier": [self.url(document.get_absolute_url()), document.catalogue_id],
            "source": [document.source_url] if document.source_url else [],
            "language": [document.language],
            "rights": rights,
        }
        if document.translation_of_id:
            fields["relation"] = [self.url(document.translation_of.get_absolute_url())]
        return fields

    def reference(self, reference):
        date = reference.date.isoformat() if reference.date else reference.year
        identifiers = [self.url(reference.get_absolute_url()), reference.catalogue_id]
        if reference.isbn:
            identifiers.append(f"urn:isbn:{reference.isbn.replace('-', '').replace(' ', '')}")
        if reference.url:
            identifiers.append(reference.url)
        publisher = ", ".join(p for p in (reference.publisher, reference.place) if p)
        return {
            "title": [full_title(reference)],
            "creator": [_dc_name(name) for name in reference.authors],
            "contributor": [_dc_name(name) for name in reference.editors],
            "publisher": [publisher] if publisher else [],
            "date": [str(date)] if date else [],
            "type": ["Text", csl_type(reference)],
            "format": [reference.format] if reference.format else [],
            "identifier": identifiers,
            "source": [reference.periodical] if reference.periodical else [],
            "language": [reference.language] if reference.language else [],
            "description": [f"Parsed from: {reference.original_line}"],
        }


def _dc_name(name):
    if name.get("literal"):
        return name["literal"]
    return ", ".join(part for part in (name.get("family"), name.get("given")) if part)


def oai_dc_writer(element, metadata):
    """Write ``oai_dc:dc`` (with the oai_dc schema location; pyoai's own writer names the
    wrong namespace there)."""
    dc = etree.SubElement(
        element,
        f"{{{NS_OAIDC}}}dc",
        nsmap={"oai_dc": NS_OAIDC, "dc": NS_DC, "xsi": NS_XSI},
    )
    dc.set(f"{{{NS_XSI}}}schemaLocation", f"{NS_OAIDC} {OAI_DC_SCHEMA}")
    fields = metadata.getMap()
    for name in (
        "title",
        "creator",
        "subject",
        "description",
        "publisher",
        "contributor",
        "date",
        "type",
        "format",
        "identifier",
        "source",
        "language",
        "relation",
        "coverage",
        "rights",
    ):
        for value in fields.get(name, []):
            etree.SubElement(dc, f"{{{NS_DC}}}{name}").text = value


class Repository:
    """The data source: an ``IBatchingOAI`` over documents and references."""

    def __init__(self, request):
        self.request = request
        self.dc = DublinCore(request)

    # -- helpers -------------------------------------------------------------------------

    def _check_prefix(self, metadataPrefix):
        if metadataPrefix != "oai_dc":
            raise error.CannotDisseminateFormatError(
                f"This repository disseminates oai_dc only, not {metadataPrefix!r}."
            )

    def _split(self, identifier):
        prefix = f"oai:{repository_identifier()}:"
        if not identifier.startswith(prefix):
            raise error.IdDoesNotExistError(f"No record {identifier!r} in this repository.")
        catalogue_id = identifier[len(prefix) :]
        document = documents_with_datestamp().select_related("translation_of")
        document = document.filter(catalogue_id=catalogue_id).first()
        if document is not None:
            return "documents", document
        reference = references_with_datestamp().filter(catalogue_id=catalogue_id).first()
        if reference is not None:
            return "references", reference
        raise error.IdDoesNotExistError(f"No record {identifier!r} in this repository.")

    def _header(self, kind, record):
        return common.Header(
            None,
            record_identifier(record.catalogue_id),
            naive_utc(record.datestamp),
            [kind],
            False,
        )

    def _metadata(self, kind, record):
        fields = self.dc.document(record) if kind == "documents" else self.dc.reference(record)
        return common.Metadata(None, {name: values for name, values in fields.items() if values})

    def _records(self, metadataPrefix, set=None, from_=None, until=None, cursor=0, batch_size=10):
        self._check_prefix(metadataPrefix)
        if set is not None and set not in SETS:
            raise error.BadArgumentError(
                f"There is no set {set!r}; the sets are: {', '.join(SETS)}."
            )
        if from_ is not None and until is not None and from_ > until:
            raise error.BadArgumentError("'from' is later than 'until'.")
        cursor = int(cursor)
        kinds = [set] if set else list(SETS)
        querysets = {
            "documents": documents_with_datestamp().select_related("translation_of"),
            "references": references_with_datestamp(),
        }
        for kind in kinds:
            queryset = querysets[kind]
            if from_ is not None:
                queryset = queryset.filter(datestamp__gte=aware(from_))
            if until is not None and until < datetime.max - timedelta(seconds=1):
                # Datestamps are written to the second: a record at 10:00:00.5 has the datestamp
                # 10:00:00 and belongs to until=10:00:00.
                queryset = queryset.filter(datestamp__lt=aware(until) + timedelta(seconds=1))
            querysets[kind] = queryset.order_by("datestamp", "catalogue_id")
        # Documents first, then references; each list is sliced in the database.
        results = []
        remaining = batch_size
        offset = cursor
        for kind in kinds:
            if remaining <= 0:
                break
            queryset = querysets[kind]
            count = queryset.count()
            if offset >= count:
                offset -= count
                continue
            rows = list(queryset[offset : offset + remaining])
            results += [(kind, record) for record in rows]
            remaining -= len(rows)
            offset = 0
        if cursor and not results:
            raise error.BadResumptionTokenError("The resumption token points past the list.")
        return results

    # -- IBatchingOAI --------------------------------------------------------------------

    def identify(self):
        earliest = [
            value
            for value in (
                Document.objects.order_by("modified").values_list("modified", flat=True).first(),
                references_with_datestamp()
                .order_by("datestamp")
                .values_list("datestamp", flat=True)
                .first(),
            )
            if value is not None
        ]
        return common.Identify(
            repositoryName=SITE_NAME,
            baseURL=self.request.build_absolute_uri(self.request.path),
            protocolVersion="2.0",
            adminEmails=admin_emails(),
            earliestDatestamp=naive_utc(min(earliest)) if earliest else naive_utc(EPOCH),
            deletedRecord="no",
            granularity="YYYY-MM-DDThh:mm:ssZ",
            compression=["identity"],
            toolkit_description=False,
        )

    def listMetadataFormats(self, identifier=None):
        if identifier is not None:
            self._split(identifier)
        return [("oai_dc", OAI_DC_SCHEMA, NS_OAIDC)]

    def listSets(self, cursor=0, batch_size=10):
        return [(spec, name, None) for spec, name in list(SETS.items())[int(cursor) :]][:batch_size]

    def getRecord(self, metadataPrefix, identifier):
        self._check_prefix(metadataPrefix)
        kind, record = self._split(identifier)
        return self._header(kind, record), self._metadata(kind, record), None

    def listIdentifiers(self, metadataPrefix, **kwargs):
        return [
            self._header(kind, record) for kind, record in self._records(metadataPrefix, **kwargs)
        ]

    def listRecords(self, metadataPrefix, **kwargs):
        return [
            (self._header(kind, record), self._metadata(kind, record), None)
            for kind, record in self._records(metadataPrefix, **kwargs)
        ]


class _TreeServer(XMLTreeServer):
    def _outputResuming(self, element, input_func, output_func, kw):
        super()._outputResuming(element, input_func, output_func, kw)
        # The response that completes a resumed list carries an empty resumptionToken.
        if "resumptionToken" in kw and element.find(nsoai("resumptionToken")) is None:
            etree.SubElement(element, nsoai("resumptionToken"))


class Server(ServerBase):
    def __init__(self, repository, batch_size):
        from oaipmh.metadata import MetadataRegistry

        registry = MetadataRegistry()
        registry.registerWriter("oai_dc", oai_dc_writer)
        self._tree_server = _TreeServer(
            BatchingResumption(repository, batch_size), registry, nsmap={"xsi": NS_XSI}
        )

    def error(self, exception):
        """The XML of an error response, for the checks made before the library runs."""
        return self.handleException({}, (type(exception), exception, None))


def _check_datestamp(name, value):
    if not DATESTAMP.match(value):
        raise error.BadArgumentError(
            f"{name}={value!r} is not a UTC datestamp: use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ."
        )


def check_arguments(params):
    """Reject what the library would let through (see the module docstring); return a dict."""
    arguments = {}
    for key in params:
        values = params.getlist(key)
        if len(values) > 1:
            raise error.BadArgumentError(f"The argument {key!r} is repeated.")
        # The library echoes arguments into the XML; characters XML cannot hold are refused.
        if NOT_XML.search(key) or NOT_XML.search(values[0]):
            raise error.BadArgumentError("An argument holds characters XML cannot carry.")
        arguments[key] = values[0]
    for name in ("from", "until"):
        if name in arguments:
            _check_datestamp(name, arguments[name])
    if "from" in arguments and "until" in arguments:
        if len(arguments["from"]) != len(arguments["until"]):
            raise error.BadArgumentError("'from' and 'until' have different granularities.")
        if arguments["from"] > arguments["until"]:
            raise error.BadArgumentError("'from' is later than 'until'.")
    token = arguments.get("resumptionToken")
    # With other arguments beside it, the library answers badArgument (the token is exclusive).
    if token is not None and set(arguments) <= {"verb", "resumptionToken"}:
        check_token(token, arguments.get("verb"))
    return arguments


def check_token(token, verb):
    try:
        kw, cursor = decodeResumptionToken(token)
    except (error.ErrorBase, error.DatestampError, ValueError, TypeError) as exc:
        raise error.BadResumptionTokenError("The resumption token is not valid.") from exc
    needs_prefix = verb != "ListSets"
    if not set(kw) <= TOKEN_KEYS or ("metadataPrefix" in kw) != needs_prefix or cursor < 0:
        raise error.BadResumptionTokenError("The resumption token is not valid.")
    if kw.get("set") is not None and kw["set"] not in SETS:
        raise error.BadResumptionTokenError("The resumption token is not valid.")


def respond(request, params):
    """The XML bytes answering an OAI-PMH request with ``params`` (a QueryDict)."""
    server = Server(Repository(request), page_size())
    try:
        arguments = check_arguments(params)
    except error.ErrorBase as exc:
        return server.error(exc)
    return server.handleRequest(arguments)
