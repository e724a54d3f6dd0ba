"""Run a query on a store and serialize its answer, within a cap on rows and on bytes.

This runs where the query runs: in a sandbox worker for clients (``publisher.store.sandbox``), in the command's own
process for ``samenleven query``. Results are serialized to SPARQL JSON first and converted with pyoxigraph's
own writers, so that every format carries the same rows.
"""

import json
import sys
from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher.vocab import XSD


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
    max_bytes: int = sys.maxsize  # the longest serialized answer; past it, error "size"


@dataclass
class Answer:
    """A serialized result, or why there is none.

    ``error``: "syntax", "evaluation", "store", "format", "size" (longer than ``max_bytes``), "memory" (past the
    worker's memory ceiling) or "isolation" (the worker could not leave the network).
    """

    form: str = ""  # "select", "ask" or "graph"
    body: bytes = b""
    rows: int = 0
    truncated: bool = False
    error: str | None = None
    message: str = ""


def answer(store: ox.Store, job: Job) -> Answer:
    """Run ``job`` on ``store`` and serialize its result; errors become an Answer that says what went wrong."""
    try:
        return serialize(store.query(
            job.query,
            substitutions={ox.Variable(name): term for name, term in job.bindings.items()},
            default_graph=[ox.NamedNode(g) for g in job.default_graphs] if job.default_graphs is not None else None,
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs is not None else None), job)
    except SyntaxError as error:
        return Answer(error="syntax", message=str(error))
    except OSError as error:  # reading the store, or a SERVICE call that failed
        return Answer(error="store", message=str(error) or type(error).__name__)
    except (RuntimeError, ValueError, TypeError) as error:
        return Answer(error="evaluation", message=str(error) or type(error).__name__)


def serialize(result, job: Job) -> Answer:
    """Serialize a query's result (a ``QueryBoolean``, ``QuerySolutions`` or triples, read lazily) as ``job``
    asks, cut at its ``max_rows`` and ``max_bytes``."""
    if isinstance(result, ox.QueryBoolean):
        return _boolean(result, ox.QueryResultsFormat.from_media_type(job.results_format)
                        if job.results_format else None)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, ox.QueryResultsFormat.from_media_type(job.results_format)
                          if job.results_format else None, job)
    return _triples(result, ox.RdfFormat.from_media_type(job.graph_format) if job.graph_format else None, job)


def _boolean(result, fmt) -> Answer:
    if fmt is None:
        return Answer(form="ask", error="format")
    document = json.dumps({"head": {}, "boolean": bool(result)}).encode()
    return Answer(form="ask", body=_convert(document, fmt), rows=1)


def _solutions(result, fmt, job: Job) -> Answer:
    if fmt is None:
        return Answer(form="select", error="format")
    max_rows = job.max_rows
    variables = [v.value for v in result.variables]
    bindings, size = [], 0
    for solution in result:
        if len(bindings) == max_rows:
            truncated = True
            break
        row = {v: term_json(solution[v]) for v in variables if solution[v] is not None}
        size += sum(len(term["value"]) + len(term.get("datatype", "")) + 40 for term in row.values())
        if size > job.max_bytes:  # stop reading now: the rows already held are the memory at stake
            return Answer(form="select", error="size")
        bindings.append(row)
    else:
        truncated = False
    document = {"head": {"vars": variables}}
    if truncated:
        # A member that SPARQL JSON parsers ignore and a person reading the answer sees (the header says it too).
        # Before "results": streaming parsers such as Oxigraph's refuse members after the bindings.
        document["truncated"] = {"rows": max_rows, "setting": "max_rows"}
    document["results"] = {"bindings": bindings}
    body = _convert(json.dumps(document, ensure_ascii=False).encode(), fmt)
    if len(body) > job.max_bytes:
        return Answer(form="select", error="size")
    return Answer(form="select", body=body, rows=len(bindings), truncated=truncated)


def _triples(result, fmt, job: Job) -> Answer:
    if fmt is None:
        return Answer(form="graph", error="format")
    triples, size = [], 0
    for triple in result:
        if len(triples) == job.max_rows:
            break
        size += len(str(triple))
        if size > job.max_bytes:
            return Answer(form="graph", error="size")
        triples.append(triple)
    truncated = next(iter(result), None) is not None if len(triples) == job.max_rows else False
    body = ox.serialize(triples, format=fmt, prefixes=job.prefixes)
    if len(body) > job.max_bytes:
        return Answer(form="graph", error="size")
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
        if term.datatype != XSD.string:
            return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        return {"type": "literal", "value": term.value}
    return {"type": "triple", "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}
