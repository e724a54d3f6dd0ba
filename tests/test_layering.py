"""The package's layers, read from its source: views do not import each other, and only the store package reads
pyoxigraph's ``Store`` (issue 11)."""

import ast
from pathlib import Path

from conftest import PROJECT

PACKAGE = PROJECT / "publisher"
SHARED = {"publisher.views", "publisher.views.representation"}  # what every view may import


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, by its full name (``from publisher.views import x`` counts x as a module
    when there is a file for it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                if (PROJECT / (name.replace(".", "/") + ".py")).exists():
                    found.add(name)
    return found


def test_no_view_imports_another_view():
    views = {f"publisher.views.{path.stem}" for path in (PACKAGE / "views").glob("*.py")} - {"publisher.views.__init__"}
    crossing = {}
    for path in (PACKAGE / "views").glob("*.py"):
        if path.stem == "__init__":
            continue  # the package registers every view
        others = (imported(path) & views) - SHARED - {f"publisher.views.{path.stem}"}
        if others:
            crossing[path.name] = sorted(others)
    assert len(views) > 5 and crossing == {}
