"""What a SPARQL text asks for, read before it runs: its form, any update it smuggles, the services it calls.

The query itself is parsed by Oxigraph where it runs (in the sandbox); this lexer only answers the questions the
endpoint must settle first, without evaluating anything, in time linear in the text. Strings, comments and IRIs
are read as whole tokens, so a keyword inside them is not a keyword; and ``\\u`` escapes are decoded first, as
the SPARQL grammar says (SPARQL 1.1 Query, 19.2) and as Oxigraph does, so that ``\\u0053ERVICE`` is SERVICE.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<string>'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$]\w+)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.:%-]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>\S)
""", re.VERBOSE | re.DOTALL)


@dataclass
class Outline:
    """What a SPARQL text is: its query form, the update keywords in it, and the IRIs of its SERVICE calls."""

    form: str | None = None
    updates: list[str] = field(default_factory=list)
    services: list[str | None] = field(default_factory=list)  # None: a variable or an unresolvable name

    def refused_services(self, allowed_hosts) -> list[str]:
        """Return the services (as written, resolved) whose host is not allowed.

        >>> outline("SELECT * { SERVICE <http://a.example/s> {} SERVICE ?x {} }").refused_services({"b.example"})
        ['http://a.example/s', 'a variable']
        """
        return [service or "a variable" for service in self.services
                if service is None or urlsplit(service).hostname not in allowed_hosts]


def unescape(text: str) -> str:
    r"""Decode the ``\u`` and ``\U`` escapes the grammar allows anywhere in a query.

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def tokens(text: str):
    """Yield the (kind, text) tokens of a SPARQL text, comments left out.

    >>> [kind for kind, _ in tokens('SELECT ?s { ?s ex:p "SERVICE" } # SERVICE')]
    ['word', 'var', 'other', 'var', 'pname', 'string', 'other']
    """
    for match in _TOKEN.finditer(unescape(text)):
        if match.lastgroup != "comment":
            yield match.lastgroup, match.group()


def outline(text: str) -> Outline:
    """Read a query's form, its update keywords and its SERVICE IRIs, resolved against its PREFIX and BASE.

    >>> outline("PREFIX e: <http://e.example/> SELECT * { SERVICE SILENT e:sparql { ?s ?p ?o } }")
    Outline(form='SELECT', updates=[], services=['http://e.example/sparql'])
    >>> outline('select * {} ; insert data { <a> <b> "c" }').updates
    ['INSERT']
    """
    found = Outline()
    prefixes, base = {}, None
    stream = list(tokens(text))
    for i, (kind, value) in enumerate(stream):
        if kind != "word":
            continue
        keyword = value.upper()
        ahead = stream[i + 1:i + 4]
        if keyword in FORMS and found.form is None:
            found.form = keyword
        elif keyword in UPDATES:
            found.updates.append(keyword)
        elif keyword == "PREFIX" and len(ahead) >= 2 and ahead[0][0] == "pname" and ahead[1][0] == "iri":
            prefixes[ahead[0][1].rstrip(":").split(":")[0]] = _resolve(ahead[1][1][1:-1], base)
        elif keyword == "BASE" and ahead and ahead[0][0] == "iri":
            base = _resolve(ahead[0][1][1:-1], base)
        elif keyword == "SERVICE":
            if ahead and ahead[0][0] == "word" and ahead[0][1].upper() == "SILENT":
                ahead = ahead[1:]
            found.services.append(_service(ahead[0] if ahead else ("other", ""), prefixes, base))
    return found


def _service(token, prefixes: dict, base: str | None) -> str | None:
    kind, value = token
    if kind == "iri":
        return _resolve(value[1:-1], base)
    if kind == "pname":
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri
