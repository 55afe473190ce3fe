"""Public, read-only pages of the catalogue: no login, GET and HEAD only. (A document's reading
page, which shows scholarship too, is the reading room's: ``reading.views``.)"""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .filters import DocumentFilter, ExternalLinkFilter, ReferenceFilter
from .models import Document, DocumentLink, ExternalLink, LinkKind, Reference

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
        # A reference catalogued from an external-link line is listed by the document as that
        # link (the same original line).
        context["link_listings"] = (
            DocumentLink.objects.filter(link__original_line=self.object.original_line)
            .select_related("document", "link")
            .defer("document__source_text")
            .order_by("document__catalogue_id", "order")
        )
        return context


#: The reference catalogued from the same line as a link (an external-link line that reads as
#: a citation), if any.
CATALOGUED_AS = Subquery(
    Reference.objects.filter(original_line=OuterRef("original_line"))
    .order_by("catalogue_id")
    .values("catalogue_id")[:1]
)


class ExternalLinkListView(ReadOnlyMixin, PageRangeMixin, FilterView):
    filterset_class = ExternalLinkFilter
    queryset = ExternalLink.objects.prefetch_related(
        Prefetch(
            "document_links",
            queryset=DocumentLink.objects.select_related("document")
            .defer("document__source_text")
            .order_by("document__catalogue_id"),
        )
    ).annotate(catalogued_as=CATALOGUED_AS)
    template_name_suffix = "_list"
    paginate_by = 50
