"""Settings for the test suite: the base settings with a fixed key and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Abuse limits stay on but out of the way of the suite; tests of the limits set their own.
RATELIMITS = {  # noqa: F405
    scope: {kind: parse_rate("100000/1m") for kind in ("address", "user")}  # noqa: F405
    for scope in ("login", "write")
}
