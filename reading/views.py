"""The reading room: a document's text with a margin, a passage's page, a passage's panel.

The reading page carries the text with its marks and a short summary per passage, each
cached under the passage's own change counter (``reading.fragments``); a passage's full
scholarship is its panel, loaded on demand, and its own page without JavaScript.
"""

import gzip
import logging

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.views.generic import DetailView, TemplateView

from annotations.permissions import can_create
from annotations.reading import DocumentScholarship
from archive import changes
from archive.models import Document, Note, Passage, SourceRevision
from archive.reading import build_reading, split_passage
from archive.views import RECEIVED_TEXT, ReadOnlyMixin

from .forms import PanelFilterForm
from .fragments import attach_fragments

logger = logging.getLogger(__name__)


def is_cacheable(request):
    """Whether this request may be answered with, and its page stored as, the shared page.

    Only an anonymous reader's plain GET or HEAD: no session cookie (someone signed in — the
    site authenticates by session only —, or with messages waiting there), no messages
    cookie, no query string (the page links back to its own full path).
    """
    return not (
        settings.READING_CACHE_SECONDS <= 0
        or request.GET
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    )


def accepts_gzip(request):
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def page_response(request, compressed):
    """A cached page (stored gzip-compressed): as it is, or unpacked for a client without gzip."""
    if accepts_gzip(request):
        response = HttpResponse(compressed)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed))
    # Cookie: a signed-in reader gets another page (the session middleware says so too when
    # the page is rendered; a page from the cache does not touch the session).
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


class FreshPage(HttpResponse):
    """A page just rendered for an anonymous reader: sent as it is, then compressed into the
    page cache when the server closes the response, after the last byte has gone, so that
    the reader who missed the cache does not wait for the compression as well."""

    def __init__(self, content, *, key, cache):
        super().__init__(content)
        self.key, self.cache = key, cache
        patch_vary_headers(self, ("Accept-Encoding", "Cookie"))

    def close(self):
        try:
            self.cache.set(self.key, gzip.compress(self.content, compresslevel=6, mtime=0))
        except Exception:  # a cache that is down costs the next reader a render, no more
            logger.warning("Could not store page %s in the cache", self.key, exc_info=True)
        finally:
            super().close()


def documents():
    """Documents without their received text (the pages show passages)."""
    return Document.objects.defer(*RECEIVED_TEXT)


def requested_revision(request, document):
    """The revision number asked for by ``?revision=N`` (None for the current one); 404 for
    one the document does not have, 400 for one that is not a number."""
    value = request.GET.get("revision")
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise BadRequest("The revision must be a number.") from None
    if not 1 <= number <= document.revision:
        raise Http404("This document has no such revision.")
    return None if number == document.revision else number


def revision_context(document, number):
    """What the pages say of the revisions: nothing for a document never revised (no query)."""
    if document.revision == 1:
        return {"shown_revision": None, "revisions": ()}
    revisions = list(SourceRevision.objects.filter(document=document).defer("source_text"))
    return {"shown_revision": number or document.revision, "revisions": revisions}


class DocumentReadingView(ReadOnlyMixin, DetailView):
    """The text of a document with, beside each passage, a summary of what is said of it."""

    template_name = "reading/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return documents().select_related("translation_of", "change_counter")

    def get(self, request, *args, **kwargs):
        """An anonymous reader's page from the cache, keyed on the document's change counter
        (``archive.changes``: every write touching the document bumps it in its
        transaction, so the first request after a write misses and renders the page afresh,
        most of it from the passages' fragments that the write did not touch)."""
        self.object = self.get_object()
        key = changes.cache_key(self.object) if is_cacheable(request) else None
        cache = caches["pages"]
        if key is not None:
            compressed = cache.get(key)
            if compressed is not None:
                return page_response(request, compressed)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if key is not None:

            def store(response):
                # A page that asked for a CSRF token is someone's own: never shared.
                if response.status_code != 200 or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                    return None
                return FreshPage(response.content, key=key, cache=cache)

            response.add_post_render_callback(store)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        number = requested_revision(self.request, self.object)
        can_annotate = can_create(user) and number is None
        reading = build_reading(self.object, revision=number)
        attach_fragments(self.object, reading, user, can_annotate=can_annotate)
        context.update(
            **revision_context(self.object, number),
            reading=reading,
            translations=list(self.object.translations.defer("source_text")),
            can_annotate=can_annotate,
        )
        return context


class PassageMixin:
    """The document by slug and its passage by number (``p-N``), or 404; with the passage's
    scholarship that the reader may see, filtered by the query string (400 if malformed)."""

    def setup_passage(self):
        self.document = get_object_or_404(documents(), slug=self.kwargs["slug"])
        number = self.kwargs["number"]
        self.revision = requested_revision(self.request, self.document)
        passages = (
            self.document.passages
            if self.revision is None
            else Passage.all_revisions.of_revision(self.document, self.revision)
        )
        nearby = {
            passage.order: passage
            for passage in passages.filter(
                order__in=(number - 1, number, number + 1)
            ).select_related("section")
        }
        if number not in nearby:
            raise Http404("No such passage in this document.")
        passage = nearby[number]
        passage.document = self.document
        self.passage, self.previous, self.next = (
            passage,
            nearby.get(number - 1),
            nearby.get(number + 1),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.setup_passage()
        user = self.request.user
        passage = self.passage
        filters = PanelFilterForm(self.request.GET or None, user=user)
        if filters.is_bound and not filters.is_valid():
            raise BadRequest("Unknown filter values.")
        scholarship = DocumentScholarship.for_document(self.document, user, passages=[passage.pk])
        everything = scholarship.items_for(passage.pk)
        passage.scholarship = filters.apply(everything) if filters.is_bound else everything
        passage.highlights = scholarship.highlights_for(passage.pk)
        context.update(
            document=self.document,
            passage=passage,
            previous=self.previous,
            next=self.next,
            filters=filters,
            filtered=filters.is_bound and filters.is_filtered,
            total=count(everything),
            shown=count(passage.scholarship),
            can_annotate=can_create(user) and self.revision is None,
            **revision_context(self.document, self.revision),
        )
        return context


def count(scholarship):
    return len(scholarship.annotations) + len(scholarship.flags) + len(scholarship.crossrefs)


class PassagePanelView(ReadOnlyMixin, PassageMixin, TemplateView):
    """A passage's full scholarship, as a fragment for the reading page's margin."""

    template_name = "reading/passage_panel.html"


class PassageDetailView(ReadOnlyMixin, PassageMixin, TemplateView):
    """A passage and all its scholarship: the permalink, and the panel without JavaScript."""

    template_name = "reading/passage_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        passage = self.passage
        passage.note_list = list(Note.all_revisions.filter(passage=passage).order_by("offset"))
        passage.segments = split_passage(passage, passage.note_list, passage.highlights)
        return context
