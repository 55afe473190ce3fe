"""Synthetic data at scale, in the real schema, written as the services write it.

``manage.py generate_scale_data`` (see that command and docs/performance.md) builds a
reproducible archive from a seed: documents imported with the catalogue's importer, scholars,
and a *plan* of every scholarly write — annotations created and then edited, deleted, restored,
reverted or moderated; flags with evidence and status changes; cross-references, some deleted.

A plan is carried out in one of two ways, which produce the same rows:

- :class:`ServiceWriter` calls ``annotations.services`` — one transaction and one revision per
  write, exactly as the web UI does. The benchmark's own records (the English article's 500
  annotations, flags and cross-references) and a measured sample are written this way.
- :class:`BulkWriter` computes, for each write, the record's state after it and the revision
  the service would have saved — a ``Revision`` (user, comment, date) and one ``Version`` per
  object with the same serializer, fields, ``object_repr`` and ``db`` as django-reversion —
  and inserts the rows in batches. Differences (docs/performance.md): dates come from a
  simulated timeline instead of the clock, revision ids are allocated per batch rather than
  in date order, and no row lock or permission check is taken (the plan only contains writes
  the services accept). ``tests/test_performance_scale.py`` runs one plan both ways and
  compares every row.

The package: ``text`` (generated prose), ``plans`` (sizes and the plan of every write),
``writers`` (the two writers) and ``catalogue`` (users, generated documents).
"""

from .catalogue import import_documents, make_users, search_indexes_dropped
from .plans import Planner, Sizes
from .text import TextModel, read_sources
from .writers import BulkWriter, ServiceWriter, table_counts

__all__ = [
    "BulkWriter",
    "Planner",
    "ServiceWriter",
    "Sizes",
    "TextModel",
    "import_documents",
    "make_users",
    "read_sources",
    "search_indexes_dropped",
    "table_counts",
]
