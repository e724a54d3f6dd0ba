"""The embedded store: the graph of a build's own pyoxigraph store, opened read-only.

Queries the publisher writes itself (pages, counts) run in this process; queries from clients run in the sandbox,
where a time limit can stop them. ``write`` is the other side, the build making its store.
"""

from pathlib import Path

import pyoxigraph as ox

from publisher.store import answers, description, sandbox


class Embedded:
    """A ``Graph`` over the pyoxigraph store at ``path``, with a sandbox for clients' queries."""

    def __init__(self, path: Path, limits: sandbox.Limits = sandbox.Limits()):
        self.path = path
        self._store = ox.Store.read_only(str(path))
        self.sandbox = sandbox.Sandbox(str(path), limits)  # its processes start with the first query

    def select(self, query: str, **bindings):
        return self._query(query, bindings)

    def construct(self, query: str, **bindings) -> list:
        return list(self._query(query, bindings))

    def ask(self, query: str, **bindings) -> bool:
        return bool(self._query(query, bindings))

    def describe(self, uri: str, page: int = 1, size: int = 100, supers=None) -> description.Description:
        return description.describe(self._store, uri, page, size, supers)

    def exists(self, uri: str) -> bool:
        node = ox.NamedNode(uri)
        return any(True for _ in self._store.quads_for_pattern(node, None, None)) or \
            any(True for _ in self._store.quads_for_pattern(None, None, node))

    def labels(self, nodes, types: bool = False, names: tuple = description.LABELS) -> list:
        return description.labels(self._store, nodes, types, names)

    def run(self, job: answers.Job, timeout: float | None = None) -> answers.Answer:
        """Run a client's query in the sandbox, killed after ``timeout`` seconds; without one, in this process.

        :raises Unavailable: no query process was free, or the query ran out of time or memory.
        """
        if timeout is None:
            return answers.answer(self._store, job)
        return self.sandbox.run(job, timeout)

    def close(self) -> None:
        self.sandbox.close()

    def __len__(self) -> int:
        return len(self._store)

    def _query(self, query: str, bindings: dict):
        """Run a trusted query with ``bindings`` substituted for variables (never pasted into the text)."""
        return self._store.query(query, substitutions={ox.Variable(k): v for k, v in bindings.items()})


def check_syntax(query: str) -> None:
    """Parse ``query`` (an empty store answers at once).

    :raises SyntaxError: the query does not parse; the message gives the line and column.
    """
    ox.Store().query(query)


def write(path: Path, triples) -> None:
    """Write ``triples`` as a new store at ``path``, compacted; its lock is released when this returns."""
    store = ox.Store(str(path))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    store.flush()
    store.optimize()
    del store  # releases the store's lock before the build's folder is renamed
