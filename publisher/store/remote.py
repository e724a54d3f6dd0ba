"""The remote store: a build's graph held by a SPARQL 1.1 endpoint, read over HTTP (issue 14).

Each build is one named graph of the store (``graph_name``, put there by ``samenleven load``), and every query is
sent with that graph as its dataset (SPARQL 1.1 Protocol §2.1.4, ``default-graph-uri``), so that an older build
keeps serving until the new one is switched in. Bound values travel as ``VALUES`` blocks (``bindings``). Results
come back as SPARQL JSON or N-Triples and are read by pyoxigraph, so both stores return the same types. A
client's query is held to our limits here, whatever the store's own: at most ``query_workers`` at once (the same
``query_queue_wait`` as the sandbox), a deadline on the HTTP exchange, rows cut at ``max_rows`` while reading.
"""

import http.client
import io
import logging
import threading
import time
import urllib.error
import urllib.parse
import warnings
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from publisher import sparql
from publisher.errors import Unavailable
from publisher.store import answers, bindings, description, sandbox

log = logging.getLogger(__name__)
GRAPH_PREFIX = "urn:samenleven:build:"  # a name, not an address: nothing dereferences it
NOWHERE = "urn:samenleven:no-graph"  # a graph no build is loaded into
CONCISE = (Path(__file__).parent / "concise.rq").read_text()
# XML results, not JSON: Virtuoso 7.2 writes 10,000 rows of JSON in 4 s, of XML in 0.9 s; Oxigraph both at once.
_RESULTS = ox.QueryResultsFormat.XML.media_type
_JSON = ox.QueryResultsFormat.JSON.media_type
_TRIPLES = ox.RdfFormat.N_TRIPLES.media_type
# The answer asked for by the query's form: Virtuoso, offered both, writes a CONSTRUCT's triples as JSON rows.
_ACCEPT = {"CONSTRUCT": _TRIPLES, "DESCRIBE": _TRIPLES}
# SPARQLWrapper warns when its keyword guess finds no query form (a client's query that does not parse): the store
# says why, and is heard.
warnings.filterwarnings("ignore", category=RuntimeWarning, module="SPARQLWrapper")


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
            if refusal := _beyond_sparql(job.query):
                return answers.Answer(error="syntax", message=refusal)
            text = bindings.bind(job.query, job.bindings)
            response = self._send(text, timeout, [self._dataset(job)], [NOWHERE])
            with response:
                return answers.serialize(_parsed(response), job)
        except _Refused as error:
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
            with self._send(bindings.bind(query, bound), self.timeout, [self.graph], [NOWHERE]) as response:
                return _materialized(_parsed(response))
        except (_Refused, OSError, SyntaxError, ValueError) as error:  # OSError: a timeout, a broken connection
            log.error("the store at %s failed a query: %s", self.endpoint, error)
            raise Unavailable(f"the store at {self.endpoint} could not answer; the error is in the server's "
                              "log") from None

    def _send(self, text: str, timeout: float | None, default: list | None, named: list | None) -> "_Deadline":
        """POST ``text`` to the endpoint with its dataset; return the answer's body, read within ``timeout``.

        :raises _Refused: the store could not be reached or answered with an error status.
        """
        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)  # no format=... parameters: the Accept header says it (Protocol §2.1)
        form = bindings.form(text)
        client.addCustomHttpHeader("Accept", _ACCEPT.get(form, _RESULTS))
        client.setQuery(text)
        client.queryType = "SELECT"  # always `query=`: its guess of an update by keywords would send `update=`
        for graph in default or ():
            client.addDefaultGraph(graph)
        for graph in named or ():
            client.addNamedGraph(graph)
        deadline = None if timeout is None else time.monotonic() + timeout
        if timeout is not None:
            client.setTimeout(max(1, round(timeout)))
        try:
            response = client.query().response
        except SPARQLWrapperException as error:  # 400, 404, 500...: SPARQLWrapper read the store's reason
            http_error = error.__context__  # the store's answer, which SPARQLWrapper raised this from
            status = getattr(http_error, "code", None)
            reason = str(error).split("Response:", 1)[-1].strip()
            if reason.startswith(("b'", 'b"')):
                reason = reason[2:-1].encode("latin-1", "replace").decode("unicode_escape", "replace")
            kind = "syntax" if status == 400 else "store"
            raise _Refused(kind, " ".join(reason.split())[:500] or f"{self.endpoint} answered {status}") from None
        except urllib.error.HTTPError as error:
            raise _Refused("store", f"{self.endpoint} answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, ConnectionError) as error:
            raise _Refused("store", f"{self.endpoint} cannot be reached: {getattr(error, 'reason', error)}") from None
        except OSError as error:  # a socket timeout before the answer began
            if "timed out" in str(error):
                raise TimeoutError from None
            raise _Refused("store", f"{self.endpoint}: {error}") from None
        return _Deadline(response, deadline, form)


# Virtuoso runs SQL from SPARQL: built-in functions (bif:exec), stored procedures (sql:), pragmas (DEFINE), its
# predeclared prefixes. The embedded store refuses them all as syntax or unknown functions; here, they never leave.
# bif: and sql: are reserved whatever a query declares ("Two namespace prefixes, bif and sql are reserved",
# Virtuoso's documentation, 16.2.3), and an IRI is judged as the store will read it: resolved against BASE
# (RFC 3986, 5.2), its scheme and host in any case, with any port.
_RESERVED = ("bif", "sql")
_VENDOR = "openlinksw.com"


def _vendors(iri: str) -> bool:
    """Whether an absolute IRI names one of Virtuoso's own functions or namespaces."""
    parts = urllib.parse.urlsplit(iri.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    return parts.scheme.lower() in _RESERVED or host == _VENDOR or host.endswith("." + _VENDOR)


def _beyond_sparql(text: str) -> str | None:
    """Why a client's query may not be sent to the store, or None: an update, or a store's own extension."""
    readings = (text, sparql.unescape(text))  # \u escapes are read before the grammar (SPARQL 1.1, 19.2)
    if any(sparql.outline(reading).updates for reading in readings):
        return "SPARQL Update is not accepted"
    for reading in readings:
        declared, base, found = set(), "", list(sparql.tokens(reading))
        for at, (kind, token) in enumerate(found):
            before = found[at - 1][1].upper() if at else ""
            if kind == "word" and token.upper() == "DEFINE":
                return "DEFINE is not SPARQL 1.1 (it is a pragma of Virtuoso's)"
            if kind == "iri":
                try:
                    iri = urllib.parse.urljoin(base, token[1:-1].strip())
                    vendors = _vendors(iri)
                except ValueError:  # an IRI urllib cannot split (an unclosed "[" of an IPv6 host)
                    return f"{token[:100]} is not an IRI this endpoint can read"
                if before == "BASE":
                    base = iri
                if vendors:
                    return f"{token} names a function of the store's own, which this endpoint does not offer"
            if kind == "pname":
                prefix = token.split(":", 1)[0]
                if prefix.lower() in _RESERVED:
                    return f"the prefix {prefix}: is the store's own (SQL functions), which this endpoint does not " \
                           "offer"
                if before == "PREFIX":
                    declared.add(prefix)
                elif prefix not in declared:
                    return f"the prefix of {token} is not declared (PREFIX)"
    return None


class _Refused(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


class _Deadline(io.RawIOBase):
    """An HTTP answer's body that raises ``TimeoutError`` once ``deadline`` (``time.monotonic``) has passed: a
    store that trickles rows cannot hold a client's query past its limit. Virtuoso's blank nodes in its results
    (``<bnode>nodeID://b1</bnode>``, ``"value": "nodeID://b1"``: not blank node labels, SPARQL 1.1 XML Results §2.3.1,
    JSON Results §3.2.2) lose that prefix here."""

    # Only markup, and only in results: in a literal, ``<`` is escaped in XML and ``"`` in JSON, but N-Triples
    # escapes neither, so a graph's text ("see <bnode>nodeID://x") is passed on as it came.
    _VIRTUOSO = ((b"<bnode>nodeID://", b"<bnode>"), (b'"value": "nodeID://', b'"value": "'))
    _REWRITTEN = (_RESULTS, _JSON, "application/json")
    _KEEP = max(len(prefix) for prefix, _ in _VIRTUOSO) - 1

    def __init__(self, response, deadline: float | None, form: str | None = None):
        self.response, self.deadline, self.form, self._held = response, deadline, form, b""
        self.media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        self._pairs = self._VIRTUOSO if self.media_type in self._REWRITTEN else ()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            data = self._read(len(buffer))
            if not data:  # the end: what was held back goes out
                data, self._held = self._held, b""
            else:  # the last bytes wait for the next read: they may begin a prefix that it ends
                data = self._held + data
                for prefix, label in self._pairs:
                    data = data.replace(prefix, label)
                data, self._held = data[:-self._KEEP], data[-self._KEEP:]
            if data or not self._held:
                buffer[:len(data)] = data
                return len(data)

    def _read(self, size: int) -> bytes:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            try:  # each blocking read waits at most what is left (http.client keeps its socket here)
                self.response.fp.raw._sock.settimeout(left)
            except AttributeError:
                pass
        try:  # read1: what one read of the socket gives; readinto would wait to fill the buffer
            return self.response.read1(size)
        except OSError as error:
            if "timed out" in str(error):
                raise TimeoutError from None
            raise
        except http.client.HTTPException as error:  # a chunked answer cut mid-chunk (IncompleteRead): no OSError
            raise ConnectionError(f"the answer broke off: {error!r}") from None

    def close(self) -> None:
        self.response.close()
        super().close()


def _parsed(body: _Deadline):
    """Read the answer lazily by its media type: SPARQL JSON results, or triples."""
    if body.media_type in (_RESULTS, _JSON, "application/json"):
        results = ox.parse_query_results(body, ox.QueryResultsFormat.XML if body.media_type == _RESULTS
                                         else ox.QueryResultsFormat.JSON)
        return _boolean(results) if body.form == "ASK" else results
    fmt = ox.RdfFormat.from_media_type(body.media_type)
    if fmt is None:
        raise SyntaxError(f"the store answered in {body.media_type or 'no media type'}")
    return (quad.triple for quad in ox.parse(body, fmt))


def _boolean(results):
    """An ASK's answer: Virtuoso 7 writes it as one row of ``?__ASK_RETVAL`` (1), or none, not as a boolean."""
    if isinstance(results, ox.QueryBoolean):
        return results
    found = any(True for _ in results)
    return ox.parse_query_results(f'{{"head": {{}}, "boolean": {str(found).lower()}}}',
                                  ox.QueryResultsFormat.JSON)


def _materialized(result):
    """Read a whole answer before its connection closes: rows as a list, a boolean as it is."""
    return result if isinstance(result, ox.QueryBoolean) else list(result)
