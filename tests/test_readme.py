"""Every ``manage.py`` command in the README's code blocks works when copied as written.

Each runs in a subprocess, in order, with the environment of a fresh shell (no ``DJANGO_*``
variables: ``make`` is not there to set ``DJANGO_DEBUG``), on a scratch SQLite database that
first gets what ``make run`` gives it (migrate, the articles and demo fixtures, their first
versions). ``.venv/bin/python`` is this interpreter. The one interactive command,
``createsuperuser``, gets its answers from Django's ``DJANGO_SUPERUSER_*`` variables and
``--noinput``; nothing else is changed.
"""

import os
import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import ROOT

BLOCK = re.compile(r"^```(?:sh|bash|console)\n(.*?)^```", re.S | re.M)
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def readme_commands(text):
    """The ``manage.py`` command lines of the shell blocks: continuations joined, comments cut."""
    commands = []
    for block in BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if any(word.endswith("manage.py") for word in words):
                commands.append(words)
    return commands


def run(words, env):
    assignments = {}
    while words and ASSIGNMENT.match(words[0]):
        name, value = words[0].split("=", 1)
        assignments[name] = value
        words = words[1:]
    if words[0].endswith("python"):
        words = [sys.executable, *words[1:]]
    if "createsuperuser" in words:
        words = [*words, "--noinput"]
    return subprocess.run(
        words,
        cwd=ROOT,
        env={**env, **assignments},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def fresh_shell(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "PYTEST_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.update(
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_EMAIL="admin@example.org",
        DJANGO_SUPERUSER_PASSWORD="a-long-passphrase-7",
    )
    return env


def test_the_readme_has_the_commands_an_operator_needs():
    names = {" ".join(words[2:4]) for words in readme_commands((ROOT / "README.md").read_text())}
    assert any(name.startswith("createsuperuser") for name in names), names
    assert any(name.startswith("import_article") for name in names), names


@pytest.mark.slow
def test_every_manage_py_command_in_the_readme_runs_as_written(fresh_shell):
    python = [sys.executable, "manage.py"]
    for setup in (
        ["migrate", "--noinput", "-v0"],
        ["loaddata", "articles", "demo", "-v0"],
        ["record_initial_versions", "-v0"],
    ):
        result = run([*python, *setup], fresh_shell)
        assert result.returncode == 0, result.stderr
    commands = readme_commands((ROOT / "README.md").read_text())
    assert commands
    for words in commands:
        result = run(words, fresh_shell)
        assert result.returncode == 0, f"{shlex.join(words)}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr


def test_manage_py_without_debug_still_needs_a_secret_key(fresh_shell):
    result = run([sys.executable, "manage.py", "check"], {**fresh_shell, "DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_wsgi_refuses_to_start_without_a_secret_key(fresh_shell):
    probe = "import config.wsgi"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=fresh_shell, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    production = {**fresh_shell, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=production, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
