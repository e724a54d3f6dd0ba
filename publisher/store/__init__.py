"""The stores a build is read through: the interface the CLI and the views use, and its implementations.

A reader asks a build's ``Graph`` what Pubby asks its data source: ``select``, ``construct`` and ``ask`` with
values bound as substitutions (never pasted into the query's text), ``describe`` a resource, whether it
``exists``, the ``labels`` of some resources; and ``run`` answers a client's own query, serialized and within
limits. A ``Build`` (``builds``) is one build: its graph and its artefacts (manifest, ontology, shapes, layout,
files, change feed); ``Holder`` follows the build in use. ``embedded`` is the graph of the build's own pyoxigraph
store, whose clients' queries run in ``sandbox``; ``remote`` is the graph of a build in a SPARQL 1.1 endpoint
(the setting ``store``), put there by ``graphstore`` (``samenleven load``), with values bound by ``bindings``,
asked over HTTP by ``client``, its answers read by ``results``, and what may not reach it refused by ``refusals``.

Only this package reads pyoxigraph's ``Store``; elsewhere terms are pyoxigraph terms. Serving and the CLI import
it; it imports neither the web nor the build pipeline (the build writes its store with ``embedded.write``).
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Protocol

from publisher import sparql
from publisher.errors import BadRequest, Forbidden, MalformedQuery, Unavailable
from publisher.store.answers import Answer, Job
from publisher.store.builds import Build, Holder, Unopenable, open_current
from publisher.store.description import LABELS, Description

log = logging.getLogger(__name__)


class Graph(Protocol):
    """What the publisher asks of a build's graph. Terms are pyoxigraph terms; ``bindings`` name variables.

    A row of ``select`` maps each variable the query projects to its term, or to None where it is unbound.
    """

    def select(self, query: str, **bindings) -> Iterable[Mapping]:
        """Return the rows of a SELECT query, with ``bindings`` substituted (a bound variable must be projected)."""

    def construct(self, query: str, **bindings) -> list:
        """Return the triples of a CONSTRUCT or DESCRIBE query, with ``bindings`` substituted."""

    def ask(self, query: str, **bindings) -> bool:
        """Return the answer of an ASK query, with ``bindings`` substituted."""

    def describe(self, uri: str, page: int = 1, size: int = 100, supers=None) -> Description:
        """Describe a resource: its own triples, the labels of what it links to, one page of inverse links."""

    def exists(self, uri: str) -> bool:
        """Whether the graph names ``uri``, as subject or as object."""

    def labels(self, nodes, types: bool = False, names: tuple = LABELS) -> list:
        """The label triples of ``nodes`` by the properties ``names`` (a build's are its ``layout.names``: every
        kind's label properties), in every language, and their types when ``types``."""

    def run(self, job: Job, timeout: float | None = None) -> Answer:
        """Answer a client's query, serialized, within ``timeout`` seconds (None: no limit, for the local user).

        Why there is no answer comes back in ``Answer.error``; ``checked`` turns it into the client's error.
        """

    def close(self) -> None:
        """Let go of what the graph holds (processes, connections)."""


def checked(answer: Answer, job: Job) -> Answer:
    """Return ``answer``, or raise the error a client gets for it; an answer in a format the client does not accept
    comes back with ``error == "format"``.

    :raises HTTPProblem: 400 for a query that does not parse or fails, 403 for an update, 503 at a limit.
    """
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

__all__ = ["Answer", "Build", "Description", "Graph", "Holder", "Job", "Unopenable", "checked", "open_current"]
