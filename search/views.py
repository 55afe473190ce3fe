"""The search page: a thin view over ``search.backends``."""

from django.views.generic import ListView

from archive.views import PageRangeMixin, ReadOnlyMixin

from .backends import base, get_backend
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
                exact=data["exact"],
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.results

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        capped = getattr(self.results, "capped", [])
        reading = getattr(self.results, "reading", None)
        context.update(
            form=self.form,
            query=self.query,
            reading=reading,
            capped=[KIND_PLURALS[kind] for kind in capped],
            max_per_kind=base.MAX_RESULTS_PER_KIND,
        )
        if reading is not None and reading.changed:
            context.update(self.alternative_searches(reading))
        return context

    def alternative_searches(self, reading):
        """The query strings of the same search with the exact words, and with the
        corrected words typed in."""
        exact = self.request.GET.copy()
        exact.pop("page", None)
        exact["exact"] = "on"
        corrected = self.request.GET.copy()
        corrected.pop("page", None)
        corrected["q"] = reading.corrected_text
        return {"exact_search": exact.urlencode(), "corrected_search": corrected.urlencode()}
