"""Settings read from the environment; no local settings file is needed.

DATABASE_URL          database (default: the SQLite file db.sqlite3 in the project)
DJANGO_SECRET_KEY     required when DJANGO_DEBUG is off
DJANGO_DEBUG          1/true/yes/on to enable debug mode (default: off)
DJANGO_ALLOWED_HOSTS  comma-separated host names (default with debug: localhost, 127.0.0.1)
EMAIL_URL             where mail goes (see "Mail" below)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DJANGO_DEBUG"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    "config.admin.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "reversion",
    "reversion_compare",
    "archive",
    "annotations",
    "search",
    "exports",
    "alignment",
    "reading",
    "people",
    "devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Pages of annotations and collections that also answer W3C JSON-LD (Accept).
    "exports.negotiation.W3CNegotiationMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

#: The search's words table is derived data, left out of dumpdata (search/routers.py); a
#: replica adds its router below.
DATABASE_ROUTERS = ["search.routers.DerivedDataRouter"]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins, so concurrent edits queue up
    # instead of failing half-way; WAL lets readers carry on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotations:my-annotations"
LOGOUT_REDIRECT_URL = "archive:home"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Mail: password reset and invitations (docs/operations.md, "Mail").
#
# EMAIL_URL                 smtp://USER:PASSWORD@HOST:587 (STARTTLS), smtps://…@HOST:465,
#                           console:, locmem:, file:///folder or dummy:; or Django's own names
#                           (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
#                           EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_BACKEND). Unset: the console
#                           (mails appear in the terminal of `make run`) with debug on, and no
#                           mail with it off (invitations then show their link to copy)
# DJANGO_DEFAULT_FROM_EMAIL the sender of the site's mails
# ---------------------------------------------------------------------------
from config.mail import email_settings  # noqa: E402

globals().update(email_settings(debug=DEBUG))  # EMAIL_BACKEND, EMAIL_HOST…
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Bessarabia 1940 Archive <archive@localhost>"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# ---------------------------------------------------------------------------
# Security: Content Security Policy, headers, abuse limits, logging, database timeouts.
# (Hardening; production-only values such as HSTS and secure cookies are in production.py.)
# ---------------------------------------------------------------------------
from csp.constants import NONE, SELF  # noqa: E402

from config.logging import logging_config  # noqa: E402
from config.ratelimit import parse_rate  # noqa: E402

INSTALLED_APPS += ["csp"]
# The policy goes on every response, static files and error pages included; the security log
# sits just inside it so that it sees the final status of each response.
MIDDLEWARE.insert(1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(2, "config.middleware.SecurityLogMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "config.ratelimit.RateLimitMiddleware",
)

# No inline script or style anywhere (templates link static/css and static/js only).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Abuse limits: "COUNT/PERIOD" (period in s, m or h) per scope and key, counted in the cache.
# "login" counts every POST to a login, password-change or password-reset form and to an
# invitation's accept page, by client address and by the username tried; "write" counts every
# POST (or PUT/PATCH/DELETE) to the scholarly, people and admin views, by signed-in user and by
# address. Over the limit: 429 and templates/429.html.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
RATELIMIT_ENABLED = env_bool("DJANGO_RATELIMIT_ENABLED", default=True)
RATELIMIT_CACHE = "default"
RATELIMITS = {
    "login": {
        "address": parse_rate(os.environ.get("DJANGO_RATELIMIT_LOGIN_ADDRESS", "10/5m")),
        "user": parse_rate(os.environ.get("DJANGO_RATELIMIT_LOGIN_USER", "20/15m")),
    },
    "write": {
        "address": parse_rate(os.environ.get("DJANGO_RATELIMIT_WRITE_ADDRESS", "300/1m")),
        "user": parse_rate(os.environ.get("DJANGO_RATELIMIT_WRITE_USER", "60/1m")),
    },
}
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
RATELIMIT_TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))

# Structured (JSON lines) logs: server errors, denied authorizations, rate-limit refusals.
LOGGING = logging_config(os.environ.get("DJANGO_LOG_LEVEL", "WARNING"))

# A database that is down answers quickly (503) instead of hanging; connections that died are
# replaced at the start of the next request (CONN_HEALTH_CHECKS, set above).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3"))
    )
    # No parallel query plans for the site's short queries: on two cores PostgreSQL chose a
    # parallel sequential scan of 30,000 passages over their document index, and the reading
    # view's annotations took 32 ms instead of 1.5 ms (docs/performance.md, "Reading view").
    # DJANGO_DB_PARALLEL_WORKERS sets max_parallel_workers_per_gather (PostgreSQL's default: 2).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        "-c max_parallel_workers_per_gather="
        + str(int(os.environ.get("DJANGO_DB_PARALLEL_WORKERS", "0"))),
    )

# ---------------------------------------------------------------------------
# Performance and scaling out: a shared cache, database connections, a read replica.
# (docs/performance.md; docs/operations.md, "Scaling out".)
#
# CACHE_URL or REDIS_URL    redis://host:6379/0 puts the cache (rate limits, reading pages) in
#                           Redis, shared by every process and server; unset: each process
#                           keeps its own in memory (locmem)
# DJANGO_CACHE_KEY_PREFIX   prefix of every cache key (change it to drop old pages on deploy)
# DJANGO_READING_CACHE_SECONDS  how long an anonymous reading page stays cached (0: off)
# DJANGO_CONN_MAX_AGE       seconds a worker keeps its database connection (default 60)
# DJANGO_DB_POOL_MAX        PostgreSQL: a psycopg pool of at most this many connections per
#                           process instead of one persistent connection
# DATABASE_REPLICA_URL      a read replica: anonymous GET requests read from it, and signed-in
#                           ones while the primary is down (docs/operations.md, "Faults")
# DJANGO_DB_REPLICA_CONNECT_TIMEOUT  seconds before an unreachable replica is skipped (2)
# DJANGO_DB_COOLDOWN        seconds a server that failed stays out of rotation (30)
# DJANGO_DB_REPLICA_MAX_LAG seconds of replication lag past which the replica is skipped
# DJANGO_READ_ONLY          1: maintenance, every write answers 503 (Retry-After:
#                           DJANGO_READ_ONLY_RETRY_AFTER, 300 s)
# ---------------------------------------------------------------------------
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "archive")
READING_CACHE_SECONDS = int(os.environ.get("DJANGO_READING_CACHE_SECONDS", "3600"))


def cache_settings(url, alias, **extra):
    """A CACHES entry from a URL: redis:// (or rediss://, unix://) or locmem: (the default)."""
    if not url or url.startswith("locmem:"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:{alias}",
            **extra,
        }
    raise ImproperlyConfigured(f"CACHE_URL: unknown cache {url.split(':')[0]!r} (redis://…)")


CACHES = {
    "default": cache_settings(CACHE_URL, "default"),
    # Rendered anonymous reading views, keyed on the document's change counter.
    "pages": {
        **cache_settings(CACHE_URL, "pages"),
        "TIMEOUT": READING_CACHE_SECONDS,
        **({} if CACHE_URL else {"OPTIONS": {"MAX_ENTRIES": 100}}),
    },
    # The reading room's passage fragments, keyed on each passage's change counter.
    "fragments": {
        **cache_settings(CACHE_URL, "fragments"),
        "TIMEOUT": 7 * 24 * 3600,
        **({} if CACHE_URL else {"OPTIONS": {"MAX_ENTRIES": 50_000}}),
    },
}

DATABASES["default"]["CONN_MAX_AGE"] = int(
    os.environ.get("DJANGO_CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get(
    "DJANGO_DB_POOL_MAX"
):
    # One pool per process; Django returns the connection to it after each request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # required with a pool
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ["DJANGO_DB_POOL_MAX"]),
        "timeout": 10,
    }

# Read-only mode (config/readonly.py): the site stays readable and every write answers 503,
# for maintenance (DJANGO_READ_ONLY=1) or while the primary database is down.
READ_ONLY = env_bool("DJANGO_READ_ONLY")
READ_ONLY_RETRY_AFTER = int(os.environ.get("DJANGO_READ_ONLY_RETRY_AFTER", "300"))
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
    "config.readonly.ReadOnlyMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("config.readonly.context")
# A server that failed stays out of rotation this long (config/routers.py).
DATABASE_COOLDOWN_SECONDS = float(os.environ.get("DJANGO_DB_COOLDOWN", "30"))
# A replica further behind than this (seconds) is out of rotation; unset: no lag check.
DATABASE_REPLICA_MAX_LAG = (
    float(os.environ["DJANGO_DB_REPLICA_MAX_LAG"])
    if os.environ.get("DJANGO_DB_REPLICA_MAX_LAG")
    else None
)

if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that does not answer is skipped for the primary after this many seconds:
        # 2, the shortest libpq and psycopg allow (they take 1 as 2).
        timeout = int(os.environ.get("DJANGO_DB_REPLICA_CONNECT_TIMEOUT", "2"))
        DATABASES["replica"]["OPTIONS"]["connect_timeout"] = timeout
        if "pool" in DATABASES["replica"]["OPTIONS"]:
            DATABASES["replica"]["OPTIONS"]["pool"] = {
                **DATABASES["replica"]["OPTIONS"]["pool"],
                "timeout": timeout,
            }
    DATABASE_ROUTERS.append("config.routers.ReplicaRouter")
    MIDDLEWARE.insert(0, "config.routers.ReplicaMiddleware")
