"""The endpoint's answers as the query processes write them and send them back (issue 14): every results format
gives the rows an independent engine (rdflib) gives, ``max_rows`` cuts where it says whatever the values hold, the
prefixes of Turtle answers hold for every query a process answers, and a query process that dies mid-query is a
clear 503 after which the next query is answered."""

import csv
import io
import json
import signal
import threading
import time
import urllib.parse

import psutil
import pyoxigraph as ox
import pytest
import rdflib

from conftest import http, start_server, stop_server

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Values that a writer or a row counter could get wrong: the text between two rows of SPARQL JSON inside a string,
# quotes, a line break, non-ASCII, a language, a datatype, an IRI, unbound values. (A row with nothing bound is
# in the max_rows test: rdflib leaves it out of VALUES, which SPARQL 1.1, 18.2.4.3, keeps.)
TRICKY = r"""SELECT ?x ?y WHERE { VALUES (?x ?y) {
  ("a},{b" "c\"},{\"d")
  ("naïve"@nl 42)
  (<https://example.org/a> UNDEF)
  ("line\nbreak" "2026-11-30"^^<http://www.w3.org/2001/XMLSchema#date>)
  (UNDEF "}]}")
} }"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "tsv": ox.QueryResultsFormat.TSV}


def get(url, query, **params):
    return http(f"{url}/sparql?" + urllib.parse.urlencode({"query": query, **params}))


def term(value):
    """A term of pyoxigraph or rdflib as (kind, text, language, datatype); None stays None."""
    if value is None:
        return None
    if isinstance(value, (ox.NamedNode, rdflib.URIRef)):
        return ("iri", str(value.value if isinstance(value, ox.NamedNode) else value), None, None)
    if isinstance(value, ox.Literal):
        return ("literal", value.value, value.language, None if value.language else value.datatype.value)
    datatype = str(value.datatype) if value.datatype else (None if value.language else XSD_STRING)
    return ("literal", str(value), value.language, datatype)


def expected(query: str) -> list:
    """The rows rdflib's own engine gives (on an empty graph: the rows come from VALUES)."""
    return sorted((tuple(term(value) for value in row) for row in rdflib.Graph().query(query)), key=repr)


@pytest.fixture(scope="module")
def narrow(built):
    """The server with max_rows = 3 and a long query_timeout; yield its URL and process."""
    settings, _ = built
    process, url = start_server(settings["build_dir"], max_rows=3, query_timeout=60)
    yield url, process
    stop_server(process)


@pytest.mark.parametrize("name", FORMATS)
def test_every_results_format_gives_the_rows_of_an_independent_engine(server, name):
    url, _ = server
    status, headers, body = get(url, TRICKY, format=name)
    result = ox.parse_query_results(body, FORMATS[name])
    rows = sorted((tuple(term(row[v]) for v in ("x", "y")) for row in result), key=repr)
    assert status == 200 and "Results-Truncated" not in headers
    assert rows == expected(TRICKY)


def test_csv_gives_the_values_of_every_row(server):
    url, _ = server
    status, _, body = get(url, TRICKY, format="csv")
    rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
    values = sorted(tuple(t[1] if t else "" for t in row) for row in expected(TRICKY))
    assert status == 200 and rows[0] == ["x", "y"] and sorted(map(tuple, rows[1:])) == values


@pytest.mark.parametrize("rows,cut", [(3, False), (4, True)])
@pytest.mark.parametrize("value", ['"a},{b"', '"}},{{"', "UNDEF"], ids=["separator", "braces", "empty-row"])
@pytest.mark.parametrize("name", FORMATS)
def test_max_rows_cuts_at_its_count_whatever_the_values_hold(narrow, rows, cut, value, name):
    url, _ = narrow
    query = "SELECT ?x WHERE { VALUES ?x { %s } }" % " ".join([value] * rows)
    status, headers, body = get(url, query, format=name)
    found = list(ox.parse_query_results(body, FORMATS[name]))
    assert status == 200 and len(found) == 3
    assert ("Results-Truncated" in headers) is cut
    if name == "json":
        assert ("truncated" in json.loads(body)) is cut


def test_turtle_answers_keep_the_prefixes_query_after_query(server):
    url, _ = server
    query = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT %d"
    for limit in (1, 2, 3, 4):  # the same query processes answer each one
        status, _, body = get(url, query % limit, format="ttl")
        assert status == 200 and b"@prefix skos: <http://www.w3.org/2004/02/skos/core#>" in body, body[:300]


def test_a_query_process_that_dies_mid_query_is_a_503_and_the_next_query_is_answered(narrow):
    url, process = narrow
    get(url, "ASK {}")  # the query processes are running
    workers = [p for p in psutil.Process(process.pid).children(recursive=True) if "spawn_main" in " ".join(p.cmdline())]
    spent = {p.pid: sum(p.cpu_times()[:2]) for p in workers}
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(zip(("status", "headers", "body"), get(url, RUNAWAY))))
    thread.start()
    busy = None
    for _ in range(200):  # the query process that runs the runaway: the one spending CPU time
        busy = next((p for p in workers if sum(p.cpu_times()[:2]) - spent[p.pid] > 0.5), None)
        if busy:
            break
        time.sleep(0.1)
    assert busy is not None, "no query process ran the runaway query"
    busy.send_signal(signal.SIGTERM)  # not SIGKILL: the sandbox reads that as the memory cap
    thread.join(30)
    assert answer["status"] == 503 and b"stopped unexpectedly" in answer["body"], answer
    status, _, body = get(url, "SELECT ?n WHERE { VALUES ?n { 1 2 } }", format="json")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2
