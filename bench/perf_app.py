"""The benchmark's URLs, its minimal baseline view and its query counter (perf_settings)."""

from django.core.cache import caches
from django.db import connections, transaction
from django.http import HttpResponse
from django.urls import path

from archive import changes
from archive.models import Passage
from config.urls import urlpatterns as site_urlpatterns


def minimal(request):
    """The least a Django page can do: no template, no query, a few bytes."""
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *site_urlpatterns]


class QueryCountMiddleware:
    """Count the SQL queries of each request (every database alias) in ``X-Bench-Queries``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(count[0])
        return response


class CacheHooksMiddleware:
    """Two query parameters the benchmark uses to measure the reading page's caches (a query
    string also keeps the page out of the anonymous page cache):

    - ``?cold=1`` empties the ``fragments`` cache before the view: every passage is rendered;
    - ``?changed=<passage id>`` bumps that passage's and its document's change counters first,
      in a transaction, as a service write does (``archive.changes.touch``): the page
      renders that passage again and takes the others from the cache. The bump's queries are
      counted with the page's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET.get("cold"):
            caches["fragments"].clear()
        changed = request.GET.get("changed")
        if changed:
            passage = Passage.objects.only("document_id").get(pk=changed)
            with transaction.atomic():
                changes.touch(passage.document_id, passages=[passage.pk])
        return self.get_response(request)
