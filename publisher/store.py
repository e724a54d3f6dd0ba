"""The store a server reads: the embedded pyoxigraph store of the build in use, opened read-only.

Queries the publisher writes itself (pages, counts) run in this process; queries from clients run in the sandbox,
where a time limit can stop them. ``Holder`` follows the ``current`` link, so a new build is served as soon as it
is published, without a restart. A build that does not open (a store garbled or cut short on disk, its manifest
gone) is logged in one line and passed over for the newest kept build that opens.
"""

import logging
import os
import threading
from pathlib import Path

import pyoxigraph as ox

from publisher import artefacts, description, kinds, layout, sandbox, sparql, state
from publisher.errors import BadRequest, Forbidden, MalformedQuery, PublisherError, Unavailable
from publisher.vocab import RDF

log = logging.getLogger(__name__)
RECOVERY = "run `samenleven build` to publish a new build, or remove this build's folder"


class Unopenable(PublisherError):
    """A build, or every kept build, that cannot be opened: the message says which and why."""


class Store:
    """A read-only view of one build.

    :raises Unopenable: the build's manifest, store, ontology or shapes cannot be read, or the store lacks what
        the manifest counts.
    """

    def __init__(self, folder: Path, settings: dict | None = None, isolate: bool = False):
        """Open the build in ``folder``; its query processes leave the network when ``isolate``."""
        s = settings or {}
        self.folder = folder
        try:
            self.manifest = state.read_json(folder / artefacts.MANIFEST, RECOVERY)
            self.oxigraph = ox.Store.read_only(str(folder / artefacts.STORE))
            self.kinds = kinds.of_build(folder)
            _check(self.oxigraph, self.manifest, self.kinds)
            self.ontology = _turtle(folder / artefacts.ONTOLOGY)
            self.shapes = _turtle(folder / artefacts.SHAPES)
            self.layout = layout.Layout(self.shapes, self.ontology, self.kinds.names(description.LABELS))
        except (PublisherError, OSError, RuntimeError, SyntaxError, ValueError, KeyError, TypeError) as error:
            raise Unopenable(f"build {folder.name} cannot be opened: {' '.join(str(error).split())}") from None
        limits = sandbox.Limits(workers=s.get("query_workers", 2), queue_wait=s.get("query_queue_wait", 1.0),
                                memory=s.get("query_memory", 1024), isolate=isolate)
        self.sandbox = sandbox.Sandbox(str(folder / artefacts.STORE), limits)

    def describe(self, uri: str, page: int = 1, size: int = 100) -> description.Description:
        """Describe a resource: its own triples, the labels of what it links to, one page of inverse links."""
        return description.describe(self.oxigraph, uri, page, size, self.layout.supers)

    def exists(self, uri: str) -> bool:
        """Whether the graph names ``uri``, as subject or as object."""
        node = ox.NamedNode(uri)
        return any(True for _ in self.oxigraph.quads_for_pattern(node, None, None)) or \
            any(True for _ in self.oxigraph.quads_for_pattern(None, None, node))

    def labels(self, nodes, types: bool = False) -> list:
        """The label triples of ``nodes``, in every language, and their types when ``types``."""
        return description.labels(self.oxigraph, nodes, types, self.layout.names)

    def usage(self, scheme: str) -> list:
        """Each concept of a concept scheme with the number of practices and initiatives that use it."""
        return description.usage(self.oxigraph, scheme)

    def query(self, sparql: str, **bindings):
        """Run a trusted query with ``bindings`` substituted for variables (never pasted into the text)."""
        return self.oxigraph.query(sparql, substitutions={ox.Variable(k): v for k, v in bindings.items()})

    def run(self, job: sandbox.Job, timeout: float) -> sandbox.Answer:
        """Run a client's query in the sandbox, stopped after ``timeout`` seconds.

        An answer whose format the client does not accept comes back with ``error == "format"``.

        :raises HTTPProblem: 400 for a query that does not parse or fails, 403 for an update, 503 at a limit.
        """
        answer = self.sandbox.run(job, timeout)
        if answer.error in ("store", "evaluation", "isolation"):
            log.warning("query failed (%s): %s", answer.error, answer.message)
        if answer.error == "syntax":
            if sparql.outline(job.query).updates:
                raise Forbidden("this endpoint is read-only: SPARQL Update is not accepted, not even inside a "
                                f"query ({answer.message})", limit="read-only")
            raise MalformedQuery(f"the query does not parse: {answer.message}")
        if answer.error == "size":
            raise Unavailable(f"the answer is longer than {job.max_bytes} bytes, the limit of this endpoint "
                              "(max_result_size). Select fewer or shorter values, add a LIMIT, or download a dump "
                              "and query it locally.", limit="max_result_size")
        if answer.error == "isolation":
            raise Unavailable("the query process could not be shut off from the network, so it runs no query",
                              limit="service_allow")
        if answer.error in ("store", "evaluation") and sparql.outline(job.query).services:
            # A remote service's error (its status, its body) is its own business, not the client's.
            raise Unavailable("a SERVICE call of the query failed; the remote answer is not shown")
        if answer.error == "evaluation":
            raise BadRequest(f"the query failed while running: {answer.message}")
        if answer.error == "store":
            raise Unavailable("the store could not answer; the error is in the server's log")
        return answer

    def close(self) -> None:
        self.sandbox.close()


class Holder:
    """The store of the build in use, reopened when ``current`` points to another build.

    :raises Unopenable: builds are kept but none of them opens.
    """

    def __init__(self, settings: dict, isolate: bool = False):
        self.link = Path(settings["build_dir"]) / "current"
        self.settings, self.isolate = settings, isolate
        self._lock = threading.Lock()
        self._target, self._store = "", None  # "": nothing tried yet
        if self.get() is None and _kept(self.link.parent):
            raise Unopenable(f"no build in {self.link.parent / 'builds'} opens (each is logged above): "
                             "run `samenleven build` to make a new one")

    def get(self) -> Store | None:
        """Return the store of the build in use (or of the newest kept build that opens), None before the first."""
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

    def _open(self, folder: Path | None) -> Store | None:
        """Open ``folder``; if it does not open (or is None), log why and fall back to the newest kept build that
        does."""
        broken = f"there is no link {self.link}"
        if folder is not None:
            try:
                return Store(folder, self.settings, self.isolate)
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
                found = self._store if other == serving else Store(other, self.settings, self.isolate)
            except Unopenable as error:
                log.error("%s", error)
                continue
            log.error("%s; serving the newest kept build that opens, %s, instead", broken, other.name)
            return found
        log.error("%s; no other kept build opens", broken)
        return None

    def close(self) -> None:
        """Close the store served (its query processes); the holder is not used after."""
        if self._store is not None:
            self._store.close()
        self._store = None

    def require(self) -> Store:
        """Return the store, or raise a 503 that says how to make the first build."""
        store = self.get()
        if store is None:
            raise Unavailable("there is no build to serve yet: run `samenleven build`")
        return store


def _kept(root: Path) -> list[Path]:
    """The complete builds kept in ``root/builds``, newest first (their names begin with their time)."""
    builds = root / "builds"
    if not builds.is_dir():
        return []
    return sorted((p.resolve() for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
                  key=lambda p: p.name, reverse=True)


def _check(store: ox.Store, manifest: dict, registry: kinds.Registry) -> None:
    """Check that ``store`` holds what the manifest counts: a store whose index files are garbled can open empty.

    :raises ValueError: a counted class of which the store holds no instance.
    """
    for kind in registry.where("counted"):
        name = kind.name
        if manifest["counts"].get(name) and next(store.quads_for_pattern(None, RDF.type, kind.cls), None) is None:
            raise ValueError(f"the store holds no {name}, the manifest counts {manifest['counts'][name]}")


def _turtle(path: Path) -> list:
    """The triples of a Turtle file of the build; none for a build made before the file was published."""
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)) if path.exists() else []


def open_current(settings: dict) -> Store | None:
    """Open the build in use, or return None before the first build."""
    folder = artefacts.current(settings)
    return Store(folder, settings) if folder else None
