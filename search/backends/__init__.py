"""Where the search happens: one interface, two implementations chosen by the database vendor.

``get_backend().search(query, user=…, document=…, language=…, kind=…, exact=…)`` finds
passages, annotations (those ``user`` may read), disputed-claim flags and references, and
returns a ``SearchResults``: a ranked list of at most ``MAX_RESULTS_PER_KIND`` hits per kind
that loads the records of a page (and cuts their snippets) only when the page is sliced out of
it, with the ``Reading`` of the query (place names widened, misspellings corrected).

- ``base``: what both share (the kinds, the capped ranking, loading a page);
- ``postgres``: full text over stored vectors (``django.contrib.postgres.search``);
- ``sqlite``: substrings of the folded text.

See docs/search.md.
"""

from django.db import connections

from .base import MAX_CANDIDATES_PER_KIND, MAX_RESULTS_PER_KIND, SearchBackend
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

__all__ = [
    "MAX_CANDIDATES_PER_KIND",
    "MAX_RESULTS_PER_KIND",
    "PostgresBackend",
    "SQLiteBackend",
    "SearchBackend",
    "get_backend",
]

BACKENDS = {backend.vendor: backend for backend in (PostgresBackend, SQLiteBackend)}


def get_backend(using=None):
    """The backend for the default database (or ``using``)."""
    vendor = connections[using or "default"].vendor
    try:
        return BACKENDS[vendor]()
    except KeyError:
        raise NotImplementedError(f"search does not support the {vendor} database") from None
