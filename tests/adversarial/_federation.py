"""Helpers of the federation tests: listeners that count connections, and a generated battery of SERVICE spellings.

The battery is a hypothesis strategy: every spelling, escape, comment, casing and glued keyword it combines is
aimed at a listener on 127.0.0.1 or [::1], so that any connection the endpoint lets through is counted.
"""

import json
import select
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from hypothesis import strategies as st

from conftest import http

ANSWER = json.dumps({"head": {"vars": ["x"]},
                     "results": {"bindings": [{"x": {"type": "literal", "value": "LEAKED"}}]}}).encode()


class Listener:
    """A real HTTP listener on ``host`` that counts accepted connections and answers like a SPARQL endpoint."""

    def __init__(self, host: str = "127.0.0.1", status: str = "200 OK", body: bytes = ANSWER, headers: str = ""):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family)
        self.socket.bind((host, 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://{'[' + host + ']' if ':' in host else host}:{self.port}/sparql"
        self.status, self.body, self.headers = status, body, headers
        self._count, self._lock = 0, threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def connections(self) -> int:
        """Every connection made to the listener so far: none is left uncounted in the kernel's backlog.

        The thread accepts and counts under a lock, so an empty backlog seen under the same lock means that every
        connection that reached the kernel has been counted (a client that connected and gave up at once too).
        """
        while True:
            with self._lock:
                if self.socket.fileno() < 0 or not select.select([self.socket], [], [], 0)[0]:
                    return self._count
            time.sleep(0.005)

    def _serve(self):
        while True:
            try:
                if not select.select([self.socket], [], [], 0.05)[0]:
                    continue
                with self._lock:
                    connection, _ = self.socket.accept()
                    self._count += 1
            except (OSError, ValueError):  # closed
                return
            with connection:
                try:
                    connection.settimeout(2)
                    request = b""
                    while b"\r\n\r\n" not in request:
                        chunk = connection.recv(65536)
                        if not chunk:
                            break
                        request += chunk
                    connection.sendall(f"HTTP/1.1 {self.status}\r\nContent-Type: application/sparql-results+json\r\n"
                                       f"Content-Length: {len(self.body)}\r\nConnection: close\r\n{self.headers}\r\n"
                                       .encode() + self.body)
                except OSError:
                    pass

    def close(self):
        self.socket.close()


def send(url: str, query: str, way: str, headers=None):
    """Send ``query`` to the endpoint at ``url`` one of the protocol's three ways: get, form or body."""
    headers = {"Accept": "application/sparql-results+json", **(headers or {})}
    if way == "get":
        return http(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)
    if way == "form":
        return http(f"{url}/sparql", urllib.parse.urlencode({"query": query}).encode(),
                    {**headers, "Content-Type": "application/x-www-form-urlencoded"})
    return http(f"{url}/sparql", query.encode(), {**headers, "Content-Type": "application/sparql-query"})


def escape(text: str, which: list[bool]) -> str:
    r"""Write the characters of ``text`` chosen by ``which`` as ``\u`` or ``\U`` escapes.

    >>> escape("SERVICE", [True, False, False, False, False, False, False])
    '\\U00000053ERVICE'
    """
    out = []
    for i, char in enumerate(text):
        chosen = which[i % len(which)] if which else False
        out.append((f"\\u{ord(char):04X}" if i % 2 else f"\\U{ord(char):08X}") if chosen else char)
    return "".join(out)


def _casing(word: str):
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flags: "".join(c.lower() if f else c.upper() for c, f in zip(word, flags)))


def _keyword():
    """SERVICE in any casing, sometimes partly escaped, sometimes with SILENT glued on or apart."""
    escaped = st.tuples(_casing("SERVICE"), st.lists(st.booleans(), min_size=1, max_size=7)).map(
        lambda pair: escape(*pair))
    word = st.one_of(_casing("SERVICE"), _casing("SERVICE"), escaped)
    silent = st.sampled_from(["", "", " SILENT", "SILENT", "silent", "#c\nSILENT", " SiLeNt"])
    return st.tuples(word, silent).map("".join)


# What may stand before the keyword: nothing, a separator, or a token Oxigraph ends without a space.
_BEFORE = ["", " ", "\n", "\t", "#comment\n", "#comment\r", "{}", ".", "?a ?b true", "?a ?b 1", "?a ?b <urn:x:o>",
           '?a ?b "o"', "?a ?b ?c .", 'BIND("a\\u0022 b" AS ?z)', "BIND('''it''''s''' AS ?z)", "VALUES ?v { UNDEF }",
           "OPTIONAL{}", "MINUS{?q ?r ?s}", 'FILTER("#" != "x")', "FILTER(1<2)"]
_AFTER = ["", ' BIND("c" AS ?y)', " #}", " FILTER(2>1)", ' BIND("\\u0022" AS ?y)']
_WRAP = ["SELECT * WHERE {{ {0} }}", "SELECT*{{{0}}}", "ASK {{ {0} }}", "CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {0} }}",
         "SELECT * {{ {{ SELECT * {{ {0} }} }} }}", "SELECT * {{ OPTIONAL {{ {0} }} }}",
         "SELECT * {{ FILTER EXISTS {{ {0} }} }}", "SELECT * {{ GRAPH ?g {{ {0} }} }} ", "DESCRIBE ?x {{ {0} }}",
         "SELECT * {{ {{}} UNION {{ {0} }} }}"]


@st.composite
def target(draw, urls: list[str]):
    """The listener as a SERVICE names it: an IRI, escaped or not, a prefixed name, a relative IRI, a variable."""
    url = draw(st.sampled_from(urls))
    root, path = url.rsplit("/", 1)
    how = draw(st.sampled_from(["iri", "iri", "escaped", "pname", "empty-prefix", "base", "variable"]))
    if how == "iri":
        return "", f"<{url}>"
    if how == "escaped":
        return "", "<" + escape(url, draw(st.lists(st.booleans(), min_size=1, max_size=5))) + ">"
    if how == "pname":
        return f"PREFIX e: <{root}/> ", f"e:{path}"
    if how == "empty-prefix":
        return f"PREFIX : <{root}/> ", f":{path}"
    if how == "base":
        return f"BASE <{root}/> ", f"<{path}>"
    return "", "?svc", f"BIND(<{url}> AS ?svc)"


@st.composite
def service_queries(draw, urls: list[str]):
    """A query that calls a listener by SERVICE, spelled in one of many ways."""
    prologue, name, *bind = draw(target(urls))
    keyword = draw(_keyword())
    space = draw(st.sampled_from(["", " ", "\n", "#x\n"]))  # glued too: SERVICEe:x is SERVICE e:x
    before = draw(st.sampled_from(_BEFORE))
    pattern = f"{bind[0] if bind else ''}{before}{keyword}{space}{name}{{ ?x ?p ?o }}{draw(st.sampled_from(_AFTER))}"
    return prologue + draw(st.sampled_from(_WRAP)).format(pattern)
