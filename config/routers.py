"""Public reads from a read replica, everything else from the primary.

Enabled by ``DATABASE_REPLICA_URL`` (see ``config/settings/base.py``), which adds the
``replica`` database alias, :class:`ReplicaRouter` to ``DATABASE_ROUTERS`` and
:class:`ReplicaMiddleware` at the top of ``MIDDLEWARE``.

A request is a *public read* when it is a GET or HEAD that carries no session cookie: an
anonymous reader. Its queries go to the replica. Everything else — signed-in users (who must
read what they have just written), forms, the admin, management commands, tests, and any read
inside a transaction on the primary — uses the primary. Writes always go to the primary, and
only the primary is migrated.

A replica lags its primary by a little; an anonymous reader may see a new annotation a
moment later than its author does. Both the reading view's change counter and the page's data
come from the same replica, so a cached page is never stored under a newer counter than the
data it shows.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

#: True while a public read is being served (set by ReplicaMiddleware).
_public_read = ContextVar("public_read", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Route public reads to ``replica``; writes, migrations and everything else to default."""

    def db_for_read(self, model, **hints):
        if not _public_read.get() or not replica_configured():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a read inside a write's transaction sees that write
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def is_public_read(request):
    return request.method in ("GET", "HEAD") and (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaMiddleware:
    """Mark anonymous GET and HEAD requests as public reads for :class:`ReplicaRouter`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(is_public_read(request))
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
