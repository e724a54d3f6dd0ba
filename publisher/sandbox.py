"""Run untrusted queries in worker processes that can be killed, so that a time limit really stops the work.

pyoxigraph offers no way to cancel a query once it runs, and a thread cannot be stopped. So each query a client
sends runs in a separate process with the store open read-only; if it has not answered when its time is up, the
process is killed (SIGKILL: its core and memory are freed at once) and a fresh one is started for the next query.
Workers are started when first needed and reused; the results cross back already serialized, capped at
``max_rows``.
"""

import json
import multiprocessing
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher.errors import Unavailable

_CONTEXT = multiprocessing.get_context("spawn")  # no fork: the parent may hold threads and an open store


@dataclass
class Job:
    """A query to run: its text, its dataset, its bound variables and the formats the client accepts."""

    query: str
    results_format: str | None  # media types: pyoxigraph's formats do not cross a pipe
    graph_format: str | None
    max_rows: int
    bindings: dict = field(default_factory=dict)  # variable name -> pyoxigraph term
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    prefixes: dict | None = None  # for writing graphs (Turtle), not for reading the query


@dataclass
class Answer:
    """A serialized result, or why there is none (``error``: "syntax", "evaluation", "store" or "format")."""

    form: str = ""  # "select", "ask" or "graph"
    body: bytes = b""
    rows: int = 0
    truncated: bool = False
    error: str | None = None
    message: str = ""


class Sandbox:
    """A pool of at most ``size`` worker processes reading the store at ``path``."""

    def __init__(self, path: str, size: int):
        self.path = path
        self._idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._closed = False

    def run(self, job: Job, timeout: float) -> Answer:
        """Run ``job``; kill its worker if it takes longer than ``timeout`` seconds.

        :raises Unavailable: every worker stayed busy, the query ran out of time, or its worker died.
        """
        if not self._slots.acquire(timeout=timeout):
            raise Unavailable(f"every query process stayed busy for {timeout:g} s; try again later",
                              limit="query_workers", headers={"Retry-After": "5"})
        try:
            worker = self._take()
            try:
                answer = worker.ask(job, timeout)
            except TimeoutError:
                worker.kill()
                raise Unavailable(f"the query was stopped after {timeout:g} s, the limit of this endpoint. "
                                  "Narrow it down (a LIMIT, fewer patterns) or download a dump and query it "
                                  "locally.", limit="query_timeout") from None
            except (EOFError, OSError):
                worker.kill()
                raise Unavailable("the process running the query stopped unexpectedly; try again") from None
            self._give_back(worker)
            return answer
        finally:
            self._slots.release()

    def close(self) -> None:
        """Stop the idle workers now and the busy ones when they finish."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _take(self) -> "_Worker":
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self.path)

    def _give_back(self, worker: "_Worker") -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()


class _Worker:
    """One process with the store open, answering jobs sent over a pipe."""

    def __init__(self, path: str):
        self.connection, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(path, child), daemon=True, name="samenleven-query")
        self.process.start()
        child.close()

    def ask(self, job: Job, timeout: float) -> Answer:
        self.connection.send(job)
        if not self.connection.poll(timeout):
            raise TimeoutError
        return self.connection.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


def _serve(path: str, connection) -> None:
    """The worker's loop: open the store, then answer jobs until the pipe closes."""
    store = ox.Store.read_only(path)
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        connection.send(answer(store, job))


def answer(store: ox.Store, job: Job) -> Answer:
    """Run ``job`` on ``store`` and serialize its result; errors become an Answer that says what went wrong."""
    results = ox.QueryResultsFormat.from_media_type(job.results_format) if job.results_format else None
    graphs = ox.RdfFormat.from_media_type(job.graph_format) if job.graph_format else None
    try:
        result = store.query(
            job.query,
            substitutions={ox.Variable(name): term for name, term in job.bindings.items()},
            default_graph=[ox.NamedNode(g) for g in job.default_graphs] if job.default_graphs is not None else None,
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs is not None else None)
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, results)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, results, job.max_rows)
        return _triples(result, graphs, job)
    except SyntaxError as error:
        return Answer(error="syntax", message=str(error))
    except OSError as error:  # reading the store, or a SERVICE call that failed
        return Answer(error="store", message=str(error) or type(error).__name__)
    except (RuntimeError, ValueError, TypeError) as error:
        return Answer(error="evaluation", message=str(error) or type(error).__name__)


def _boolean(result, fmt) -> Answer:
    if fmt is None:
        return Answer(form="ask", error="format")
    document = json.dumps({"head": {}, "boolean": bool(result)}).encode()
    return Answer(form="ask", body=_convert(document, fmt), rows=1)


def _solutions(result, fmt, max_rows: int) -> Answer:
    if fmt is None:
        return Answer(form="select", error="format")
    variables = [v.value for v in result.variables]
    bindings = []
    for solution in result:
        if len(bindings) == max_rows:
            truncated = True
            break
        bindings.append({v: term_json(solution[v]) for v in variables if solution[v] is not None})
    else:
        truncated = False
    document = {"head": {"vars": variables}}
    if truncated:
        # A member that SPARQL JSON parsers ignore and a person reading the answer sees (the header says it too).
        # Before "results": streaming parsers such as Oxigraph's refuse members after the bindings.
        document["truncated"] = {"rows": max_rows, "setting": "max_rows"}
    document["results"] = {"bindings": bindings}
    body = json.dumps(document, ensure_ascii=False).encode()
    return Answer(form="select", body=_convert(body, fmt), rows=len(bindings), truncated=truncated)


def _triples(result, fmt, job: Job) -> Answer:
    if fmt is None:
        return Answer(form="graph", error="format")
    triples = []
    for triple in result:
        if len(triples) == job.max_rows:
            break
        triples.append(triple)
    truncated = next(iter(result), None) is not None if len(triples) == job.max_rows else False
    body = ox.serialize(triples, format=fmt, prefixes=job.prefixes)
    return Answer(form="graph", body=body, rows=len(triples), truncated=truncated)


def _convert(json_document: bytes, fmt: ox.QueryResultsFormat) -> bytes:
    """Re-serialize SPARQL JSON results in another results format, with pyoxigraph's own writers."""
    if fmt == ox.QueryResultsFormat.JSON:
        return json_document
    return ox.parse_query_results(json_document, ox.QueryResultsFormat.JSON).serialize(format=fmt)


def term_json(term) -> dict:
    """Write one RDF term as SPARQL 1.1 JSON results do.

    >>> term_json(ox.Literal("Gent", language="nl"))
    {'type': 'literal', 'value': 'Gent', 'xml:lang': 'nl'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        return {"type": "literal", "value": term.value}
    return {"type": "triple", "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}
