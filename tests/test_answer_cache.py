"""The answer cache (issue 14): the real server gives a kept answer again, byte for byte, and never one variant for
another; a conditional request is answered with a 304 from it; a new build is never answered with the old one; a
form with a CSRF token is never kept. Over real HTTP against ``samenleven serve``."""

import re
import shutil
import time
import urllib.parse

import pytest
import rdflib

from conftest import PROJECT, http, start_server, stop_server

PRACTICE = "/doc/praktijk/sociale-cohesie"  # initiatives apply it: its document names blank nodes (hydra:manages)
# A fresh blank node per answer: pyoxigraph labels it anew each time the query runs, so only a kept answer repeats
# its bytes.
FRESH = ("CONSTRUCT { [] <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?practice } WHERE { "
         "?practice a <https://w3id.org/samenleven/ns#Practice> }")
HTML_LANG = re.compile(rb'<html lang="([a-z]+)"')


def answered(url: str, headers: dict) -> tuple:
    """GET ``url``, again after a 503 (a query process still starting on a busy machine says to come back)."""
    for _ in range(20):
        found = http(url, headers=headers)
        if found[0] != 503:
            return found
        time.sleep(1)
    return found


def without_date(headers) -> list:
    return sorted((name.lower(), value) for name, value in headers.items() if name.lower() != "date")


def sparql(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


@pytest.mark.parametrize("path,accept", [(PRACTICE, "text/turtle"), (PRACTICE + ".jsonld", "*/*"),
                                         (sparql(FRESH), "text/turtle"), (sparql(FRESH), "application/n-triples")])
def test_a_second_identical_request_gets_the_same_bytes_and_headers(server, path, accept):
    url, _ = server
    first = answered(url + path, {"Accept": accept})
    second = http(url + path, headers={"Accept": accept})
    assert first[0] == second[0] == 200
    assert b"_:" in first[2] or b'"@id": "_:' in first[2]  # blank nodes: a new rendering would label them anew
    assert second[2] == first[2]
    assert without_date(second[1]) == without_date(first[1])


def test_a_head_after_a_get_has_the_get_s_headers_and_no_body(server):
    url, _ = server
    status, headers, body = http(url + PRACTICE, headers={"Accept": "text/turtle"})
    head = http(url + PRACTICE, headers={"Accept": "text/turtle"}, method="HEAD")
    assert head[0] == 200 and head[2] == b""
    assert head[1]["Content-Length"] == str(len(body)) and head[1]["ETag"] == headers["ETag"]


# Interleaved, each asked twice, so that a cache keyed on too little would give one to another.
VARIANTS = [
    ({"Accept": "text/turtle"}, "", "text/turtle", None),
    ({"Accept": "text/html"}, "", "text/html", "nl"),
    ({"Accept": "application/ld+json"}, "", "application/ld+json", None),
    ({"Accept": "text/html"}, "?lang=en", "text/html", "en"),
    ({"Accept": "text/html"}, "?lang=nl", "text/html", "nl"),
    ({"Accept": "text/html", "Accept-Language": "en"}, "", "text/html", "en"),
    ({"Accept": "text/html", "Cookie": "lang=en"}, "", "text/html", "en"),
    ({"Accept": "text/html", "Accept-Language": "en", "Cookie": "lang=nl"}, "", "text/html", "nl"),
]


def test_the_cache_never_gives_one_variant_for_another(server):
    url, _ = server
    for _ in range(2):
        for headers, query, media, lang in VARIANTS:
            status, got, body = http(url + PRACTICE + query, headers=headers)
            assert status == 200 and got["Content-Type"].split(";")[0] == media, (headers, query)
            if media == "text/html":
                assert HTML_LANG.search(body).group(1).decode() == lang, (headers, query)
                assert got["Content-Language"] == lang
            else:
                graph = rdflib.Graph().parse(data=body, format={"text/turtle": "turtle"}.get(media, "json-ld"))
                assert (rdflib.URIRef("https://w3id.org/samenleven/id/praktijk/sociale-cohesie"), None, None) in graph


PROFILES = {"dcat-ap-vl": "https://data.vlaanderen.be/doc/applicatieprofiel/DCAT-AP-VL/erkendestandaard/2026-02-12",
            "dcat-ap-2.1.1": "https://joinup.ec.europa.eu/collection/semic-support-centre/solution/"
                             "dcat-application-profile-data-portals-europe/release/211",
            "dcat-ap-3.0": "https://semiceu.github.io/DCAT-AP/releases/3.0.0/"}


def test_the_cache_never_gives_one_profile_for_another(server):
    url, _ = server
    for _ in range(2):
        for token, uri in PROFILES.items():
            for headers in ({"Accept": "text/turtle", "Accept-Profile": f"<{uri}>"},):
                status, got, _ = http(url + "/catalog", headers=headers)
                assert status == 200 and got["Content-Profile"] == f"<{uri}>", token
            status, got, _ = http(url + f"/catalog?profile={token}", headers={"Accept": "text/turtle"})
            assert status == 200 and got["Content-Profile"] == f"<{uri}>", token


@pytest.mark.parametrize("path,accept", [(PRACTICE, "text/turtle"), (PRACTICE, "text/html"),
                                         (sparql(FRESH), "text/turtle")])
def test_the_right_etag_gets_a_304_without_a_body_and_a_wrong_one_the_answer(server, path, accept):
    url, _ = server
    status, headers, body = answered(url + path, {"Accept": accept})
    tag = headers["ETag"]
    assert status == 200 and tag.startswith('W/"')
    for _ in range(2):  # the first may render in a process that had not kept it; the second is the kept one's
        again = http(url + path, headers={"Accept": accept, "If-None-Match": tag})
        assert again[0] == 304 and again[2] == b""
        assert again[1]["ETag"] == tag and "Accept" in again[1]["Vary"]  # RFC 9110, 15.4.5
    other = tag[:-2] + ("0" if tag[-2] != "0" else "1") + '"'
    wrong = http(url + path, headers={"Accept": accept, "If-None-Match": other})
    assert wrong[0] == 200 and wrong[2] == body
    since = http(url + path, headers={"Accept": accept, "If-Modified-Since": headers["Last-Modified"]})
    assert since[0] == 304 and since[2] == b""


def test_a_form_with_a_csrf_token_is_never_given_again(server):
    url, _ = server
    tokens = set()
    for _ in range(2):
        status, headers, body = http(url + "/bijdragen")
        assert status == 200 and "no-store" in headers["Cache-Control"]
        tokens.add(re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1))
        assert headers.get("Set-Cookie", "").startswith("samenleven_session=")  # each visitor a session of its own
    assert len(tokens) == 2


def test_a_new_build_is_never_answered_from_the_old_one(graph_copy, tmp_path):
    from publisher import build, config
    settings = config.load({"build_dir": tmp_path / "var", "graph_dir": graph_copy})
    build.build(settings)
    process, url = start_server(settings["build_dir"])
    title = ("SELECT ?title WHERE { <https://w3id.org/samenleven/id/praktijk/sociale-cohesie> "
             "<http://purl.org/dc/terms/title> ?title FILTER(LANG(?title) = 'nl') }")
    asked = [(PRACTICE, "text/turtle"), (PRACTICE, "text/html"), (sparql(title), "application/sparql-results+json")]
    try:
        before = {case: answered(url + case[0], {"Accept": case[1]}) for case in asked}
        for case, (status, headers, body) in before.items():
            assert status == 200 and "Sociale cohesie".encode() in body and b"(herzien)" not in body
            assert http(url + case[0], headers={"Accept": case[1]})[2] == body  # kept
        practice = graph_copy / "praktijk-sociale-cohesie.ttl"
        practice.write_text(practice.read_text().replace('"Sociale cohesie"@nl', '"Sociale cohesie (herzien)"@nl', 1))
        build.build(settings)
        for case, (_, headers, _) in before.items():
            status, now, body = answered(url + case[0], {"Accept": case[1], "If-None-Match": headers["ETag"]})
            assert status == 200 and "Sociale cohesie (herzien)".encode() in body, case
            assert now["ETag"] != headers["ETag"]
    finally:
        stop_server(process)


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # runs until query_timeout
CHEAP = "SELECT ?s WHERE { ?s a <https://w3id.org/samenleven/ns#Practice> } LIMIT 1"


def test_a_client_past_its_share_gets_a_429_for_a_kept_answer_too(built):
    """The cache opens no way around ``client_queries``: a client with its query running is refused a kept answer
    of a query as it is refused the query; another client gets the kept answer."""
    import threading
    process, url = start_server(built[0]["build_dir"], proxy_hops=1, query_timeout=8)
    greedy, other = {"X-Forwarded-For": "198.51.100.7"}, {"X-Forwarded-For": "203.0.113.9"}
    try:
        kept = answered(url + sparql(CHEAP), {**greedy, "Accept": "application/json"})
        assert kept[0] == 200
        runaway = threading.Thread(target=http, args=(url + sparql(RUNAWAY),), daemon=True,
                                   kwargs={"headers": {**greedy, "Accept": "application/json"}})
        runaway.start()
        refused = None
        for _ in range(100):  # until the runaway holds the greedy client's share
            time.sleep(0.1)
            status, headers, body = http(url + sparql(CHEAP), headers={**greedy, "Accept": "application/json"})
            if status != 200:
                refused = (status, headers, body)
                break
        assert refused is not None and refused[0] == 429 and b"client_queries" in refused[2]
        assert runaway.is_alive()
        status, _, body = http(url + sparql(CHEAP), headers={**other, "Accept": "application/json"})
        assert status == 200 and body == kept[2]
        runaway.join(30)
    finally:
        stop_server(process)


@pytest.mark.parametrize("query", ["SELECT (STRUUID() AS ?u) WHERE {}", "SELECT (now() AS ?t) (RAND() AS ?r) WHERE {}",
                                   "SELECT (Uuid() AS ?u) WHERE {}"])
def test_a_query_whose_functions_change_with_each_run_is_run_each_time_and_kept_by_nobody(server, query):
    """NOW(), RAND() and UUID() have a new value at each run (SPARQL 1.1, 17.4.5.1, 17.4.4.4): the build's answer
    cache, nginx and the client may keep no copy, and the second request gets its own answer."""
    url, _ = server
    accept = {"Accept": "application/sparql-results+json"}
    first, second = answered(url + sparql(query), accept), answered(url + sparql(query), accept)
    assert first[0] == second[0] == 200
    assert first[2] != second[2]
    for _, headers, _ in (first, second):
        assert "no-store" in headers["Cache-Control"] and "public" not in headers["Cache-Control"]
        assert "ETag" not in headers


# Spelled like a function that changes with each run, but none is called (SPARQL 1.1, 19.8: a string, an IRI, a
# prefixed name, a variable and a comment are tokens of their own): the answer is the build's, kept like any other.
LOOKALIKES = ['SELECT ?s WHERE { ?s ?p "NOW" } LIMIT 1',
              "SELECT * WHERE { <urn:now> ?p ?o }",
              "PREFIX ex: <http://example.org/> SELECT ?now WHERE { ?now ex:rand ?o } LIMIT 1",
              "SELECT ?s WHERE { ?s a <https://w3id.org/samenleven/ns#Practice> } LIMIT 1 # NOW() RAND() UUID()",
              'SELECT ?s WHERE { ?s ?p "\\u004EOW()" } LIMIT 1']


@pytest.mark.parametrize("query", LOOKALIKES)
def test_a_query_that_only_spells_such_a_function_is_kept_and_revalidated(server, query):
    url, _ = server
    accept = {"Accept": "application/sparql-results+json"}
    status, headers, body = answered(url + sparql(query), accept)
    assert status == 200 and "public" in headers["Cache-Control"] and "no-store" not in headers["Cache-Control"]
    again = http(url + sparql(query), headers={**accept, "If-None-Match": headers["ETag"]})
    assert again[0] == 304


NOW_QUERY = """#+ title:
#+   nl: Nu
#+   en: Now
#+ description:
#+   nl: Het uur van de server.
#+   en: The server's time.
SELECT (NOW() AS ?nu) WHERE {}
"""


def test_a_canned_query_that_calls_now_is_kept_by_nobody_and_the_others_are_kept(built, tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(PROJECT / "queries", queries)
    (queries / "nu.rq").write_text(NOW_QUERY)
    process, url = start_server(built[0]["build_dir"], queries_dir=queries)
    try:
        for path in ("/queries/nu.json", "/queries/nu"):
            status, headers, _ = answered(url + path, {"Accept": "text/html"})
            assert status == 200 and "no-store" in headers["Cache-Control"] and "ETag" not in headers, path
        status, headers, _ = answered(url + "/queries/programmas.json", {})
        assert status == 200 and "public" in headers["Cache-Control"] and "ETag" in headers
    finally:
        stop_server(process)
