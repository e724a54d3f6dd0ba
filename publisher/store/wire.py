"""The bytes a client's job and its answer cross a pipe as, between a server process and a query process.

Not pickle: a job is one JSON object (its bound terms written as SPARQL JSON terms), an answer one line of JSON
followed by its serialized body as it is. Only data crosses, nothing that unpickling could run, and the server
can refuse to read more than an answer may hold. The prefixes for writing graphs (the same for every job the
views send) cross once per query process, not with every job.
"""

import json

import pyoxigraph as ox

from publisher.store.answers import Answer, Job, term_json

_UNSENT = object()  # no prefixes sent yet


class Sender:
    """The server's side of one pipe: remembers the prefixes the query process already has."""

    def __init__(self):
        self._prefixes = _UNSENT

    def job(self, job: Job) -> bytes:
        """The bytes of ``job``.

        >>> Receiver().job(Sender().job(Job("ASK {}", None, None, 5, {"x": ox.Literal("1", language="nl")})))
        Job(query='ASK {}', results_format=None, graph_format=None, max_rows=5, bindings={'x': <Literal value=1 \
language=nl>}, default_graphs=None, named_graphs=None, prefixes=None, max_bytes=9223372036854775807)
        """
        sent = {"query": job.query, "results": job.results_format, "graph": job.graph_format,
                "rows": job.max_rows, "bytes": job.max_bytes, "default": job.default_graphs,
                "named": job.named_graphs}
        if job.bindings:
            sent["bindings"] = {name: term_json(term) for name, term in job.bindings.items()}
        if job.prefixes != self._prefixes:
            sent["prefixes"] = self._prefixes = job.prefixes
        return json.dumps(sent).encode()  # ASCII: a lone surrogate of a query crosses escaped and comes back


class Receiver:
    """The query process's side of one pipe: the prefixes it was last sent."""

    def __init__(self):
        self._prefixes = None

    def job(self, data: bytes) -> Job:
        """The job in ``data``, as ``Sender.job`` wrote it."""
        sent = json.loads(data)
        if "prefixes" in sent:
            self._prefixes = sent["prefixes"]
        return Job(sent["query"], sent["results"], sent["graph"], sent["rows"],
                   {name: _term(value) for name, value in sent.get("bindings", {}).items()},
                   sent["default"], sent["named"], self._prefixes, sent["bytes"])


def answer(found: Answer) -> bytes:
    """The bytes of an answer: its head as a line of JSON, then its body.

    >>> read_answer(answer(Answer(form="select", body=b'{"a":\\n1}', rows=1, truncated=True)))
    Answer(form='select', body=b'{"a":\\n1}', rows=1, truncated=True, error=None, message='')
    """
    head = {"form": found.form, "rows": found.rows, "truncated": found.truncated, "error": found.error,
            "message": found.message}
    return json.dumps(head).encode() + b"\n" + found.body  # json.dumps writes no line break of its own


def read_answer(data: bytes) -> Answer:
    """The answer in ``data``, as ``answer`` wrote it."""
    head, _, body = data.partition(b"\n")
    return Answer(body=body, **json.loads(head))


def _term(value: dict):
    """The pyoxigraph term of a SPARQL JSON term (``term_json``'s inverse)."""
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if kind == "literal":
        if "xml:lang" in value:
            return ox.Literal(value["value"], language=value["xml:lang"])
        if "datatype" in value:
            return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
        return ox.Literal(value["value"])
    inner = value["value"]
    return ox.Triple(_term(inner["subject"]), _term(inner["predicate"]), _term(inner["object"]))
