"""Reads from a read replica, falling back to the primary (and back) when either is down.

Enabled by ``DATABASE_REPLICA_URL`` (see ``config/settings/base.py``), which adds the
``replica`` database alias, :class:`ReplicaRouter` to ``DATABASE_ROUTERS`` and
:class:`ReplicaMiddleware` at the top of ``MIDDLEWARE``.

Which server a request reads from, decided at its first read and kept for the rest of it (so
that a page's change counter and its data come from the same server):

- a *public read* (a GET or HEAD without a session cookie: an anonymous reader) reads from
  the replica, or from the primary when the replica is out of rotation;
- a signed-in reader's GET or HEAD reads from the primary (they must see what they have just
  written), or from the replica when the primary is down (``config.readonly``: read-only mode);
- everything else — forms, the admin's writes, management commands, tests, and any read
  inside a transaction on the primary — uses the primary. Writes always go to the primary,
  and only the primary is migrated.

A server is *out of rotation* for ``DATABASE_COOLDOWN_SECONDS`` (30 s) after a connection to
it failed (the replica's connect timeout is 2 s), so that readers do not each pay the
timeout; it is tried again afterwards. Each process keeps its own view (no shared state that
could itself be down). With ``DATABASE_REPLICA_MAX_LAG`` set, a replica further behind than
that many seconds is out of rotation too; its lag is measured at most once per cool-down.
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

REPLICA = "replica"
PUBLIC, SIGNED_IN = "public", "signed-in"

logger = logging.getLogger("archive.database")


@dataclass
class _Read:
    kind: str  # PUBLIC or SIGNED_IN
    alias: str | None = None  # the server chosen at the request's first read


#: The read being served (set by ReplicaMiddleware for GET and HEAD requests).
_read = ContextVar("read", default=None)

#: alias -> time.monotonic() until which the server is out of rotation (in this process).
_down_until = {}
#: alias -> time.monotonic() of the replica's last lag measurement.
_lag_checked_at = {}

#: How far the replica's replay is behind, in seconds: 0 when it has replayed everything it
#: received (an idle primary sends nothing, so the last replayed commit may be old). Raw SQL:
#: these are PostgreSQL's recovery functions, which the ORM does not wrap.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() "
    "OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def replica_configured():
    return REPLICA in settings.DATABASES


def cooldown():
    return getattr(settings, "DATABASE_COOLDOWN_SECONDS", 30)


def is_down(alias):
    """Whether ``alias`` is out of rotation in this process."""
    return _down_until.get(alias, 0) > time.monotonic()


def mark_down(alias, reason):
    """Take ``alias`` out of rotation for the cool-down period."""
    if not is_down(alias):
        logger.warning(
            "database.down", extra={"alias": alias, "reason": reason, "cooldown": cooldown()}
        )
    _down_until[alias] = time.monotonic() + cooldown()


def mark_up(alias):
    if _down_until.pop(alias, None) is not None:
        logger.warning("database.up", extra={"alias": alias})


def reset():
    """Forget every server's state (tests)."""
    _down_until.clear()
    _lag_checked_at.clear()


def replica_lag(alias=REPLICA):
    """Seconds the replica's replay is behind its primary (0 on a database that is not one)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def reachable(alias):
    """Whether a connection to ``alias`` opens now, whatever its cool-down; a failure takes it
    out of rotation, a success puts it back.

    This is what the first query would do anyway (Django's once-per-request health check,
    then a connection if there is none); doing it first lets the caller choose another server
    instead of failing the request.
    """
    connection = connections[alias]
    try:
        if not connection.in_atomic_block:
            connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error as error:
        connection.close()
        mark_down(alias, first_line(error))
        return False
    mark_up(alias)
    return True


def usable(alias):
    """Whether ``alias`` is in rotation and reachable, and (the replica) not too far behind."""
    if is_down(alias) or not reachable(alias):
        return False
    max_lag = getattr(settings, "DATABASE_REPLICA_MAX_LAG", None)
    if alias != REPLICA or max_lag is None or is_down(DEFAULT_DB_ALIAS):
        return True  # with the primary down, the replica is the freshest copy there is
    now = time.monotonic()
    if now - _lag_checked_at.get(alias, -cooldown()) < cooldown():
        return True
    _lag_checked_at[alias] = now
    try:
        lag = replica_lag(alias)
    except Error as error:
        connections[alias].close()
        mark_down(alias, first_line(error))
        return False
    if lag > max_lag:
        mark_down(alias, f"{lag:.1f} s behind, more than DATABASE_REPLICA_MAX_LAG ({max_lag} s)")
        return False
    return True


def first_line(error):
    """The first line of an error's message, for a log record."""
    return (str(error).strip() or type(error).__name__).splitlines()[0][:200]


def choose(order):
    """The first usable server of ``order``; the first of all when none is (its error is the
    request's: a 503)."""
    return next((alias for alias in order if usable(alias)), order[0])


class ReplicaRouter:
    """Route reads as the module says; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        read = _read.get()
        if read is None or not replica_configured():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a read inside a write's transaction sees that write
        if read.alias is None:
            primary_first = read.kind == SIGNED_IN
            read.alias = choose(
                (DEFAULT_DB_ALIAS, REPLICA) if primary_first else (REPLICA, DEFAULT_DB_ALIAS)
            )
        return read.alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def is_public_read(request):
    return is_read(request) and settings.SESSION_COOKIE_NAME not in request.COOKIES


def is_read(request):
    return request.method in ("GET", "HEAD")


class ReplicaMiddleware:
    """Mark GET and HEAD requests as reads (public or signed-in) for :class:`ReplicaRouter`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        read = None
        if is_read(request):
            read = _Read(PUBLIC if is_public_read(request) else SIGNED_IN)
        token = _read.set(read)
        try:
            return self.get_response(request)
        finally:
            _read.reset(token)
