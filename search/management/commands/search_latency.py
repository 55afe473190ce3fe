"""Time the search page in-process: ``manage.py search_latency [--repeat 20] [QUERY …]``.

Each query is requested once to warm up, then ``--repeat`` times through the test client
(the full middleware and template, as an anonymous reader); prints p50, p95 and the most
per query, and the SQL statements of one request. Read-only: it never writes a row. Used for
the figures in docs/performance.md ("Search"); run it with the benchmark's settings against
the benchmark's database:

    DJANGO_SETTINGS_MODULE=bench.perf_settings DATABASE_URL=postgres://…/archive_perf \\
        .venv/bin/python manage.py search_latency
"""

import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.test import Client

from bench.run import SEARCH_QUERIES
from search.backends import get_backend
from search.text import parse_query

#: The benchmark's queries.
QUERIES = SEARCH_QUERIES


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


class Command(BaseCommand):
    help = "Time the search page for a few queries (p50, p95, max in ms)."

    def add_arguments(self, parser):
        parser.add_argument("queries", nargs="*", help="queries (default: the benchmark's 12)")
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, queries, repeat, **options):
        client = Client(HTTP_HOST="127.0.0.1")
        everything = []
        self.stdout.write(f"{'query':<26} {'p50':>8} {'p95':>8} {'max':>8} {'SQL':>4} results")
        for query in queries or QUERIES:
            response = client.get("/search/", {"q": query})
            assert response.status_code == 200, response.status_code
            count = len(get_backend().search(parse_query(query), user=AnonymousUser()))
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get("/search/", {"q": query})
                times.append((time.perf_counter() - start) * 1000)
            everything += times
            self.stdout.write(
                f"{query:<26} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
                f"{max(times):8.1f} {response.get('X-Bench-Queries', '?'):>4} {count}"
            )
        self.stdout.write(
            f"{'all':<26} {statistics.median(everything):8.1f} "
            f"{percentile(everything, 0.95):8.1f} {max(everything):8.1f}"
        )
