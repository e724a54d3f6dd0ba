"""`samenleven serve` serves the last build on 127.0.0.1, talked to over real HTTP."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import rdflib

from conftest import PROJECT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built):
    settings, manifest = built
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(settings["build_dir"]),
                                "serve", "--port", str(port)], cwd=PROJECT, env=dict(os.environ),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url, manifest
    process.terminate()
    process.wait(10)


def test_home_page_shows_the_build_and_its_counts(server):
    url, manifest = server
    with urllib.request.urlopen(url + "/") as response:
        page = response.read().decode()
    assert response.status == 200 and manifest["id"] in page and "565" in page


def test_the_turtle_dump_downloads_and_parses_to_the_build(server):
    url, manifest = server
    with urllib.request.urlopen(url + "/dumps/graph.ttl") as response:
        graph = rdflib.Graph().parse(data=response.read(), format="turtle")
    assert len(graph) == manifest["counts"]["triples"]


def test_the_ontology_is_published_at_ns_from_the_build_in_use(server):
    url, _ = server
    with urllib.request.urlopen(url + "/ns") as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        graph = rdflib.Graph().parse(data=response.read(), format="turtle")
    ontology = rdflib.URIRef("https://w3id.org/samenleven/ns")
    assert (ontology, rdflib.RDF.type, rdflib.OWL.Ontology) in graph
    # The ontology document alone, as built: not the whole graph.
    source = rdflib.Graph().parse(PROJECT / "ontology" / "samenleven.ttl", format="turtle")
    assert len(graph) == len(source)
