"""A client cannot make the server write links to a host it made up (issue 10, "Host header spoofing").

Links come from the request's root URL. The server answers only the hosts of ``trusted_hosts`` (400 for another,
in ``Host`` or, behind ``proxy_hops``, in ``X-Forwarded-Host``), or writes every link with ``public_url``.
Each case goes as raw bytes to the real server on 127.0.0.1.
"""

import re

import pytest

from _http import send
from conftest import start_server, stop_server

CLASS = "Host header spoofing"
# What a cache keeps: the catalogue, the sitemap, robots.txt, pages and documents (with Link and
# Content-Location), the change feed, VoID, the service description, the list of queries, a redirect.
CACHED = ["/", "/catalog", "/catalog.ttl", "/sitemap.xml", "/robots.txt", "/doc/gemeente/44021",
          "/doc/gemeente/44021.ttl", "/doc/praktijk/sociale-cohesie", "/id/gemeente/44021", "/ldes", "/ldes/1",
          "/ldes/member/1", "/.well-known/void", "/sparql", "/queries.json", "/queries/programmas", "/ns",
          "/ns.ttl", "/tables/", "/search?q=gent", "/static/style.css", "/no/such/page"]
MADE_UP = ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
           "127.0.0.1@evil.example", "evil.example#127.0.0.1", "[::2]:8000", "127.0.0.1 evil.example",
           "evil.example, 127.0.0.1", "EVIL.example", "xn--80ak6aa92e.com", "evil.example:99999"]
PUBLIC = "https://data.example.org/samenleven/"


@pytest.fixture(scope="module")
def default_server(built):
    process, url = start_server(built[0]["build_dir"])
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def proxied_server(built):
    process, url = start_server(built[0]["build_dir"], proxy_hops=1, trusted_hosts="127.0.0.1,data.example.org")
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def public_server(built):
    process, url = start_server(built[0]["build_dir"], proxy_hops=1, public_url=PUBLIC)
    yield url
    stop_server(process)


def whole(reply) -> str:
    """Everything a cache would keep of a reply: its headers and its body."""
    return "\n".join(f"{name}: {value}" for name, value in reply.headers) + "\n" + reply.text


@pytest.mark.parametrize("host", MADE_UP)
@pytest.mark.parametrize("target", CACHED)
def test_a_made_up_host_is_refused(default_server, target, host, tally):
    reply = send(default_server, target, headers={"Accept": "text/plain"}, host=host)
    refused = reply.status == 400 and "trusted_hosts" in reply.text and "evil" not in reply.header("Location")
    assert tally(CLASS).case(f"Host: {host} on {target}", refused), (reply.status, reply.text[:300])


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "127.0.0.1", "localhost"])
def test_the_default_hosts_are_answered(default_server, host):
    """`make serve` and the tests reach the server as 127.0.0.1, localhost or [::1], on any port."""
    reply = send(default_server, "/robots.txt", host=host.format(port=default_server.rsplit(":", 1)[1]))
    assert reply.status == 200
    assert f"Sitemap: http://{host.format(port=default_server.rsplit(':', 1)[1])}/sitemap.xml" in reply.text


@pytest.mark.parametrize("target", CACHED)
def test_behind_a_proxy_a_made_up_forwarded_host_is_refused(proxied_server, target, tally):
    reply = send(proxied_server, target, headers={"Accept": "text/plain", "X-Forwarded-Host": "evil.example",
                                                 "X-Forwarded-Proto": "https"})
    refused = reply.status == 400 and "X-Forwarded-Host" in reply.text
    assert tally(CLASS).case(f"X-Forwarded-Host: evil.example on {target} behind proxy_hops=1", refused), \
        (reply.status, reply.text[:300])


def test_behind_a_proxy_a_trusted_forwarded_host_names_the_links(proxied_server):
    reply = send(proxied_server, "/sitemap.xml", headers={"X-Forwarded-Host": "data.example.org",
                                                         "X-Forwarded-Proto": "https"}, host="evil.example")
    assert reply.status == 200 and "<loc>https://data.example.org/doc/gemeente/44021</loc>" in reply.text
    assert "evil" not in reply.text


@pytest.mark.parametrize("target", CACHED)
@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "*/*"])
def test_with_public_url_every_link_names_it_whatever_the_headers_say(public_server, target, accept, tally):
    reply = send(public_server, target, host="evil.example", headers={
        "Accept": accept, "X-Forwarded-Host": "evil2.example", "X-Forwarded-Proto": "http",
        "X-Forwarded-Prefix": "/evil3"})
    text = whole(reply)
    own = [url for url in re.findall(r"https?://[^\s\"'<>]+", text) if "127.0.0.1" in url or "evil" in url]
    kept = reply.status < 500 and "evil" not in text and not own
    assert tally(CLASS).case(f"Host, X-Forwarded-* made up on {target} ({accept}) with public_url", kept), own
    if reply.status == 200 and target in ("/sitemap.xml", "/robots.txt", "/catalog.ttl", "/ldes"):
        assert PUBLIC in text


def test_with_public_url_its_path_prefix_may_come_with_the_request(public_server):
    """A proxy may pass /samenleven/… on instead of taking it off: both are the same page."""
    plain = send(public_server, "/doc/gemeente/44021.ttl", host="evil.example")
    prefixed = send(public_server, "/samenleven/doc/gemeente/44021.ttl", host="evil.example")
    assert plain.status == prefixed.status == 200
    assert plain.header("Content-Location") == prefixed.header("Content-Location") == \
        PUBLIC + "doc/gemeente/44021.ttl"


def test_a_public_url_that_is_not_an_address_stops_the_server(built):
    with pytest.raises(RuntimeError, match="public_url"):
        start_server(built[0]["build_dir"], public_url="javascript:alert(1)")
