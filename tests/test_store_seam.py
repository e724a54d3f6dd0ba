"""The store interface leaves a seam (issue 11): a second ``Graph``, over another store, plugged into the app
factory, serves a document and a canned query as the embedded store does, over real HTTP."""

import gzip
import json
import threading
import urllib.parse

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from werkzeug.serving import make_server

from conftest import free_port, http
from publisher import artefacts
from publisher import store as stores
from publisher.app import create_app
from publisher.store import answers, description

PRACTICE = "https://w3id.org/samenleven/id/praktijk/sociale-cohesie"
ADDED = ox.Triple(ox.NamedNode(PRACTICE), ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                  ox.Literal("alleen in het geheugen", language="nl"))


class Memory:
    """A ``Graph`` over an in-memory pyoxigraph store filled from a build's N-Triples dump: no store files, no
    sandbox (a client's query runs here, unbounded): the least a store must do."""

    def __init__(self, dump, extra=()):
        self.store = ox.Store()
        with gzip.open(dump) as stream:
            self.store.load(stream, format=ox.RdfFormat.N_TRIPLES)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in extra)
        self.ran = []  # the clients' queries it answered

    def _query(self, query, bindings):
        return self.store.query(query, substitutions={ox.Variable(k): v for k, v in bindings.items()})

    def select(self, query, **bindings):
        return list(self._query(query, bindings))

    def construct(self, query, **bindings):
        return list(self._query(query, bindings))

    def ask(self, query, **bindings):
        return bool(self._query(query, bindings))

    def describe(self, uri, page=1, size=100, supers=None):
        return description.describe(self.store, uri, page, size, supers)

    def exists(self, uri):
        return self.ask("ASK { { ?uri ?p ?o } UNION { ?s ?p ?uri } }", uri=ox.NamedNode(uri))

    def labels(self, nodes, types=False, names=description.LABELS):
        return description.labels(self.store, nodes, types, names)

    def run(self, job, timeout=None):
        self.ran.append(job.query)
        return answers.answer(self.store, job)

    def close(self):
        pass


class Fixed:
    """The builds an app serves: always this one."""

    def __init__(self, build):
        self.build = build

    def require(self):
        return self.build


@pytest.fixture(scope="module")
def memory(built):
    """The app factory serving the session's build through ``Memory`` on a real HTTP server; yield its URL."""
    settings, _ = built
    folder = artefacts.current(settings)
    graph = Memory(folder / "graph.nt.gz", [ADDED])
    build = stores.Build(folder, graph)
    app = create_app({"build_dir": settings["build_dir"], "graph_dir": settings["graph_dir"]}, builds=Fixed(build))
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", graph
    server.shutdown()
    thread.join(10)


def turtle(url):
    status, headers, body = http(url, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle"), (status, body[:300])
    return rdflib.Graph().parse(data=body, format="turtle")


@pytest.mark.parametrize("key", ["praktijk/sociale-cohesie", "gemeente/44021"])
def test_a_document_from_another_store_is_the_embedded_one_with_what_that_store_holds(server, memory, key):
    (url, _), (memory, _) = server, memory
    embedded, other = turtle(f"{url}/doc/{key}"), turtle(f"{memory}/doc/{key}")
    added = rdflib.Graph().parse(data=ox.serialize([ADDED], format=ox.RdfFormat.N_TRIPLES), format="nt")
    if key == "praktijk/sociale-cohesie":
        assert next(iter(added)) in other and next(iter(added)) not in embedded  # each served its own store
        embedded += added
    assert len(embedded) > 20 and isomorphic(embedded, other)


def test_a_page_and_a_missing_resource_from_another_store_answer_as_the_embedded_one(server, memory):
    (url, _), (memory, _) = server, memory
    for path, status in (("/doc/praktijk/sociale-cohesie", 200), ("/id/praktijk/bestaat-niet", 404)):
        found = [http(root + path, headers={"Accept": "text/html"}) for root in (url, memory)]
        assert [f[0] for f in found] == [status, status]
    assert "alleen in het geheugen" in found_page(memory) and "alleen in het geheugen" not in found_page(url)


def found_page(root):
    return http(root + "/doc/praktijk/sociale-cohesie", headers={"Accept": "text/html"})[2].decode()


def test_a_canned_query_from_another_store_answers_as_the_embedded_one(server, memory):
    (url, _), (memory, graph) = server, memory
    query = "/queries/initiatieven-in-gemeente.json?" + urllib.parse.urlencode({"nis": "21004"})
    before = len(graph.ran)
    answers_ = [http(root + query) for root in (url, memory)]
    assert [a[0] for a in answers_] == [200, 200]
    rows = [json.loads(a[2])["results"]["bindings"] for a in answers_]
    assert rows[0] and rows[0] == rows[1] and len(graph.ran) == before + 1  # the other store answered it
