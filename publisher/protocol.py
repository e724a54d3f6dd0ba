"""Read a SPARQL 1.1 Protocol query operation from an HTTP request, refusing what a read-only endpoint must.

The three ways to send a query (SPARQL 1.1 Protocol, 2.1): GET with ``query``, POST with a form body, POST with
an ``application/sparql-query`` body; the dataset in ``default-graph-uri`` and ``named-graph-uri``. Updates are
refused whatever way they come. The ``format``, ``output`` and ``results`` parameters that SPARQLWrapper and
others add are format choices, not errors. HEAD is a GET without the body (RFC 9110, 9.3.2); only a GET without
a query asks for the service description, so a POST must carry one.
"""

from dataclasses import dataclass

import pyoxigraph as ox

from publisher import sparql
from publisher.errors import (BadRequest, Forbidden, MalformedQuery, MethodNotAllowed, PayloadTooLarge,
                              UnsupportedMediaType)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass
class Operation:
    """A query and its dataset (None: the endpoint's default dataset)."""

    query: str | None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None


def read(request, max_size: int) -> Operation:
    """Return the request's query operation; its query is None when the request asks for no query.

    :raises HTTPProblem: 405, 413, 415, 400 for a malformed request, 403 for an update.
    """
    if request.method not in ("GET", "HEAD", "POST"):
        raise MethodNotAllowed(f"{request.method} is not a SPARQL query operation; use GET or POST",
                               headers={"Allow": "GET, HEAD, POST, OPTIONS"})
    if request.content_length and request.content_length > max_size * 3:  # room for form encoding
        raise _too_large(request.content_length, max_size)
    if request.method != "POST":
        parameters = request.args
        _refuse_update(parameters.getlist("update"))
        queries = parameters.getlist("query")
    else:
        kind = request.mimetype
        if kind == UPDATE:
            raise Forbidden("this endpoint is read-only: SPARQL Update is not accepted", limit="read-only")
        if kind == FORM:
            parameters = request.form
            _refuse_update(parameters.getlist("update") + request.args.getlist("update"))
            queries = parameters.getlist("query") + request.args.getlist("query")
        elif kind == QUERY:
            parameters = request.args
            _refuse_update(parameters.getlist("update"))
            if "query" in parameters:
                raise BadRequest("a query sent as application/sparql-query must not also be in a query parameter")
            queries = [request.get_data(as_text=True)]
        else:
            raise UnsupportedMediaType(f"a POST body must be {FORM} or {QUERY}, not {kind or 'missing'}")
    if len(queries) > 1:
        raise BadRequest(f"the request carries {len(queries)} query parameters; send exactly one")
    query = queries[0] if queries else None
    if query is None and request.method == "POST":
        raise BadRequest("the form has no query field; send the query in it (the service description is at "
                         "GET /sparql)")
    size = len(query.encode("utf-8", "surrogatepass")) if query is not None else 0
    if size > max_size:
        raise _too_large(size, max_size)
    if query is not None and not query.strip():
        raise MalformedQuery("the query is empty")
    if query is not None:
        _refuse_escapes_beyond_unicode(query)
    defaults, named = parameters.getlist("default-graph-uri"), parameters.getlist("named-graph-uri")
    if not (defaults or named):
        return Operation(query)
    return Operation(query, [_iri(g, "default-graph-uri") for g in defaults],
                     [_iri(g, "named-graph-uri") for g in named])


def _refuse_update(updates: list[str]) -> None:
    if not updates:
        return
    outline = sparql.outline(updates[0])
    if outline.form and not outline.updates:
        raise BadRequest(f"the update parameter holds a {outline.form} query; send it as the query parameter")
    raise Forbidden("this endpoint is read-only: SPARQL Update is not accepted", limit="read-only")


def _refuse_escapes_beyond_unicode(query: str) -> None:
    r"""Refuse a ``\U`` escape of a code point past U+10FFFF, saying where it is.

    >>> _refuse_escapes_beyond_unicode(r'SELECT * { ?s ?p "\U0001F600" }')
    >>> _refuse_escapes_beyond_unicode('SELECT * {\n ?s ?p "\\U00110000" }')
    Traceback (most recent call last):
    publisher.errors.MalformedQuery: \U00110000 at line 2, column 9 is not a character: Unicode ends at U+10FFFF
    """
    found = sparql.beyond_unicode(query)  # the grammar allows \U anywhere (SPARQL 1.1, 19.2)
    if found:
        escape, at = found
        line, column = query.count("\n", 0, at) + 1, at - query.rfind("\n", 0, at)
        raise MalformedQuery(f"{escape} at line {line}, column {column} is not a character: Unicode ends at "
                             "U+10FFFF")


def _iri(value: str, parameter: str) -> str:
    try:
        return ox.NamedNode(value).value
    except ValueError as error:
        raise BadRequest(f"{parameter}={value!r} is not an absolute IRI ({error})") from None


def _too_large(size: int, max_size: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the query is {size} bytes long; this endpoint accepts at most {max_size}",
                           limit="max_query_size")
