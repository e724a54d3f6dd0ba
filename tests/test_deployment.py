"""The deployment recipe of the README (issue 14, "Stores beyond one machine"): nginx in front, as cache and load
balancer, of two publisher servers, each on a host of its own, reading one shared store.

The hosts are Linux network namespaces on a private bridge (tests/_netns.py): each publisher
(`samenleven serve --workers 1`) has its own loopback, address and port 8000, as a machine of its own would. The
store (a real Oxigraph server, loaded with `samenleven load --endpoint`) and nginx (configured by
`samenleven deploy nginx --upstream A --upstream B`) run in this namespace, the store on the bridge, nginx on
127.0.0.1. Shown: requests reach both publishers and answer as the embedded store does; a query past its limit
takes no publisher out; when one publisher is killed (SIGKILL, mid-series) every request is still answered 200,
GETs and POSTed queries alike; started again, it gets requests again.
"""

import concurrent.futures
import http.client as http_client
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

import _netns
from adversarial._proxy import INSTALL, Nginx, nginx_binary
from conftest import PROJECT, http

OXIGRAPH = Path(sys.executable).with_name("oxigraph")  # the CLI of PyPI's `oxigraph`, from the test extra
PORT = 8000  # every publisher's, each in its own namespace, as on hosts of their own
SERIES = 40  # requests sent while a publisher is killed
CLIENTS = 2  # of them at once
SELECT = ("SELECT ?s ?label WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }} "
          "ORDER BY ?s ?label LIMIT {}")  # a different LIMIT each time: a query nginx has not cached
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def written(*upstreams: str) -> str:
    """The configuration `samenleven deploy nginx` writes for these upstreams."""
    options = itertools.chain.from_iterable(("--upstream", address) for address in upstreams)
    return subprocess.run([sys.executable, "-m", "publisher", "deploy", "nginx", "--user", "", *options],
                          cwd=PROJECT, capture_output=True, text=True, check=True).stdout


def directives(text: str, name: str) -> list[str]:
    """The values of every directive ``name`` in an nginx configuration, comments left out."""
    text = re.sub(r"#[^\n]*", "", text)
    return [value.strip() for value in re.findall(rf"(?m)^\s*{name}[ \t]+([^;{{}}]*);", text)]


def test_the_configuration_balances_over_every_upstream_and_passes_failures_on():
    """Per nginx.org's ngx_http_upstream_module and proxy_next_upstream: every server in the group, each left out
    after a failure; a request that fails goes to the next server, a POST only where it is a query."""
    conf = written("10.0.0.2:8000", "10.0.0.3:8000")
    servers = directives(conf, "server")
    assert [entry.split()[0] for entry in servers] == ["10.0.0.2:8000", "10.0.0.3:8000"], servers
    assert all("max_fails=" in entry and "fail_timeout=" in entry for entry in servers), servers
    outer, queries = directives(conf, "proxy_next_upstream")
    assert {"error", "timeout", "http_502"} <= set(outer.split()) and "non_idempotent" not in outer.split()
    assert "http_503" not in outer.split()  # the server's own 503 (a query past its limit) is no failure
    assert set(outer.split()) | {"non_idempotent"} == set(queries.split())
    # What one upstream had is still there: the cache and the limits.
    assert directives(conf, "proxy_cache") == ["samenleven_cache"]
    assert directives(conf, "limit_conn") and directives(conf, "limit_req")


class Publisher:
    """`samenleven serve --workers 1` inside a namespace, with its access log in a file of its own."""

    def __init__(self, network: _netns.Network, host: int, build_dir: Path, store: str, logs: Path):
        self.network, (self.namespace, self.address) = network, network.hosts[host]
        self.build_dir, self.store, self.process = build_dir, store, None
        self.access, self.errors = logs / f"publisher-{host}.access.log", logs / f"publisher-{host}.error.log"

    def start(self) -> None:
        # client_queries: the series below sends CLIENTS queries at once, all from this one address.
        env = dict(os.environ, SAMENLEVEN_STORE=self.store, SAMENLEVEN_PROXY_HOPS="1", SAMENLEVEN_QUERY_TIMEOUT="3",
                   SAMENLEVEN_CLIENT_QUERIES=str(CLIENTS))
        argv = [sys.executable, "-m", "publisher", "--build-dir", str(self.build_dir), "serve", "--host",
                self.address, "--port", str(PORT), "--workers", "1"]
        with open(self.access, "ab") as access, open(self.errors, "ab") as errors:
            # A session of its own: gunicorn's master and worker form one process group, killed as one.
            self.process = subprocess.Popen(self.network.command(self.namespace, argv), cwd=PROJECT, env=env,
                                            stdout=access, stderr=errors, start_new_session=True)
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"publisher {self.address} stopped: {self.errors.read_text()[-2000:]}")
            try:
                if http(f"http://{self.address}:{PORT}/", headers={"Host": "127.0.0.1"})[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"publisher {self.address} did not answer within 30 s")

    def kill(self) -> None:
        """SIGKILL its whole process group: a publisher host that dies, with no chance to say goodbye."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)

    def answered(self, *markers: str, wait: float = 0) -> bool:
        """Whether this publisher's access log has a request whose User-Agent is one of ``markers``. gunicorn
        writes the line just after the answer: a check that expects one waits up to ``wait`` seconds for it."""
        for _ in range(int(wait * 10) + 1):
            text = self.access.read_text(errors="replace")
            if any(f'"{marker}"' in text for marker in markers):
                return True
            time.sleep(0.1)
        return False


@pytest.fixture(scope="module")
def deployment(built, tmp_path_factory):
    """Two publisher hosts, the shared store and nginx; yield (nginx, [publisher A, publisher B])."""
    for missing, why in ((_netns.unavailable(), None), (nginx_binary() is None, f"nginx is missing ({INSTALL})"),
                         (not OXIGRAPH.exists(), "the oxigraph server (pip install oxigraph) is missing")):
        if missing:
            pytest.skip(why or missing)
    folder = tmp_path_factory.mktemp("deployment")
    network = _netns.Network(2)
    oxigraph, publishers, nginx = None, [], None
    try:
        # The shared store, on the bridge: reachable from both hosts. Its own limit stops the runaway query below.
        store = f"http://{network.address}:7878"
        oxigraph = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(folder / "oxigraph"), "--bind",
                                     f"{network.address}:7878", "--timeout-s", "5"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if http(f"{store}/query?query=ASK%7B%7D")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        # Host A builds (here: the session's build) and loads it; host B gets a copy of the build folder.
        shutil.copytree(built[0]["build_dir"], folder / "a", symlinks=True)
        loaded = subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(folder / "a"), "load",
                                 "--endpoint", f"{store}/store"], cwd=PROJECT, capture_output=True, text=True,
                                timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        shutil.copytree(folder / "a", folder / "b", symlinks=True)
        for host, name in enumerate("ab"):
            publishers.append(Publisher(network, host, folder / name, f"{store}/query", folder))
            publishers[-1].start()
        nginx = Nginx(f"{publishers[0].address}:{PORT}", "--upstream", f"{publishers[1].address}:{PORT}",
                      "--query-rate", "1000", "--query-burst", "1000")
        yield nginx, publishers
    finally:
        if nginx is not None:
            nginx.stop()
        for publisher in publishers:
            publisher.kill()
        if oxigraph is not None:
            oxigraph.kill()
            oxigraph.wait(10)
        network.close()


def through(nginx, marker: str, number: int, post: bool = False):
    """Send query ``number`` (a different one each time: no cached answer) through nginx; return its status."""
    query = SELECT.format(number + 1)
    headers = {"User-Agent": marker, "Accept": "application/sparql-results+json"}
    if post:
        headers["Content-Type"] = "application/sparql-query"
        return http(f"{nginx.url}/sparql", data=query.encode(), headers=headers, method="POST")[0]
    return http(f"{nginx.url}/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)[0]


def test_requests_through_nginx_reach_both_publishers(deployment):
    nginx, publishers = deployment
    markers = [f"reach-{number}" for number in range(8)]
    assert [through(nginx, marker, 100 + number) for number, marker in enumerate(markers)] == [200] * 8
    for publisher in publishers:
        assert publisher.answered(*markers, wait=5), f"{publisher.address} got no request"


@pytest.mark.parametrize("path", ["/doc/praktijk/sociale-cohesie", "/doc/gemeente/44021",
                                  "/doc/organisatie/vvsg"])
def test_a_document_through_nginx_is_the_embedded_stores(deployment, server, path):
    nginx, _ = deployment
    found = []
    for root in (server[0], nginx.url):
        status, headers, body = http(root + path, headers={"Accept": "text/turtle"})
        assert status == 200, (root, status, body[:300])
        found.append(rdflib.Graph().parse(data=body, format="turtle"))
    assert len(found[0]) > 10 and isomorphic(*found)


def test_a_query_through_nginx_gives_the_embedded_stores_rows(deployment, server):
    nginx, _ = deployment
    query = urllib.parse.urlencode({"query": SELECT.format(50)})
    rows = []
    for root in (server[0], nginx.url):
        status, _, body = http(f"{root}/sparql?{query}", headers={"Accept": "application/sparql-results+json"})
        assert status == 200, body[:300]
        rows.append(json.loads(body)["results"]["bindings"])
    assert len(rows[0]) == 50 and rows[0] == rows[1]


def test_a_query_past_its_limit_takes_no_publisher_out(deployment):
    """The server's own 503 goes back to the client as it is, from one publisher only (passed on, the query would
    run on each in turn and count as a failure of each it left); and both keep getting requests."""
    nginx, publishers = deployment
    status, _, body = http(f"{nginx.url}/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}),
                           headers={"User-Agent": "runaway", "Accept": "application/sparql-results+json"})
    assert status == 503 and b"stopped after 3 s" in body, (status, body[:300])
    assert logged(nginx, "runaway").count(f":{PORT}") == 1  # tried on one publisher, not passed on
    markers = [f"after-runaway-{number}" for number in range(6)]
    assert [through(nginx, marker, 200 + number) for number, marker in enumerate(markers)] == [200] * 6
    assert all(p.answered(*markers, wait=5) for p in publishers)


def logged(nginx, marker: str) -> str:
    """nginx's access log line of the request ``marker``, which it writes just after the answer."""
    for _ in range(100):
        lines = [line for line in (nginx.state / "access.log").read_text().splitlines() if f'"{marker}"' in line]
        if lines:
            return lines[0]
        time.sleep(0.1)
    raise AssertionError(f"nginx logged no request {marker}")


def taken_back(nginx, publisher: Publisher, name: str) -> None:
    """Send queries until ``publisher`` answers one: nginx leaves a failed server out for fail_timeout only."""
    for number in range(120):
        marker = f"{name}-{number}"
        assert through(nginx, marker, 1000 + number) == 200
        if f"upstream={publisher.address}:{PORT} " in logged(nginx, marker):
            return
        time.sleep(0.5)
    pytest.fail(f"the publisher {publisher.address} got no request in 60 s")


def passed_on(nginx, markers: list[str], failed: Publisher, other: Publisher) -> list[str]:
    """nginx's log lines of the requests among ``markers`` that ``failed`` did not answer and ``other`` did."""
    tried = f"upstream={failed.address}:{PORT}, {other.address}:{PORT} "
    for _ in range(50):  # the last request's line may be written a moment after its answer
        lines = [line for line in (nginx.state / "access.log").read_text().splitlines()
                 if tried in line and '" 200 ' in line and any(f'"{marker}"' in line for marker in markers)]
        if lines:
            return lines
        time.sleep(0.1)
    return []


def test_a_publisher_host_that_drops_off_the_network_loses_no_request(deployment):
    """Its link down: no refusal, no reset, nothing at all. nginx gives up on connecting (proxy_connect_timeout),
    or on an answer over a connection it kept (proxy_read_timeout), and passes the request on."""
    nginx, (first, second) = deployment
    _netns.Network.inside(second.namespace, "link", "set", "eth0", "down")
    try:
        markers = [f"vanished-{number}" for number in range(6)]
        answers = [through(nginx, marker, 800 + number, post=number % 2 == 1) for number, marker in enumerate(markers)]
        assert answers == [200] * 6, answers
        assert not any(second.answered(marker) for marker in markers)
        assert passed_on(nginx, markers, second, first), "no request was tried on the host that dropped off"
    finally:
        _netns.Network.inside(second.namespace, "link", "set", "eth0", "up")
    taken_back(nginx, second, "returned")


def answered_whole(nginx, marker: str, number: int, post: bool = False):
    """``through``, or "cut" for an answer whose bytes had begun to come when its publisher died."""
    try:
        return through(nginx, marker, number, post)
    except (http_client.IncompleteRead, ConnectionError):
        return "cut"


def test_a_killed_publisher_loses_no_request_and_serves_again_once_restarted(deployment):
    """No request is lost but those whose answer the killed publisher had begun to send: "passing a request to the
    next server is only possible if nothing has been sent to a client yet" (nginx, proxy_next_upstream). At most
    one a client connection can be that one; every other is answered 200, by way of the other publisher."""
    nginx, (first, second) = deployment
    markers = [f"series-{number}" for number in range(SERIES)]
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [pool.submit(answered_whole, nginx, marker, 300 + number, post=number % 2 == 1)
                    for number, marker in enumerate(markers)]
        concurrent.futures.wait(statuses[:SERIES // 4])
        first.kill()  # while the rest of the series is being sent and answered
        answers = [future.result() for future in statuses]
    # GETs and POSTed queries alike: none refused, none lost but an answer already under way at the kill
    assert set(answers) <= {200, "cut"} and answers.count("cut") <= CLIENTS, answers
    assert answers[SERIES // 4 + 2 * CLIENTS:] == [200] * (SERIES - SERIES // 4 - 2 * CLIENTS), answers
    # The series really crossed the failure: nginx tried the killed host and passed the request to the other.
    assert passed_on(nginx, markers, first, second), "no request was tried on the killed publisher"
    assert not any(first.answered(marker) for marker in markers[-SERIES // 4:])

    first.start()
    taken_back(nginx, first, "back")
    markers = [f"both-{number}" for number in range(6)]
    assert [through(nginx, marker, 600 + number) for number, marker in enumerate(markers)] == [200] * 6
    assert all(p.answered(*markers, wait=5) for p in (first, second))


def unread(publisher: Publisher) -> int:
    """Bytes that connections to the publisher's port hold and it has not read (``ss``, in its namespace)."""
    listed = subprocess.run(publisher.network.command(publisher.namespace, ["ss", "-Htn", "state", "established",
                                                                           f"( sport = :{PORT} )"]),
                            capture_output=True, text=True, check=True).stdout
    return sum(int(line.split()[0]) for line in listed.splitlines() if line.strip())


def test_a_query_posted_to_a_publisher_that_dies_before_answering_is_answered_by_the_other(deployment):
    """A POSTed query already sent when its publisher dies is sent to the other (it only reads, so that is safe);
    made certain here by stopping the publisher (SIGSTOP: the kernel still takes its connections and requests)
    until a query sits unread with it, and only then killing it."""
    nginx, (first, second) = deployment
    os.killpg(first.process.pid, signal.SIGSTOP)
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            for number in range(8):  # nginx takes the two in turn: one of the first few goes to the stopped one
                marker = f"in-flight-{number}"
                future = pool.submit(through, nginx, marker, 700 + number, post=True)
                for _ in range(200):
                    if future.done() or unread(first):
                        break
                    time.sleep(0.1)
                if not future.done():
                    break
                assert future.result() == 200 and second.answered(marker, wait=5)
            else:
                pytest.fail(f"no query reached the stopped publisher {first.address}")
            assert unread(first), "the query waiting for an answer is not with the stopped publisher"
            first.kill()
            assert future.result() == 200
    finally:
        first.kill()
    line = logged(nginx, marker)
    assert f"upstream={first.address}:{PORT}, {second.address}:{PORT} " in line, line
    assert second.answered(marker, wait=5)
