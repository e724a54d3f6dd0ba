"""SPARQL Update cannot be smuggled in, whatever the field, the body, the casing, the escapes or the glue.

A derandomized hypothesis battery sends update operations to the real server every way the protocol knows; each
must be refused (403, or 400 where the text is not even a query), LOAD must not reach its listener, and the data
must be the same afterwards.
"""

import json
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import http
from _federation import Listener, escape, send

OPERATIONS = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }", "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "LOAD <{load}>",
    "LOAD SILENT <{load}> INTO GRAPH <urn:g>", "CLEAR ALL", "CLEAR DEFAULT", "DROP ALL", "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>", "ADD DEFAULT TO <urn:g>", "MOVE DEFAULT TO <urn:g>", "COPY DEFAULT TO <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o }",
]
WAYS = ["query-get", "query-form", "query-body", "update-get", "update-form", "update-body"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"


@st.composite
def updates(draw, load: str):
    """An update operation, cased, glued, escaped, chained after a query or behind a comment."""
    text = draw(st.sampled_from(OPERATIONS)).replace("{load}", load)
    keyword, rest = text.split(" ", 1)
    flags = draw(st.lists(st.booleans(), min_size=len(keyword), max_size=len(keyword)))
    keyword = "".join(c.lower() if f else c for c, f in zip(keyword, flags))
    if draw(st.booleans()):
        keyword = escape(keyword, draw(st.lists(st.booleans(), min_size=1, max_size=4)))
    glue = draw(st.sampled_from([" ", "", "\n", "#c\n", "\t"]))
    before = draw(st.sampled_from(["", "SELECT * {} ;", "SELECT*{};", "# a query\n", "PREFIX e: <urn:e:> ",
                                   "ASK {} ;\n"]))
    return f"{before}{keyword}{glue}{rest}"


def deliver(url: str, text: str, way: str):
    field, how = way.split("-")
    if field == "query":
        return send(url, text, {"get": "get", "form": "form", "body": "body"}[how])
    if how == "get":
        return http(f"{url}/sparql?" + urllib.parse.urlencode({"update": text}))
    if how == "form":
        return http(f"{url}/sparql", urllib.parse.urlencode({"update": text}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})
    return http(f"{url}/sparql", text.encode(), {"Content-Type": "application/sparql-update"})


def triples(url: str) -> int:
    status, _, body = send(url, COUNT, "get")
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_update_smuggling_is_refused_and_changes_nothing(server, tally):
    url, _ = server
    load = Listener("127.0.0.1")
    attack = tally("update smuggling")
    before = triples(url)
    tried = [0]

    @settings(derandomize=True, max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(updates(load.url))
    def case(text):
        way = WAYS[tried[0] % len(WAYS)]
        tried[0] += 1
        status, _, body = deliver(url, text, way)
        refused = status == 403 and b"read-only" in body or status == 400
        assert attack.case(f"{way}: {text}", refused and load.connections == 0), (way, text, status, body[:300])

    try:
        case()
    finally:
        load.close()
    assert triples(url) == before and before > 0


def test_a_query_and_an_update_in_one_request_are_refused(server, tally):
    url, _ = server
    cases = {
        "both fields": urllib.parse.urlencode({"query": "SELECT * {}", "update": "CLEAR ALL"}),
        "update field twice": urllib.parse.urlencode([("update", "SELECT * {}"), ("update", "DROP ALL")]),
        "update in the form, query in the URL": "update=CLEAR%20ALL",
    }
    for name, form in cases.items():
        target = f"{url}/sparql" + ("?query=SELECT%20*%20%7B%7D" if "URL" in name else "")
        status, _, body = http(target, form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        # Refused either way: 403 for the update, or 400 when the first update field holds a query (README).
        refused = status == 403 and b"read-only" in body or status == 400 and b"update" in body
        assert tally("update smuggling").case(name, refused), (name, status, body)
