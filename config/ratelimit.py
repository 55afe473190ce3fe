"""Cache-backed abuse limits: login attempts and writes, per client address and per user.

A fixed-window counter per (scope, key, window) in Django's cache framework: ``cache.add``
starts a window, ``cache.incr`` counts in it (atomic in locmem, Redis and Memcached). Limits
come from ``settings.RATELIMITS``; over a limit the request is not processed and answers 429
with ``templates/429.html`` and a ``Retry-After`` header.

With the default local-memory cache each server process counts on its own; point
``CACHES["default"]`` at Redis to share the counters between processes.
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string

logger = logging.getLogger("archive.security")

#: Views whose POSTs are login attempts (the username field is counted too); accepting an
#: invitation signs in, so it is counted as one, and a password reset sends mail.
LOGIN_VIEWS = {
    "login",
    "admin:login",
    "password_change",
    "admin:password_change",
    "people:invitation-accept",
    "password_reset",
}
#: URL namespaces whose unsafe requests are writes.
WRITE_NAMESPACES = {"annotations", "exports", "alignment", "search", "admin", "people"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self):
        return f"{self.count}/{self.seconds}s"


def parse_rate(text):
    """``"10/5m"`` → Rate(10, 300). Accepts a bare number of seconds or s, m, h, d."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*", text or "")
    if not match:
        raise ValueError(f"Bad rate {text!r}: expected COUNT/PERIOD, e.g. 10/5m")
    count, number, unit = match.groups()
    seconds = int(number or 1) * _UNITS[unit or "s"]
    if seconds <= 0:
        raise ValueError(f"Bad rate {text!r}: the period must be positive")
    return Rate(int(count), seconds)


def client_address(request):
    """The client's address: REMOTE_ADDR, or the entry the trusted proxies appended."""
    proxies = getattr(settings, "RATELIMIT_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(value):
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def hit(scope, kind, ident, rate, now=None):
    """Count one request; return seconds until the window ends if over the limit, else 0."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = f"rl:{scope}:{kind}:{_digest(ident)}:{window}"
    cache = caches[getattr(settings, "RATELIMIT_CACHE", "default")]
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        return max(1, int((window + 1) * rate.seconds - now) + 1)
    return 0


def scope_of(request):
    """The scope counted for this request: login, write, or None."""
    match = request.resolver_match
    if match is None or request.method not in UNSAFE_METHODS:
        return None
    if match.view_name in LOGIN_VIEWS:
        return "login"
    if set(match.namespaces) & WRITE_NAMESPACES:
        return "write"
    return None


def keys_for(scope, request):
    """(kind, identity) pairs counted for this request."""
    keys = [("address", client_address(request))]
    if scope == "login":
        username = request.POST.get("username", "")
        if username:
            keys.append(("user", username.strip().lower()))
        elif request.user.is_authenticated:  # password change
            keys.append(("user", f"id:{request.user.pk}"))
    elif request.user.is_authenticated:
        keys.append(("user", f"id:{request.user.pk}"))
    return keys


def too_many_requests(request, scope, retry_after):
    from django.http import HttpResponse

    body = render_to_string(
        "429.html", {"scope": scope, "retry_after": retry_after}, request=request
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Refuse login attempts and writes over the configured rates with 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "RATELIMIT_ENABLED", True):
            return None
        scope = scope_of(request)
        if scope is None:
            return None
        limits = settings.RATELIMITS.get(scope, {})
        retry_after = 0
        refused_by = []
        for kind, ident in keys_for(scope, request):
            rate = limits.get(kind)
            if rate is None:
                continue
            wait = hit(scope, kind, ident, rate)
            if wait:
                refused_by.append(kind)
                retry_after = max(retry_after, wait)
        if not refused_by:
            return None
        request.security_event = {
            "event": "ratelimit.refused",
            "scope": scope,
            "limit": ",".join(refused_by),
            "retry_after": retry_after,
        }
        return too_many_requests(request, scope, retry_after)
