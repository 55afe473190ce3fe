"""Public, read-only pages: no login, GET and HEAD only."""

import gzip
import logging

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connections, router
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from annotations import changes
from annotations.permissions import can_create
from annotations.reading import DocumentScholarship

from .filters import DocumentFilter, ExternalLinkFilter, ReferenceFilter
from .models import Document, DocumentLink, ExternalLink, LinkKind, Reference
from .reading import build_reading

logger = logging.getLogger(__name__)

#: The whole received text is not shown by these pages (its passages are); leave it unloaded.
RECEIVED_TEXT = ("source_text", "translation_of__source_text")


class ReadOnlyMixin:
    """GET and HEAD only: any other method answers 405 Method Not Allowed."""

    http_method_names = ["get", "head"]

    # These pages change nothing, so there is nothing for a CSRF token to protect; exempting
    # them lets a POST answer 405 (with an Allow header) rather than a CSRF failure.
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class HomeView(ReadOnlyMixin, TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            documents=Document.objects.for_listing().defer(*RECEIVED_TEXT),
            reference_count=Reference.objects.count(),
            link_counts=ExternalLink.objects.aggregate(
                external=Count("pk", filter=Q(kind=LinkKind.EXTERNAL)),
                see_also=Count("pk", filter=Q(kind=LinkKind.SEE_ALSO)),
            ),
        )
        return context


class PageRangeMixin:
    """Adds ``page_range``: the page numbers around the current page, with gaps elided."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context


class DocumentListView(ReadOnlyMixin, FilterView):
    filterset_class = DocumentFilter
    queryset = Document.objects.for_listing().defer(*RECEIVED_TEXT)
    template_name_suffix = "_list"


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


class DocumentWithCounter:
    """The reading view's first query: the document (without its received text), the one it
    translates, and its change counter, by slug — one statement, its SQL written once per
    process from the models, so that a page served from the cache costs a single indexed
    read and no query compilation.

    Gives what ``Document.objects.select_related("translation_of", "change_counter")
    .defer("source_text", "translation_of__source_text").get(slug=slug)`` gives.
    """

    _sql = {}

    @staticmethod
    def fields():
        from annotations.models import DocumentChanges

        document = [f for f in Document._meta.concrete_fields if f.name != "source_text"]
        counter = [DocumentChanges._meta.get_field(name) for name in ("count", "token")]
        return document, counter

    @classmethod
    def sql(cls, connection):
        if connection.alias not in cls._sql:
            from annotations.models import DocumentChanges

            q = connection.ops.quote_name
            document, counter = cls.fields()
            select = [f"d.{q(f.column)}" for f in document]
            select += [f"t.{q(f.column)}" for f in document]
            select += [f"c.{q(f.column)}" for f in counter]
            table, counters = Document._meta.db_table, DocumentChanges._meta.db_table
            cls._sql[connection.alias] = (
                f"SELECT {', '.join(select)} FROM {q(table)} d "
                f"LEFT JOIN {q(table)} t ON t.{q('id')} = d.{q('translation_of_id')} "
                f"LEFT JOIN {q(counters)} c ON c.{q('document_id')} = d.{q('id')} "
                f"WHERE d.{q('slug')} = %s"
            )
        return cls._sql[connection.alias]

    @staticmethod
    def convert(fields, values, connection):
        """Database values to Python ones, as the ORM converts them (dates on SQLite, …)."""
        converted = []
        for field, value in zip(fields, values, strict=True):
            column = field.get_col(field.model._meta.db_table)
            for converter in connection.ops.get_db_converters(column) + (
                column.get_db_converters(connection)
            ):
                value = converter(value, column, connection)
            converted.append(value)
        return converted

    @classmethod
    def fetch(cls, slug):
        """The row, or Http404; its models are only built if they are needed (:meth:`build`)."""
        connection = connections[router.db_for_read(Document)]
        with connection.cursor() as cursor:
            cursor.execute(cls.sql(connection), [slug])
            row = cursor.fetchone()
        if row is None:
            raise Http404("No document matches the given query.")
        return connection, row

    @classmethod
    def cache_key(cls, connection, row):
        """``changes.cache_key`` of the document in ``row``, without building it."""
        if row[-2] is None:
            return None
        count, token = cls.convert(cls.fields()[1], row[-2:], connection)
        return changes.key(row[0], count, token)

    @classmethod
    def get(cls, slug):
        return cls.build(*cls.fetch(slug))

    @classmethod
    def build(cls, connection, row):
        from annotations.models import DocumentChanges

        fields, counter_fields = cls.fields()
        names, width = [f.attname for f in fields], len(fields)
        document = Document.from_db(
            connection.alias, names, cls.convert(fields, row[:width], connection)
        )
        original = None
        if row[width] is not None:
            original = Document.from_db(
                connection.alias, names, cls.convert(fields, row[width : 2 * width], connection)
            )
        Document._meta.get_field("translation_of").set_cached_value(document, original)
        counter = None
        if row[2 * width] is not None:
            count, token = cls.convert(counter_fields, row[2 * width :], connection)
            counter = DocumentChanges.from_db(
                connection.alias, ["document_id", "count", "token"], [document.pk, count, token]
            )
        # As select_related caches a reverse one-to-one (None: no counter row yet).
        DocumentChanges._meta.get_field("document").remote_field.set_cached_value(document, counter)
        return document


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
    the reader who missed the cache does not wait for the compression as well (about 10 ms
    for a 1.3 MB page; docs/performance.md, "Reading view")."""

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


class DocumentDetailView(ReadOnlyMixin, DetailView):
    def get_object(self, queryset=None):
        return DocumentWithCounter.get(self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        """An anonymous reader's page from the cache, keyed on the document's change counter
        (``annotations.changes``: every write touching the document bumps it in its
        transaction, so the first request after a write misses and renders the page afresh).
        The counter is read first, with the document; its models are only built on a miss."""
        connection, row = DocumentWithCounter.fetch(self.kwargs["slug"])
        key = DocumentWithCounter.cache_key(connection, row) if is_cacheable(request) else None
        cache = caches["pages"]
        if key is not None:
            compressed = cache.get(key)
            if compressed is not None:
                return page_response(request, compressed)
        self.object = DocumentWithCounter.build(connection, row)
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
        context.update(
            reading=build_reading(self.object, DocumentScholarship(self.object, user)),
            translations=list(self.object.translations.defer("source_text")),
            can_annotate=can_create(user),
        )
        return context


class ReferenceListView(ReadOnlyMixin, PageRangeMixin, FilterView):
    filterset_class = ReferenceFilter
    queryset = Reference.objects.all()
    template_name_suffix = "_list"
    paginate_by = 20


class ReferenceDetailView(ReadOnlyMixin, DetailView):
    model = Reference
    slug_field = "catalogue_id"
    slug_url_kwarg = "catalogue_id"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["listings"] = (
            self.object.document_links.select_related("document")
            .defer("document__source_text")
            .order_by("document__catalogue_id", "role", "order")
        )
        return context


class ExternalLinkListView(ReadOnlyMixin, PageRangeMixin, FilterView):
    filterset_class = ExternalLinkFilter
    queryset = ExternalLink.objects.prefetch_related(
        Prefetch(
            "document_links",
            queryset=DocumentLink.objects.select_related("document")
            .defer("document__source_text")
            .order_by("document__catalogue_id"),
        )
    )
    template_name_suffix = "_list"
    paginate_by = 50
