"""Settings of the benchmark server (bench/run.py): the production-like base settings with
debug off, plus three things only a benchmark needs, none of them reachable in production:

- ``/bench/minimal/``: the smallest Django view, behind the same middleware, as a baseline;
- ``BENCH_STATIC_ROOT``: a directory WhiteNoise serves at the site root, where the benchmark
  saves a rendered page to measure the same bytes served as a static file;
- a response header counting the SQL queries of each request (``X-Bench-Queries``);
- ``?cold=1`` and ``?changed=<passage id>``, which empty the fragment cache or bump one
  passage's change counter before the view (``bench.perf_app.CacheHooksMiddleware``).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_DEBUG", "0")

from config.settings.base import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.perf_app"
MIDDLEWARE = [
    "bench.perf_app.QueryCountMiddleware",
    "bench.perf_app.CacheHooksMiddleware",
    *MIDDLEWARE,  # noqa: F405
]

STATIC_ROOT = os.environ.get("BENCH_STATICFILES", "/tmp/archive-bench/staticfiles")
WHITENOISE_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/archive-bench/copy")
# Quiet logs: a benchmark's hundreds of thousands of requests are not worth a line each.
LOGGING = logging_config("ERROR")  # noqa: F405
