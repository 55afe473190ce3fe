"""Read-only mode: the site stays readable while writes are refused with a 503.

The archive is read-only

- for maintenance, while the operator's ``READ_ONLY`` setting is on (``DJANGO_READ_ONLY=1``);
- while its primary database cannot be reached: reads then come from the replica
  (``config.routers``), and every write is answered by :func:`refusal`.

:class:`ReadOnlyMiddleware` refuses a write (POST, PUT, PATCH, DELETE: forms, the admin,
actions) before its view runs, when the archive is read-only or the primary does not accept a
connection now (each write tries it: a write works again as soon as the primary is back, with
no restart); a write whose view finds the primary gone half-way is rolled back by its
transaction and refused the same way. The refusal is a 503 with ``Retry-After`` and a page
that says what happened and holds what the person typed (passwords excepted), ready to send
again. Signed-in readers see a banner meanwhile (:func:`context`).
"""

import math

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.template.loader import render_to_string

from config import routers
from config.middleware import database_unreachable

MAINTENANCE, PRIMARY_DOWN = "maintenance", "primary-down"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Form machinery: sent again, but not shown.
_HIDDEN_FIELDS = {"base_version", "next", "action", "index", "select_across"}


def reason():
    """Why the archive is read-only now (MAINTENANCE or PRIMARY_DOWN), or None."""
    if getattr(settings, "READ_ONLY", False):
        return MAINTENANCE
    if routers.is_down(DEFAULT_DB_ALIAS):
        return PRIMARY_DOWN
    return None


def retry_after(why):
    """Seconds to wait before writing again: whole ones, as Retry-After takes."""
    if why == MAINTENANCE:
        return int(getattr(settings, "READ_ONLY_RETRY_AFTER", 300))
    return max(1, math.ceil(routers.cooldown()))


def typed_fields(post):
    """What the person sent, as (name, values, shown) rows: passwords dropped,
    form machinery (CSRF, version, formset counts, admin selections) kept but not shown."""
    rows = []
    for name, values in post.lists():
        if name == "csrfmiddlewaretoken" or "password" in name.lower():
            continue  # the page carries a fresh token; a password is never written back
        shown = not (
            name in _HIDDEN_FIELDS or name.startswith(("_", "initial-")) or name.endswith("FORMS")
        )
        rows.append((name, values, shown))
    return rows


def refusal(request, why):
    """The 503 answer to a write while the archive is read-only."""
    wait = retry_after(why)
    body = render_to_string(
        "read_only.html",
        {
            "reason": why,
            "retry_after": wait,
            "fields": typed_fields(request.POST) if request.method == "POST" else [],
            "dropped_files": bool(request.method == "POST" and request.FILES),
            "action": request.get_full_path(),
        },
        request=request,
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(wait)
    request.security_event = {"event": "readonly.refused", "reason": why}
    return response


class ReadOnlyMiddleware:
    """Refuse writes with :func:`refusal` while the archive is read-only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS:
            return None
        if getattr(settings, "READ_ONLY", False):
            return refusal(request, MAINTENANCE)
        if not routers.reachable(DEFAULT_DB_ALIAS):
            return refusal(request, PRIMARY_DOWN)
        return None

    def process_exception(self, request, exception):
        if request.method in UNSAFE_METHODS and database_unreachable(exception):
            routers.mark_down(DEFAULT_DB_ALIAS, routers.first_line(exception))
            return refusal(request, PRIMARY_DOWN)
        return None


def context(request):
    """Template context: ``read_only`` is why the archive is read-only now, or None."""
    return {"read_only": reason()}
