"""Security log of refused and failed requests; a database outage answers 503, not 500.

``SecurityLogMiddleware`` writes one structured record (``archive.security`` logger) for each
response that denies something or fails:

======================  =======  =========================================================
event                   level    when
======================  =======  =========================================================
``authz.denied``        WARNING  403: permission denied, CSRF failure
``authz.hidden``        WARNING  404 for a scholarly record that exists but is not visible
                                 to this user (a private annotation, a deleted record)
``ratelimit.refused``   WARNING  429 from ``config.ratelimit``
``readonly.refused``    WARNING  503: a write while the archive is read-only
                                 (``config.readonly``: maintenance, or the primary down)
``server.unavailable``  ERROR    503: the database could not be reached
``server.error``        ERROR    any other 5xx
======================  =======  =========================================================

Each record carries status, method, path (no query string), view, user id and address.
"""

import logging
import sys
import uuid

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from config.ratelimit import client_address

logger = logging.getLogger("archive.security")

#: Scholarly records by the first part of their URL; their 404s may hide an existing record.
_RECORDS = {
    "annotations": "annotations.Annotation",
    "flags": "annotations.DisputedClaim",
    "cross-references": "annotations.CrossReference",
}

RETRY_AFTER_SECONDS = 30


#: PostgreSQL SQLSTATEs of a lost or refused connection: class 08, and the server shutting
#: down or starting up (57P01–57P03).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")
_UNAVAILABLE_WORDS = (
    "connection",
    "connect to",
    "server closed",
    "terminating",
    "database is locked",
    "unable to open database",
    "timeout expired",
)


def database_unreachable(error):
    """Whether ``error`` says the database cannot be reached (not that a query was bad)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(_UNAVAILABLE_STATES)
    message = str(error).lower()
    return any(words in message for words in _UNAVAILABLE_WORDS)


def _mark_database_errors(sender, request=None, **kwargs):
    """Remember that this request failed because the database was unreachable."""
    if request is not None and database_unreachable(sys.exc_info()[1]):
        request.database_unavailable = True


got_request_exception.connect(_mark_database_errors, dispatch_uid="archive-database-errors")


def service_unavailable(failed=None):
    """The standalone 503 page; renders without a request or a database.

    ``failed`` is the 500 response it replaces, which becomes the 503: its headers
    (X-Frame-Options and the like, set by inner middleware) stay, and Django, which has already
    logged it, does not log it again.
    """
    body = loader.get_template("503.html").render()
    if failed is None:
        response = HttpResponse(body, status=503)
    else:
        response = failed
        response.status_code = 503
        for header in ("Content-Type", "Content-Length"):
            if response.has_header(header):
                del response[header]
        response["Content-Type"] = "text/html; charset=utf-8"
        response.content = body
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _user_id(request):
    # Never query for it once the database has failed this request; otherwise the user is
    # usually loaded already (by the view), and loading it costs the session and user rows.
    if getattr(request, "database_unavailable", False) or not hasattr(request, "user"):
        return None
    try:
        user = request.user
        return user.pk if user.is_authenticated else None
    except DatabaseError:
        return None


def _hidden_record(request):
    match = request.resolver_match
    if match is None or "annotations" not in match.namespaces:
        return None
    pk = match.kwargs.get("pk")
    if not isinstance(pk, uuid.UUID):
        return None
    from django.apps import apps

    label = _RECORDS.get(match.route.split("/", 1)[0])
    if label is None:
        return None
    model = apps.get_model(label)
    return label if model._base_manager.filter(pk=pk).exists() else None


class SecurityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            response = service_unavailable(response)
        try:
            self.log(request, response)
        except Exception:  # noqa: BLE001 - logging must never break a response
            logger.exception("security log failed")
        return response

    def log(self, request, response):
        status = response.status_code
        event = getattr(request, "security_event", None)
        level = logging.WARNING
        if event is None:
            if status == 403:
                event = {"event": "authz.denied"}
            elif status == 404:
                label = _hidden_record(request)
                if label is None:
                    return
                event = {"event": "authz.hidden", "record": label}
            elif status == 503:
                event, level = {"event": "server.unavailable"}, logging.ERROR
            elif status >= 500:
                event, level = {"event": "server.error"}, logging.ERROR
            else:
                return
        match = request.resolver_match
        fields = {
            **event,
            "status": status,
            "method": request.method,
            "path": request.path,
            "view": match.view_name if match else None,
            "user": _user_id(request),
            "address": client_address(request),
        }
        logger.log(level, fields["event"], extra=fields)
