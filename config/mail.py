"""Mail settings from one URL (``EMAIL_URL``) or from Django's own setting names.

A dozen lines of ``urllib.parse`` rather than a dependency: the one small package for this
(dj-email-url) has had no release since 2022, and django-environ would bring a second way of
reading every other setting.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
DUMMY = BACKENDS["dummy"]


def parse_email_url(url):
    """``smtp://user:password@host:587`` → Django's EMAIL_* settings.

    ``smtp`` and ``submission`` use STARTTLS (``?tls=0`` turns it off), ``smtps`` TLS from
    the start (port 465 by default); ``console:``, ``locmem:``, ``dummy:`` and
    ``file:///folder`` name the other backends. User and password are percent-decoded.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {scheme!r} (smtp, smtps, console, locmem, file, dummy)"
        )
    settings = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        settings["EMAIL_FILE_PATH"] = unquote(parts.path)
    if scheme not in ("smtp", "smtps", "submission"):
        return settings
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    ssl = scheme == "smtps"
    try:
        port = parts.port or (465 if ssl else 587)
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL: {error}") from None
    settings.update(
        EMAIL_HOST=parts.hostname or "localhost",
        EMAIL_PORT=port,
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_SSL=ssl,
        EMAIL_USE_TLS=not ssl and query.get("tls", "1") not in ("0", "false", "no", "off"),
    )
    if "timeout" in query:
        settings["EMAIL_TIMEOUT"] = int(query["timeout"])
    return settings


def email_settings(environ=None, debug=False):
    """EMAIL_URL if set; else Django's names (EMAIL_BACKEND, EMAIL_HOST…) if any is set; else
    the console backend with debug on and no mail at all (the dummy backend) with it off."""
    environ = os.environ if environ is None else environ
    if environ.get("EMAIL_URL", "").strip():
        return parse_email_url(environ["EMAIL_URL"])
    names = {
        "EMAIL_BACKEND": str,
        "EMAIL_HOST": str,
        "EMAIL_PORT": int,
        "EMAIL_HOST_USER": str,
        "EMAIL_HOST_PASSWORD": str,
        "EMAIL_USE_TLS": _flag,
        "EMAIL_USE_SSL": _flag,
        "EMAIL_TIMEOUT": int,
        "EMAIL_FILE_PATH": str,
    }
    given = {name: kind(environ[name]) for name, kind in names.items() if environ.get(name)}
    if given:
        if "EMAIL_HOST" in given:
            given.setdefault("EMAIL_BACKEND", BACKENDS["smtp"])
        return given
    return {"EMAIL_BACKEND": BACKENDS["console"] if debug else DUMMY}


def _flag(value):
    return value.strip().lower() in {"1", "true", "yes", "on"}
