"""Run a query on a store and serialize its answer, within a cap on rows and on bytes.

This runs where the query runs: in a sandbox worker for clients (``publisher.store.sandbox``), in the command's own
process for ``samenleven query``. Results are serialized to SPARQL JSON first and converted with pyoxigraph's
own writers, so that every format carries the same rows.
"""

import json
import sys
from json.encoder import encode_basestring
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
    rows: int = 0  # at most this many (SPARQL JSON written by pyoxigraph is not counted row by row)
    truncated: bool = False
    error: str | None = None
    message: str = ""


def answer(store: ox.Store, job: Job) -> Answer:
    """Run ``job`` on ``store`` and serialize its result; errors become an Answer that says what went wrong."""
    try:
        result = _run(store, job)
        if job.results_format == _JSON and isinstance(result, ox.QuerySolutions):
            written = _written(result, job)
            if written is not None:
                return written
            result = _run(store, job)  # past a cap: again, row by row, to cut it where the caps say
        return serialize(result, job)
    except SyntaxError as error:
        return Answer(error="syntax", message=str(error))
    except OSError as error:  # reading the store, or a SERVICE call that failed
        return Answer(error="store", message=str(error) or type(error).__name__)
    except (RuntimeError, ValueError, TypeError) as error:
        return Answer(error="evaluation", message=str(error) or type(error).__name__)


def _run(store: ox.Store, job: Job):
    return store.query(
        job.query,
        substitutions={ox.Variable(name): term for name, term in job.bindings.items()} if job.bindings else None,
        default_graph=[ox.NamedNode(g) for g in job.default_graphs] if job.default_graphs is not None else None,
        named_graphs=[ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs is not None else None)


_JSON = ox.QueryResultsFormat.JSON.media_type


class _Past(Exception):
    """An answer written by pyoxigraph went past ``max_bytes`` or ``max_rows``."""


class _Capped:
    """A file for pyoxigraph's SPARQL JSON writer that holds at most ``max_bytes`` and stops at ``max_rows``.

    Rows are counted by the ``},{`` between two of them: inside a row a term is followed by ``,"`` or ``}``, and
    inside a string the sequence can occur (``"a},{b"``), so the count is at least the rows less one, never fewer:
    an answer counted within ``max_rows`` is complete. ``cut`` is where the ``max_rows``-th ``},{`` starts.
    """

    def __init__(self, max_bytes: int, max_rows: int):
        self.max_bytes, self.max_rows = max_bytes, max_rows
        self.parts, self.size, self.between, self.tail, self.cut = [], 0, 0, b"", 0

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        joined = self.tail + chunk  # a separator cut between two chunks; the tail (2 bytes) cannot hold a whole one
        found = joined.count(b"},{")
        if self.between + found >= self.max_rows:
            at = -1
            for _ in range(self.max_rows - self.between):
                at = joined.index(b"},{", at + 1)
            self.cut = self.size - len(self.tail) + at + 1
            self.parts.append(chunk)
            raise _Past("rows")
        self.between += found
        self.size += len(chunk)
        self.tail = joined[-2:]
        if self.size > self.max_bytes:  # with fewer than max_rows rows: cut at max_rows, it would be as long
            raise _Past("size")
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass


def _written(result: ox.QuerySolutions, job: Job) -> Answer | None:
    """The answer in SPARQL JSON as pyoxigraph's own writer makes it, in one pass in Rust; None when it could not
    be cut at ``max_rows`` (a ``},{`` inside a string): it is then cut row by row, as in the other formats."""
    output = _Capped(job.max_bytes, job.max_rows)
    try:
        result.serialize(output, ox.QueryResultsFormat.JSON)
    except _Past as past:
        if past.args[0] == "size":
            return Answer(form="select", error="size")
        return _cut(b"".join(output.parts)[:output.cut], job)
    body = b"".join(output.parts)
    return Answer(form="select", body=body, rows=output.between + 1 if b"[{" in body else 0)


def _cut(written: bytes, job: Job) -> Answer | None:
    """The first ``max_rows`` rows of pyoxigraph's SPARQL JSON, cut at the ``},{`` after the last of them, with the
    ``truncated`` member; None when the cut did not fall between two rows."""
    # Variable names hold no quotes, so the first ',"results":' is the member's (SPARQL 1.1 Query, 19.8, VARNAME).
    head, _, rows = written.partition(b',"results":{"bindings":[')
    body = head + b',"truncated":{"rows":%d,"setting":"max_rows"},"results":{"bindings":[' % job.max_rows + rows \
        + b"]}}"
    try:
        if len(json.loads(body)["results"]["bindings"]) != job.max_rows:
            return None
    except ValueError:
        return None
    if len(body) > job.max_bytes:
        return Answer(form="select", error="size")
    return Answer(form="select", body=body, rows=job.max_rows, truncated=True)


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
    max_rows, max_bytes = job.max_rows, job.max_bytes
    variables = [v.value for v in result.variables]
    # Each row is written as SPARQL JSON text at once, and the byte cap checked on the text itself: no dict per term
    # and no second pass through json.dumps (the profile of issue 14 put 1.7 ms of a 27-row answer there).
    keys = [_string(v) + ":" for v in variables]
    rows, size, truncated = [], 0, False
    for solution in result:
        if len(rows) == max_rows:
            truncated = True
            break
        row = "{" + ",".join([key + _term(term) for key, term in zip(keys, solution) if term is not None]) + "}"
        size += len(row) + 1
        if size > max_bytes:  # stop reading now: the rows already held are the memory at stake
            return Answer(form="select", error="size")
        rows.append(row)
    head = '{"head":{"vars":[' + ",".join(_string(v) for v in variables) + "]},"
    if truncated:
        # A member that SPARQL JSON parsers ignore and a person reading the answer sees (the header says it too).
        # Before "results": streaming parsers such as Oxigraph's refuse members after the bindings.
        head += '"truncated":{"rows":%d,"setting":"max_rows"},' % max_rows
    document = head + '"results":{"bindings":[' + ",".join(rows) + "]}}"
    body = _convert(document.encode("utf-8", "surrogatepass"), fmt)
    if len(body) > max_bytes:
        return Answer(form="select", error="size")
    return Answer(form="select", body=body, rows=len(rows), truncated=truncated)


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


_string = encode_basestring  # a JSON string, non-ASCII kept as it is (what json.dumps does with ensure_ascii=False)
_XSD_STRING = XSD.string.value


def _term(term) -> str:
    """Write one RDF term as SPARQL 1.1 JSON results do, as JSON text: ``term_json`` without the dict.

    >>> _term(ox.Literal("Gent", language="nl")) == json.dumps(term_json(ox.Literal("Gent", language="nl")),
    ...                                                       separators=(",", ":"))
    True
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _string(term.value) + "}"
    if kind is ox.Literal:
        language = term.language
        if language:
            return '{"type":"literal","value":' + _string(term.value) + ',"xml:lang":' + _string(language) + "}"
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return '{"type":"literal","value":' + _string(term.value) + "}"
        return '{"type":"literal","value":' + _string(term.value) + ',"datatype":' + _string(datatype) + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _string(term.value) + "}"
    return ('{"type":"triple","value":{"subject":' + _term(term.subject) + ',"predicate":' + _term(term.predicate)
            + ',"object":' + _term(term.object) + "}}")
