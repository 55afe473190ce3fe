"""Public, read-only pages: no login, GET and HEAD only."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
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


def reading_cache_key(request, document):
    """The anonymous reading view's cache key, or None when this request is not cached.

    Only an anonymous reader's plain GET or HEAD is cached: no session (someone signed in, or
    with messages waiting there), no messages cookie, no query string (the page links back to
    its own full path). The key names the document's change counter, which every write
    touching the document bumps in its transaction, so the first request after a write misses
    and renders the page afresh (``annotations.changes``).
    """
    if (
        settings.READING_CACHE_SECONDS <= 0
        or request.GET
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
        or request.user.is_authenticated
    ):
        return None
    return changes.cache_key(document)


class DocumentDetailView(ReadOnlyMixin, DetailView):
    # The change counter comes in the same query as the document, before anything else on the
    # page is read (see reading_cache_key).
    queryset = Document.objects.select_related("translation_of", "change_counter").defer(
        *RECEIVED_TEXT
    )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        key = reading_cache_key(request, self.object)
        cache = caches["pages"]
        if key is not None:
            html = cache.get(key)
            if html is not None:
                return HttpResponse(html)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if key is not None:

            def store(response):
                # A page that asked for a CSRF token is someone's own: never shared.
                if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                    cache.set(key, response.content)

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
