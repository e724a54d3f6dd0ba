"""What the benchmark asks each contender: the query mix and the resource pages, and the check before timing.

An item is one line of the results: a name, the contenders it is sent to, and per contender the list of requests
wrk cycles through. Another item slots in by adding a function to ``ITEMS`` that returns one, given what
``discover`` found (the practices, municipalities, pages) and the contenders' URLs.
"""

import json
import string
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

from benchmarks.wrk import Request

QUERIES = Path(__file__).resolve().parent / "queries"
ENDPOINTS = {"publisher": "/sparql", "Oxigraph": "/query", "rdflib-endpoint": "/"}  # each one's SPARQL protocol
SPARQL = tuple(ENDPOINTS)
PAGES = ("publisher", "nginx")
SELECT = {"Accept": "application/sparql-results+json"}
GRAPH = {"Accept": "text/turtle"}
# Words of the generated practices' titles (publisher/generate), so that the text filter finds rows.
WORDS = ["babbelbank", "taal", "buurt", "moestuin", "ouderen", "jongeren", "sport", "huiswerk", "café", "school"]


class Item(NamedTuple):
    """One measured line: ``requests`` maps a contender's name to the requests wrk cycles through."""

    name: str
    group: str  # "query" or "page": the table it belongs to
    requests: dict
    unique: bool  # a comment that differs per request ends every query: no answer cache serves it
    rows: bool = False  # a SELECT: the publisher and Oxigraph must give as many rows


def query(name: str, **values: str) -> str:
    """The text of ``queries/{name}.rq`` without its comment lines, ``$names`` replaced by ``values``."""
    text = (QUERIES / f"{name}.rq").read_text()
    return string.Template("\n".join(l for l in text.splitlines() if not l.startswith("#"))).substitute(values)


def sparql(texts: list[str], headers: dict) -> dict:
    """Per SPARQL contender, a GET of each query text on its endpoint (SPARQL 1.1 Protocol, section 2.1.1)."""
    return {who: [Request("GET", f"{path}?query={urllib.parse.quote(text)}", headers) for text in texts]
            for who, path in ENDPOINTS.items()}


def describe_repeated(found: dict) -> Item:
    return Item("describe, one practice repeated", "query", sparql([query("describe", practice=found["practices"][0])],
                                                                    GRAPH), unique=False)


def describe_unique(found: dict) -> Item:
    texts = [query("describe", practice=iri) for iri in found["practices"]]
    return Item("describe, a different practice each time", "query", sparql(texts, GRAPH), unique=True)


def select_unique(found: dict) -> Item:
    texts = [query("outgoing", practice=iri) for iri in found["practices"]]
    return Item("a practice's statements as a SELECT, a different practice each time", "query",
                sparql(texts, SELECT), unique=True, rows=True)


def in_municipality(found: dict) -> Item:
    texts = [query("practices-in-municipality", municipality=iri) for iri in found["municipalities"]]
    return Item("practices in a municipality (each in turn)", "query", sparql(texts, SELECT), unique=True, rows=True)


def facet_counts(found: dict) -> Item:
    return Item("facet counts (4 facets, GROUP BY)", "query", sparql([query("facet-counts")], SELECT), unique=False,
                rows=True)


def text_filter(found: dict) -> Item:
    texts = [query("text-filter", word=word) for word in WORDS]
    return Item("text filter, CONTAINS(LCASE(…)) (10 words in turn)", "query", sparql(texts, SELECT), unique=True,
                rows=True)


def pages(found: dict, suffix: str, accept: dict) -> dict:
    """The publisher's ``/doc/…`` pages as a browser or client asks, and nginx's copies of them (``.{suffix}``)."""
    asked = [path + (".ttl" if suffix == "ttl" else "") for path in found["pages"]]
    return {"publisher": [Request("GET", path, accept) for path in asked],
            "nginx": [Request("GET", f"{path}.{suffix}", {}) for path in found["pages"]]}


def turtle_pages(found: dict) -> Item:
    return Item(f"resource page in Turtle ({len(found['pages'])} practices)", "page", pages(found, "ttl", {}),
                unique=False)


def html_pages(found: dict) -> Item:
    return Item(f"resource page in HTML ({len(found['pages'])} practices)", "page",
                pages(found, "html", {"Accept": "text/html"}), unique=False)


ITEMS = [describe_repeated, describe_unique, select_unique, in_municipality, facet_counts, text_filter, turtle_pages,
         html_pages]


def fetch(url: str, headers: dict) -> tuple[int, bytes, str]:
    """Status, body and content type of a GET."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=300) as answer:
            return answer.status, answer.read(), answer.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


def rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def discover(publisher: str, pages: int) -> dict:
    """The practices and municipalities to ask about, and ``pages`` practices' resource pages, from the publisher."""
    found = {}
    for name, column in (("practices", "practice"), ("municipalities", "municipality")):
        code, body, _ = fetch(f"{publisher}/sparql?query={urllib.parse.quote(query(name))}", SELECT)
        if code != 200:
            raise SystemExit(f"the publisher answered {code} to queries/{name}.rq: {body[:300]!r}")
        found[name] = [row[column]["value"] for row in json.loads(body)["results"]["bindings"]]
    keys = [iri.split("/id/", 1)[1] for iri in found["practices"][:: max(1, len(found["practices"]) // pages)]]
    found["pages"] = [f"/doc/{key}" for key in keys[:pages]]
    return found


def check(item: Item, urls: dict) -> dict:
    """Send each contender the item's first request; refuse a non-200 or an empty answer, or a row count of the
    publisher that is not Oxigraph's; return each contender's row count (SELECT) or answer size in bytes."""
    seen = {}
    for who, requests in item.requests.items():
        first = requests[0]
        code, body, _ = fetch(urls[who] + first.path, first.headers)
        if code != 200 or not body.strip():
            raise SystemExit(f"{who} answered {code} ({len(body)} bytes) to {item.name}: {first.path[:200]}")
        seen[who] = rows(body) if item.rows else len(body)
    if item.rows and not seen["publisher"]:
        raise SystemExit(f"{item.name}: the publisher gave no rows, so the item measures nothing")
    if item.rows and seen["publisher"] != seen["Oxigraph"]:
        raise SystemExit(f"{item.name}: the publisher gave {seen['publisher']} rows, Oxigraph {seen['Oxigraph']}")
    return seen


def mirror(publisher: str, found: dict, folder: Path) -> dict:
    """Write the bytes the publisher gives for each page (Turtle and HTML) under ``folder``, as nginx will serve
    them; return each suffix's content type as the publisher sent it."""
    types = {}
    for path in found["pages"]:
        for suffix, asked, headers in (("ttl", path + ".ttl", {}), ("html", path, {"Accept": "text/html"})):
            code, body, kind = fetch(publisher + asked, headers)
            if code != 200 or not body:
                raise SystemExit(f"the publisher answered {code} to {asked}")
            target = folder / f"{path.lstrip('/')}.{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            types[suffix] = kind
    for part in [folder, *folder.rglob("*")]:  # nginx's workers run as nobody when it starts as root
        part.chmod(0o755 if part.is_dir() else 0o644)
    return types


def rows_count(root: str, endpoint: str) -> int:
    """Triples in a SPARQL server's default graph (``queries/count.rq``)."""
    code, body, _ = fetch(f"{root}{endpoint}?query={urllib.parse.quote(query('count'))}", SELECT)
    if code != 200:
        raise SystemExit(f"{root}{endpoint} answered {code} to queries/count.rq")
    return int(json.loads(body)["results"]["bindings"][0]["triples"]["value"])
