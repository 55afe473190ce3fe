"""Application code uses Django's and django-reversion's public APIs only.

A name that starts with one underscore is private to the library that defines it: it can change
in any release without notice. This test reads the application's modules (not tests, not
migrations) and fails on

- ``from django… import _x`` or ``from reversion… import _x``;
- ``obj._x`` (read or written) and ``getattr(obj, "_x")`` / ``setattr`` / ``hasattr`` /
  ``__dict__.pop("_x")`` where ``_x`` is a private name of Django or django-reversion (a name
  they define, found in their source) that the application does not define itself.

Django documents a few underscored names as public API: ``_meta`` (the Model ``_meta`` API),
``_default_manager`` and ``_base_manager`` (managers) and ``_state`` (model instances).
"""

import ast
import re
import sys
from pathlib import Path

import django
import reversion

ROOT = Path(__file__).resolve().parent.parent
APPS = ("archive", "annotations", "search", "exports", "alignment", "reading", "config", "devdata")
LIBRARIES = ("django", "reversion")
#: Underscored names that Django documents as public.
DOCUMENTED = {"_meta", "_default_manager", "_base_manager", "_state"}

#: An underscored identifier, wherever it stands (defined, read, or named in a string).
PRIVATE_NAME = re.compile(r"\b_[A-Za-z0-9]\w*")


def is_private(name):
    return name.startswith("_") and not name.startswith("__") and name not in DOCUMENTED


def library_private_names():
    """Every private name in Django's or django-reversion's source."""
    names = set()
    for package in (django, reversion):
        for path in Path(package.__file__).parent.rglob("*.py"):
            names.update(PRIVATE_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return {name for name in names if is_private(name)}


def application_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def own_private_names(trees):
    """Private names the application defines itself (its own helpers and attributes)."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in {"self", "cls"}
            ):
                names.add(node.attr)
    return {name for name in names if is_private(name)}


def string_argument(call):
    """The private name a call like ``getattr(obj, "_x")`` or ``d.pop("_x")`` names, if any."""
    func = call.func
    named = (isinstance(func, ast.Name) and func.id in {"getattr", "setattr", "hasattr"}) or (
        isinstance(func, ast.Attribute) and func.attr in {"pop", "get", "setdefault"}
    )
    for arg in call.args[:2] if named else ():
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None


def offences(path, tree, private):
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in LIBRARIES:
            for alias in node.names:
                if is_private(alias.name):
                    yield f"{where}:{node.lineno}: imports {alias.name} from {node.module}"
        elif isinstance(node, ast.Attribute) and node.attr in private:
            verb = "assigns" if isinstance(node.ctx, ast.Store | ast.Del) else "reads"
            yield f"{where}:{node.lineno}: {verb} .{node.attr}"
        elif isinstance(node, ast.Call) and string_argument(node) in private:
            yield f"{where}:{node.lineno}: names {string_argument(node)!r}"


def find_offences(paths):
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in paths}
    private = library_private_names() - own_private_names(trees.values())
    return [found for path, tree in trees.items() for found in offences(path, tree, private)]


def test_application_code_uses_no_private_name_of_django_or_reversion():
    found = find_offences(list(application_modules()))
    assert not found, "Private names of Django or django-reversion in application code:\n" + (
        "\n".join(found)
    )


def test_the_check_finds_each_kind_of_private_use(tmp_path, monkeypatch):
    module = tmp_path / "archive" / "bad.py"
    module.parent.mkdir()
    module.write_text(
        "from reversion.revisions import _get_options\n"
        "def f(queryset, obj, request):\n"
        "    queryset._result_cache = []\n"
        "    obj._prefetched_objects_cache = {}\n"
        "    getattr(request, '_cached_user', None)\n"
        "    return obj._meta\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = find_offences([module])
    assert sorted(line.split(": ", 1)[1] for line in found) == [
        "assigns ._prefetched_objects_cache",
        "assigns ._result_cache",
        "imports _get_options from reversion.revisions",
        "names '_cached_user'",
    ], found
