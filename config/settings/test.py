"""Settings for the test suite: the base settings with a fixed key and fast hashing."""

import os
import tempfile

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

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server's threads then get connections of their own, so
    # browser and HTTP tests can race real writers as in production. One file per test run,
    # so that runs side by side do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"archive-test-{os.getpid()}.sqlite3")
    }

# A second alias on the same database, as a read replica would be (config/routers.py). Nothing
# is routed to it unless a test enables the router (tests/test_router.py). A real replica
# (DATABASE_REPLICA_URL: the app under tests/test_replica_standby.py) is kept.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **DATABASES["default"],  # noqa: F405
        "TEST": {**DATABASES["default"].get("TEST", {}), "MIRROR": "default"},  # noqa: F405
    }
