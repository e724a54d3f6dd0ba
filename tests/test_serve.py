"""`samenleven serve` serves the last build on 127.0.0.1, talked to over real HTTP."""

import urllib.request

import pytest
import rdflib

from conftest import PROJECT


def test_the_about_page_shows_the_build_and_its_counts(server):
    url, manifest = server
    with urllib.request.urlopen(url + "/over-de-data") as response:
        page = response.read().decode()
    assert response.status == 200 and manifest["id"] in page and str(manifest["statistics"]["triples"]) in page


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


def test_a_new_build_is_served_without_a_restart_and_a_failed_one_changes_nothing(graph_copy, tmp_path):
    import json
    import urllib.parse

    from conftest import start_server, stop_server
    from publisher import build, config
    from publisher.errors import NotConforming

    settings = config.load({"build_dir": tmp_path / "var", "graph_dir": graph_copy})
    build.build(settings)
    query = ("SELECT ?title WHERE { <https://w3id.org/samenleven/id/praktijk/sociale-cohesie> "
             "<http://purl.org/dc/terms/title> ?title FILTER(LANG(?title) = 'nl') }")

    def title(url):
        with urllib.request.urlopen(f"{url}/sparql?" + urllib.parse.urlencode({"query": query})) as response:
            return json.load(response)["results"]["bindings"][0]["title"]["value"]

    process, url = start_server(settings["build_dir"])
    try:
        assert title(url) == "Sociale cohesie"
        practice = graph_copy / "praktijk-sociale-cohesie.ttl"
        text = practice.read_text()
        practice.write_text(text.replace('"Sociale cohesie"@nl', '"Sociale cohesie (herzien)"@nl', 1))
        build.build(settings)
        assert title(url) == "Sociale cohesie (herzien)"
        practice.write_text(practice.read_text().replace('"Sociale cohesie (herzien)"@nl', '"x"@fr', 1))
        with pytest.raises(NotConforming):  # the practice lost its Dutch title
            build.build(settings)
        assert title(url) == "Sociale cohesie (herzien)"
    finally:
        stop_server(process)


def test_the_server_starts_and_serves_without_importing_the_build_pipeline(built, tmp_path):
    """Serving a build needs no pySHACL (half of a start-up once): Python's import log of the real server says so."""
    import os
    import subprocess
    import sys
    import time

    from conftest import free_port
    port, log = free_port(), tmp_path / "imports.log"
    with open(log, "w") as stream:
        process = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "publisher", "--build-dir",
                                    str(built[0]["build_dir"]), "--graph-dir", str(built[0]["graph_dir"]), "serve",
                                    "--port", str(port)], cwd=PROJECT, env=dict(os.environ), stdout=subprocess.DEVNULL,
                                   stderr=stream)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        for path in ("/", "/sparql?query=ASK%7B%7D", "/catalog", "/doc/gemeente/44021"):
            with urllib.request.urlopen(url + path, timeout=30) as response:
                assert response.status == 200
    finally:
        process.terminate()
        process.wait(10)
    imported = log.read_text()
    assert "publisher.app" in imported  # the log is the server's
    assert "pyshacl" not in imported and "publisher.build" not in imported


def test_what_a_build_keeps_is_made_once_when_threads_ask_for_it_at_once(store):
    """The first requests after a start come at once, each thread of each worker asking for what a build keeps (an
    index, a drawing): one makes it, the others wait for it and get the same, and nobody makes it again."""
    import threading
    import time

    made = []

    def make():
        made.append(threading.get_ident())
        time.sleep(0.3)  # a costly index: long enough for every thread to ask while it is being made
        return object()

    got = []
    threads = [threading.Thread(target=lambda: got.append(store.kept(("a test", 1), make))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len(got) == 8 and all(found is got[0] for found in got)
    assert store.kept(("a test", 1), make) is got[0] and len(made) == 1


def test_the_first_requests_to_every_gunicorn_worker_are_answered(built):
    """Right after `samenleven serve --workers 2` answers, many first requests at once (so that both workers take
    some, each its first of the kind): the home page with its newest practices and the endpoint's ASK, all right."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from conftest import http, start_server, stop_server
    # Every request comes from 127.0.0.1: its share of query processes is raised, so none waits for another's.
    process, url = start_server(built[0]["build_dir"], "--workers", "2", client_queries=16, query_queue_wait=60)
    asked = [("/", {"Accept": "text/html"}), ("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                                             {"Accept": "application/sparql-results+json"})] * 8
    try:
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda case: http(url + case[0], headers=case[1]), asked))
    finally:
        stop_server(process)
    for (path, _), (status, _, body) in zip(asked, answers):
        assert status == 200, (path, body[:300])
        if path == "/":
            assert b'<ul class="newest"><li>' in body and b"/id/praktijk/" in body
        else:
            assert json.loads(body)["boolean"] is True
