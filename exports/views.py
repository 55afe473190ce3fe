"""Open-standards data: W3C Web Annotation JSON-LD, CSL-JSON and BibTeX, OAI-PMH, public JSON.

Every endpoint is read-only (GET and HEAD; OAI-PMH also takes POST, as the protocol allows),
public and CORS-open. Bad input is answered with the format's own error — a JSON
``{"error": …}`` with 400 or 404, or an OAI-PMH error — never a server error.
"""

import json
import re
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from markdown_it import MarkdownIt

from annotations.models import Annotation, CrossReference, DisputedClaim
from archive.filters import DocumentFilter, ExternalLinkFilter, ReferenceFilter
from archive.models import Document, Reference

from . import api, citations, oai, tei, w3c

PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,8}$")


class BadRequest(Exception):
    """Malformed input: answered 400 with the message (and the form's errors, if any)."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = errors


def json_error(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def public_endpoint(view=None, *, options=False):
    """GET/HEAD only, no CSRF (nothing to protect), CORS-open, JSON errors for 400/404.

    With ``options=True`` OPTIONS is answered too, as the Web Annotation Protocol asks: with the
    headers a GET would have, and no body.
    """
    if view is None:
        return lambda view: public_endpoint(view, options=options)
    methods = ["GET", "HEAD", "OPTIONS"] if options else ["GET", "HEAD"]

    @csrf_exempt
    @require_http_methods(methods)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            # PostgreSQL cannot compare text holding NUL: refuse it before any query.
            values = [*kwargs.values(), *(v for _, vs in request.GET.lists() for v in vs)]
            if any("\x00" in str(value) for value in values):
                raise BadRequest("The request holds a NUL character.")
            response = view(request, *args, **kwargs)
        except BadRequest as exc:
            extra = {"fields": exc.errors} if exc.errors else {}
            response = json_error(400, str(exc), **extra)
        except Http404 as exc:
            response = json_error(404, str(exc) or "Not found.")
        response["Access-Control-Allow-Origin"] = "*"
        if request.method == "OPTIONS":
            response.content = b""
        return response

    return wrapper


def dump(data):
    return json.dumps(data, ensure_ascii=False, indent=2)


def json_response(data, content_type="application/json", filename=None):
    response = HttpResponse(dump(data), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def text_response(text, content_type, filename=None):
    response = HttpResponse(text, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def page_number(request):
    """``?page=N`` with N ≥ 1; None when absent; BadRequest otherwise."""
    values = request.GET.getlist("page")
    if not values:
        return None
    if len(values) > 1 or not PAGE_NUMBER.match(values[0]):
        raise BadRequest("page must be a whole number from 1.")
    return int(values[0])


def get_or_404(queryset, message, **lookup):
    item = queryset.filter(**lookup).first()
    if item is None:
        raise Http404(message)
    return item


def get_document(slug):
    return get_or_404(
        Document.objects.select_related("translation_of").defer(
            "source_text", "translation_of__source_text"
        ),
        f"No document {slug!r}.",
        slug=slug,
    )


def page_size(name, default):
    return int(getattr(settings, name, default))


def filtered(filterset_class, request, queryset):
    """``queryset`` filtered by the list page's filters; bad values are a 400."""
    filterset = filterset_class(request.GET, queryset=queryset)
    if not filterset.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
        raise BadRequest("Bad filter values.", errors)
    return filterset.qs


# ---------------------------------------------------------------------------
# W3C Web Annotation
# ---------------------------------------------------------------------------


def jsonld(request, data, kind):
    """A W3C JSON-LD response with the Web Annotation Protocol's headers for ``kind``
    (``annotation``, ``collection`` or ``page``): Link, Allow, Vary and an ETag; a request whose
    If-None-Match names the ETag is answered 304 Not Modified."""
    response = json_response(data, content_type=w3c.JSONLD_CONTENT_TYPE)
    response["Link"] = ", ".join(w3c.PROTOCOL_LINKS[kind])
    response["Allow"] = "GET, HEAD, OPTIONS"
    patch_vary_headers(response, ("Accept",))
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


@public_endpoint(options=True)
def annotation_jsonld(request, pk):
    """One annotation; private, hidden and deleted ones are 404 except to whom may see them."""
    queryset = Annotation.objects.visible_to(request.user).with_targets()
    annotation = get_or_404(queryset, "No such annotation.", pk=pk)
    return jsonld(request, w3c.Serializer(request).annotation(annotation), "annotation")


@public_endpoint(options=True)
def flag_jsonld(request, pk):
    queryset = DisputedClaim.objects.with_targets().with_evidence()
    claim = get_or_404(queryset, "No such disputed-claim flag.", pk=pk)
    return jsonld(request, w3c.Serializer(request).flag(claim), "annotation")


@public_endpoint(options=True)
def crossref_jsonld(request, pk):
    queryset = CrossReference.objects.live().with_targets()
    crossref = get_or_404(queryset, "No such cross-reference.", pk=pk)
    return jsonld(request, w3c.Serializer(request).crossref(crossref), "annotation")


@public_endpoint(options=True)
def document_annotations(request, slug):
    """The document's AnnotationCollection (first page embedded), or ``?page=N``."""
    number = page_number(request)
    document = get_document(slug)
    serializer = w3c.Serializer(request)
    url = serializer.url(reverse("exports:document-annotations", kwargs={"slug": slug}))
    size = page_size("EXPORTS_ANNOTATION_PAGE_SIZE", 100)
    if number is None:
        return jsonld(request, w3c.collection_json(serializer, document, url, size), "collection")
    page = w3c.CollectionPage(document, number, size)
    if not page.rows:
        raise Http404(f"There is no page {number}; the collection has {page.total} items.")
    return jsonld(request, w3c.page_json(serializer, page, url), "page")


@require_safe
def document_scholarship(request, slug):
    """The page of a document's collection for people (its JSON-LD, asked for with Accept,
    is the ``.jsonld``'s: ``exports.negotiation``)."""
    number = page_number_or_404(request)
    document = get_object_or_404(
        Document.objects.defer("source_text").select_related("translation_of"), slug=slug
    )
    size = page_size("EXPORTS_ANNOTATION_PAGE_SIZE", 100)
    page = w3c.CollectionPage(document, number, size)
    if number > page.last:
        raise Http404(f"There is no page {number}.")
    return render(
        request,
        "exports/annotation_collection.html",
        {"document": document, "page": page, "page_size": size},
    )


def page_number_or_404(request):
    """``?page=N`` for a page for people: 1 when absent, 404 when malformed."""
    try:
        return page_number(request) or 1
    except BadRequest:
        raise Http404("No such page.") from None


# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------


def get_reference(catalogue_id):
    return get_or_404(
        Reference.objects.all(), f"No reference {catalogue_id!r}.", catalogue_id=catalogue_id
    )


@public_endpoint
def reference_csl(request, catalogue_id):
    reference = get_reference(catalogue_id)
    return json_response(
        citations.references_csl([reference]), content_type=citations.CSL_CONTENT_TYPE
    )


@public_endpoint
def reference_bibtex(request, catalogue_id):
    reference = get_reference(catalogue_id)
    return text_response(citations.references_bibtex([reference]), citations.BIBTEX_CONTENT_TYPE)


def filtered_references(request):
    """The catalogue's references, filtered as on the references page."""
    queryset = Reference.objects.order_by("catalogue_id")
    return list(filtered(ReferenceFilter, request, queryset))


@public_endpoint
def references_csl(request):
    data = citations.references_csl(filtered_references(request))
    return json_response(data, content_type=citations.CSL_CONTENT_TYPE, filename="references.json")


@public_endpoint
def references_bibtex(request):
    text = citations.references_bibtex(filtered_references(request))
    return text_response(text, citations.BIBTEX_CONTENT_TYPE, filename="references.bib")


def document_reference_list(document):
    """The references a document lists, cited first, each once, in the document's order."""
    listed = document.listed_references.select_related("reference").order_by("role", "order").all()
    seen = {}
    for listing in listed:
        seen.setdefault(listing.reference_id, listing.reference)
    return list(seen.values())


@public_endpoint
def document_references_csl(request, slug):
    document = get_document(slug)
    data = citations.references_csl(document_reference_list(document))
    return json_response(
        data,
        content_type=citations.CSL_CONTENT_TYPE,
        filename=f"{document.catalogue_id}-references.json",
    )


@public_endpoint
def document_references_bibtex(request, slug):
    document = get_document(slug)
    text = citations.references_bibtex(document_reference_list(document))
    return text_response(
        text, citations.BIBTEX_CONTENT_TYPE, filename=f"{document.catalogue_id}-references.bib"
    )


def document_url(request, document):
    return request.build_absolute_uri(document.get_absolute_url())


@public_endpoint
def document_cite_csl(request, slug):
    document = get_document(slug)
    data = [citations.document_csl(document, document_url(request, document))]
    return json_response(data, content_type=citations.CSL_CONTENT_TYPE)


@public_endpoint
def document_cite_bibtex(request, slug):
    document = get_document(slug)
    text = citations.document_bibtex(document, document_url(request, document))
    return text_response(text, citations.BIBTEX_CONTENT_TYPE)


# ---------------------------------------------------------------------------
# TEI P5
# ---------------------------------------------------------------------------


@public_endpoint
def document_tei(request, slug):
    """The document as TEI P5: its record, text and lists, and its public scholarship."""
    document = get_document(slug)
    data = tei.document_tei(document, url=request.build_absolute_uri)
    return HttpResponse(data, content_type=tei.CONTENT_TYPE)


# ---------------------------------------------------------------------------
# OAI-PMH
# ---------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def oai_pmh(request):
    params = request.POST if request.method == "POST" else request.GET
    response = HttpResponse(oai.respond(request, params), content_type="text/xml; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


# ---------------------------------------------------------------------------
# Public JSON
# ---------------------------------------------------------------------------


@public_endpoint
def api_documents(request):
    number = page_number(request) or 1
    queryset = filtered(DocumentFilter, request, api.documents_queryset())
    size = page_size("EXPORTS_API_PAGE_SIZE", 100)
    return json_response(api.paginated(request, queryset, number, size, api.Builder.document))


@public_endpoint
def api_document(request, slug):
    document = get_document(slug)
    return json_response(api.Builder(request).document_detail(document))


@public_endpoint
def api_links(request):
    number = page_number(request) or 1
    queryset = filtered(ExternalLinkFilter, request, api.links_queryset())
    size = page_size("EXPORTS_API_PAGE_SIZE", 100)
    return json_response(api.paginated(request, queryset, number, size, api.Builder.link))


@public_endpoint
def api_link(request, catalogue_id):
    link = get_or_404(api.links_queryset(), f"No link {catalogue_id!r}.", catalogue_id=catalogue_id)
    return json_response(api.Builder(request).link(link))


@require_safe
def api_page(request):
    """The endpoints, documented: ``docs/api.md`` rendered."""
    path = settings.BASE_DIR / "docs" / "api.md"
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    html = renderer.render(path.read_text(encoding="utf-8"))
    return render(request, "exports/api.html", {"content": html})
