"""SERVICE cannot reach anything it was not allowed to: a generated battery against listeners on 127.0.0.1 and [::1].

Each generated query is first run by a plain pyoxigraph store in this process, with nothing in the way: that is
the positive control, which proves the listeners count and the query really would call them. Then the same query
goes to the real server (lexer and network barrier), and to the sandbox's worker processes directly (the barrier
alone). The listeners must record no connection from either.
"""

import json
import os
import socket

import psutil
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings

from _federation import Listener, send, service_queries
from conftest import start_server, stop_server
from publisher import build
from publisher.store import sandbox

EXAMPLES = 120  # per battery; derandomized, so every run tries the same queries
BATTERY = settings(derandomize=True, max_examples=EXAMPLES, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def listeners():
    pair = [Listener("127.0.0.1"), Listener("::1")]
    yield pair
    for listener in pair:
        listener.close()


def connections(listeners) -> int:
    return sum(listener.connections for listener in listeners)


@pytest.fixture(scope="module")
def control():
    """A plain in-memory pyoxigraph store with triples that the battery's glued literals match."""
    store = ox.Store()
    subject, predicate = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b")
    for value in (ox.Literal(True), ox.Literal(1), ox.NamedNode("urn:x:o"), ox.Literal("o")):
        store.add(ox.Quad(subject, predicate, value))
    return store


def reaches(control, listeners, query: str) -> bool:
    """Run ``query`` with nothing in the way; return whether it connected to a listener."""
    before = connections(listeners)
    try:
        result = control.query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return connections(listeners) > before


def test_the_listeners_count_a_query_that_nothing_stops(listeners, control):
    """The positive control: without the server in the way, SERVICE connects to 127.0.0.1 (by address and by the
    name localhost, which /etc/hosts resolves), and a plain client connects to [::1].

    pyoxigraph 0.5 cannot dial an IPv6 literal at all: it looks ``[::1]`` up as a host name, which the resolver
    refuses locally. The [::1] listener stays in the battery so that a future version that can is caught.
    """
    ipv4, ipv6 = listeners
    for url in (ipv4.url, ipv4.url.replace("127.0.0.1", "localhost")):
        before = ipv4.connections
        rows = list(control.query(f"SELECT * {{ SERVICE <{url}> {{ ?x ?p ?o }} }}"))
        assert ipv4.connections == before + 1 and rows[0]["x"].value == "LEAKED"
    before = ipv6.connections
    with socket.create_connection(("::1", ipv6.port)) as client:
        client.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"LEAKED" in client.recv(65536)
    assert ipv6.connections == before + 1


def targets(listeners) -> list[str]:
    """The listeners' URLs as the battery aims at them: by address, and 127.0.0.1 also as localhost."""
    return [listeners[0].url, listeners[0].url.replace("127.0.0.1", "localhost"), listeners[1].url]


def test_service_smuggling_is_refused_and_reaches_no_listener(server, listeners, control, tally):
    url, _ = server
    attack = tally("SERVICE smuggling (lexer on)")
    seen = {"reaching": 0, "tried": 0}

    @BATTERY
    @given(service_queries(targets(listeners)))
    def case(query):
        would_reach = reaches(control, listeners, query)
        before = connections(listeners)
        way = ("get", "form", "body")[seen["tried"] % 3]
        status, _, body = send(url, query, way)
        reached = connections(listeners) > before
        seen["tried"] += 1
        seen["reaching"] += would_reach
        # A query that would call a listener is a 403 naming service_allow; any other is refused or harmless.
        documented = status == 403 and b"service_allow" in body if would_reach else status in (200, 400, 403)
        assert attack.case(f"{way}: {query}", documented and not reached), (status, body[:300], query)

    case()
    assert seen["reaching"] >= EXAMPLES // 5, "the battery must be aimed: a good share reaches an open listener"


def test_with_an_allow_list_the_lexer_alone_keeps_other_hosts_out(built, listeners, control, tally):
    """Query processes keep the network when service_allow names a host; only that host may then be called."""
    process, url = start_server(built[0]["build_dir"], service_allow="127.0.0.2")
    attack = tally("SERVICE smuggling (lexer on)")
    ipv4 = listeners[0]
    # Spellings that would make a reader resolve the allowed prefix while Oxigraph resolves the other one.
    aimed = [f"PREFIX SILENTe: <http://127.0.0.2/> PREFIX e: <{ipv4.url}/> SELECT * {{ SERVICE SILENTe:x {{}} }}",
             f"PREFIX SERVICEe: <http://127.0.0.2/> PREFIX e: <{ipv4.url}/> SELECT * {{ SERVICEe:x {{}} }}",
             f"PREFIX : <{ipv4.url}/> PREFIX a: <http://127.0.0.2/> SELECT * {{ SERVICE:x {{}} }}",
             f'SELECT * {{ BIND("\\u0022 SERVICE <http://127.0.0.2/> {{}} " AS ?a) SERVICE <{ipv4.url}> {{}} }}',
             f"BASE <http://127.0.0.2/> SELECT * {{ SERVICE <//127.0.0.1:{ipv4.port}/sparql> {{}} }}",
             f"SELECT * {{ SERVICE <http://127.0.0.2@127.0.0.1:{ipv4.port}/sparql> {{}} }}"]
    try:
        for query in aimed:
            would_reach = reaches(control, listeners, query)
            before = connections(listeners)
            status, _, body = send(url, query, "get")
            assert attack.case(f"allow-list: {query}", status == 403 and connections(listeners) == before), \
                (query, status, body[:300], would_reach)

        @settings(derandomize=True, max_examples=60, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(service_queries(targets(listeners)))
        def case(query):
            would_reach = reaches(control, listeners, query)
            before = connections(listeners)
            status, _, body = send(url, query, "body")
            documented = status == 403 and b"service_allow" in body if would_reach else status in (200, 400, 403)
            assert attack.case(f"allow-list: {query}", documented and connections(listeners) == before), \
                (status, body[:300], query)

        case()
    finally:
        stop_server(process)


def test_the_network_barrier_alone_stops_every_spelling(built, listeners, control, tally):
    """The lexer switched off: the battery goes straight to the sandbox's worker processes, which have no network."""
    settings_, _ = built
    path = str(build.current(settings_) / build.STORE)
    isolated = sandbox.Sandbox(path, sandbox.Limits(workers=1, isolate=True))
    open_ = sandbox.Sandbox(path, sandbox.Limits(workers=1, isolate=False))
    attack = tally("SERVICE smuggling (OS barrier alone)")
    seen = {"reaching": 0}
    try:
        # The same worker without the barrier does connect: the zero below is the barrier's doing.
        before = connections(listeners)
        open_.run(sandbox.Job(f"SELECT * {{ SERVICE <{listeners[0].url}> {{ ?x ?p ?o }} }}",
                              "application/sparql-results+json", None, max_rows=10), timeout=20)
        assert connections(listeners) == before + 1

        @BATTERY
        @given(service_queries(targets(listeners)))
        def case(query):
            seen["reaching"] += reaches(control, listeners, query)
            before = connections(listeners)
            answer = isolated.run(sandbox.Job(query, "application/sparql-results+json",
                                              "application/n-triples", max_rows=100), timeout=20)
            leaked = answer.body and b"LEAKED" in answer.body
            assert attack.case(query, connections(listeners) == before and not leaked), (answer, query)

        case()
    finally:
        isolated.close()
        open_.close()
    assert seen["reaching"] >= EXAMPLES // 5


def test_the_servers_query_processes_have_a_network_namespace_of_their_own(built, tally):
    settings_, _ = built
    process, url = start_server(settings_["build_dir"])
    try:
        assert send(url, "SELECT * { ?s ?p ?o } LIMIT 1", "get")[0] == 200  # starts a query process
        workers = [child for child in psutil.Process(process.pid).children(recursive=True)
                   if "multiprocessing" in " ".join(child.cmdline()) and "spawn_main" in " ".join(child.cmdline())]
        own = os.readlink(f"/proc/{process.pid}/ns/net")
        namespaces = {os.readlink(f"/proc/{worker.pid}/ns/net") for worker in workers}
        assert tally("SERVICE smuggling (OS barrier alone)").case(
            "the server's query process shares the server's network", bool(workers) and own not in namespaces)
    finally:
        stop_server(process)


def test_with_an_allow_list_a_redirect_off_the_list_is_not_followed(built, tally):
    """127.0.0.1 is allowed; it answers with a redirect to [::1], which is not on the list."""
    settings_, _ = built
    elsewhere = Listener("::1")
    allowed = Listener("127.0.0.1", status="302 Found", body=b"",
                       headers=f"Location: {elsewhere.url}\r\n")
    process, url = start_server(settings_["build_dir"], service_allow="127.0.0.1")
    try:
        status, _, body = send(url, f"SELECT * {{ SERVICE <{allowed.url}> {{ ?x ?p ?o }} }}", "get")
        assert allowed.connections == 1  # the allowed host was called: the allow-list works
        assert tally("SERVICE smuggling (lexer on)").case(
            "an allowed host redirects to one off the list", elsewhere.connections == 0 and b"LEAKED" not in body)
        assert status == 503 and str(elsewhere.port).encode() not in body
    finally:
        stop_server(process)
        elsewhere.close()
        allowed.close()


@pytest.mark.parametrize("status", ["500 Internal Server Error", "200 OK"])
def test_an_error_from_a_remote_service_does_not_echo_its_body(built, tally, status):
    settings_, _ = built
    secret = b"SECRET-internal-stack-trace at /srv/db password=hunter2"
    remote = Listener("127.0.0.1", status=status, body=secret)
    process, url = start_server(settings_["build_dir"], service_allow="127.0.0.1")
    try:
        query = f"SELECT * {{ SERVICE <{remote.url}> {{ ?x ?p ?o }} }}"
        answers = [send(url, query, way, {"Accept": accept}) for way, accept in
                   (("get", "application/sparql-results+json"), ("form", "text/html"),
                    ("body", "application/json"))]
        assert remote.connections == 3
        for code, _, body in answers:
            assert tally("SERVICE smuggling (lexer on)").case(
                f"remote {status} with a body", code == 503 and b"SECRET" not in body and b"hunter2" not in body)
        problem = json.loads(answers[2][2])
        assert "SERVICE" in problem["detail"]
    finally:
        stop_server(process)
        remote.close()
