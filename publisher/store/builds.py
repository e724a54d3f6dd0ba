"""The builds a server reads: one build's graph and artefacts, and the holder of the build in use.

``Holder`` follows the ``current`` link, so a new build is served as soon as it is published, without a restart.
A build that does not open (a store garbled or cut short on disk, its manifest gone) is logged in one line and
passed over for the newest kept build that opens.
"""

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from werkzeug.security import safe_join

from publisher import artefacts, feed, kinds, layout, state
from publisher.errors import NotFound, PublisherError, Unavailable
from publisher.language import N_
from publisher.store import description, embedded, fulltext, remote, sandbox

if TYPE_CHECKING:
    from publisher.store import Graph

log = logging.getLogger(__name__)
RECOVERY = "run `samenleven build` to publish a new build, or remove this build's folder"


class Unopenable(PublisherError):
    """A build, or every kept build, that cannot be opened: the message says which and why."""


class Build:
    """One build: its graph and its artefacts, the manifest, the ontology, the shapes, the layout they make, its
    files and its change feed.

    :raises Unopenable: the build's manifest, ontology or shapes cannot be read, or its graph lacks what the
        manifest counts.
    """

    def __init__(self, folder: Path, graph: "Graph"):
        self.folder, self.graph = folder, graph
        self._kept: dict = {}  # what is derived from this build once (``kept``), for as long as it is served
        self._making: dict = {}  # per key, the lock a thread holds while it makes that key's value
        self._lock = threading.Lock()
        try:
            self.manifest = state.read_json(folder / artefacts.MANIFEST, RECOVERY)
            self.kinds = kinds.of_build(folder)
            _check(graph, self.manifest, self.kinds)
            self.ontology = _turtle(folder / artefacts.ONTOLOGY)
            self.shapes = _turtle(folder / artefacts.SHAPES)
            self.layout = layout.Layout(self.shapes, self.ontology, self.kinds.names(description.LABELS))
        except (PublisherError, OSError, RuntimeError, SyntaxError, ValueError, KeyError, TypeError) as error:
            raise Unopenable(f"build {folder.name} cannot be opened: {' '.join(str(error).split())}") from None

    def file(self, name: str) -> Path:
        """Return the path of a file the build wrote, by its name in the build (``graph.ttl``, ``tables/...``).

        :raises NotFound: the build has no such file (an older build may lack a newer artefact).
        """
        path = safe_join(str(self.folder), name)
        if path is None or not Path(path).is_file():
            raise NotFound(N_("build %(build)s heeft geen bestand %(name)s"),
                           values={"build": self.manifest["id"], "name": name})
        return Path(path)

    def kept(self, key, make):
        """What ``make()`` returns, made once per build and ``key`` (a drawing, an index, a context): a new build is
        a new object, so what it keeps is made anew. Made once even when several threads ask for it at once, as the
        first requests after a start do: the others wait for the one making it rather than each make it again."""
        if key in self._kept:
            return self._kept[key]
        with self._lock:
            making = self._making.setdefault(key, threading.RLock())  # re-entrant: a make may ask for its own key
        with making:
            if key not in self._kept:
                self._kept[key] = make()
        return self._kept[key]

    def document(self, name: str) -> dict | None:
        """Return a JSON artefact of the build (``statistics.json``, ``map.json``), read once; None when the build
        has none (it was made before the artefact existed).

        :raises StateError: the file cannot be read.
        """
        path = self.folder / name
        return self.kept(("document", name), lambda: state.read_json(path, "build again to write it anew")
                         if path.exists() else None)

    def search(self, text: str, kinds=(), page: int = 1, size: int = 20, narrow=None) -> fulltext.Found:
        """Search the build's full-text index (``publisher.store.fulltext``): one page of hits of ``kinds`` (URI
        segments; none: every kind), best first; ``narrow`` keeps some of the hits (``fulltext.search``).

        :raises BadRequest: a text too long to search.
        :raises Unavailable: a build made before it had a search index.
        """
        return fulltext.search(self.index(), text, kinds, page, size, narrow)

    def index(self) -> fulltext.Index:
        """The build's search index, opened once (its connections per thread, the kind of each row).

        :raises Unavailable: a build made before it had a search index.
        """
        path = self.folder / artefacts.SEARCH
        if not path.is_file():
            raise Unavailable(N_("build %(build)s heeft geen zoekindex (hij werd gemaakt voor er een was): voer "
                                 "`samenleven build` uit"), values={"build": self.manifest["id"]})
        return self.kept(("search index",), lambda: fulltext.Index(path))

    def labels(self, nodes, types: bool = False) -> list:
        """The label triples of ``nodes`` by every kind's label properties, and their types when ``types``."""
        return self.graph.labels(nodes, types, self.layout.names)

    def feed(self) -> feed.Stream:
        """Return the build's change feed.

        :raises StateError: the feed's file cannot be read.
        """
        return feed.load(self.folder)

    def close(self) -> None:
        self.graph.close()


def open_build(folder: Path, settings: dict | None = None, isolate: bool = False) -> Build:
    """Open the build in ``folder`` with its embedded store, or its graph in the remote store of the setting
    ``store``; its query processes leave the network when ``isolate``.

    :raises Unopenable: the store or an artefact cannot be read.
    """
    s = settings or {}
    limits = sandbox.Limits(workers=s.get("query_workers", 2), queue_wait=s.get("query_queue_wait", 1.0),
                            memory=s.get("query_memory", 1024), isolate=isolate)
    try:
        if s.get("store"):  # the graph in a remote store, where `samenleven load` put it; the rest from the folder
            graph = remote.Remote(s["store"], remote.graph_name(folder.name), limits)
        else:
            graph = embedded.Embedded(folder / artefacts.STORE, limits)
    except (OSError, RuntimeError, ValueError) as error:
        raise Unopenable(f"build {folder.name} cannot be opened: {' '.join(str(error).split())}") from None
    try:
        return Build(folder, graph)
    except Unopenable:
        graph.close()
        raise


class Holder:
    """The build in use, reopened when ``current`` points to another build.

    :raises Unopenable: builds are kept but none of them opens.
    """

    def __init__(self, settings: dict, isolate: bool = False):
        self.link = artefacts.served(settings)
        self.settings, self.isolate = settings, isolate
        self._lock = threading.Lock()
        self._target, self._store = "", None  # "": nothing tried yet
        if self.get() is None and _kept(self.link.parent):
            raise Unopenable(f"no build in {self.link.parent / 'builds'} opens (each is logged above): "
                             "run `samenleven build` to make a new one")

    def get(self) -> Build | None:
        """Return the build in use (or the newest kept build that opens), None before the first."""
        try:
            target = os.readlink(self.link)
        except OSError:
            target = None  # no build yet, or the link removed by hand: the newest kept build that opens, if any
        with self._lock:
            if target != self._target:
                self._target = target  # a build that does not open is not tried again until current changes
                new = self._open(self.link.parent / target if target else None)
                if new is not None and new is not self._store:
                    old, self._store = self._store, new
                    if old:
                        old.close()
            return self._store

    def _open(self, folder: Path | None) -> Build | None:
        """Open ``folder``; if it does not open (or is None), log why and fall back to the newest kept build that
        does."""
        broken = f"there is no link {self.link}"
        if folder is not None:
            try:
                return open_build(folder, self.settings, self.isolate)
            except Unopenable as error:
                broken, folder = error, folder.resolve()
        kept = _kept(self.link.parent)
        if not kept:
            return None  # before the first build: nothing to say
        serving = self._store.folder.resolve() if self._store is not None else None
        for other in kept:
            if other == folder:
                continue
            try:
                found = self._store if other == serving else open_build(other, self.settings, self.isolate)
            except Unopenable as error:
                log.error("%s", error)
                continue
            log.error("%s; serving the newest kept build that opens, %s, instead", broken, other.name)
            return found
        log.error("%s; no other kept build opens", broken)
        return None

    def close(self) -> None:
        """Close the build served (its query processes); the holder is not used after."""
        if self._store is not None:
            self._store.close()
        self._store = None

    def require(self) -> Build:
        """Return the build in use, or raise a 503 that says how to make the first build."""
        store = self.get()
        if store is None:
            raise Unavailable(N_("er is nog geen build om te tonen: voer `samenleven build` uit"), values={})
        return store


def _kept(root: Path) -> list[Path]:
    """The complete builds kept in ``root/builds``, newest first (their names begin with their time)."""
    builds = root / "builds"
    if not builds.is_dir():
        return []
    return sorted((p.resolve() for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
                  key=lambda p: p.name, reverse=True)


def _check(graph: "Graph", manifest: dict, registry: kinds.Registry) -> None:
    """Check that ``graph`` holds what the manifest counts: a store whose index files are garbled can open empty.

    :raises ValueError: a counted class of which the graph holds no instance.
    """
    for kind in registry.where("counted"):
        name, cls = kind.name, kind.cls
        if manifest["counts"].get(name) and not graph.ask("ASK { ?thing a ?kind }", kind=cls):
            raise ValueError(f"the store holds no {name}, the manifest counts {manifest['counts'][name]}")


def _turtle(path: Path) -> list:
    """The triples of a Turtle file of the build; none for a build made before the file was published."""
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)) if path.exists() else []


def open_current(settings: dict) -> Build | None:
    """Open the build in use, or return None before the first build."""
    folder = artefacts.current(settings, served_link=True)
    return open_build(folder, settings) if folder else None
