"""Content negotiation for the W3C Web Annotation Protocol on the pages people read.

An annotation's, a flag's and a cross-reference's own page, and the page of a document's
collection of scholarship (``?page=N`` too), answer a request that prefers
``application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`` (or plain
``application/ld+json``) with the JSON-LD of their ``.jsonld`` URL, whose view sends the
protocol's headers (Link, Allow, ETag). A browser, which prefers ``text/html``, gets the page,
and so does a request without Accept. Both representations say ``Vary: Accept``; the page
names its JSON-LD with ``Link: <…>; rel="alternate"``, and the JSON-LD names the URL it is
the representation of with ``Content-Location``. The ``.jsonld`` URLs stay as they are.
"""

from django.urls import resolve, reverse
from django.utils.cache import patch_vary_headers

from .w3c import JSONLD_CONTENT_TYPE

#: Each page that negotiates (its URL name) and the URL name of its JSON-LD.
NEGOTIATED = {
    "annotations:annotation-detail": "exports:annotation-jsonld",
    "annotations:flag-detail": "exports:flag-jsonld",
    "annotations:crossref-detail": "exports:crossref-jsonld",
    "exports:document-scholarship": "exports:document-annotations",
}
#: What the pages offer, the default (for ``*/*`` or no Accept) first.
OFFERED = ("text/html", JSONLD_CONTENT_TYPE)


def jsonld_path(request, view_name, kwargs):
    """The path (and query) of the JSON-LD that the page at ``request`` stands for."""
    path = reverse(NEGOTIATED[view_name], kwargs=kwargs)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


class W3CNegotiationMiddleware:
    """Serve the JSON-LD of a negotiating page when the request prefers it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.view_name in NEGOTIATED:
            patch_vary_headers(response, ("Accept",))
            if response.status_code == 200 and "Content-Location" not in response:
                alternate = request.build_absolute_uri(
                    jsonld_path(request, match.view_name, match.kwargs)
                )
                link = f'<{alternate}>; rel="alternate"; type="{JSONLD_CONTENT_TYPE}"'
                response["Link"] = ", ".join(filter(None, [response.get("Link"), link]))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name
        if view_name not in NEGOTIATED or request.method not in ("GET", "HEAD"):
            return None
        if request.get_preferred_type(OFFERED) != JSONLD_CONTENT_TYPE:
            return None
        path = jsonld_path(request, view_name, view_kwargs)
        jsonld = resolve(path.split("?", 1)[0])
        response = jsonld.func(request, *jsonld.args, **jsonld.kwargs)
        response["Content-Location"] = request.build_absolute_uri(path)
        return response
