"""Queries cannot starve the service: memory bombs, huge answers, a full pool and a greedy client, on the real server.

Each test starts its own server with the limits it exercises. Clients are told apart by X-Forwarded-For behind
``proxy_hops=1`` (the address a reverse proxy would pass on), so that one machine can play several clients.
"""

import json
import threading
import time
import urllib.parse

import psutil
import pytest

from conftest import http, start_server, stop_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^12 rows, counted in constant memory
CHEAP = "SELECT ?s WHERE { ?s a <https://w3id.org/samenleven/ns#Practice> } LIMIT 1"
# Rows of a 1 MiB string each (16 characters doubled 16 times): 20 rows pass the default max_result_size.
DOUBLINGS = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(16))
BOMBS = {  # each must hold far more than 256 MiB at once
    "ORDER BY over a cross product": "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c "
                                     "LIMIT 5",
    "DISTINCT over a cross product": "SELECT DISTINCT ?a ?x ?b ?y WHERE { ?a ?p ?x . ?b ?q ?y } OFFSET 100000000",
    "ORDER BY over rows of 1 MiB strings": f'SELECT ?v16 WHERE {{ ?s ?p ?o BIND(CONCAT("0123456789abcde", STR(?o)) '
                                           f"AS ?v0) {DOUBLINGS} }} ORDER BY ?v16 LIMIT 1",
    "GROUP_CONCAT per subject over a cross product": "SELECT ?a (GROUP_CONCAT(STR(?b)) AS ?all) "
                                                     "WHERE { ?a ?p ?x . ?b ?q ?y } GROUP BY ?a",
}
HUGE_SELECT = f'SELECT ?s ?v16 WHERE {{ ?s ?p ?o BIND(CONCAT("0123456789abcde", STR(?o)) AS ?v0) {DOUBLINGS} }} ' \
              "LIMIT 20"
HUGE_CONSTRUCT = f"CONSTRUCT {{ ?s <urn:x:big> ?v16 }} WHERE {{ ?s ?p ?o BIND(CONCAT(STR(?p), STR(?o)) AS ?v0) " \
                 f"{DOUBLINGS} }} LIMIT 20"


def client(address: str) -> dict:
    return {"X-Forwarded-For": address}


def problem(body: bytes) -> dict:
    return json.loads(body)


def query(url, text, address="192.0.2.1", accept="application/json", fmt=None):
    params = {"query": text, **({"format": fmt} if fmt else {})}
    return http(f"{url}/sparql?" + urllib.parse.urlencode(params), headers={**client(address), "Accept": accept})


class Background(threading.Thread):
    """A query running in a thread; ``result`` holds (status, headers, body) once it has answered."""

    def __init__(self, url, text, address):
        super().__init__(daemon=True)
        self.url, self.text, self.address, self.result = url, text, address, None
        self.start()

    def run(self):
        self.result = query(self.url, self.text, self.address)


def hold(url, address: str, probe: str) -> tuple:
    """Start a runaway query as ``address``; send cheap ones as ``probe`` until one is refused.

    Return the runaway's thread and the refusal. A runaway that lost the race to a probe (and was itself refused)
    is started again.
    """
    runaway = Background(url, RUNAWAY, address)
    for _ in range(200):
        time.sleep(0.1)
        if runaway.result is not None:
            runaway = Background(url, RUNAWAY, address)
            continue
        answer = query(url, CHEAP, probe)
        if answer[0] != 200 and runaway.result is None:
            return runaway, answer
    raise AssertionError(f"{probe} was never refused while {address} ran a runaway query")


@pytest.fixture(scope="module")
def fair(built):
    """A server behind one trusted proxy, with the default pool (2 processes) and share (1 query per client)."""
    process, url = start_server(built[0]["build_dir"], proxy_hops=1, query_timeout=15)
    yield url
    stop_server(process)


def test_a_client_past_its_share_gets_429_while_others_are_answered(fair, built, tally):
    fairness = tally("concurrency fairness")
    greedy, (status, headers, body) = hold(fair, "198.51.100.7", "198.51.100.7")
    assert fairness.case("a second query from a client with one running",
                         status == 429 and problem(body)["limit"] == "client_queries"
                         and headers["Retry-After"].isdigit() and greedy.is_alive())
    other = query(fair, CHEAP, "203.0.113.9")
    assert fairness.case("another client's cheap query", other[0] == 200 and greedy.is_alive())
    for path in ("/", "/catalog", "/doc/gemeente/44021", "/queries", "/sparql"):
        status, _, _ = http(fair + path, headers={**client("198.51.100.7"), "Accept": "text/html"})
        assert fairness.case(f"the greedy client's own page {path}", status == 200 and greedy.is_alive())
    greedy.join()
    assert greedy.result[0] == 503 and problem(greedy.result[2])["limit"] == "query_timeout"
    assert fairness.case("the greedy client once its query ended", query(fair, CHEAP, "198.51.100.7")[0] == 200)


def test_forwarded_addresses_are_not_trusted_without_proxy_hops(built, tally):
    process, url = start_server(built[0]["build_dir"], query_timeout=4)
    try:
        greedy, (status, _, body) = hold(url, "198.51.100.7", "203.0.113.99")  # a made-up address changes nothing
        assert tally("concurrency fairness").case("a forged X-Forwarded-For to escape the share",
                                                  status == 429 and greedy.is_alive())
        greedy.join()
    finally:
        stop_server(process)


def test_waiting_for_a_query_process_is_bounded(built, tally):
    process, url = start_server(built[0]["build_dir"], proxy_hops=1, query_workers=1, client_queries=4,
                                query_timeout=8)
    try:
        first, (status, headers, body) = hold(url, "198.51.100.7", "203.0.113.9")
        assert tally("concurrency fairness").case(
            "a query while every query process is busy",
            status == 503 and problem(body)["limit"] == "query_queue_wait" and headers["Retry-After"].isdigit()
            and first.is_alive())  # answered while the runaway still holds the only process: no wait for it
        for path in ("/", "/catalog", "/doc/gemeente/44021", "/tables/"):
            status, _, _ = http(url + path, headers={"Accept": "text/html"})
            assert tally("concurrency fairness").case(f"{path} while the pool is full",
                                                      status == 200 and first.is_alive())
        first.join()
        assert tally("runaway and memory-bomb queries").case(
            "a runaway count", first.result[0] == 503 and problem(first.result[2])["limit"] == "query_timeout")
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def ceiling(built):
    """A server whose query processes may allocate 256 MiB."""
    process, url = start_server(built[0]["build_dir"], query_memory=256, query_timeout=60)
    yield url, process
    stop_server(process)


@pytest.mark.parametrize("name", BOMBS)
def test_a_memory_bomb_gets_503_naming_query_memory_and_its_process_is_replaced(ceiling, tally, name):
    url, process = ceiling
    status, _, body = query(url, BOMBS[name])
    refused = status == 503 and problem(body)["limit"] == "query_memory"
    answered = query(url, CHEAP)[0] == 200  # the next query runs in a fresh process
    workers = psutil.Process(process.pid).children(recursive=True)
    small = all(worker.memory_info().rss < 256 * 2 ** 20 for worker in workers)
    assert tally("runaway and memory-bomb queries").case(name, refused and answered and small), (status, body)


@pytest.fixture(scope="module")
def default(built):
    process, url = start_server(built[0]["build_dir"], query_timeout=30)
    yield url
    stop_server(process)


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("text/html", None)])
def test_a_huge_select_answer_is_a_503_naming_max_result_size_in_every_format(default, tally, accept, fmt):
    status, headers, body = query(default, HUGE_SELECT, accept=accept, fmt=fmt)
    named = b"max_result_size" in body and len(body) < 2 ** 20
    assert tally("runaway and memory-bomb queries").case(f"a huge SELECT answer as {fmt or 'html'}",
                                                         status == 503 and named), (status, body[:300])
    assert query(default, CHEAP)[0] == 200


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "ttl"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "jsonld"), ("text/html", None)])
def test_a_huge_construct_answer_is_a_503_naming_max_result_size_in_every_format(default, tally, accept, fmt):
    status, _, body = query(default, HUGE_CONSTRUCT, accept=accept, fmt=fmt)
    assert tally("runaway and memory-bomb queries").case(
        f"a huge CONSTRUCT answer as {fmt or 'html'}", status == 503 and b"max_result_size" in body), body[:300]


def test_an_answer_under_the_limit_still_comes_back_whole(default):
    status, _, body = query(default, HUGE_SELECT.replace("LIMIT 20", "LIMIT 2"), accept="text/csv", fmt="csv")
    assert status == 200 and body.count(b"0123456789abcde") == 2 * 2 ** 16
