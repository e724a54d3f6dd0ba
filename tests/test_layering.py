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


def test_only_the_store_package_reads_a_pyoxigraph_store():
    """Elsewhere pyoxigraph gives terms, parsers and serializers; a store, its queries and its patterns are read
    through ``publisher.store``'s ``Graph`` (the done-when of issue 11)."""
    reading = {"Store", "quads_for_pattern", "bulk_extend", "bulk_load"}  # pyoxigraph's store and its methods
    found = {}
    modules = [path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] != "store"]
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "pyoxigraph" for alias in node.names}
        used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        # a query on a store (``store.query(...)``, ``x.oxigraph.query(...)``), rather than a ``Graph``'s select
        used |= {"store.query" for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute) and node.func.attr == "query"
                 and any(word in ast.unparse(node.func.value).lower() for word in ("store", "oxigraph"))}
        if used & (reading | {"store.query"}):
            found[str(path.relative_to(PACKAGE))] = sorted(used & (reading | {"store.query"}))
    assert len(modules) > 40 and found == {}
