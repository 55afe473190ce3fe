"""The search page: a thin view over ``search.backends``."""

from django.views.generic import ListView

from archive.views import PageRangeMixin, ReadOnlyMixin

from . import backends
from .backends import get_backend
from .forms import SearchForm
from .results import KIND_PLURALS
from .text import parse_query


class SearchView(ReadOnlyMixin, PageRangeMixin, ListView):
    """``/search/?q=…&document=…&language=…&kind=…&page=…``: one ranked list of every kind."""

    template_name = "search/search.html"
    paginate_by = 20
    context_object_name = "hits"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET if request.GET else None)
        self.query = None
        self.results = []
        if self.form.is_valid():
            data = self.form.cleaned_data
            self.query = parse_query(data["q"], was_cut=self.form.q_was_cut)
            self.results = get_backend().search(
                self.query,
                user=request.user,
                document=data["document"],
                language=data["language"],
                kind=data["kind"],
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.results

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        capped = getattr(self.results, "capped", [])
        context.update(
            form=self.form,
            query=self.query,
            capped=[KIND_PLURALS[kind] for kind in capped],
            max_per_kind=backends.MAX_RESULTS_PER_KIND,
        )
        return context
