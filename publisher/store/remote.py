"""The remote store: a build's graph held by a SPARQL 1.1 endpoint, read over HTTP (issue 14).

Each build is one named graph of the store (``graph_name``, put there by ``samenleven load``), and every query is
sent with that graph as its dataset (SPARQL 1.1 Protocol §2.1.4, ``default-graph-uri``), so that an older build
keeps serving until the new one is switched in. Bound values travel as ``VALUES`` blocks (``bindings``), the
exchange is ``client``'s, and the answers are read by pyoxigraph (``results``), so both stores return the same
types. A client's query is held to our limits here, whatever the store's own: what it may not take to the store is
refused first (``refusals``), at most ``query_workers`` run at once (the same ``query_queue_wait`` as the sandbox),
a deadline holds the HTTP exchange, rows are cut at ``max_rows`` while reading.
"""

import logging
import threading
from pathlib import Path

import pyoxigraph as ox

from publisher import sparql
from publisher.errors import Unavailable
from publisher.store import answers, bindings, description, refusals, results, sandbox
from publisher.store.client import Refused, send

log = logging.getLogger(__name__)
GRAPH_PREFIX = "urn:samenleven:build:"  # a name, not an address: nothing dereferences it
NOWHERE = "urn:samenleven:no-graph"  # a graph no build is loaded into
CONCISE = (Path(__file__).parent / "concise.rq").read_text()


def graph_name(build_id: str) -> str:
    """Name the graph that holds a build in a remote store.

    >>> graph_name("20261129T210000Z")
    'urn:samenleven:build:20261129T210000Z'
    """
    return GRAPH_PREFIX + build_id


class Remote:
    """A ``Graph`` over the named graph ``graph`` of the SPARQL endpoint ``endpoint``."""

    def __init__(self, endpoint: str, graph: str, limits: sandbox.Limits = sandbox.Limits(), timeout: float = 60.0):
        self.endpoint, self.graph, self.limits, self.timeout = endpoint, graph, limits, timeout
        self._slots = threading.BoundedSemaphore(limits.workers)

    def select(self, query: str, **bound):
        return self._result(query, bound)

    def construct(self, query: str, **bound) -> list:
        return list(self._result(query, bound))

    def ask(self, query: str, **bound) -> bool:
        return bool(self._result(query, bound))

    def query(self, query: str, substitutions=None):
        """Answer a trusted query as ``pyoxigraph.Store.query`` does, for ``description``."""
        return self._result(query, {k.value: v for k, v in (substitutions or {}).items()})

    def describe(self, uri: str, page: int = 1, size: int = 100, supers=None) -> description.Description:
        return description.describe(self, uri, page, size, supers, concise_of=lambda _, node: self.concise(node),
                                    labels_of=lambda _, nodes: self.labels(nodes))

    def concise(self, node: ox.NamedNode) -> list:
        """The concise bounded description of ``node``, in one query: blank nodes have no name across queries."""
        fresh, found = {}, []
        for row in self._result(CONCISE, {"resource": node}):
            subject, terms = node, [row[f"{kind}{n}"] for n in range(5) for kind in ("p", "o")]
            for predicate, value in zip(terms[::2], terms[1::2]):
                if predicate is None:
                    break
                if isinstance(value, ox.BlankNode):  # a node of this answer: renamed so none meets another's
                    value = fresh.setdefault(value.value, ox.BlankNode())
                found.append(ox.Triple(subject, predicate, value))
                subject = value
        return list(dict.fromkeys(found))

    def exists(self, uri: str) -> bool:
        return self.ask("ASK { { ?uri ?p ?o } UNION { ?s ?p ?uri } }", uri=ox.NamedNode(uri))

    def labels(self, nodes, types: bool = False, names: tuple = description.LABELS) -> list:
        named = sorted({n for n in nodes if isinstance(n, ox.NamedNode)}, key=str)
        if not named:
            return []
        predicates = names + ((ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),) if types else ())
        rows = self._result("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"s": named, "p": list(predicates)})
        order = {p: i for i, p in enumerate(predicates)}
        triples = [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]
        return sorted(triples, key=lambda t: (str(t.subject), order[t.predicate]))

    def run(self, job: answers.Job, timeout: float | None = None) -> answers.Answer:
        """Send a client's query to the store and serialize its answer, within ``timeout`` seconds.

        :raises Unavailable: no slot was free within ``query_queue_wait``, or the query ran out of time.
        """
        wait = self.limits.queue_wait
        if timeout is not None and not self._slots.acquire(timeout=wait):
            raise Unavailable(f"every query slot stayed busy for {wait:g} s (query_queue_wait); try again later",
                              limit="query_queue_wait", headers={"Retry-After": str(max(1, round(timeout)))})
        try:
            if refusal := refusals.beyond_sparql(job.query):
                return answers.Answer(error="syntax", message=refusal)
            text = bindings.bind(job.query, job.bindings)
            response = send(self.endpoint, text, timeout, [self._dataset(job)], [NOWHERE])
            with response:
                return answers.serialize(results.parsed(response), job)
        except Refused as error:
            return answers.Answer(error=error.kind, message=error.message)
        except (SyntaxError, ValueError) as error:  # an answer the store wrote badly, or a value it cannot bind
            return answers.Answer(error="evaluation", message=str(error))
        except TimeoutError:
            raise Unavailable(f"the query was stopped after {timeout:g} s, the limit of this endpoint. Narrow it "
                              "down (a LIMIT, fewer patterns) or download a dump and query it locally.",
                              limit="query_timeout") from None
        except OSError as error:  # the connection broke while the answer came
            log.error("the store at %s broke off an answer: %s", self.endpoint, error)
            raise Unavailable(f"the store at {self.endpoint} broke off its answer; try again later") from None
        finally:
            if timeout is not None:
                self._slots.release()

    def _dataset(self, job: answers.Job) -> str:
        """The one graph a client's query reads: the build's, sent as the protocol's dataset, which outranks the
        query's own FROM (Protocol §2.1.4), so no query reads another build; but a query that names graphs, by
        FROM or by the protocol, reads an empty graph, as it does in the embedded store, which has no other. The
        named graphs are always one empty graph: Virtuoso's ``GRAPH ?g`` would range over every graph it holds."""
        names = job.default_graphs is not None or job.named_graphs is not None or any(
            kind == "word" and "FROM" in word.upper() for kind, word in sparql.tokens(job.query))
        return NOWHERE if names else self.graph

    def close(self) -> None:
        pass  # each query opens and closes its own connection

    def _result(self, query: str, bound: dict):
        """Run a trusted query; the store's failure is a 503 naming it, logged with the store's reason."""
        try:
            with send(self.endpoint, bindings.bind(query, bound), self.timeout, [self.graph], [NOWHERE]) as response:
                return results.materialized(results.parsed(response))
        except (Refused, OSError, SyntaxError, ValueError) as error:  # OSError: a timeout, a broken connection
            log.error("the store at %s failed a query: %s", self.endpoint, error)
            raise Unavailable(f"the store at {self.endpoint} could not answer; the error is in the server's "
                              "log") from None
