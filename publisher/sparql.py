"""What a SPARQL text asks for, read before it runs: its form, any update it smuggles, the services it calls, and
whether its answer changes from one run to the next.

The query itself is parsed by Oxigraph where it runs (in the sandbox); this lexer only answers the questions the
endpoint must settle first, without evaluating anything, in time linear in the text. Strings, comments and IRIs
are read as whole tokens, so a keyword inside them is not a keyword.

Where this lexer and Oxigraph could read a text differently, the text is read every way and any SERVICE found in
any reading counts, so a doubt becomes a refusal (measured on pyoxigraph 0.5, and the reason for each reading):

- Oxigraph matches keywords without a word boundary: ``SERVICESILENT<…>``, ``trueSERVICE<…>``, ``1SERVICE<…>``
  and ``SERVICE:x`` (a prefixed name) all call a service. So SERVICE counts anywhere inside a word, and in the
  prefix of a prefixed name; only variables, blank nodes and the local part of a prefixed name, which Oxigraph
  reads to their end, may hold it, and only when they are plain ASCII.
- The grammar decodes ``\\u`` escapes before tokenising (SPARQL 1.1 Query, 19.2), Oxigraph only inside strings
  and IRIs; ``"a\\u0022 b"`` is one string for Oxigraph and two for a decoder. Both readings are made.
- Oxigraph ends a comment at LF or CR only; a reading that also ends it at the other line breaks is made too.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = r"""
    (?P<string>'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<comment>\#[^END]*)
  | (?P<var>[?$]\w+)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.:%-]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>\S)
"""
_READINGS = (re.compile(_TOKEN.replace("END", r"\n\r"), re.VERBOSE | re.DOTALL),
             re.compile(_TOKEN.replace("END", r"\n\r\v\f\x1c-\x1e\x85\u2028\u2029"), re.VERBOSE | re.DOTALL))
_OTHER_ENDS = re.compile("[\v\f\x1c-\x1e\x85\u2028\u2029]")  # line ends of the second reading alone
_PLAIN = re.compile(r"[A-Za-z0-9_.:%-]*")  # what Oxigraph and this lexer both read to the end of a name


@dataclass
class Outline:
    """What a SPARQL text is: its query form, the update keywords in it, the IRIs of its SERVICE calls, and whether
    it calls a function whose value changes with each run (``VOLATILE``)."""

    form: str | None = None
    updates: list[str] = field(default_factory=list)
    services: list[str | None] = field(default_factory=list)  # None: a variable or a name this lexer cannot read
    volatile: bool = False

    def refused_services(self, allowed_hosts) -> list[str]:
        """Return the services (as written, resolved) whose host is not allowed.

        >>> outline("SELECT * { SERVICE <http://a.example/s> {} SERVICE ?x {} }").refused_services({"b.example"})
        ['http://a.example/s', 'a variable']
        """
        return [service or "a variable" for service in self.services
                if service is None or _host(service) not in allowed_hosts]


def beyond_unicode(text: str):
    r"""Return the first ``\U`` escape past U+10FFFF and where it starts; None when there is none.

    >>> beyond_unicode(r'"\U0001F600"'), beyond_unicode(r'?s ?p "\U00110000"')
    (None, ('\\U00110000', 7))
    """
    for match in _ESCAPE.finditer(text):
        if match.group(2) and int(match.group(2), 16) > 0x10FFFF:
            return match.group(0), match.start()
    return None


def unescape(text: str) -> str:
    r"""Decode the ``\u`` and ``\U`` escapes the grammar allows anywhere in a query.

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def mentions_service(text: str) -> bool:
    r"""Whether ``service`` occurs anywhere in the text, escaped or not, in any case.

    >>> mentions_service(r"SELECT * { \u0073ervice <x> {} }"), mentions_service("SELECT * {}")
    (True, False)
    """
    return "service" in text.casefold() or "service" in unescape(text).casefold()


def tokens(text: str, reading: re.Pattern = _READINGS[0]):
    """Yield the (kind, text) tokens of a SPARQL text, comments left out, as Oxigraph reads them.

    >>> [kind for kind, _ in tokens('SELECT ?s { ?s ex:p "SERVICE" } # SERVICE')]
    ['word', 'var', 'other', 'var', 'pname', 'string', 'other']
    """
    for match in reading.finditer(text):
        if match.lastgroup != "comment":
            yield match.lastgroup, match.group()


# Functions whose value changes from one run to the next (SPARQL 1.1, 17.4.5.1 NOW, 17.4.4.4 RAND, 17.4.5.2-3 UUID):
# an answer that calls one is not the build's answer to keep. Only a word calls one: ``"NOW"``, ``<urn:now>``,
# ``ex:now`` and ``?now`` are a string, an IRI, a prefixed name and a variable.
VOLATILE = ("NOW", "RAND", "UUID", "STRUUID")


def outline(text: str) -> Outline:
    r"""Read a query's form, its update keywords, its SERVICE IRIs (resolved against its PREFIX and BASE) and whether
    it is volatile, in one pass over the text; a second and third only for a text with escapes or SERVICE in it.

    The form and the updates are Oxigraph's reading; the services are those of every reading (see above), and so
    is volatility: a doubt keeps an answer from being kept, which costs a run, never a wrong answer.

    >>> outline("PREFIX e: <http://e.example/> SELECT * { SERVICE SILENT e:sparql { ?s ?p ?o } }")
    Outline(form='SELECT', updates=[], services=['http://e.example/sparql'], volatile=False)
    >>> outline('select * {} ; insert data { <a> <b> "c" }').updates
    ['INSERT']
    >>> outline("PREFIX : <http://e.example/> SELECT*{trueSERVICE:s{} SERVICESILENT<http://f.example/>{}}").services
    ['http://e.example/s', 'http://f.example/']
    >>> outline("SELECT (now() AS ?t) {}").volatile, outline(r"SELECT (\u0052AND() AS ?r) {}").volatile
    (True, True)
    >>> outline('PREFIX ex: <urn:> SELECT ?now { ?s <urn:now> "NOW" ; ex:now ?now }').volatile
    False
    >>> outline("SELECT * { # a comment\u2028BIND(NOW() AS ?t) }").volatile  # if a comment ends at U+2028
    True
    """
    found = _read(list(tokens(text)))
    service = mentions_service(text)
    others = []
    if service or _OTHER_ENDS.search(text):  # the other reading differs only where a comment may end otherwise
        others.append(tokens(text, _READINGS[1]))
    if service or "\\u" in text or "\\U" in text:  # decoding changes nothing in a text without escapes
        others.append(tokens(unescape(text)))
    for reading in others:
        other = _read(list(reading))
        found.services += [s for s in other.services if s not in found.services]
        found.volatile = found.volatile or other.volatile
    return found


def _read(stream: list) -> Outline:
    found = Outline()
    prefixes, base, declared = {}, None, -1
    for i, (kind, value) in enumerate(stream):
        upper = value.upper()
        ahead = stream[i + 1:i + 4]
        if kind == "word":
            if upper in VOLATILE:
                found.volatile = True
            elif upper in FORMS and found.form is None:
                found.form = upper
            elif upper in UPDATES:
                found.updates.append(upper)
            elif upper == "PREFIX" and len(ahead) >= 2 and ahead[0][0] == "pname" and ahead[1][0] == "iri":
                prefixes[ahead[0][1].split(":")[0]] = _resolve(ahead[1][1][1:-1], base)
                declared = i + 1
            elif upper == "BASE" and ahead and ahead[0][0] == "iri":
                base = _resolve(ahead[0][1][1:-1], base)
            elif "SERVICE" in upper:  # Oxigraph reads a keyword inside a word: trueSERVICE, SERVICESILENT
                found.services.append(_glued(value, ahead, prefixes, base))
        elif kind == "pname" and i != declared:
            prefix, _, local = value.partition(":")
            if "SERVICE" in prefix.upper():  # SERVICE:x is the keyword and the name :x
                found.services.append(_glued(prefix, [("pname", ":" + local)], prefixes, base))
            elif "SERVICE" in local.upper() and not _PLAIN.fullmatch(local):
                found.services.append(None)
        elif kind in ("var", "bnode") and "SERVICE" in upper and not _PLAIN.fullmatch(value.lstrip("?$_:")):
            found.services.append(None)
    return found


def _glued(word: str, ahead: list, prefixes: dict, base: str | None) -> str | None:
    """The service called by SERVICE inside ``word`` and the tokens ``ahead``; None if it cannot be read."""
    rest = word[word.upper().index("SERVICE") + len("SERVICE"):]
    if rest.upper().startswith("SILENT"):
        rest = rest[len("SILENT"):]
    elif ahead and ahead[0][0] == "word" and ahead[0][1].upper() == "SILENT":
        ahead = ahead[1:]
    elif ahead and ahead[0][1].upper().startswith("SILENT"):
        return None  # SILENTe:x is SILENT and e:x to Oxigraph
    if rest:  # the name starts inside the word: SERVICEe:x
        if "SERVICE" in rest.upper() or not ahead or ahead[0][0] != "pname" or not ahead[0][1].startswith(":"):
            return None
        ahead = [("pname", rest + ahead[0][1])]
    return _service(ahead[0], prefixes, base) if ahead else None


def _service(token, prefixes: dict, base: str | None) -> str | None:
    kind, value = token
    if kind == "iri":
        return _resolve(value[1:-1], base)
    if kind == "pname":
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def _resolve(iri: str, base: str | None) -> str:
    iri = unescape(iri)  # Oxigraph decodes escapes inside an IRI: <http://127.0.0.\u0031/> is 127.0.0.1
    return urljoin(base, iri) if base else iri


def _host(iri: str) -> str | None:
    try:
        return urlsplit(iri).hostname
    except ValueError:  # a malformed authority such as http://[::1/ reaches nothing we allow
        return None
