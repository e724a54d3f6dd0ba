"""The SPARQL endpoint over real HTTP, driven by the clients researchers use: SPARQLWrapper, rdflib, plain HTTP."""

import csv
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import psutil
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from SPARQLWrapper import (CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML,
                           SPARQLWrapper)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from conftest import PROJECT, http, start_server, stop_server

SL = "https://w3id.org/samenleven/ns#"
PRACTICES = f"PREFIX sl: <{SL}> PREFIX dct: <http://purl.org/dc/terms/>\n" \
            "SELECT ?p ?title WHERE { ?p a sl:Practice ; dct:title ?title FILTER(LANG(?title) = 'nl') } ORDER BY ?p"
GENT = f"PREFIX sl: <{SL}> CONSTRUCT {{ ?i ?p ?o }} WHERE {{ ?i a sl:Initiative ; " \
       "<http://purl.org/dc/terms/spatial> <https://w3id.org/samenleven/id/gemeente/44021> ; ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^12 combinations


def get(url, query, **params):
    return http(f"{url}/sparql?" + urllib.parse.urlencode({"query": query, **params}),
                headers=params.pop("headers", None))


def wrapper(url, query, fmt, method=GET, request_method=URLENCODED):
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


def triple_count(url) -> int:
    return int(wrapper(url, COUNT, JSON).queryAndConvert()["results"]["bindings"][0]["n"]["value"])


# --- SPARQLWrapper in every result format, by GET and both POSTs ---------------------------------------------

WAYS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


@pytest.mark.parametrize("method,request_method", WAYS, ids=["GET", "POST-form", "POST-direct"])
def test_select_in_json_through_sparqlwrapper_by_every_way_of_sending(server, method, request_method):
    url, manifest = server
    result = wrapper(url, PRACTICES, JSON, method, request_method).queryAndConvert()
    titles = {row["title"]["value"] for row in result["results"]["bindings"]}
    assert titles == {"Sociale cohesie", "Sociale samenhang ondersteunen"}  # the two of tests/data/graph/
    assert manifest["counts"]["practices"] == 2


@pytest.mark.parametrize("fmt,parse", [
    (JSON, lambda body: ox.parse_query_results(body, ox.QueryResultsFormat.JSON)),
    (XML, lambda body: ox.parse_query_results(body, ox.QueryResultsFormat.XML)),
    (TSV, lambda body: ox.parse_query_results(body, ox.QueryResultsFormat.TSV)),
    (CSV, lambda body: list(csv.DictReader(io.StringIO(body.decode())))),
], ids=["json", "xml", "tsv", "csv"])
@pytest.mark.parametrize("method,request_method", WAYS, ids=["GET", "POST-form", "POST-direct"])
def test_select_answers_in_each_results_format_and_parses(server, fmt, parse, method, request_method):
    url, _ = server
    body = wrapper(url, PRACTICES, fmt, method, request_method).query().response.read()
    rows = list(parse(body))
    assert len(rows) == 2
    titles = {str(row["title"].value if hasattr(row["title"], "value") else row["title"]) for row in rows}
    assert "Sociale cohesie" in titles


def test_select_through_rdflib_result_parsers_keeps_languages(server):
    url, _ = server
    status, _, body = get(url, PRACTICES, format="xml")
    result = rdflib.query.Result.parse(io.BytesIO(body), format="xml")
    assert status == 200 and {row.title.language for row in result} == {"nl"}


@pytest.mark.parametrize("fmt,rdflib_format", [(TURTLE, "turtle"), (RDFXML, "xml"), (JSONLD, "json-ld"),
                                               (N3, "n3")])
def test_construct_answers_in_each_rdf_format_and_all_are_the_same_graph(server, fmt, rdflib_format):
    url, _ = server
    body = wrapper(url, GENT, fmt).query().response.read()
    graph = rdflib.Graph().parse(data=body, format=rdflib_format)
    status, _, nt = get(url, GENT, format="nt")
    reference = rdflib.Graph().parse(data=nt, format="nt")
    assert status == 200 and len(reference) > 5
    assert isomorphic(graph, reference)
    omstaander = rdflib.URIRef("https://w3id.org/samenleven/id/initiatief/omstaandertraining")
    assert (omstaander, rdflib.RDF.type, rdflib.URIRef(SL + "Initiative")) in graph


def test_ask_answers_true_and_false(server):
    url, _ = server
    assert wrapper(url, f"ASK {{ ?p a <{SL}Practice> }}", JSON).queryAndConvert()["boolean"] is True
    assert wrapper(url, f"ASK {{ ?p a <{SL}Nothing> }}", XML).queryAndConvert().getElementsByTagName(
        "boolean")[0].firstChild.data == "false"


def test_describe_gives_the_concise_bounded_description_with_blank_nodes(server):
    url, _ = server
    status, _, body = get(url, "DESCRIBE <https://w3id.org/samenleven/id/organisatie/vvsg>", format="ttl")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    emails = {str(o) for o in graph.objects(None, rdflib.URIRef("http://schema.org/email"))}
    assert status == 200 and emails == {"samenleven@vvsg.be"}


# --- Content negotiation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("accept,expected", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
])
def test_select_negotiates_on_accept_with_q_values(server, accept, expected):
    url, _ = server
    status, headers, _ = http(f"{url}/sparql?" + urllib.parse.urlencode({"query": PRACTICES}),
                              headers={"Accept": accept} if accept else {})
    assert status == 200 and headers.get_content_type() == expected
    assert "Accept" in headers["Vary"]


@pytest.mark.parametrize("accept,expected", [
    (None, "text/turtle"), ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"), ("application/rdf+xml;q=0.9, text/turtle;q=0.1",
                                                          "application/rdf+xml"),
])
def test_construct_negotiates_on_accept(server, accept, expected):
    url, _ = server
    status, headers, _ = http(f"{url}/sparql?" + urllib.parse.urlencode({"query": GENT}),
                              headers={"Accept": accept} if accept else {})
    assert status == 200 and headers.get_content_type() == expected and "Accept" in headers["Vary"]


def test_the_format_parameter_overrides_accept(server):
    url, _ = server
    status, headers, body = get(url, PRACTICES, format="csv", headers={"Accept": "application/sparql-results+xml"})
    assert status == 200 and headers.get_content_type() == "text/csv" and body.startswith(b"p,title")


def test_nothing_acceptable_is_406_listing_the_offered_types(server):
    url, _ = server
    status, headers, body = http(f"{url}/sparql?" + urllib.parse.urlencode({"query": PRACTICES}),
                                 headers={"Accept": "text/turtle"})
    assert status == 406 and "Accept" in headers["Vary"]
    assert b"application/sparql-results+json" in body and b"text/csv" in body


# --- Errors as the protocol wants them ---------------------------------------------------------------------

def test_a_malformed_query_is_400_with_line_and_column(server):
    url, _ = server
    status, _, body = get(url, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }")
    assert status == 400 and b"3:" in body and b"does not parse" in body
    with pytest.raises(QueryBadFormed):
        wrapper(url, "SELECT * WHERE { ?s ?p }", JSON).query()


def test_two_query_parameters_are_400(server):
    url, _ = server
    status, _, body = http(f"{url}/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert status == 400 and b"2 query parameters" in body


def test_a_query_in_the_update_field_is_400(server):
    url, _ = server
    status, _, body = http(f"{url}/sparql", data=urllib.parse.urlencode({"update": PRACTICES}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"query parameter" in body


def test_an_unknown_body_type_is_415(server):
    url, _ = server
    status, _, _ = http(f"{url}/sparql", data=PRACTICES.encode(), headers={"Content-Type": "text/plain"})
    assert status == 415


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server, method):
    url, _ = server
    status, headers, _ = http(f"{url}/sparql", data=b"", method=method)
    assert status == 405 and "GET" in headers["Allow"]


def test_a_query_past_the_size_cap_is_413_naming_the_limit(server):
    url, _ = server
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70000
    status, _, body = http(f"{url}/sparql", data=long.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 413 and b"at most 65536" in body
    status, _, body = http(f"{url}/sparql", data=long.encode(), headers={"Content-Type": "application/sparql-query",
                                                                         "Accept": "application/json"})
    assert status == 413 and json.loads(body)["limit"] == "max_query_size"


def test_errors_come_as_problem_json_to_clients_that_ask_for_json(server):
    url, _ = server
    status, headers, body = get(url, "SELECT", headers={"Accept": "application/json"})
    problem = json.loads(body)
    assert status == 400 and headers.get_content_type() == "application/problem+json"
    assert problem["status"] == 400 and "parse" in problem["detail"]


# --- Read-only ----------------------------------------------------------------------------------------------

UPDATE = 'INSERT DATA { <http://example.org/x> <http://example.org/y> "z" }'


@pytest.mark.parametrize("send", [
    lambda url: http(f"{url}/sparql?" + urllib.parse.urlencode({"update": UPDATE})),
    lambda url: http(f"{url}/sparql", data=urllib.parse.urlencode({"update": UPDATE}).encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"}),
    lambda url: http(f"{url}/sparql", data=UPDATE.encode(), headers={"Content-Type": "application/sparql-update"}),
    lambda url: get(url, UPDATE),
    lambda url: get(url, "SELECT * WHERE { ?s ?p ?o } ;\n" + UPDATE),
    lambda url: get(url, "CLEAR ALL"),
    lambda url: get(url, "LOAD <http://127.0.0.1:9/data.ttl>"),
    lambda url: get(url, "DELETE WHERE { ?s ?p ?o }"),
], ids=["update-param-GET", "update-param-POST", "sparql-update-body", "insert-as-query", "smuggled-after-select",
        "clear", "load", "delete-where"])
def test_every_update_form_is_refused_with_403_and_the_data_stays(server, send):
    url, manifest = server
    before = triple_count(url)
    status, _, body = send(url)
    assert status == 403 and b"read-only" in body
    assert triple_count(url) == before == manifest["counts"]["triples"]


# --- SERVICE -----------------------------------------------------------------------------------------------

@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    connections, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connections.append(sock.accept()[0])
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], connections
    stop.set()
    thread.join()
    sock.close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
    "BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # a comment\n SERVICE\n<http://127.0.0.1:{port}/sparql>{{?s ?p ?o}} }}",
], ids=["plain", "lower-case-silent", "prefixed-name", "relative-to-base", "variable", "unicode-escape", "comment"])
def test_service_is_refused_and_the_named_host_gets_no_connection(server, listener, template):
    url, _ = server
    port, connections = listener
    status, _, body = get(url, template.format(port=port))
    time.sleep(0.3)
    assert status == 403 and b"service_allow" in body
    assert connections == []


def test_service_in_a_string_or_iri_is_not_a_call(server):
    url, _ = server
    status, _, _ = get(url, 'SELECT ("SERVICE <http://127.0.0.1:9/>" AS ?x) WHERE { '
                            '?s <http://example.org/SERVICE> ?o }')
    assert status == 200


# --- Guardrails --------------------------------------------------------------------------------------------

def test_a_runaway_query_is_stopped_at_the_limit_and_the_next_query_is_answered(server):
    url, _ = server
    status, _, body = get(url, RUNAWAY)
    assert status == 503 and b"stopped after 3 s" in body  # the limit named, not a client's own time-out
    assert triple_count(url) > 10000


def test_a_stopped_query_leaves_no_process_busy(server):
    url, _ = server
    status, _, body = get(url, RUNAWAY, headers={"Accept": "application/json"})
    assert status == 503 and json.loads(body)["limit"] == "query_timeout"
    server_process = next(p for p in psutil.process_iter(["cmdline"])
                          if p.info["cmdline"] and url.rsplit(":", 1)[1] in p.info["cmdline"])
    children = server_process.children(recursive=True)
    before = {child.pid: sum(child.cpu_times()[:2]) for child in children}
    time.sleep(1.0)
    busy = [child.pid for child in children
            if child.is_running() and sum(child.cpu_times()[:2]) - before[child.pid] > 0.5]
    assert busy == []


def test_truncation_is_signalled_in_a_header_and_in_json(server):
    url, manifest = server
    assert manifest["counts"]["triples"] > 10000
    status, headers, body = get(url, "SELECT * WHERE { ?s ?p ?o }")
    document = json.loads(body)
    assert status == 200 and headers["Results-Truncated"] == "max_rows=10000"
    assert len(document["results"]["bindings"]) == 10000
    assert document["truncated"] == {"rows": 10000, "setting": "max_rows"}
    # Standard parsers ignore the marker.
    assert len(list(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))) == 10000
    status, headers, body = get(url, "SELECT * WHERE { ?s ?p ?o }", format="csv")
    assert headers["Results-Truncated"] == "max_rows=10000"
    assert len(list(csv.reader(io.StringIO(body.decode())))) == 1 + 10000


def test_a_complete_answer_has_no_truncation_header(server):
    url, _ = server
    status, headers, body = get(url, PRACTICES)
    assert status == 200 and "Results-Truncated" not in headers and "truncated" not in json.loads(body)


# --- Dataset, CORS, service description --------------------------------------------------------------------

def test_default_graph_uri_and_named_graph_uri_are_honoured(server):
    url, _ = server
    # The data is in the default graph: naming another graph as default leaves nothing to match.
    status, _, body = get(url, PRACTICES, **{"default-graph-uri": "http://example.org/elsewhere"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, body = get(url, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                          **{"named-graph-uri": "http://example.org/g"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, _ = get(url, PRACTICES, **{"default-graph-uri": "not an iri"})
    assert status == 400


def test_cors_is_open_for_get_post_and_preflight(server):
    url, _ = server
    _, headers, _ = get(url, PRACTICES, headers={"Origin": "https://yasgui.example"})
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = http(f"{url}/sparql", method="OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert status in (200, 204) and "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("accept,rdflib_format", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                  ("application/rdf+xml", "xml"), ("application/n-triples", "nt")])
def test_the_service_description_in_every_rdf_format(server, accept, rdflib_format):
    url, manifest = server
    status, headers, body = http(f"{url}/sparql", headers={"Accept": accept})
    graph = rdflib.Graph().parse(data=body, format=rdflib_format)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    endpoint = rdflib.URIRef(url + "/sparql")
    assert status == 200 and "Accept" in headers["Vary"]
    assert (endpoint, sd.endpoint, endpoint) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (endpoint, sd.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    assert int(next(graph.objects(None, void.triples))) == manifest["counts"]["triples"]
    examples = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#SPARQLExecutable")))
    assert len(examples) == len(list((PROJECT / "queries").glob("*.rq")))
    assert (endpoint, sd.feature, sd.BasicFederatedQuery) not in graph


# --- The query page ----------------------------------------------------------------------------------------

def test_a_browser_gets_a_query_page_prefilled_with_an_example(server):
    url, _ = server
    status, headers, body = http(f"{url}/sparql", headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and headers.get_content_type() == "text/html"
    assert "<textarea" in page and "sl:Practice" in page and "<script" not in page


def test_the_query_page_shows_results_as_a_table_with_links_to_this_server(server):
    url, _ = server
    status, _, body = get(url, PRACTICES, headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and "<table" in page and "Sociale cohesie" in page
    assert f'href="{url}/id/praktijk/sociale-cohesie"' in page
    assert "format=csv" in page and "format=json" in page


def test_the_query_page_shows_a_malformed_query_with_its_error(server):
    url, _ = server
    status, _, body = get(url, "SELECT * WHERE { ?s ?p }", headers={"Accept": "text/html"})
    assert status == 400 and b"<textarea" in body and b"does not parse" in body


# --- Serving -----------------------------------------------------------------------------------------------

def test_gunicorn_workers_serve_the_same_endpoint(built):
    settings, manifest = built
    process, url = start_server(settings["build_dir"], "--workers", "2")
    try:
        assert triple_count(url) == manifest["counts"]["triples"]
        status, _, _ = get(url, RUNAWAY)
        assert status == 503
    finally:
        stop_server(process)


def test_bad_front_matter_stops_the_server_at_start_with_file_and_line(built, tmp_path):
    settings, _ = built
    (tmp_path / "kapot.rq").write_text("#+ title: {nl: Kapot, en: Broken}\n#+ description: [unclosed\n"
                                       "SELECT * WHERE { ?s ?p ?o }\n")
    process = subprocess_serve(settings["build_dir"], tmp_path)
    assert process.returncode == 2 and "kapot.rq:2: front matter is not valid YAML" in process.stderr


def subprocess_serve(build_dir, queries_dir):
    return subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "serve", "--port", "9"],
                          cwd=PROJECT, env=dict(os.environ, SAMENLEVEN_QUERIES_DIR=str(queries_dir)),
                          capture_output=True, text=True, timeout=60)


def test_service_reaches_a_host_in_the_allow_list(server, built):
    """A second server that allows 127.0.0.1 federates a query to the first one; the default refuses it."""
    url, _ = server
    settings, _ = built
    process, federating = start_server(settings["build_dir"], service_allow="127.0.0.1")
    try:
        query = f"SELECT ?title WHERE {{ SERVICE <{url}/sparql> {{ {PRACTICES.split('WHERE', 1)[1]} }} }}"
        query = f"PREFIX sl: <{SL}> PREFIX dct: <http://purl.org/dc/terms/>\n" + query.replace("ORDER BY ?p", "")
        status, _, body = get(federating, query)
        titles = {row["title"]["value"] for row in json.loads(body)["results"]["bindings"]}
        assert status == 200 and "Sociale cohesie" in titles
        _, _, description = http(f"{federating}/sparql", headers={"Accept": "application/n-triples"})
        assert b"BasicFederatedQuery" in description
    finally:
        stop_server(process)
    assert get(url, query)[0] == 403


def test_behind_a_trusted_reverse_proxy_the_service_description_names_the_public_address(built):
    settings, _ = built
    process, url = start_server(settings["build_dir"], proxy_hops=1, trusted_hosts="127.0.0.1,data.example.org")
    forwarded = {"Accept": "application/n-triples", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "data.example.org", "X-Forwarded-Prefix": "/samenleven"}
    try:
        _, _, body = http(f"{url}/sparql", headers=forwarded)
        graph = rdflib.Graph().parse(data=body, format="nt")
        endpoint = rdflib.URIRef("https://data.example.org/samenleven/sparql")
        sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
        assert (endpoint, sd.endpoint, endpoint) in graph
    finally:
        stop_server(process)


def test_by_default_forwarded_headers_are_not_trusted(server):
    """A client that reaches the server directly cannot make it name another host."""
    url, _ = server
    _, _, body = http(f"{url}/sparql", headers={"Accept": "application/n-triples",
                                                "X-Forwarded-Host": "evil.example"})
    assert b"evil.example" not in body and f"<{url}/sparql>".encode() in body
