"""What a client's query may not take to a remote store: an update, or the store's own extensions (issue 14).

Virtuoso runs SQL from SPARQL: built-in functions (bif:exec), stored procedures (sql:), pragmas (DEFINE), its
predeclared prefixes. The embedded store refuses them all as syntax or unknown functions; here, they never leave.
bif: and sql: are reserved whatever a query declares ("Two namespace prefixes, bif and sql are reserved",
Virtuoso's documentation, 16.2.3), and an IRI is judged as the store will read it: resolved against BASE
(RFC 3986, 5.2), its scheme and host in any case, with any port.
"""

import urllib.parse

from publisher import sparql

_RESERVED = ("bif", "sql")
_VENDOR = "openlinksw.com"


def beyond_sparql(text: str) -> str | None:
    """Why a client's query may not be sent to the store, or None: an update, or a store's own extension.

    >>> beyond_sparql("PREFIX e: <http://e.example/> SELECT * { ?s e:p ?o }") is None
    True
    >>> beyond_sparql("SELECT * {} ; INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    'SPARQL Update is not accepted'
    """
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


def _vendors(iri: str) -> bool:
    """Whether an absolute IRI names one of Virtuoso's own functions or namespaces."""
    parts = urllib.parse.urlsplit(iri.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    return parts.scheme.lower() in _RESERVED or host == _VENDOR or host.endswith("." + _VENDOR)
