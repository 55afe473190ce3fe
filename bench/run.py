#!/usr/bin/env python
"""The performance benchmark: ``make bench`` (see docs/performance.md).

1. Makes sure of the tools and the data: wrk (``apt-get install wrk`` when missing), the
   PostgreSQL database (``archive_perf``: created, migrated and filled with
   ``generate_scale_data`` when it holds no scholarship yet), collected static files.
2. Serves the app with gunicorn (sync workers) on 127.0.0.1 with ``bench.perf_settings``: the
   base settings with debug off, a minimal baseline view and a query-count header.
3. Drives each page with wrk from this machine: throughput with several connections, latency
   with one; samples every worker's resident memory (/proc) and the server's connections
   (``pg_stat_activity``) meanwhile; asks each page once for its SQL query count.
4. Times the services' writes in-process against the write floor (bench/perf_services.py).
5. Writes the figures, the command and the load average into docs/performance.md (between
   the ``bench:results`` markers) and the raw figures to /tmp/archive-bench/results.json.

Baselines measured in the same run: the minimal view (same server, same middleware) and the
reading page's own bytes served as a static file by WhiteNoise (same server).

    .venv/bin/python bench/run.py [--duration 10] [--connections 8] [--workers 3]
"""

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import DOC, write_doc  # noqa: E402  (bench/report.py, beside this script)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WORK = Path("/tmp/archive-bench")
ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
STRESS = "stress-article"
DEFAULT_DATABASE = "postgres://127.0.0.1:5432/archive_perf"
#: Search queries of one to three words: common ones, rarer ones, a name, a Romanian word.
SEARCH_QUERIES = [
    "soviet",
    "romania",
    "the",
    "ultimatum",
    "bessarabia soviet",
    "red army",
    "northern bukovina",
    "molotov ribbentrop pact",
    "soviet union romania",
    "deportations",
    "chisinau",
    "basarabia",
]


def log(message):
    print(message, flush=True)


def env_for(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.pop("CACHE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.perf_settings",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        BENCH_STATICFILES=str(WORK / "staticfiles"),
        BENCH_STATIC_ROOT=str(WORK / "copy"),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(database_url, *args, capture=True):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env_for(database_url),
        capture_output=capture,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout if capture else ""


# ---------------------------------------------------------------------------------------------
# Preparation
# ---------------------------------------------------------------------------------------------


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk is missing: apt-get install -y wrk")
    if os.geteuid() != 0:
        raise SystemExit("Install wrk (Debian: apt-get install wrk) and run again.")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)


def ensure_chromium():
    if Path("/usr/bin/chromium").exists():
        return
    log("Chromium is missing: apt-get install -y chromium")
    if os.geteuid() != 0:
        raise SystemExit("Install Chromium (Debian: apt-get install chromium) and run again.")
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True)


def ensure_database(database_url, scale, reading=500):
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            log(f"Creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    manage(database_url, "migrate", "--noinput")
    with psycopg.connect(database_url) as connection:
        count = connection.execute("SELECT count(*) FROM annotations_annotation").fetchone()[0]
    if count == 0:
        log(f"Generating the scale data (--scale {scale}); this takes a while at scale 1.")
        manage(
            database_url,
            "generate_scale_data",
            "--scale",
            str(scale),
            "--reading",
            str(reading),
            capture=False,
        )
    with psycopg.connect(database_url) as connection:
        stress = connection.execute(
            "SELECT 1 FROM archive_document WHERE slug = %s", [STRESS]
        ).fetchone()
    if not stress:
        log("Adding the stress article (5,000 records of each kind, through the services).")
        manage(database_url, "generate_stress_article", capture=False)


def targets(database_url):
    """What the benchmark asks for (bench/targets.py): ids picked from the data."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "targets.py")],
        cwd=ROOT,
        env=env_for(database_url, BENCH_ENGLISH=ENGLISH, BENCH_STRESS=STRESS),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# The server and what is sampled while it runs
# ---------------------------------------------------------------------------------------------


class Server:
    def __init__(self, database_url, port, workers, **env):
        self.url = f"http://127.0.0.1:{port}"
        self.worker_count = workers
        self.command = [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.env = env_for(database_url, **env)
        self.log = open(WORK / "gunicorn.log", "a")  # noqa: SIM115
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log
        )
        for _ in range(200):
            try:
                with urllib.request.urlopen(self.url + "/bench/minimal/", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            self.__exit__()
            raise SystemExit(f"gunicorn did not start; see {WORK / 'gunicorn.log'}")
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
        self.log.close()

    def workers(self):
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read(), response.headers


def status_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Every 0.2 s: each worker's RSS and the database's connections from the app."""

    def __init__(self, server, database_url):
        super().__init__(daemon=True)
        self.server, self.database_url = server, database_url
        self.rss_kb = 0
        self.connections = 0
        self.stopping = threading.Event()

    def run(self):
        import psycopg

        name = urllib.parse.urlsplit(self.database_url).path.lstrip("/")
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            while not self.stopping.is_set():
                for pid in self.server.workers():
                    self.rss_kb = max(self.rss_kb, status_kb(pid, "VmRSS"))
                count = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid()",
                    [name],
                ).fetchone()[0]
                self.connections = max(self.connections, count)
                self.stopping.wait(0.2)

    def stop(self):
        self.stopping.set()
        self.join(5)


def wrk(server, database_url, path, connections, duration, paths=None):
    env = dict(os.environ)
    if paths:
        listing = WORK / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        env["PATHS"] = str(listing)
    sampler = Sampler(server, database_url)
    sampler.start()
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                # As browsers ask: compressed where the server offers it.
                "-H",
                "Accept-Encoding: gzip, deflate",
                "-s",
                str(ROOT / "bench" / "perf_wrk.lua"),
                server.url + path,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        sampler.stop()
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line[6:])
    figures["rps"] = figures["requests"] / figures["seconds"]
    figures["wire_bytes"] = figures["bytes"] / max(figures["requests"], 1)
    figures["rss_mb"] = sampler.rss_kb / 1024
    figures["db_connections"] = sampler.connections
    if figures["non_2xx"] or figures["errors"]:
        log(f"  ! {path}: {figures['non_2xx']} non-2xx answers, {figures['errors']} errors")
    return figures


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def measure(server, database_url, name, path, connections, duration, results, paths=None):
    for _ in range(2 * server.worker_count):  # warm every worker, and fill the cache
        server.get(path if not paths else paths[0])
    # The queries of a request like those measured (after the cache was filled).
    body, headers = server.get(path if not paths else paths[0])
    queries = headers.get("X-Bench-Queries")
    figures = wrk(server, database_url, path, connections, duration, paths=paths)
    figures.update(
        name=name,
        path=path if not paths else f"{len(paths)} queries in turn",
        connections=connections,
        queries=int(queries) if queries is not None else None,
        page_bytes=len(body),
    )
    results.append(figures)
    log(
        f"  {name:<38} c={connections:<2} {figures['rps']:8.1f} req/s  "
        f"p50 {figures['p50_ms']:7.2f}  p95 {figures['p95_ms']:7.2f}  "
        f"p99 {figures['p99_ms']:7.2f} ms"
        f"  {figures['queries']} queries  {figures['page_bytes']:,} B  "
        f"RSS {figures['rss_mb']:.0f} MB  {figures['db_connections']} conns"
    )
    return figures


def run(options):
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "gunicorn.log").write_text("")
    database_url = options.database_url
    ensure_wrk()
    ensure_chromium()
    ensure_database(database_url, options.scale, options.reading)
    manage(database_url, "collectstatic", "--noinput", "-v0")
    data = targets(database_url)
    log(f"Data: {data['annotations']:,} annotations, {data['versions']:,} versions.")
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    results = []
    static = save_static_copy(options, data["reading"])
    pages_with_locmem(options, data, static, results)
    if not options.skip_redis:
        pages_with_redis(options, data, results)
    pages_with_pool(options, data, results)
    browser = in_chromium(options, data)
    writes = service_writes(options)
    summary = {
        "started": started.isoformat(timespec="seconds"),
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        "workers": options.workers,
        "connections": options.connections,
        "duration": options.duration,
        "data": data,
        "pages": results,
        "writes": writes,
        "browser": browser,
        "command": " ".join(["bench/run.py", *sys.argv[1:]]),
    }
    (WORK / "results.json").write_text(json.dumps(summary, indent=2))
    if not options.no_doc:
        write_doc(summary)
    log(f"Figures in {WORK / 'results.json'}" + ("" if options.no_doc else f" and {DOC}"))


def save_static_copy(options, reading):
    """The reading page's bytes, saved where WhiteNoise serves them (it looks at start-up),
    with the gzip variant WhiteNoise sends to clients that accept it, as the app does."""
    copy = WORK / "copy" / "bench-copy"
    copy.mkdir(parents=True, exist_ok=True)
    with Server(options.database_url, options.port, options.workers) as server:
        server.get(reading)
        page, _ = server.get(reading)
    (copy / "reading.html").write_bytes(page)
    (copy / "reading.html.gz").write_bytes(gzip.compress(page, compresslevel=6, mtime=0))
    return "/bench-copy/reading.html"


def pages_with_locmem(options, data, static, results):
    log(f"Server: gunicorn, {options.workers} sync workers, locmem cache, persistent connections")
    duration, conns, reading = options.duration, options.connections, data["reading"]
    with Server(options.database_url, options.port, options.workers) as server:
        args = (server, options.database_url)
        measure(*args, "minimal view", "/bench/minimal/", conns, duration, results)
        measure(*args, "reading page as a static file", static, conns, duration, results)
        measure(*args, "reading view, anonymous, cached", reading, conns, duration, results)
        uncached = reading + "?uncached=1"  # a query string is never served from the cache
        measure(*args, "reading view, uncached", uncached, 1, duration, results)
        measure(*args, "reading view, uncached", uncached, conns, duration, results)
        reading_room(args, data, duration, results)
        history, versions = data["history_typical"]
        measure(*args, f"history, {versions} versions", history, 1, duration, results)
        history, versions = data["history_most"]
        measure(*args, f"history, {versions} versions", history, 1, duration, results)
        queries = ["/search/?" + urllib.parse.urlencode({"q": q}) for q in SEARCH_QUERIES]
        for path in queries[:3]:
            measure(*args, f"search {path[11:]}", path, 1, max(3, duration // 2), results)
        measure(*args, "search, 12 queries in turn", queries[0], 1, duration, results, queries)


def pages_with_redis(options, data, results):
    log("Server: the same, with the shared Redis cache (CACHE_URL)")
    redis_env = {
        "CACHE_URL": options.redis_url,
        "DJANGO_CACHE_KEY_PREFIX": f"archive-bench-{os.getpid()}",
    }
    duration, conns = options.duration, options.connections
    with Server(options.database_url, options.port, options.workers, **redis_env) as server:
        args = (server, options.database_url)
        measure(*args, "minimal view (Redis config)", "/bench/minimal/", conns, duration, results)
        measure(*args, "reading view, cached in Redis", data["reading"], conns, duration, results)


def pages_with_pool(options, data, results):
    log("Server: the same, with a psycopg pool of 2 per worker (DJANGO_DB_POOL_MAX=2)")
    path = data["reading"] + "?pool=1"
    with Server(
        options.database_url, options.port, options.workers, DJANGO_DB_POOL_MAX=2
    ) as server:
        args = (server, options.database_url)
        measure(*args, "reading view, uncached, pool", path, options.connections,
                options.duration, results)  # fmt: skip


def in_chromium(options, data):
    """Both articles in Chromium under 4x CPU throttling (bench/browser_reading.py), or None
    when the browser could not be run (said in the log)."""
    log("Chromium: both articles under 4x CPU throttling")
    with Server(options.database_url, options.port, options.workers) as server:
        browser = subprocess.run(
            [
                PYTHON,
                str(ROOT / "bench" / "browser_reading.py"),
                server.url + data["reading"],
                server.url + data["stress"],
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    if browser.returncode:
        log(f"  ! the browser measurement failed:\n{browser.stdout}{browser.stderr}")
        return None
    line = next(x for x in browser.stdout.splitlines() if x.startswith("BENCH "))
    figures = json.loads(line[6:])
    log(f"  {figures}")
    return figures


def service_writes(options):
    """The services' writes against the write floor, in-process (bench/perf_services.py)."""
    log("Service writes (in-process, PostgreSQL), against the floor")
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "perf_services.py"), "--rounds", str(options.writes)],
        cwd=ROOT,
        env=env_for(options.database_url),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    writes = json.loads(next(x for x in out.splitlines() if x.startswith("BENCH "))[6:])
    for phase in ("synchronous_commit_on", "synchronous_commit_off"):
        for name, figures in writes[phase].items():
            log(
                f"  {phase} {name}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"over the floor {figures.get('overhead_p50_ms', 0)} ms"
            )
    return writes


# ---------------------------------------------------------------------------------------------
# docs/performance.md
# ---------------------------------------------------------------------------------------------


def reading_room(args, data, duration, results):
    """The reading room's own figures (issue 14): cold and one-changed pages of both articles,
    the stress article from the page cache, a panel carrying about 100 records, passage pages.
    ``?cold=1`` and ``?changed=`` are the benchmark's cache hooks (bench/perf_app.py)."""
    english, stress = data["reading"], data["stress"]
    changed = f"?changed={data['changed']}"
    measure(*args, "reading view, all caches empty", english + "?cold=1", 1, duration, results)
    measure(*args, "reading view, one passage changed", english + changed, 1, duration, results)
    measure(*args, "stress article, anonymous, cached", stress, args[0].worker_count * 2 + 2,
            duration, results)  # fmt: skip
    measure(*args, "stress article, uncached", stress + "?uncached=1", 1, duration, results)
    measure(*args, "stress article, all caches empty", stress + "?cold=1", 1, duration, results)
    path, items = data["hundred"]
    measure(*args, f"panel, passage with {items} records", path + "panel/", 1, duration, results)
    measure(*args, f"passage page, {items} records", path, 1, duration, results)
    path, items = data["typical_passage"]
    measure(*args, f"passage page, {items} records (median)", path, 1, duration, results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--writes", type=int, default=300, help="rounds of service writes")
    parser.add_argument("--scale", type=float, default=1.0, help="if the data must be made")
    parser.add_argument(
        "--reading",
        type=int,
        default=500,
        help="records of each kind on the English article, if the data must be made",
    )
    parser.add_argument("--skip-redis", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/performance.md alone")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
