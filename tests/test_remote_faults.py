"""The remote store when the network breaks mid-answer: a TCP relay between our server and a real Oxigraph server
passes every request whole and cuts each answer after a number of bytes. A query whose answer is cut is a clear 503
that names the store; the next query, whose answer fits, is answered as usual (README, "the remote store"). And
Virtuoso's blank-node prefix goes from results, never from a graph's text."""

import io
import shutil
import socket
import threading
import urllib.parse

import pytest
from conftest import http, start_server, stop_server
from test_remote_store import OXIGRAPH, Oxigraph, load

from publisher.store.results import Body

pytestmark = pytest.mark.skipif(not OXIGRAPH.exists(), reason="the oxigraph server (pip install oxigraph) is missing")

CUT = 4000  # bytes of each answer the relay passes on: more than a small answer, less than the whole graph


def cut_answers_after(upstream: str, limit: int) -> str:
    """Start a TCP relay to ``upstream`` (host:port) that passes each request whole and the first ``limit`` bytes
    of each answer, then drops both connections, as a network that fails mid-answer; return its address."""
    listener = socket.create_server(("127.0.0.1", 0))
    host, port = upstream.split(":")

    def pump(source, target, most):
        passed = 0
        try:
            while most is None or passed < most:
                data = source.recv(min(4096, most - passed) if most else 4096)
                if not data:
                    break
                target.sendall(data)
                passed += len(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve():
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection((host, int(port)))
            threading.Thread(target=pump, args=(client, server, None), daemon=True).start()
            threading.Thread(target=pump, args=(server, client, limit), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return f"127.0.0.1:{listener.getsockname()[1]}"


def sparql(root, query):
    return http(f"{root}/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                headers={"Accept": "application/sparql-results+json",
                         "Content-Type": "application/x-www-form-urlencoded"})


def test_an_answer_cut_off_midway_is_a_503_naming_the_store_and_the_next_query_is_answered(built, tmp_path):
    shutil.copytree(built[0]["build_dir"], tmp_path / "var", symlinks=True)
    oxigraph = Oxigraph(tmp_path / "oxigraph")
    oxigraph.start()
    try:
        loaded = load(tmp_path / "var", oxigraph.store)
        assert loaded.returncode == 0, loaded.stderr
        relay = cut_answers_after(oxigraph.url.split("/")[2], CUT)
        process, url = start_server(tmp_path / "var", store=f"http://{relay}/query", query_timeout=20)
        try:
            whole = sparql(url, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")  # the whole fixture graph: far past CUT
            small = sparql(url, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
        finally:
            stop_server(process)
    finally:
        oxigraph.stop()
    status, headers, body = whole
    assert status == 503, (status, body[:500])
    assert relay.encode() in body and b"broke off" in body, body[:500]
    assert small[0] == 200 and len(small[2]) < CUT


class _Answer:
    """An HTTP answer as the remote store reads it: a body given a few bytes at a time, and its Content-Type."""

    def __init__(self, body: bytes, content_type: str):
        self.body, self.headers = io.BytesIO(body), {"Content-Type": content_type}

    def read1(self, size):
        return self.body.read(min(size, 5))  # small reads, so that a prefix falls across two of them


def test_virtuoso_s_blank_node_prefix_goes_from_results_and_a_graph_s_text_is_kept():
    """Virtuoso writes a blank node in results as ``<bnode>nodeID://b1</bnode>``: read as the label b1. In a graph
    (N-Triples), the same characters can only be a literal's text, a contributor's words: passed on unchanged."""
    text = b'<urn:a> <urn:b> "zie <bnode>nodeID://x en \\"value\\": \\"nodeID://y" .\n'
    assert Body(_Answer(text, "application/n-triples"), None).read() == text
    results = b'<sparql><results><result><binding name="s"><bnode>nodeID://b1</bnode></binding></result></results>'
    read = Body(_Answer(results, "application/sparql-results+xml; charset=UTF-8"), None).read()
    assert read == results.replace(b"nodeID://", b"")
