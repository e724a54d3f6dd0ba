"""The HTTP client of the remote store: one SPARQL 1.1 Protocol exchange, POSTed with its dataset (issue 14).

What the store answers comes back as a ``results.Body``, read within the exchange's deadline; what it refuses, or a
store that cannot be reached, is a ``Refused`` with the store's own reason.
"""

import time
import urllib.error
import warnings

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from publisher.store import bindings
from publisher.store.results import Body

# XML results, not JSON: Virtuoso 7.2 writes 10,000 rows of JSON in 4 s, of XML in 0.9 s; Oxigraph both at once.
_RESULTS = ox.QueryResultsFormat.XML.media_type
_TRIPLES = ox.RdfFormat.N_TRIPLES.media_type
# The answer asked for by the query's form: Virtuoso, offered both, writes a CONSTRUCT's triples as JSON rows.
_ACCEPT = {"CONSTRUCT": _TRIPLES, "DESCRIBE": _TRIPLES}
# SPARQLWrapper warns when its keyword guess finds no query form (a client's query that does not parse): the store
# says why, and is heard.
warnings.filterwarnings("ignore", category=RuntimeWarning, module="SPARQLWrapper")


class Refused(Exception):
    """The store could not be reached or answered with an error status: ``kind`` is "syntax" (a 400) or "store"."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def send(endpoint: str, text: str, timeout: float | None, default: list | None, named: list | None) -> Body:
    """POST ``text`` to ``endpoint`` with its dataset; return the answer's body, read within ``timeout``.

    :raises Refused: the store could not be reached or answered with an error status.
    :raises TimeoutError: the answer did not begin within ``timeout``.
    """
    client = SPARQLWrapper(endpoint)
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
        raise Refused(kind, " ".join(reason.split())[:500] or f"{endpoint} answered {status}") from None
    except urllib.error.HTTPError as error:
        raise Refused("store", f"{endpoint} answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, ConnectionError) as error:
        raise Refused("store", f"{endpoint} cannot be reached: {getattr(error, 'reason', error)}") from None
    except OSError as error:  # a socket timeout before the answer began
        if "timed out" in str(error):
            raise TimeoutError from None
        raise Refused("store", f"{endpoint}: {error}") from None
    return Body(response, deadline, form)
