"""The remote store (issue 14): real SPARQL servers started here on 127.0.0.1, Oxigraph server and Virtuoso Open
Source, the fixture build put into each with `samenleven load --endpoint`, and our server with `store=` pointing at
it answers as the embedded one does: documents, canned queries, search, lists and facets, the catalogue and /sparql;
a runaway query is cut by our own limit; a load that fails leaves the served build as it was."""

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http import client as http_client, server as http_server
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from _virtuoso import MISSING, Virtuoso
from conftest import PROJECT, free_port, http, start_server, stop_server

OXIGRAPH = Path(sys.executable).with_name("oxigraph")  # the CLI of PyPI's `oxigraph`, from the test extra
ENGINES = [pytest.param("oxigraph", marks=pytest.mark.skipif(not OXIGRAPH.exists(), reason="the oxigraph server "
                                                             "(pip install oxigraph) is missing")),
           pytest.param("virtuoso", marks=pytest.mark.skipif(MISSING is not None, reason=str(MISSING)))]


class Oxigraph:
    """`oxigraph serve` on a free port of 127.0.0.1 with its data in ``folder``: ``query`` and ``store`` are its
    SPARQL and Graph Store endpoints."""

    def __init__(self, folder: Path):
        self.folder, self.process = folder, None

    def start(self) -> str:
        port = free_port()
        self.process = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(self.folder), "--bind",
                                         f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        self.query, self.store = f"{self.url}/query", f"{self.url}/store"
        for _ in range(100):
            try:
                if http(f"{self.query}?query=ASK%7B%7D")[0] == 200:
                    return self.query
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not answer within 10 s")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


def started(engine: str, folder: Path):
    """Start the store ``engine`` with its data in ``folder``; return it."""
    store = Oxigraph(folder) if engine == "oxigraph" else Virtuoso(folder)
    store.start()
    return store


def load(build_dir, endpoint) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "load", "--endpoint",
                           endpoint], cwd=PROJECT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", params=ENGINES)
def remote(request, built, tmp_path_factory):
    """A store with the fixture build loaded, and our server reading it (query limit 10 s: Virtuoso needs over 3 s
    for 10,000 rows on a busy machine); yield (server URL, store, build folder)."""
    folder = tmp_path_factory.mktemp(f"remote-{request.param}")
    shutil.copytree(built[0]["build_dir"], folder / "var", symlinks=True)
    store = started(request.param, folder / "store")
    try:
        loaded = load(folder / "var", store.store)
        assert loaded.returncode == 0, loaded.stderr
        process, url = start_server(folder / "var", store=store.query, query_timeout=10)
        yield url, store, folder / "var"
        stop_server(process)
    finally:
        store.stop()


def graph(url, path) -> rdflib.Graph:
    status, headers, body = http(url + path, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle"), (status, body[:300])
    return rdflib.Graph().parse(data=body, format="turtle")


def both(server, remote, path, **headers):
    """The answers of the embedded server and of the remote one to ``path``: [(status, headers, body)] * 2."""
    return [http(root + path, headers=headers) for root in (server[0], remote[0])]


# Resources with blank nodes (a contact point, an image, a period), many inverse links (a municipality) or both.
@pytest.mark.parametrize("key", ["praktijk/sociale-cohesie", "organisatie/vvsg", "gemeente/44021", "gemeente/21004",
                                 "programma/samenleven-in-diversiteit", "concept/beleidsdomein/welzijn"])
def test_a_document_from_the_remote_store_is_the_embedded_one(server, remote, key):
    embedded, found = (graph(root, f"/doc/{key}") for root in (server[0], remote[0]))
    assert len(embedded) > 10 and isomorphic(embedded, found)


def test_a_page_and_a_missing_resource_answer_as_the_embedded_store(server, remote):
    page, missing = (both(server, remote, path, Accept="text/html")
                     for path in ("/doc/praktijk/sociale-cohesie", "/id/praktijk/bestaat-niet"))
    assert [p[0] for p in page] == [200, 200] and [m[0] for m in missing] == [404, 404]
    assert page[0][2].count(b"<a ") == page[1][2].count(b"<a ") > 20  # the same links, to the same names


CANNED = [("aantallen-per-beleidsdomein", {}), ("aantallen-per-provincie", {}), ("contactpunten-per-gemeente", {}),
          ("doelgroepen-per-provincie", {}), ("gemeente-heeft-initiatieven", {"nis": "44021"}),
          ("gemeenten-zonder-initiatief", {}), ("initiatieven-in-beleidsdomein", {"beleidsdomein": "welzijn"}),
          ("initiatieven-in-gemeente", {"nis": "21004"}), ("initiatieven-in-gemeente", {"nis": "44021"}),
          ("initiatieven-in-provincie", {"provincie": "04000"}), ("initiatieven-voor-doelgroep",
                                                                    {"doelgroep": "jongeren"}),
          ("linkset-gemeenten", {}), ("organisaties-en-hun-initiatieven", {"rol": "partner"}), ("programmas", {}),
          ("wijzigingen-sinds", {"sinds": "2000-01-01"})]


# Where Virtuoso 7.2's answer to a canned query is not pyoxigraph's, measured on the fixture build: the engines
# differ, not our server, and no rewrite of the query's answer can undo it. Each stays a strict xfail, so that a
# query rewritten to avoid the difference (or a Virtuoso that no longer has it) is noticed.
CONCAT = ("GROUP_CONCAT of @nl labels: Virtuoso returns a simple literal (SPARQL 1.1 §18.5.1.7), pyoxigraph keeps "
          "the shared language tag")
VIRTUOSO_DIFFERS = {
    "aantallen-per-beleidsdomein": "Virtuoso counts COUNT(DISTINCT) over OPTIONAL { ?x sl:policyDomain/skos:broader* "
                                   "?domain } otherwise (vrijwilligerswerk: 2 practices, 0 initiatives)",
    "contactpunten-per-gemeente": "Virtuoso drops every row of FILTER(COALESCE(?code = ?nis, ...)) when ?nis is "
                                  "unbound; SPARQL 1.1 §17.4.1.4 goes on to the next argument",
    "initiatieven-in-beleidsdomein": CONCAT, "initiatieven-in-gemeente": CONCAT, "initiatieven-in-provincie": CONCAT,
    "initiatieven-voor-doelgroep": CONCAT,
    "programmas": "Virtuoso repeats rows that a zero-or-more path ((dct:isPartOf|^dct:hasPart)*) reaches twice; "
                  "SPARQL 1.1 §18.4 counts each node once",
}


@pytest.mark.parametrize("name,params", CANNED)
def test_a_canned_query_gives_the_rows_of_the_embedded_store(server, remote, name, params, request):
    if isinstance(remote[1], Virtuoso) and name in VIRTUOSO_DIFFERS:
        request.applymarker(pytest.mark.xfail(reason=VIRTUOSO_DIFFERS[name], strict=True))
    if name == "linkset-gemeenten":  # a CONSTRUCT: the same graph, in whatever order
        embedded, found = (graph(root, f"/queries/{name}.ttl") for root in (server[0], remote[0]))
        assert len(embedded) > 10 and isomorphic(embedded, found)
        return
    path = f"/queries/{name}.json?{urllib.parse.urlencode(params)}"
    answers = both(server, remote, path)
    assert [a[0] for a in answers] == [200, 200], answers[1][2][:300]
    embedded, found = (json.loads(a[2]) for a in answers)
    assert embedded == found and (embedded["results"]["bindings"] if "results" in embedded else "boolean" in found)


@pytest.mark.parametrize("path", ["/search.json?q=cohesie", "/search.json?q=gent&type=gemeente",
                                  "/praktijken.json", "/initiatieven.json?provincie=10000",
                                  "/organisaties.json?provincie=zonder", "/initiatieven.json?plaats=onbekend"])
def test_search_lists_and_facets_answer_as_with_the_embedded_store(server, remote, path):
    answers = both(server, remote, path)
    assert [a[0] for a in answers] == [200, 200]
    embedded, found = (json.loads(a[2].decode().replace(root, "http://root.example"))
                       for a, root in zip(answers, (server[0], remote[0])))
    assert embedded == found and (embedded.get("items") or embedded.get("results") or embedded.get("hits"))


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void", "/sparql"])
def test_the_catalogue_and_service_descriptions_are_the_embedded_ones(server, remote, path):
    embedded, found = (graph(root, path) for root in (server[0], remote[0]))
    embedded_text, found_text = (g.serialize(format="nt").replace(root, "http://root.example")
                                 for g, root in ((embedded, server[0]), (found, remote[0])))
    assert len(embedded) > 10
    assert isomorphic(rdflib.Graph().parse(data=embedded_text, format="nt"),
                      rdflib.Graph().parse(data=found_text, format="nt"))


SELECT = """PREFIX sl: <https://w3id.org/samenleven/ns#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?practice ?title (COUNT(?initiative) AS ?initiatives) WHERE {
  ?practice a sl:Practice ; dct:title ?title .
  OPTIONAL { ?initiative sl:appliesPractice ?practice }
} GROUP BY ?practice ?title ORDER BY STR(?title) LANG(?title)"""  # SPARQL orders no language-tagged literals


def sparql(root, query, accept="application/sparql-results+json"):
    return http(f"{root}/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})


def test_sparql_selects_constructs_and_asks_as_the_embedded_store(server, remote):
    embedded, found = (sparql(root, SELECT) for root in (server[0], remote[0]))
    assert embedded[0] == found[0] == 200
    assert json.loads(embedded[2])["results"] == json.loads(found[2])["results"]
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/samenleven/ns#Organisation> ; ?p ?o }"
    embedded, found = (rdflib.Graph().parse(data=sparql(root, construct, "text/turtle")[2], format="turtle")
                       for root in (server[0], remote[0]))
    assert len(embedded) > 10 and isomorphic(embedded, found)
    ask = "ASK { <https://w3id.org/samenleven/id/praktijk/sociale-cohesie> ?p ?o }"
    assert json.loads(sparql(remote[0], ask)[2])["boolean"] is True


def test_sparql_describes_as_the_embedded_store(server, remote, request):
    """A client's DESCRIBE: the resource's triples and those of its blank nodes (pyoxigraph's concise description)."""
    if isinstance(remote[1], Virtuoso):
        request.applymarker(pytest.mark.xfail(strict=True, reason="Virtuoso's DESCRIBE adds the triples that point "
                                              "to the resource and leaves out those of its blank nodes"))
    describe = "DESCRIBE <https://w3id.org/samenleven/id/praktijk/sociale-cohesie>"
    embedded, found = (rdflib.Graph().parse(data=sparql(root, describe, "text/turtle")[2], format="turtle")
                       for root in (server[0], remote[0]))
    assert len(embedded) > 10 and isomorphic(embedded, found)


def test_sparql_sees_only_the_served_build_however_the_client_names_graphs(server, remote):
    """The store holds one named graph per build; a query's FROM cannot reach past the served one."""
    for query in ("SELECT (COUNT(*) AS ?n) FROM <urn:samenleven:build:other> WHERE { ?s ?p ?o }",
                  "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"):  # Virtuoso keeps graphs of its own
        embedded, found = (json.loads(sparql(root, query)[2])["results"] for root in (server[0], remote[0]))
        assert embedded == found, query


def test_sparql_refusals_are_the_embedded_ones(server, remote):
    many = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"  # more rows than max_rows (10,000) in the fixture build
    cut = sparql(remote[0], many)
    assert cut[0] == 200 and cut[1]["Results-Truncated"] == "max_rows=10000"
    assert len(json.loads(cut[2])["results"]["bindings"]) == 10000
    # An update, and Virtuoso's way to run SQL (bif:exec) or set its options (DEFINE): none reaches the store.
    for query in ("SELEC nothing", "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                  "INSERT DATA { GRAPH <urn:samenleven:x> { <urn:a> <urn:b> <urn:c> } }",
                  'SELECT (<bif:exec>("checkpoint") AS ?done) WHERE {}', 'SELECT ?v WHERE { BIND(bif:now() AS ?v) }',
                  "DEFINE sql:log-enable 3 SELECT * WHERE { ?s ?p ?o } LIMIT 1"):
        statuses = [sparql(root, query)[0] for root in (server[0], remote[0])]
        assert statuses[0] == statuses[1] and statuses[0] in (400, 403), (query, statuses)
    # The same, written so that only the store would read them as such: bif: and sql: are reserved in Virtuoso
    # whatever a query declares, an IRI counts as resolved against BASE (any case, any port), and an update may be
    # spelt with \u escapes (SPARQL 1.1, 19.2). The embedded store may answer these as plain SPARQL; the remote
    # one must not pass them on.
    for query in ('PREFIX bif: <http://example.org/> SELECT (bif:exec("checkpoint") AS ?x) WHERE {}',
                  'PREFIX SQL: <http://example.org/> SELECT (SQL:x() AS ?x) WHERE {}',
                  'BASE <http://a.example/> SELECT (<//www.openlinksw.com/schemas/bif#exec>("x") AS ?x) WHERE {}',
                  'BASE <http://www.openlinksw.com/schemas/> SELECT (<bif#exec>("x") AS ?x) WHERE {}',
                  'SELECT (<http://WWW.OpenLinkSW.com:80/schemas/bif#exec>("x") AS ?x) WHERE {}',
                  "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        status, _, body = sparql(remote[0], query)
        assert status in (400, 403), (query, status, body[:300])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_runaway_query_is_stopped_by_our_limit_and_the_next_one_answers(built, tmp_path, engine):
    """Our time limit, not the store's, ends the query: a 503 that names the setting. The store is one of its
    own, stopped afterwards, so that the work it may go on doing burdens no other test."""
    shutil.copytree(built[0]["build_dir"], tmp_path / "var", symlinks=True)
    store = started(engine, tmp_path / "store")
    try:
        assert load(tmp_path / "var", store.store).returncode == 0
        process, url = start_server(tmp_path / "var", store=store.query, query_timeout=1)
        try:
            runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
            status, _, body = sparql(url, runaway)
            assert status == 503 and b"stopped after 1 s" in body, body[:300]
            assert http(url + "/doc/praktijk/sociale-cohesie", headers={"Accept": "text/turtle"})[0] == 200
        finally:
            stop_server(process)
    finally:
        store.stop()


def cut_after(upstream: str, limit: int) -> str:
    """Start a TCP relay to ``upstream`` (host:port) that passes on the first ``limit`` bytes a client sends and then
    drops both connections, as a network that fails mid-upload; return its address."""
    listener = socket.create_server(("127.0.0.1", 0))
    host, port = upstream.split(":")

    def relay():
        client, _ = listener.accept()
        server = socket.create_connection((host, int(port)))
        passed = 0
        while passed < limit and (data := client.recv(4096)):
            server.sendall(data)
            passed += len(data)
        for end in (client, server, listener):
            end.close()

    threading.Thread(target=relay, daemon=True).start()
    return f"127.0.0.1:{listener.getsockname()[1]}"


def served(url) -> str:
    """The build a server says it serves (the ETag of a document begins with the build's id)."""
    status, headers, _ = http(url + "/doc/praktijk/sociale-cohesie", headers={"Accept": "text/turtle"})
    assert status == 200
    return headers["ETag"]


def test_a_failed_load_leaves_the_served_build_and_a_good_one_switches_it(remote, tmp_path):
    url, store, var = remote
    before, link = served(url), (var / "loaded").resolve()
    newer = var / "builds" / (link.name[:-1] + "z")  # a later build: sorted after the loaded one
    shutil.copytree(link, newer, symlinks=True)
    manifest = json.loads((newer / "build.json").read_text())
    (newer / "build.json").write_text(json.dumps(manifest | {"id": newer.name}))
    (var / "current").unlink()
    (var / "current").symlink_to(Path("builds") / newer.name)
    address = store.url.split("/")[2]
    refusals = {f"http://127.0.0.1:{free_port()}/store": "cannot be reached",  # no one listens there
                f"{store.url}/no-such-path": "answered 404" if isinstance(store, Oxigraph) else "answered 501",
                f"http://{cut_after(address, 20000)}{urllib.parse.urlsplit(store.store).path}":
                    "broke off the upload after"}
    if isinstance(store, Oxigraph):  # Virtuoso 7.2 never answers a PUT to its query endpoint: the load would wait
        refusals[store.query] = "answered 4"  # the query endpoint takes no PUT
    for endpoint, said in refusals.items():
        failed = load(var, endpoint)
        assert failed.returncode == 1 and said in failed.stderr and endpoint.split("/")[2] in failed.stderr, \
            failed.stderr
        assert f"still serves build {link.name}" in failed.stderr
        assert (var / "loaded").resolve() == link and served(url) == before
    assert load(var, store.store).returncode == 0
    assert (var / "loaded").resolve() == newer
    assert served(url) != before and served(url).startswith(f'W/"{newer.name}')


def deadlocking(upstream: str, times: int) -> str:
    """Start an HTTP relay to the Graph Store endpoint ``upstream`` whose first ``times`` PUTs are answered as
    Virtuoso answers a PUT whose transaction deadlocked (500, SQLSTATE 40001); return its endpoint."""
    target = urllib.parse.urlsplit(upstream)
    left = [times]

    class Relay(http_server.BaseHTTPRequestHandler):
        def relay(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.command == "PUT" and left[0] > 0:
                left[0] -= 1
                self.send_response(500, "Request Failed")
                self.end_headers()
                self.wfile.write(b"<h3>Error 40001</h3> <xmp>SR172: Transaction deadlocked</xmp>")
                return
            connection = http_client.HTTPConnection(target.hostname, target.port, timeout=60)
            connection.request(self.command, self.path.replace("/relay", target.path, 1), body=body or None,
                               headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
            answer = connection.getresponse()
            data = answer.read()
            self.send_response(answer.status, answer.reason)
            self.send_header("Content-Type", answer.getheader("Content-Type") or "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            connection.close()

        do_GET = do_PUT = relay

        def log_message(self, *args):
            pass

    relay = http_server.ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{relay.server_address[1]}/relay"


def test_a_load_the_store_deadlocks_is_put_again_and_given_up_after_three(remote):
    """A deadlocked PUT (Virtuoso's SR172 on a large graph) is transient: load tries again, at most three times."""
    url, store, var = remote
    before = served(url)
    given_up = load(var, deadlocking(store.store, 3))
    assert given_up.returncode == 1 and "after 3 attempts" in given_up.stderr and "40001" in given_up.stderr
    assert served(url) == before
    loaded = load(var, deadlocking(store.store, 2))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stderr.count("deadlocked (attempt") == 2 and served(url) == before
