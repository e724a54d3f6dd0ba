"""The store a server reads: the embedded pyoxigraph store of the build in use, opened read-only."""

import json
from pathlib import Path

import pyoxigraph as ox

from publisher import build


class Store:
    """A read-only view of one build."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.manifest = json.loads((folder / build.MANIFEST).read_text())
        self.oxigraph = ox.Store.read_only(str(folder / build.STORE))

    def query(self, sparql: str, **bindings):
        """Run a query with ``bindings`` substituted for variables (never pasted into the text)."""
        return self.oxigraph.query(sparql, substitutions={ox.Variable(k): v for k, v in bindings.items()})


def open_current(settings: dict) -> Store | None:
    """Open the build in use, or return None before the first build."""
    folder = build.current(settings)
    return Store(folder) if folder else None
