"""The store a server reads: the embedded pyoxigraph store of the build in use, opened read-only.

Queries the publisher writes itself (pages, counts) run in this process; queries from clients run in the sandbox,
where a time limit can stop them. ``Holder`` follows the ``current`` link, so a new build is served as soon as it
is published, without a restart.
"""

import json
import logging
import os
import threading
from pathlib import Path

import pyoxigraph as ox

from publisher import build, description, layout, sandbox, sparql
from publisher.errors import BadRequest, Forbidden, MalformedQuery, Unavailable

log = logging.getLogger(__name__)


class Store:
    """A read-only view of one build."""

    def __init__(self, folder: Path, settings: dict | None = None, isolate: bool = False):
        """Open the build in ``folder``; its query processes leave the network when ``isolate``."""
        s = settings or {}
        self.folder = folder
        self.manifest = json.loads((folder / build.MANIFEST).read_text())
        self.oxigraph = ox.Store.read_only(str(folder / build.STORE))
        limits = sandbox.Limits(workers=s.get("query_workers", 2), queue_wait=s.get("query_queue_wait", 1.0),
                                memory=s.get("query_memory", 1024), isolate=isolate)
        self.sandbox = sandbox.Sandbox(str(folder / build.STORE), limits)
        self.ontology = _turtle(folder / build.ONTOLOGY)
        self.shapes = _turtle(folder / build.SHAPES)
        self.layout = layout.Layout(self.shapes, self.ontology)

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
        return description.labels(self.oxigraph, nodes, types)

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
    """The store of the build in use, reopened when ``current`` points to another build."""

    def __init__(self, settings: dict, isolate: bool = False):
        self.link = Path(settings["build_dir"]) / "current"
        self.settings, self.isolate = settings, isolate
        self._lock = threading.Lock()
        self._target, self._store = None, None
        self.get()

    def get(self) -> Store | None:
        """Return the store of the build in use, or None before the first build."""
        try:
            target = os.readlink(self.link)
        except OSError:
            return self._store  # no build yet, or the link is being swapped: keep what is served
        with self._lock:
            if target != self._target:
                old, self._store = self._store, Store(self.link.parent / target, self.settings, self.isolate)
                self._target = target
                if old:
                    old.close()
            return self._store

    def require(self) -> Store:
        """Return the store, or raise a 503 that says how to make the first build."""
        store = self.get()
        if store is None:
            raise Unavailable("there is no build to serve yet: run `samenleven build`")
        return store


def _turtle(path: Path) -> list:
    """The triples of a Turtle file of the build; none for a build made before the file was published."""
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)) if path.exists() else []


def open_current(settings: dict) -> Store | None:
    """Open the build in use, or return None before the first build."""
    folder = build.current(settings)
    return Store(folder, settings) if folder else None
