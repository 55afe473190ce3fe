"""A throwaway PostgreSQL primary and hot standby, and the archive served from them.

Used by ``tests/test_replica_standby.py`` and ``bench/replica.py``. :class:`Pair` makes both
servers in a temporary folder with the machine's PostgreSQL binaries: ``initdb`` for the
primary, then ``pg_basebackup -R`` (streaming replication) for the standby, each on a free
port of 127.0.0.1 with its socket in the folder. They run as the ``postgres`` user when this
runs as root (``initdb`` refuses root; CI runs as root). :meth:`Pair.remove` stops them and
deletes the folder; the machine's own cluster (port 5432) is never touched.

Each server logs every statement (``log_statement=all``), so :meth:`Server.statements_since`
counts the queries a request sent to it.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402
    PASSWORD,
    PYTHON,
    Client,
    hidden_value,
    server_env,
    start_gunicorn,
    stop,
)

__all__ = [
    "PASSWORD",
    "Client",
    "hidden_value",
    "stop",
    "Pair",
    "Server",
    "public_pages",
    "start_app",
]

DATABASE = "archive"
EN = "soviet-occupation-of-bessarabia-and-northern-bukovina"
RO = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"


def public_pages():
    """Every public page type: name -> path (the articles' and demo's records)."""
    return {
        "home": "/",
        "document list": "/documents/",
        "reading page": f"/documents/{EN}/",
        "passage page": f"/documents/{EN}/p-1/",
        "compare page": f"/documents/{RO}/compare/",
        "references": "/references/",
        "links": "/links/",
        "annotations": "/annotations/",
        "flags": "/flags/",
        "search": "/search/?q=Bessarabia",
        "JSON-LD export": f"/documents/{EN}/annotations.jsonld",
        "CSL export": "/references.json",
        "BibTeX export": "/references.bib",
        "JSON export": "/documents.json",
        "OAI-PMH": "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
        "API page": "/api/",
    }


def postgres_bin():
    """The newest of the machine's PostgreSQL versions (/usr/lib/postgresql/N/bin)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    return found[-1].parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_as_server_user(*command):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, *map(str, command)], check=True, capture_output=True, text=True, timeout=120
    )


class Server:
    """One PostgreSQL server of the pair: its data folder, port and statement log."""

    def __init__(self, name, root, bin_dir):
        self.name = name
        self.root = root
        self.bin = bin_dir
        self.data = root / name
        self.log = root / f"{name}.log"
        self.port = free_port()

    @property
    def url(self):
        return f"postgres://root@127.0.0.1:{self.port}/{DATABASE}"

    def pg_ctl(self, *args):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c log_statement=all -c fsync=off"
        )
        return run_as_server_user(
            self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", *args
        )

    def start(self):
        self.pg_ctl("start")

    def stop(self):
        self.pg_ctl("stop", "-m", "fast")

    @property
    def running(self):
        return (self.data / "postmaster.pid").exists()

    def log_size(self):
        return self.log.stat().st_size if self.log.exists() else 0

    def statements_since(self, offset):
        """How many statements the server ran since the log had ``offset`` bytes."""
        with open(self.log, "rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", "replace")
        return sum(
            1
            for line in text.splitlines()
            if "LOG:  statement: " in line or ("LOG:  execute " in line and ": " in line)
        )


class Pair:
    """A primary and its hot standby in a temporary folder (see the module's docstring)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="archive-replica-"))
        bin_dir = postgres_bin()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary = Server("primary", self.root, bin_dir)
        self.standby = Server("standby", self.root, bin_dir)

    def create(self):
        """initdb and start the primary, create the database; the standby comes after the
        data is loaded (:meth:`add_standby`), so that its copy includes it."""
        run_as_server_user(
            self.primary.bin / "initdb", "-D", self.primary.data, "-U", "root",
            "--auth=trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self.primary.start()
        self.sql(self.primary, f'CREATE DATABASE "{DATABASE}"', database="postgres")

    def add_standby(self):
        run_as_server_user(
            self.standby.bin / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary.port,
            "-U", "root", "-D", self.standby.data, "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        self.standby.start()

    def sql(self, server, statement, params=None, database=DATABASE):
        """Run one statement on ``server``; its rows."""
        import psycopg

        url = f"postgres://root@127.0.0.1:{server.port}/{database}"
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def manage(self, *args):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=server_env(self.primary.url),
            check=True,
            capture_output=True,
            text=True,
        )

    def remove(self):
        for server in (self.standby, self.primary):
            if server.running:
                with contextlib.suppress(subprocess.CalledProcessError):
                    server.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class SilentServer:
    """A port of 127.0.0.1 that accepts connections and never answers: a hung server, or one
    behind a network that drops its replies."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)  # the kernel completes the handshakes; nothing reads
        self.port = self.socket.getsockname()[1]

    @property
    def url(self):
        return f"postgres://root@127.0.0.1:{self.port}/{DATABASE}"

    def close(self):
        self.socket.close()


def start_app(pair, port, log=None, replica_url=None, **env):
    """gunicorn (one worker: one process's view of the servers) on ``pair``."""
    return start_gunicorn(
        pair.primary.url,
        port,
        workers=1,
        log=log,
        DATABASE_REPLICA_URL=replica_url or pair.standby.url,
        **env,
    )


def wait_until(check, seconds=10.0, step=0.05):
    """Call ``check`` until it is true or ``seconds`` pass; its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)
