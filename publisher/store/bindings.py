"""Bind values to a query's variables for a remote store: as ``VALUES`` blocks, never pasted into its patterns.

A remote SPARQL endpoint takes no pyoxigraph substitutions, so bound values travel in the query's text, but only
as data (SPARQL 1.1 §10.2, inline data): one ``VALUES`` block per variable at the start of the ``WHERE`` group,
where the engine joins it first and every filter of the group sees it, as a substitution would. Each term is
written by pyoxigraph's N-Triples writer, whose escapes are SPARQL's (§19.7), so no value can close its literal
or IRI. A query with no ``WHERE`` group (``DESCRIBE <x>``) gets a trailing ``VALUES`` clause instead (§10.2.2).
"""

import re

import pyoxigraph as ox

# The token kinds that may hold a brace or a `WHERE` that is not one: comments, strings, IRIs (SPARQL 1.1 §19.8).
_SKIPPED = re.compile(r"""#[^\n\r]*|'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|"""
                      r"""'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>""", re.S)
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def term(value) -> str:
    """Write one bound value in SPARQL syntax.

    >>> term(ox.Literal('say "hi"', language="nl")), term(ox.NamedNode("https://example.org/a"))
    ('"say \\\\"hi\\\\""@nl', '<https://example.org/a>')

    :raises ValueError: a blank node or quoted triple, which no query can name.
    """
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return str(value)
    raise ValueError(f"a remote store cannot bind {value!r}: only IRIs and literals can be named in a query")


def bind(query: str, bindings: dict) -> str:
    """Return ``query`` with a ``VALUES`` block for each of ``bindings`` (name -> term, or a list of terms).

    >>> bind("SELECT ?n WHERE { ?s ?p ?n }", {"s": ox.NamedNode("https://example.org/a")})
    'SELECT ?n WHERE { VALUES ?s { <https://example.org/a> } ?s ?p ?n }'
    >>> bind('CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }', {"o": ox.Literal("x")})
    'CONSTRUCT { ?s ?p "{" } WHERE { VALUES ?o { "x" } ?s ?p ?o }'
    """
    if not bindings:
        return query
    blocks = "".join(f" VALUES ?{name} {{ {' '.join(term(v) for v in _listed(values))} }}"
                     for name, values in bindings.items())
    at = where(query)
    if at is None:
        return f"{query}\n{blocks.strip()}\n"
    return query[:at + 1] + blocks + query[at + 1:]


def where(query: str) -> int | None:
    """Return the offset of the brace that opens the query's ``WHERE`` group, None when it has none.

    >>> where("ASK { ?s ?p ?o }"), where("DESCRIBE <x>")
    (4, None)
    """
    return _scan(query)[1]


def form(query: str) -> str | None:
    """Return the query's form, upper case (SELECT, CONSTRUCT, DESCRIBE or ASK), None when it names none.

    >>> form('PREFIX s: <https://e.org/SELECT> construct { ?s ?p "ASK" } WHERE { ?s ?p ?o }')
    'CONSTRUCT'
    """
    return _scan(query)[0]


def _scan(query: str) -> tuple[str | None, int | None]:
    """The query's form and the offset of its ``WHERE`` brace, past comments, strings and IRIs."""
    depth, found, after_where, at = 0, None, False, 0
    while at < len(query):
        skipped = _SKIPPED.match(query, at)
        if skipped and skipped.end() > at:
            at = skipped.end()
            continue
        char = query[at]
        if char in "{(":
            if depth == 0 and char == "{" and (after_where or found not in (None, "CONSTRUCT")):
                return found, at
            depth += 1
        elif char in "})":
            depth -= 1
        elif depth == 0 and (word := _WORD.match(query, at)) and query[at - 1:at] not in ("?", "$", ":"):
            keyword = word.group().upper()
            if found is None and keyword in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
                found = keyword
            after_where = after_where or keyword == "WHERE"
            at = word.end()
            continue
        at += 1
    return found, None


def _listed(values) -> list:
    return list(values) if isinstance(values, (list, tuple, set, frozenset)) else [values]
