"""The production set-up: real nginx from Debian's packages, configured by ``samenleven deploy nginx``, in front
of gunicorn (``samenleven serve --workers 2``, 4 threads each) with ``proxy_hops=1``.

Shown: the links the server writes name nginx's public address whatever forwarding headers a client makes up;
caching headers, 304s and ranges pass through; and 16 slow clients (slowloris) held by nginx do not keep a normal
request from being answered, while the same clients sent straight to gunicorn hold every thread it has.
"""

import concurrent.futures
import http.client
import subprocess
import sys
import time
from urllib.parse import urljoin

import psutil
import pytest
import rdflib

from _proxy import INSTALL, Nginx, SlowClients, get, nginx_binary
from conftest import PROJECT, start_server, stop_server

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
GENT = "/doc/gemeente/44021"  # the README's example: Gent's NIS code
SLOW = 16  # twice the 2 x 4 threads of gunicorn below
THREADS = 4  # per gunicorn worker (publisher/production.py, as the README documents)
GIVE_UP = 10  # seconds: a normal client waits this long before it gives up


@pytest.fixture(scope="module")
def production(built):
    """gunicorn with proxy_hops=1 and nginx in front; yield (nginx, gunicorn's URL, gunicorn's process)."""
    if nginx_binary() is None:
        pytest.skip(f"nginx is not installed; `make test` installs it as root with apt ({INSTALL})")
    process, direct = start_server(built[0]["build_dir"], "--workers", "2", proxy_hops=1, query_timeout=3)
    try:
        nginx = Nginx(direct)
    except Exception:
        stop_server(process)
        raise
    yield nginx, direct, process
    nginx.stop()
    stop_server(process)


def downloads(url: str, headers: dict | None = None) -> set[str]:
    status, _, body = get(url, headers)
    assert status == 200, body[:300]
    return {str(o) for o in rdflib.Graph().parse(data=body, format="turtle").objects(None, DCAT.downloadURL)}


def test_the_catalogue_names_the_public_address(production):
    nginx, direct, _ = production
    found = downloads(nginx.url + "/catalog.ttl")
    assert found and all(url.startswith(nginx.url + "/dumps/") or url.startswith(nginx.url + "/tables/")
                         or url.startswith(nginx.url + "/ldes") for url in found), found
    assert not any(direct in url for url in found)


SPOOFED = [
    {"X-Forwarded-Host": "evil.example"},
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-Prefix": "/evil"},
    {"X-Forwarded-Port": "444"},
    {"Forwarded": "for=1.2.3.4;host=evil.example;proto=https"},
    {"X-Forwarded-For": "10.0.0.1", "X-Forwarded-Host": "evil.example, other.example"},
]


@pytest.mark.parametrize("headers", SPOOFED, ids=lambda h: ",".join(h))
def test_forwarding_headers_from_a_client_do_not_reach_the_links(production, tally, headers):
    nginx, _, _ = production
    thing = nginx.url + GENT.replace("/doc/", "/id/")
    status, answer, _ = get(thing, headers)
    assert status == 303
    assert tally("forwarded headers through the proxy").case(
        f"{headers} on /id/: 303 to the public address",
        urljoin(thing, answer["Location"]) == nginx.url + GENT), answer["Location"]
    status, answer, _ = get(nginx.url + GENT + ".ttl", headers)
    assert status == 200
    assert tally("forwarded headers through the proxy").case(
        f"{headers} on /doc/: Content-Location names the public address",
        answer["Content-Location"] == nginx.url + GENT + ".ttl"), answer["Content-Location"]


def test_a_made_up_host_does_not_reach_another_clients_cached_answer(production, tally):
    nginx, _, _ = production
    url = nginx.url + "/catalog.ttl?profile=dcat-ap-2.1.1"  # asked for here only: nothing cached before
    get(url, {"Host": "evil.example"})  # answered or refused: what counts is the next client's answer
    found = downloads(url)
    assert tally("forwarded headers through the proxy").case(
        "Host: evil.example, then a normal client: the catalogue it gets names the public address",
        found and all(url.startswith(nginx.url + "/") for url in found)), found


def test_a_path_prefix_is_in_every_link_and_the_endpoint_answers_under_it(production, tally):
    _, direct, _ = production
    prefixed = Nginx(direct, "--prefix", "/samenleven")
    try:
        root = prefixed.url + "/samenleven"
        thing = root + GENT.replace("/doc/", "/id/")
        status, answer, _ = get(thing)
        assert (status, urljoin(thing, answer["Location"])) == (303, root + GENT)
        assert get(root + GENT + ".ttl")[1]["Content-Location"] == root + GENT + ".ttl"
        assert all(url.startswith(root + "/") for url in downloads(root + "/catalog.ttl"))
        status, answer, body = get(root + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                                   {"Accept": "application/sparql-results+json"})
        assert (status, b"true" in body) == (200, True), body[:300]
        status, _, _ = get(root + "/queries/programmas.json")
        assert status == 200
        assert tally("forwarded headers through the proxy").case(
            "nothing outside the prefix is served", get(prefixed.url + GENT)[0] == 404)
    finally:
        prefixed.stop()


def test_caching_headers_pass_through_the_proxy(production):
    nginx, direct, _ = production
    _, mine, _ = get(direct + GENT + ".ttl")
    status, theirs, body = get(nginx.url + GENT + ".ttl")
    assert status == 200 and body
    for name in ("ETag", "Last-Modified", "Cache-Control"):
        assert theirs[name] == mine[name], name
    assert get(nginx.url + GENT + ".ttl", {"If-None-Match": theirs["ETag"]})[0] == 304
    assert get(nginx.url + GENT + ".ttl", {"If-Modified-Since": theirs["Last-Modified"]})[0] == 304
    # Compressed on the way: the same ETag made weak (RFC 9110, 8.8.1), and still a 304 when sent back.
    status, zipped, _ = get(nginx.url + GENT + ".ttl", {"Accept-Encoding": "gzip"})
    weak = mine["ETag"] if mine["ETag"].startswith("W/") else "W/" + mine["ETag"]  # a weak one stays as it is
    assert (status, zipped["Content-Encoding"], zipped["ETag"]) == (200, "gzip", weak)
    assert get(nginx.url + GENT + ".ttl", {"Accept-Encoding": "gzip", "If-None-Match": zipped["ETag"]})[0] == 304
    _, _, whole = get(direct + "/dumps/graph.ttl")
    status, ranged, part = get(nginx.url + "/dumps/graph.ttl", {"Range": "bytes=100-299"})
    assert (status, part, ranged["Content-Range"]) == (206, whole[100:300], f"bytes 100-299/{len(whole)}")


def test_a_body_larger_than_the_server_takes_is_refused_by_the_proxy_with_a_reason(production, tally):
    nginx, _, _ = production
    host, port = nginx.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=GIVE_UP)
    try:  # the headers announce a megabyte; nginx answers them without waiting for it
        connection.putrequest("POST", "/sparql")
        connection.putheader("Content-Type", "application/sparql-query")
        connection.putheader("Content-Length", "1000000")
        connection.endheaders()
        response = connection.getresponse()
        status, body = response.status, response.read()
    finally:
        connection.close()
    assert tally("slow clients through the proxy").case(
        "a 1 MB body announced: 413 naming the limit", status == 413 and b"max_query_size" in body), (status, body)


def test_queries_past_an_addresses_rate_get_429_saying_why_and_pages_still_answer(production, tally):
    _, direct, _ = production
    strict = Nginx(direct, "--query-rate", "1", "--query-burst", "2", "--no-cache")
    try:
        statuses = [get(strict.url + "/sparql?query=ASK%7B%7D")[0:3:2] for _ in range(6)]
        refused = [body for status, body in statuses if status == 429]
        page = get(strict.url + GENT)[0]
    finally:
        strict.stop()
    assert tally("per-address limits of the proxy").case(
        "6 queries at once past --query-rate 1 --query-burst 2: 429 saying the limit, a page still 200",
        bool(refused) and all(b"queries a second" in body for body in refused) and page == 200), statuses


def connections_to(process, url: str) -> int:
    """How many connections gunicorn's workers hold open on the port of ``url``."""
    port = int(url.rsplit(":", 1)[1])
    return sum(connection.status == psutil.CONN_ESTABLISHED and connection.laddr.port == port
               for worker in psutil.Process(process.pid).children() for connection in worker.net_connections())


def answered(url: str, seconds: float) -> int | None:
    """The status of a normal GET if it is answered within ``seconds``, else None (the request is left pending)."""
    pool = concurrent.futures.ThreadPoolExecutor(1)
    future = pool.submit(get, url, None, seconds + GIVE_UP)
    pool.shutdown(wait=False)
    try:
        return future.result(timeout=seconds)[0]
    except concurrent.futures.TimeoutError:
        return None


@pytest.mark.parametrize("body", [False, True], ids=["slow headers", "slow bodies"])
def test_slow_clients_held_by_the_proxy_do_not_block_a_normal_request(production, tally, body):
    nginx, direct, process = production
    before = connections_to(process, direct)
    slow = SlowClients(nginx.url, SLOW, body=body, seconds=GIVE_UP * 3)
    try:
        time.sleep(2)  # each has sent a couple of bytes more: nginx holds them, waiting for the rest
        # None reached gunicorn: so the answer below does not depend on which worker the kernel gave them to.
        reached = connections_to(process, direct) - before
        status = answered(nginx.url + "/", GIVE_UP)
        held = slow.open()
    finally:
        slow.close()
    what = "headers" if not body else "POST bodies"
    assert tally("slow clients through the proxy").case(
        f"{SLOW} slow {what} held open by nginx; a normal GET answered before the slow clients give up",
        status == 200 and held == SLOW and reached <= 0), (status, held, reached)


def test_the_same_slow_clients_sent_straight_to_gunicorn_take_every_thread(production):
    """The contrast that shows why the proxy is there: without it the normal request waits for the slow ones."""
    _, direct, process = production
    slow = SlowClients(direct, SLOW, seconds=GIVE_UP * 4)
    try:
        # gunicorn's workers: the master's children with its command line (not multiprocessing's resource tracker,
        # which the master starts when it probes the network barrier for them all)
        master = psutil.Process(process.pid)
        workers = [child for child in master.children() if child.cmdline() == master.cmdline()]
        assert len(workers) == 2
        # The kernel hands connections to whichever worker accepts first, not evenly: open more until each
        # worker holds at least one per thread (bounded).
        for _ in range(SLOW * 2):
            time.sleep(0.5)
            ports = slow.ports()
            held = [sum(bool(c.raddr) and c.raddr.port in ports for c in w.net_connections()) for w in workers]
            if min(held) >= THREADS:
                break
            slow.more(1)
        status_while_held = answered(direct + "/", GIVE_UP / 2)
        assert status_while_held is None, f"answered {status_while_held} with {held} slow clients per worker"
    finally:
        slow.close()
    assert answered(direct + "/", GIVE_UP) == 200  # and once they are gone, it is answered again


@pytest.mark.parametrize("option", [("--listen", "80; include /etc/passwd"), ("--upstream", "a b"),
                                    ("--prefix", "/x;"), ("--server-name", "x}"), ("--user", "root;"),
                                    ("--state-dir", "/tmp/a b"), ("--prefix", "/x/"),
                                    ("--upstream", "10.0.0.2:8000", "--upstream", "10.0.0.2:8000")])
def test_deploy_refuses_values_that_would_change_the_configuration(tally, option):
    done = subprocess.run([sys.executable, "-m", "publisher", "deploy", "nginx", *option], cwd=PROJECT,
                          capture_output=True, text=True)
    assert tally("proxy configuration").case(
        f"samenleven deploy nginx {' '.join(option)}: exit 2 naming the option",
        done.returncode == 2 and option[0] in done.stderr and not done.stdout), (done.returncode, done.stderr)


def test_the_shipped_configuration_is_valid_nginx(tmp_path):
    if nginx_binary() is None:
        pytest.skip(f"nginx is not installed ({INSTALL})")
    state = tmp_path / "state"
    state.mkdir()
    for options in ([], ["--no-cache", "--prefix", "/samenleven", "--listen", "[::1]:8080"],
                    ["--upstream", "10.0.0.2:8000", "--upstream", "10.0.0.3:8000", "--upstream", "[fd00::4]:8000"]):
        conf = subprocess.run([sys.executable, "-m", "publisher", "deploy", "nginx", "--user", "",
                               "--state-dir", str(state), *options], cwd=PROJECT, capture_output=True,
                              text=True, check=True).stdout
        (tmp_path / "nginx.conf").write_text(conf)
        done = subprocess.run([nginx_binary(), "-t", "-p", str(state), "-c", str(tmp_path / "nginx.conf")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
