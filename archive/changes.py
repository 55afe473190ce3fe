"""Change counters of the catalogue's documents and passages: what the reading room's caches are
keyed on.

The catalogue owns the counters; the apps that write about its documents call in. Every write
of ``annotations.services`` calls :func:`touch` with the documents and passages it
changes (a cross-reference touches both ends), inside its transaction, so the new counts become
visible together with the change: the document's counter keys the anonymous whole page, each
passage's counter (``archive.models.Passage.change_count``) keys its cached fragments. A
catalogue change (a moderator correcting a record in the admin, an import) can show on any
reading view — a reference is listed by several documents, a translation on its original — so
every save or delete of a catalogue record touches every document and every passage
(:func:`touch_all`; :func:`connect`, from the app's ``ready()``, listens to this app's models
only).

Readers fetch the counter together with the document, in the same query and before any other
read of the page; a page rendered from data at least as new as its key is never stale under
that key. Each touch also draws a new random token, part of the key, so that a count which
comes round again (a restored backup, a rolled-back test) never meets a page of another
history. A document that was never touched has no counter row and is not cached; rows loaded
with ``loaddata`` (raw saves) touch nothing — clear the page cache after loading a fixture
into a live site's database.
"""

import uuid

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Document, DocumentChanges, Passage


def _upsert_sql():
    table = connection.ops.quote_name(DocumentChanges._meta.db_table)
    return (
        f"INSERT INTO {table} (document_id, count, token) VALUES (%s, 1, %s) "
        f"ON CONFLICT (document_id) DO UPDATE SET count = {table}.count + 1, "
        "token = EXCLUDED.token"
    )


def _token():
    value = uuid.uuid4()
    # As the UUIDField stores it: native on PostgreSQL, 32 hex digits on SQLite.
    return value if connection.features.has_native_uuid_field else value.hex


def touch(*document_ids, passages=()):
    """Bump the counters of these documents and passages (ids); call inside the write's
    transaction.

    Counters are updated in id order, so that two writes touching the same two documents
    take their row locks in the same order and cannot deadlock.
    """
    for pk in sorted({pk for pk in passages if pk is not None}):
        Passage.all_revisions.filter(pk=pk).touch_all()
    ids = sorted({pk for pk in document_ids if pk is not None})
    if not ids:
        return
    with connection.cursor() as cursor:
        if len(ids) == 1:
            cursor.execute(_upsert_sql(), (ids[0], _token()))
        else:
            cursor.executemany(_upsert_sql(), [(pk, _token()) for pk in ids])


def touch_counts(counts):
    """Bump each document's counter by as many writes as ``counts`` ({id: n}) says, in one
    statement per document (bulk loads; a service write calls :func:`touch`)."""
    table = connection.ops.quote_name(DocumentChanges._meta.db_table)
    sql = (
        f"INSERT INTO {table} (document_id, count, token) VALUES (%s, %s, %s) "
        f"ON CONFLICT (document_id) DO UPDATE SET count = {table}.count + EXCLUDED.count, "
        "token = EXCLUDED.token"
    )
    rows = [(pk, n, _token()) for pk, n in sorted(counts.items()) if n]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def touch_all():
    """Bump every document's and every passage's counter (a catalogue change can show on any
    page and in any passage)."""
    Passage.all_revisions.touch_all()
    touch(*Document.objects.values_list("pk", flat=True))


def key(document_id, count, token):
    return f"reading:{document_id}:{count}:{token.hex}"


def cache_key(document):
    """The reading view's cache key for ``document`` fetched with its ``change_counter``, or
    None when it has none (never touched: not cached)."""
    try:
        counter = document.change_counter
    except DocumentChanges.DoesNotExist:
        return None
    return key(document.pk, counter.count, counter.token)


def _touched_in_this_transaction():
    """A no-op on-commit callback marking an atomic block that has touched every document.

    Django drops it when the transaction (or the savepoint it was registered in) rolls back,
    together with the touch it marks.
    """


def _catalogue_changed(sender, using=None, **kwargs):
    if kwargs.get("raw") or kwargs.get("action", "post_").startswith("pre_"):
        return  # loaddata (see the module's docstring); m2m_changed fires before and after
    conn = connections[using or DEFAULT_DB_ALIAS]
    if conn.in_atomic_block:
        # Once per atomic block: an admin form with inlines or a cascade saves many rows.
        level = set(conn.savepoint_ids)
        if any(
            sids == level and func is _touched_in_this_transaction
            for sids, func, *_ in conn.run_on_commit
        ):
            return
        transaction.on_commit(_touched_in_this_transaction, using=conn.alias)
    touch_all()


def connect(app_config):
    """Touch every document when a record of the catalogue (``app_config``'s models, but the
    counters themselves) is saved or deleted."""
    for model in app_config.get_models(include_auto_created=True):
        if model is DocumentChanges:
            continue
        label = model._meta.label_lower
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"changes.save.{label}")
        post_delete.connect(
            _catalogue_changed, sender=model, dispatch_uid=f"changes.delete.{label}"
        )
        m2m_changed.connect(_catalogue_changed, sender=model, dispatch_uid=f"changes.m2m.{label}")
