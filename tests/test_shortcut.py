"""A plain ``GET /sparql?query=`` answered before Flask (``publisher.shortcut``, issue 14) is the view's answer:
the same status, the same headers in the same order, the same body, for good queries and for every refusal.

The app is served twice over HTTP: as made (the shortcut in front) and Flask's own WSGI app alone, the path every
request took before. Each request goes to both, and the answers are compared whole (only the value of ``Date``,
the moment of sending, may differ). The shortcut must really answer the good queries: Flask is never reached for
them on the first server.
"""

import http.client
import threading
from urllib.parse import quote

import pytest
from werkzeug.serving import make_server

from conftest import free_port
from publisher.app import create_app

PRACTICE = "https://w3id.org/samenleven/id/praktijk/sociale-samenhang-ondersteunen"
JSON = {"Accept": "application/sparql-results+json"}
# Settings small enough to reach each limit with the fixture graph.
LIMITS = {"max_rows": 5, "max_result_size": 2000, "max_query_size": 4000}

GOOD = {
    "select in SPARQL JSON": ("SELECT ?p ?o WHERE { <%s> ?p ?o } ORDER BY ?p ?o" % PRACTICE, JSON),
    "select in SPARQL XML": ("SELECT ?p WHERE { <%s> ?p ?o } ORDER BY ?p LIMIT 3" % PRACTICE,
                             {"Accept": "application/sparql-results+xml"}),
    "select as CSV, any Accept order": ("SELECT ?p WHERE { <%s> ?p ?o } ORDER BY ?p LIMIT 3" % PRACTICE,
                                       {"Accept": "text/csv;q=0.9, application/xml;q=0.1"}),
    "select without Accept": ("SELECT ?o WHERE { <%s> a ?o }" % PRACTICE, {}),
    "ask": ("ASK { <%s> ?p ?o }" % PRACTICE, JSON),
    "describe in Turtle": (f"DESCRIBE <{PRACTICE}>", {"Accept": "text/turtle"}),
    "construct in N-Triples": (f"CONSTRUCT {{ <{PRACTICE}> a ?c }} WHERE {{ <{PRACTICE}> a ?c }}",
                               {"Accept": "application/n-triples"}),
    "past max_rows: cut, with Results-Truncated": ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", JSON),
    "NOW(): no-store": ("SELECT (STRLEN(STR(NOW())) > 0 AS ?now) {}", JSON),
    "escaped and non-ASCII": ('SELECT ("Zo\\u00EB é \\t" AS ?x) {}', JSON),
    # SPARQLWrapper's GET: format choices beside the query, the first that names an offered format wins.
    "SPARQLWrapper's parameters": ("SELECT ?o WHERE { <%s> a ?o }" % PRACTICE,
                                   {"Accept": "application/sparql-results+json,*/*;q=0.9"},
                                   "&format=json&output=json&results=json"),
    "format=csv against Accept": ("SELECT ?p WHERE { <%s> ?p ?o } ORDER BY ?p LIMIT 2" % PRACTICE, JSON,
                                  "&format=rdf%2Bxml,csv"),
    "output=tsv": ("SELECT ?p WHERE { <%s> ?p ?o } ORDER BY ?p LIMIT 2" % PRACTICE, {}, "&output=tsv"),
    "a format it does not offer, then Accept": (f"DESCRIBE <{PRACTICE}>", {"Accept": "application/n-triples"},
                                                "&format=csv"),
}
REFUSED = {
    "does not parse": ("SELEC * WHERE { ?s ?p ?o }", JSON),
    "an update in the query parameter": ('INSERT DATA { <urn:a> <urn:b> "c" }', JSON),
    "SERVICE": ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", JSON),
    "no acceptable format": ("SELECT * { ?s ?p ?o } LIMIT 1", {"Accept": "image/png"}),
    "a graph format for a SELECT": ("SELECT * { ?s ?p ?o } LIMIT 1", {"Accept": "text/turtle"}),
    "an answer past max_result_size": ('SELECT ?x { VALUES ?x { "%s" } }' % ("a" * 2500), JSON),
    "a query past max_query_size": ("SELECT * { ?s ?p ?o } LIMIT 1 #" + "x" * 4000, JSON),
    "a blank query": ("   ", JSON),
    "an escape past Unicode": ('SELECT * { ?s ?p "\\U00110000" }', JSON),
    "problem JSON, in English": ("SELEC", {"Accept": "application/problem+json", "Accept-Language": "en"}),
    "a format parameter that fits nothing, and Accept neither": ("ASK {}", {"Accept": "image/png"}, "&format=png"),
}
# Requests the shortcut leaves to Flask whatever the query: the answers must be the same all the same.
ASIDE = {
    "an untrusted host": ("/sparql?query=" + quote("ASK {}"), {**JSON, "Host": "evil.example"}),
    "not UTF-8": ("/sparql?query=%FF", JSON),
    "a second query parameter": ("/sparql?query=" + quote("ASK {}") + "&query=" + quote("ASK {}"), JSON),
    "an update parameter": ("/sparql?update=" + quote('INSERT DATA { <urn:a> <urn:b> "c" }'), JSON),
    "lang=en": ("/sparql?query=SELEC&lang=en", JSON),
    "a parameter of another page": ("/sparql?query=" + quote("ASK {}") + "&page=2", JSON),
    "the language cookie": ("/sparql?query=SELEC", {**JSON, "Cookie": "lang=en"}),
}


def serve(app):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def paths(built):
    """(the app as made, Flask alone, how often Flask was reached on the first) for two configurations: the
    limits above, and a client share of 0 (every query refused with 429)."""
    made = {}
    for name, extra in (("limits", LIMITS), ("no share", {"client_queries": 0})):
        app = create_app({"build_dir": built[0]["build_dir"], "answer_cache_mb": 0, **extra})
        shortcut = app.extensions["samenleven.shortcut"]
        flask = shortcut.app
        reached = []

        def counted(environ, start_response, flask=flask, reached=reached):
            reached.append(environ["PATH_INFO"])
            return flask(environ, start_response)
        shortcut.app = counted
        made[name] = (serve(app), serve(flask), reached, app)
    yield made
    for first, second, _, app in made.values():
        first.shutdown()
        second.shutdown()
        app.extensions["samenleven.store"].close()


def fetch(server, path: str, headers: dict, method: str = "GET"):
    """Status, every header in order (the value of Date left out) and body of one request."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
    try:
        connection.request(method, path, headers=headers)
        answer = connection.getresponse()
        sent = [(name, "…" if name.lower() == "date" else value) for name, value in answer.getheaders()]
        return answer.status, sent, answer.read()
    finally:
        connection.close()


def both(paths, path, headers, configuration="limits"):
    first, second, reached, _ = paths[configuration]
    before = len(reached)
    return fetch(first, path, headers), fetch(second, path, headers), len(reached) - before


@pytest.mark.parametrize("name", GOOD)
def test_a_good_query_gets_the_views_answer_without_flask(paths, name):
    text, headers, *extra = GOOD[name]
    shortcut, view, reached = both(paths, "/sparql?query=" + quote(text) + "".join(extra), headers)
    assert shortcut == view
    assert view[0] == 200 and view[2]
    assert reached == 0, "the shortcut left this query to Flask"


def test_the_answers_carry_what_the_readme_promises(paths):
    status, headers, body = both(paths, "/sparql?query=" + quote(GOOD["past max_rows: cut, with Results-Truncated"][0]),
                                 JSON)[0]
    sent = dict(headers)
    assert status == 200 and sent["Results-Truncated"] == "max_rows=5"
    assert sent["Access-Control-Allow-Origin"] == "*" and "ETag" in sent["Access-Control-Expose-Headers"]
    assert sent["ETag"].startswith('W/"') and sent["Cache-Control"] == "public, max-age=300"
    assert sent["Vary"] == "Accept" and "Last-Modified" in sent
    volatile = dict(both(paths, "/sparql?query=" + quote(GOOD["NOW(): no-store"][0]), JSON)[0][1])
    assert volatile["Cache-Control"] == "no-store" and "ETag" not in volatile


@pytest.mark.parametrize("name", REFUSED)
def test_a_refusal_is_the_views_refusal(paths, name):
    text, headers, *extra = REFUSED[name]
    shortcut, view, _ = both(paths, "/sparql?query=" + quote(text) + "".join(extra), headers)
    assert shortcut == view
    assert 400 <= view[0] < 500 or view[0] == 503, view


@pytest.mark.parametrize("name", ASIDE)
def test_what_the_shortcut_leaves_to_flask_is_answered_as_before(paths, name):
    path, headers = ASIDE[name]
    shortcut, view, reached = both(paths, path, headers)
    assert shortcut == view
    assert reached == 1


def test_revalidation_and_head_are_answered_as_before(paths):
    path = "/sparql?query=" + quote(GOOD["select in SPARQL JSON"][0])
    tag = dict(both(paths, path, JSON)[1][1])["ETag"]
    shortcut, view, _ = both(paths, path, {**JSON, "If-None-Match": tag})
    assert shortcut == view and view[0] == 304
    first, second, _, _ = paths["limits"]
    assert fetch(first, path, JSON, "HEAD") == fetch(second, path, JSON, "HEAD")


def test_a_client_past_its_share_gets_the_views_429(paths):
    shortcut, view, reached = both(paths, "/sparql?query=" + quote("ASK {}"), JSON, "no share")
    assert shortcut == view
    assert view[0] == 429 and ("Retry-After", "1") in view[1]
    assert reached == 1  # the query was refused once, by the shortcut, and rendered by the view
