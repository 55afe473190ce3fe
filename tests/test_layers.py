"""The apps' layers (docs/architecture.md): a lower app imports nothing from a higher one."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What each app may import of ours; the reading room sits on top of the others.
ALLOWED = {
    "archive": {"archive", "config"},
    "annotations": {"annotations", "archive", "config"},
}
OURS = {
    "archive",
    "annotations",
    "search",
    "exports",
    "alignment",
    "reading",
    "people",
    "bench",
    "devdata",
}


def imported_apps(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            yield name.split(".")[0]


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_a_lower_app_imports_nothing_from_a_higher_one(app):
    found = {
        (str(path.relative_to(ROOT)), name)
        for path in (ROOT / app).rglob("*.py")
        for name in imported_apps(path)
        if name in OURS and name not in ALLOWED[app]
    }
    assert not found
