"""A remote store's answer read as pyoxigraph's results: within a deadline, by its media type, Virtuoso's ways
undone, so that both stores return the same types (issue 14)."""

import http.client
import io
import time

import pyoxigraph as ox

_XML = ox.QueryResultsFormat.XML.media_type
_JSON = ox.QueryResultsFormat.JSON.media_type


class Body(io.RawIOBase):
    """An HTTP answer's body that raises ``TimeoutError`` once ``deadline`` (``time.monotonic``) has passed: a
    store that trickles rows cannot hold a client's query past its limit. Virtuoso's blank nodes in its results
    (``<bnode>nodeID://b1</bnode>``, ``"value": "nodeID://b1"``: not blank node labels, SPARQL 1.1 XML Results §2.3.1,
    JSON Results §3.2.2) lose that prefix here."""

    # Only markup, and only in results: in a literal, ``<`` is escaped in XML and ``"`` in JSON, but N-Triples
    # escapes neither, so a graph's text ("see <bnode>nodeID://x") is passed on as it came.
    _VIRTUOSO = ((b"<bnode>nodeID://", b"<bnode>"), (b'"value": "nodeID://', b'"value": "'))
    _REWRITTEN = (_XML, _JSON, "application/json")
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


def parsed(body: Body):
    """Read the answer lazily by its media type: SPARQL results (XML or JSON), or triples."""
    if body.media_type in (_XML, _JSON, "application/json"):
        results = ox.parse_query_results(body, ox.QueryResultsFormat.XML if body.media_type == _XML
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


def materialized(result):
    """Read a whole answer before its connection closes: rows as a list, a boolean as it is."""
    return result if isinstance(result, ox.QueryBoolean) else list(result)
