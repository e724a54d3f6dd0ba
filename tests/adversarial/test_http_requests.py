"""Requests that are wrong get a 4xx that says what was wrong, never a 500 (issue 10, "HTTP abuse").

Each case is sent as raw bytes to the real server, both as `samenleven serve` runs it by default (Flask's server)
and as it runs in production (gunicorn, `--workers 1`), on the session's build of the real graph.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from _http import send
from conftest import start_server, stop_server
from publisher.app import create_app

CLASS = "HTTP abuse"
TEXT = {"Accept": "text/plain"}
MAX_QUERY = 65536  # the max_query_size default, which the servers here keep
FORM = {"Content-Type": "application/x-www-form-urlencoded", **TEXT}
TURTLE = {"Content-Type": "text/turtle", **TEXT}
SPARQL = {"Content-Type": "application/sparql-query", **TEXT}
ANY = {"Accept": "*/*"}  # a query's answer is offered in its formats; errors then come as plain text


@dataclass
class Case:
    what: str
    target: str
    statuses: tuple  # the statuses that are right (a server's own parser may refuse before the app sees it)
    says: str = ""  # words the message must hold, so that the client learns what was wrong
    method: str = "GET"
    headers: dict = field(default_factory=lambda: dict(TEXT))
    body: bytes | None = None
    chunked: bool = False


def sparql_get(query: str) -> str:
    return "/sparql?query=" + quote(query, safe="")


LONG_QUERY = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_QUERY).encode()
CASES = [
    # IRIs that no resource can have: 404 with the reason, never a 500 from the IRI parser.
    Case("invalid percent escape in /id/", "/id/praktijk/%ZZ", (404,), "IRI"),
    Case("invalid percent escape in /doc/", "/doc/praktijk/%ZZ", (404,), "IRI"),
    Case("bytes that are not UTF-8 in /doc/", "/doc/praktijk/%FF%FE", (404,), "IRI"),
    Case("bytes that are not UTF-8 in /id/", "/id/gemeente/%C3%28", (404,), "IRI"),
    Case("NUL in /doc/", "/doc/praktijk/a%00b", (404,), "IRI"),
    Case("NUL in /id/", "/id/praktijk/%00", (404,), "IRI"),
    Case("an encoded space in /doc/", "/doc/praktijk/a%20b", (404,), "IRI"),
    Case("an encoded space in /id/", "/id/praktijk/a%20b", (404,), "IRI"),
    # Werkzeug's <path:> matches no newline, so no route takes these: a 404 for the URL.
    Case("an encoded newline in /doc/", "/doc/praktijk/a%0Ab", (404,), "404"),
    Case("an encoded tab and CR in /id/", "/id/praktijk/a%09%0Db", (404,), "404"),
    Case("angle brackets in /doc/", "/doc/praktijk/%3Cscript%3E", (404,), "IRI"),
    Case("a raw space in the request line", "/doc/praktijk/a b", (400,)),
    Case("dot segments in /doc/", "/doc/praktijk/../../../etc/passwd", (404,), "no resource"),
    Case("dot segments in /id/", "/id/../../etc/passwd", (404,), "no resource"),
    Case("dot segments out of /static/", "/static/../app.py", (404,)),
    Case("encoded dot segments out of /tables/", "/tables/..%2F..%2Fmanifest.json", (404,)),
    Case("encoded dot segments out of /dumps/", "/dumps/..%2Fmanifest.json", (404,)),
    Case("a long path (3000 characters)", "/doc/praktijk/" + "a" * 3000, (404,), "no resource"),
    Case("an overlong path (100 kB)", "/doc/praktijk/" + "a" * 100_000, (400, 414)),
    # Escapes past U+10FFFF: 400 naming the escape, in a string, an IRI, a name or outside everything.
    Case(r"\U00110000 in a string", sparql_get(r'SELECT * WHERE { ?s ?p "\U00110000" }'), (400,), "U+10FFFF"),
    Case(r"\U00110000 in an IRI", sparql_get(r"SELECT * WHERE { ?s ?p <http://a.example/\U00110000> }"), (400,),
         "U+10FFFF"),
    Case(r"\U00110000 as a variable name", sparql_get(r"SELECT ?\U00110000 WHERE { ?s ?p ?o }"), (400,),
         "U+10FFFF"),
    Case(r"\UFFFFFFFF outside any string", sparql_get(r"SELECT * WHERE { ?s ?p ?o } \UFFFFFFFF"), (400,),
         "U+10FFFF"),
    Case(r"\U00110000 in a POST body", "/sparql", (400,), "U+10FFFF", "POST", SPARQL,
         rb'ASK { ?s ?p "\U00110000" }'),
    Case(r"\U00110000 in a form", "/sparql", (400,), "U+10FFFF", "POST", FORM,
         b"query=" + quote(r'ASK { ?s ?p "\U00110000" }').encode()),
    Case(r"a lone surrogate \uD800", sparql_get(r'ASK { ?s ?p "\uD800" }'), (400,), "parse", headers=ANY),
    # Bodies past max_query_size, with and without Content-Length.
    Case("a chunked query body over max_query_size", "/sparql", (413,), "at most", "POST", SPARQL, LONG_QUERY, True),
    Case("a chunked form body over max_query_size", "/sparql", (413,), "at most", "POST", FORM,
         b"query=" + quote(LONG_QUERY).encode(), True),
    Case("a chunked body ten times max_query_size", "/sparql", (413,), "", "POST", SPARQL, LONG_QUERY * 10, True),
    Case("a query body over max_query_size", "/sparql", (413,), "at most", "POST", SPARQL, LONG_QUERY),
    # The protocol's own mistakes.
    Case("a form POST with no query field", "/sparql", (400,), "query field", "POST", FORM, b"foo=bar"),
    Case("a form POST with only a dataset", "/sparql", (400,), "query field", "POST", FORM,
         b"default-graph-uri=http%3A%2F%2Fa.example%2F"),
    Case("an empty form POST", "/sparql", (400,), "query field", "POST", FORM, b""),
    Case("an empty chunked form POST", "/sparql", (400,), "query field", "POST", FORM, b"", True),
    Case("an empty query body", "/sparql", (400,), "empty", "POST", SPARQL, b""),
    Case("a POST body of another media type", "/sparql", (415,), "application/sparql-query", "POST",
         {"Content-Type": "text/plain", **TEXT}, b"ASK {}"),
    Case("two query parameters", sparql_get("ASK {}") + "&query=ASK%7B%7D", (400,), "query parameters"),
    Case("a query that is not UTF-8", "/sparql?query=%FF", (400,), "UTF-8"),
    Case("a PUT to the endpoint", "/sparql", (405,), "GET", "PUT", TEXT, b"ASK {}"),
    Case("a DELETE of a document", "/doc/gemeente/44021", (405,), "", "DELETE"),
    # Parameters of pages.
    Case("page=abc", "/doc/gemeente/44021?page=abc", (400,), "page"),
    Case("page=0", "/doc/gemeente/44021?page=0", (400,), "page"),
    Case("page=-1", "/doc/gemeente/44021?page=-1", (400,), "page"),
    Case("page=1e3", "/doc/gemeente/44021?page=1e3", (400,), "page"),
    Case("page=² (a digit to Python, not a number)", "/doc/gemeente/44021?page=%C2%B2", (400,), "page"),
    Case("page=٣ (an Arabic-Indic digit)", "/doc/gemeente/44021?page=%D9%A3", (400,), "page"),
    Case("page with 40 digits", "/doc/gemeente/44021?page=" + "9" * 40, (400,), "page"),
    Case("a page past the last", "/doc/gemeente/44021?page=99", (404,), "page 99"),
    Case("lang=fr", "/doc/gemeente/44021?lang=fr", (400,), "lang"),
    Case("lang=<script>", "/?lang=%3Cscript%3E", (400,), "lang"),
    Case("an empty lang", "/search?q=gent&lang=", (400,), "lang"),
    Case("lang that is not UTF-8", "/?lang=%C3%28", (400,), "UTF-8"),
    Case("q that is not UTF-8", "/search?q=%FF%FE", (400,), "UTF-8"),
    Case("a key that is not UTF-8", "/catalog?%FF=1", (400,), "UTF-8"),
    Case("page given twice", "/doc/gemeente/44021?page=1&page=2", (400,), "page"),
    Case("lang given twice", "/?lang=nl&lang=en", (400,), "lang"),
    Case("q given twice", "/search?q=gent&q=antwerpen", (400,), "parameter q"),
    Case("profile given twice", "/catalog.ttl?profile=dcat-ap-3.0&profile=dcat-ap-2.1.1", (400,), "profile"),
    Case("a canned query's parameter given twice", "/queries/initiatieven-in-gemeente.json?nis=44021&nis=11002",
         (400,), "nis"),
    Case("an unknown catalogue profile", "/catalog.ttl?profile=%3Cx%3E", (400,), "profile"),
    Case("an unknown suffix", "/doc/gemeente/44021.exe", (406,), "(format="),
    # Accept headers that name nothing offered, or nothing at all.
    Case("Accept of a type not offered", "/doc/gemeente/44021", (406,), "(format=",
         headers={"Accept": "application/x-nothing"}),
    Case("Accept of punctuation only", "/doc/gemeente/44021", (406,), "(format=", headers={"Accept": ";;;,,q=x"}),
    Case("Accept with 600 types not offered", "/doc/gemeente/44021", (406,), "(format=",
         headers={"Accept": ",".join(f"text/x-{n}" for n in range(600))}),
    Case("Accept that excludes every result format", sparql_get("ASK {}"), (406,), "(format=",
         headers={"Accept": "text/csv;q=0, */*;q=0"}),
    # Headers past what a server reads.
    Case("a 70 kB header", "/", (400, 431), headers={"X-Padding": "a" * 70_000}),
    Case("300 headers", "/", (400, 431), headers={f"X-Padding-{n}": "a" for n in range(300)}),
    Case("a 70 kB cookie", "/", (400, 431), headers={"Cookie": "lang=" + "a" * 70_000}),
    # Proposals to /bijdragen (README, "Contributing a practice"): what is no practice record, or too much of one.
    Case("a proposal in text/plain", "/bijdragen", (415,), "turtle", "POST", {"Content-Type": "text/plain", **TEXT},
         b"a practice"),
    Case("a Turtle proposal over contribute_max_size", "/bijdragen", (413,), "contribute_max_size", "POST", TURTLE,
         b"#" * 300_000),
    Case("a chunked Turtle proposal", "/bijdragen", (413,), "Content-Length", "POST", TURTLE, b"# x\n" * 10, True),
    Case("a Turtle proposal that does not parse", "/bijdragen", (400,), "not text/turtle", "POST", TURTLE,
         b"<a> <b> ."),
    Case("a JSON-LD proposal with a context elsewhere", "/bijdragen", (400,), "nothing is fetched", "POST",
         {"Content-Type": "application/ld+json", **TEXT}, b'{"@context": "http://192.0.2.1/c.jsonld", "title": "x"}'),
    Case("a proposal of two practices", "/bijdragen", (422,), "send one", "POST", TURTLE,
         b"[] a <https://w3id.org/samenleven/ns#Practice> . [] a <https://w3id.org/samenleven/ns#Practice> ."),
    Case("a proposal that says something of a municipality", "/bijdragen", (422,), "neither", "POST", TURTLE,
         b"[] a <https://w3id.org/samenleven/ns#Practice> . <https://w3id.org/samenleven/id/gemeente/44021> "
         b'<http://www.w3.org/2004/02/skos/core#prefLabel> "Elders"@nl .'),
    Case("a form without its CSRF token", "/bijdragen", (400,), "CSRF", "POST", FORM, b"dct%3Atitle=x"),
    Case("a proposal page that is not there", "/bijdragen/onbekend", (404,), "no proposal"),
    Case("a change to a key with a path in it", "/bijdragen?praktijk=..%2F..%2Fetc", (400,), "praktijk"),
    Case("a change to a practice that is not there", "/bijdragen?praktijk=bestaat-niet", (404,), "no practice"),
]


@pytest.fixture(scope="module", params=["flask", "gunicorn"])
def any_server(request, built):
    """The real server, as `samenleven serve` starts it with and without --workers."""
    options = ("--workers", "1") if request.param == "gunicorn" else ()
    # Proposals as often as the cases send them (the limit itself: tests/test_contribute.py).
    process, url = start_server(built[0]["build_dir"], *options, contribute_rate="1000 per minute")
    yield url
    stop_server(process)


@pytest.mark.parametrize("case", CASES, ids=[case.what for case in CASES])
def test_a_wrong_request_gets_a_4xx_saying_what_was_wrong(any_server, case, tally):
    reply = send(any_server, case.target, case.method, case.headers, case.body, case.chunked)
    refused = reply.status in case.statuses and case.says.lower() in reply.text.lower()
    assert tally(CLASS).case(f"{case.what}: {case.method} {case.target[:80]}", refused), (reply.status, reply.text)


def test_the_service_description_is_get_only(any_server, tally):
    """GET without a query describes the service; a POST without a query is a client's mistake."""
    described = send(any_server, "/sparql", headers={"Accept": "text/turtle"})
    posted = send(any_server, "/sparql", "POST", {"Accept": "text/turtle", **FORM}, b"")
    assert described.status == 200 and b"sparql-service-description" in described.body
    assert tally(CLASS).case("service description by POST", posted.status == 400 and b"@prefix" not in posted.body)


# --- HEAD on every GET route -------------------------------------------------------------------------------

# A concrete URL of each GET rule; a new route without one here fails the test below until it is added.
EXAMPLES = {
    "/": "/", "/sparql": "/sparql", "/queries": "/queries", "/queries.<suffix>": "/queries.json",
    "/queries/<name>": "/queries/programmas", "/queries/<name>.<suffix>": "/queries/programmas.csv",
    "/id/<path:key>": "/id/gemeente/44021", "/doc/<path:key>": "/doc/gemeente/44021", "/ns": "/ns",
    "/ns.<suffix>": "/ns.ttl", "/search": "/search?q=gent", "/search.json": "/search.json?q=gent",
    "/catalog": "/catalog", "/catalog.<suffix>": "/catalog.ttl",
    "/.well-known/void": "/.well-known/void", "/ldes": "/ldes", "/ldes/<int:number>": "/ldes/1",
    "/ldes/member/<int:number>": "/ldes/member/1", "/ldes/shape": "/ldes/shape", "/dumps/<name>": "/dumps/graph.ttl",
    "/robots.txt": "/robots.txt", "/sitemap.xml": "/sitemap.xml", "/sitemap-<int:number>.xml": "/sitemap-1.xml",
    "/tables/": "/tables/",
    "/tables/<name>": "/tables/praktijken.csv", "/static/<path:filename>": "/static/style.css",
    "/reconcile": "/reconcile", "/reconcile/preview": "/reconcile/preview?id=gemeente/44021",
    "/reconcile/suggest/<any(entity, type, property):what>": "/reconcile/suggest/entity?prefix=Gen",
    "/reconcile/propose_properties": "/reconcile/propose_properties?type=Municipality",
    "/reconcile/extend/propose": "/reconcile/extend/propose?type=Municipality",
    "/statistieken": "/statistieken", "/statistics": "/statistics",
    "/context.jsonld": "/context.jsonld", "/over-de-data": "/over-de-data",
    "/<any(praktijken, initiatieven, organisaties):name>": "/praktijken?gemeente=44087",
    "/<any(praktijken, initiatieven, organisaties):name>.<suffix>": "/initiatieven.csv?plaats=onbekend",
    "/bijdragen": "/bijdragen", "/contribute": "/contribute", "/bijdragen/<token>": "/bijdragen/onbekend",
    "/redactie": "/redactie", "/redactie/login": "/redactie/login", "/redactie/<token>": "/redactie/geen-voorstel",
    "/redactie/<token>/foto": "/redactie/geen-voorstel/foto", "/media/<name>": "/media/geen-foto.png",
}
EXTRA = ["/sparql?query=ASK%7B%7D", "/doc/gemeente/44021.jsonld", "/id/gemeente/00000", "/queries/nothing"]
# Headers of the message rather than the representation; Content-Length is compared as present or not, since a
# document with blank nodes is serialized with new blank-node labels each time. A login form's session cookie
# carries a new signed CSRF token at each request.
PER_MESSAGE = {"date", "connection", "keep-alive", "server", "content-length", "set-cookie"}


def get_rules() -> list[str]:
    app = create_app()
    return sorted({rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods})


def test_every_get_route_has_an_example():
    assert set(get_rules()) == set(EXAMPLES)


@pytest.mark.parametrize("target", [EXAMPLES[rule] for rule in get_rules() if rule in EXAMPLES] + EXTRA)
@pytest.mark.parametrize("accept", ["text/html", "*/*"])
def test_head_answers_like_get_without_a_body(any_server, target, accept, tally):
    headers = {"Accept": accept}
    got, head = send(any_server, target, "GET", headers), send(any_server, target, "HEAD", headers)
    same = [(k, v) for k, v in got.headers if k not in PER_MESSAGE] == \
        [(k, v) for k, v in head.headers if k not in PER_MESSAGE]
    lengths = [bool(reply.header("Content-Length")) for reply in (got, head)]
    answered = head.status == got.status < 500 and same and lengths[0] == lengths[1] and head.body == b""
    assert tally(CLASS).case(f"HEAD {target} (Accept: {accept})", answered), (got.status, got.headers, head.headers)


@pytest.mark.parametrize("target", ["/doc/gemeente/44021.ttl", "/doc/praktijk/sociale-cohesie.jsonld",
                                    "/catalog.ttl", "/dumps/graph.ttl", "/tables/praktijken.csv"])
def test_a_strong_etag_always_comes_with_the_same_bytes(any_server, target):
    """Blank nodes get new labels at each request, so such a document's ETag is weak (RFC 9110, 8.8.1)."""
    first, second = send(any_server, target), send(any_server, target)
    tag = first.header("ETag")
    assert tag and tag == second.header("ETag")
    assert tag.startswith("W/") or first.body == second.body
