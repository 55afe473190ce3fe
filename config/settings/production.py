"""Production settings: the base settings with HTTPS-only cookies, HSTS and proxy SSL.

Run behind a reverse proxy that terminates TLS and sets ``X-Forwarded-Proto: https`` (and
appends the client's address to ``X-Forwarded-For``). Required environment:

DJANGO_SECRET_KEY     50 or more random characters
DJANGO_ALLOWED_HOSTS  the site's host names, comma-separated
DATABASE_URL          postgres://…

Optional: DJANGO_HSTS_SECONDS (default one year), DJANGO_TRUSTED_PROXIES (default 1),
DJANGO_RATELIMIT_* (see base.py), DJANGO_LOG_LEVEL.
"""

import os

os.environ.setdefault("DJANGO_TRUSTED_PROXIES", "1")

from .base import *  # noqa: E402,F403
from .base import ImproperlyConfigured  # noqa: E402

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("config.settings.production must not run with DJANGO_DEBUG on.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS to the site's host names.")

# HTTPS: the proxy terminates TLS and says so; plain HTTP requests are redirected.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host[0] != "."]  # noqa: F405
