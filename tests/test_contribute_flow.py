"""Issue 15 end to end, over real HTTP: a contribution made through the public form or the API, reviewed by an editor
at /redactie, and what the contributor and every reader then see (the proposal page, the practice's page, SPARQL,
the change feed). The public and editors' halves are tested apart in tests/test_contribute.py and
tests/test_moderation.py; here one server does both, on a build of a copy of the fixture graph.

Expected values come from what the tests send and from the README's documented URLs, never from the code under test.
"""

import json
import re
import shutil
import urllib.parse
from html import unescape

import pytest
import rdflib
from _contribute import Browser as Person
from _editors import Browser as Editor, add_editor
from conftest import GRAPH, http, start_server, stop_server
from test_moderation import members

from publisher import build, config

PASSWORD = "correct horse battery staple"
SL = "https://w3id.org/samenleven/ns#"
DCT = "http://purl.org/dc/terms/"
ID = "https://w3id.org/samenleven/id/"
CATEGORY = ID + "concept/categorie/sociale-cohesie"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a build of a copy of the fixture graph, with the form untimed and an editor `an`."""
    folder = tmp_path_factory.mktemp("flow")
    graph = folder / "graph"
    shutil.copytree(GRAPH, graph)
    build.build(config.load({"build_dir": folder / "var", "graph_dir": graph}))
    done = add_editor("an", PASSWORD, build_dir=folder / "var")
    assert done.returncode == 0, done.stderr
    # No minimum fill time: the tests fill the form at once (tests/test_contribute.py checks the timing itself).
    process, url = start_server(folder / "var", graph_dir=graph, contribute_min_seconds=0,
                                contribute_rate="1000 per minute", login_rate="1000 per minute")
    yield url, graph
    stop_server(process)


def form(title: str) -> list:
    """A conforming form: a practice and one initiative in Leuven, and who sends it."""
    return list({"dct:title": title, "dct:description": "Buren koken samen.", "sl:category": CATEGORY,
                 "i1.dct:title": f"{title} in Leuven", "i1.dct:description": "Elke zondag.", "i1.dct:spatial": "Leuven",
                 "bijdrager.name": "An Peeters", "bijdrager.email": "an@example.org"}.items())


def editor(url) -> Editor:
    browser = Editor(url)
    assert browser.login("an", PASSWORD)[0] == 303
    return browser


def on_sparql(url: str, title: str) -> bool:
    """Whether the endpoint knows a resource with this Dutch title."""
    query = f'ASK {{ ?s <{DCT}title> {rdflib.Literal(title, lang="nl").n3()} }}'
    status, _, body = http(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}),
                           headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    return json.loads(body)["boolean"]


def status_of(url: str, location: str) -> dict:
    """The proposal page as JSON, as the contributor's program reads it."""
    status, _, body = http(location if location.startswith("http") else url + location,
                           headers={"Accept": "application/json"})
    assert status == 200
    return json.loads(body)


def page_of(url: str, location: str, lang="nl") -> str:
    status, _, body = http(f"{location}?lang={lang}", headers={"Accept": "text/html"})
    assert status == 200
    return body.decode()


def accept(url: str, location: str) -> str:
    """An editor finds the proposal in the queue, opens its diff and accepts it; return its token."""
    token = location.rsplit("/", 1)[-1]
    browser = editor(url)
    status, _, queue = browser.get("/redactie")
    assert status == 200 and f"/redactie/{token}" in queue
    status, _, diff = browser.get(f"/redactie/{token}")
    assert status == 200 and '<table class="diff">' in diff
    status, _, body = browser.post(f"/redactie/{token}/aanvaarden", {}, form=f"/redactie/{token}")
    assert status == 303, body[-3000:]
    return token


def is_published(url: str, graph, location: str, title: str, before: list, practice: str) -> None:
    """Check that the accepted proposal is everywhere a reader looks, as ``practice`` (which was a 404 before)."""
    answer = status_of(url, location)
    assert (answer["status"], answer["published"]) == ("accepted", practice)
    slug = practice.rsplit("/", 1)[-1]
    written = graph / f"praktijk-{slug}.ttl"
    assert written.exists()  # the graph folder holds the reviewed file
    file = rdflib.Graph().parse(written)
    assert (rdflib.URIRef(practice), rdflib.URIRef(DCT + "title"), rdflib.Literal(title, lang="nl")) in file
    initiatives = {str(i) for i in file.subjects(rdflib.URIRef(SL + "appliesPractice"), rdflib.URIRef(practice))}
    assert initiatives
    status, _, body = http(f"{url}/doc/praktijk/{slug}", headers={"Accept": "text/html"})
    assert status == 200 and title in body.decode()  # the server serves the new build
    assert on_sparql(url, title)
    after = members(url)
    # One new member for the practice, and one for each initiative that came with it (tracked kinds, kinds.toml).
    assert after[:len(before)] == before
    assert sorted(after[len(before):]) == sorted([practice, *initiatives])
    html = page_of(url, location)
    assert 'data-status="accepted"' in html
    links = [unescape(h) for h in re.findall(r'href="([^"]+)"', html) if h.endswith(f"/praktijk/{slug}")]
    assert links, "the proposal page links to the published practice"
    target = links[0] if links[0].startswith("http") else url + links[0]
    assert http(target, headers={"Accept": "text/html"})[0] == 200


def not_published(url: str, title: str) -> str:
    """Check that no reader finds the practice yet; return the IRI it will get (README: minted from the Dutch
    title; the tests' titles are plain ASCII words, so the slug is unambiguous)."""
    assert not on_sparql(url, title)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    assert http(f"{url}/doc/praktijk/{slug}", headers={"Accept": "text/html"})[0] == 404
    return ID + "praktijk/" + slug


# --- through the form -----------------------------------------------------------------------------------------

def test_a_form_is_queued_unpublished_then_accepted_and_published(site):
    url, graph = site
    title = "Soepavond aan huis"
    person = Person(url)
    assert person.open_form().status == 200
    assert {"csrf_token"} <= set(person.hidden)  # the token and the signed time come from the form itself
    reply = person.post(form(title))
    assert reply.status == 303, reply.text[-2000:]
    location = reply.headers["Location"]
    assert re.fullmatch(re.escape(url) + r"/bijdragen/[A-Za-z0-9_-]{32,}", location)
    assert 'data-status="received"' in page_of(url, location)
    assert "received" in page_of(url, location, "en")
    assert status_of(url, location)["status"] == "received"
    practice = not_published(url, title)
    before = members(url)
    accept(url, location)
    is_published(url, graph, location, title, before, practice)


def test_a_decline_reaches_the_proposal_page_with_its_reason(site):
    url, graph = site
    person = Person(url)
    person.open_form()
    reply = person.post(form("Soep die al bestaat"))
    assert reply.status == 303
    location = reply.headers["Location"]
    token = location.rsplit("/", 1)[-1]
    reason = "Staat er al in als <Buurtsoep>; vul die aan."
    status, _, _ = editor(url).post(f"/redactie/{token}/weigeren", {"reason": reason}, form=f"/redactie/{token}")
    assert status == 303
    answer = status_of(url, location)
    assert (answer["status"], answer["reason"]) == ("declined", reason)
    for lang in ("nl", "en"):
        html = page_of(url, location, lang)
        assert 'data-status="declined"' in html
        assert "Staat er al in als &lt;Buurtsoep&gt;; vul die aan." in html  # shown as text, not markup
    not_published(url, "Soep die al bestaat")


# --- through the API ------------------------------------------------------------------------------------------

TURTLE = """@prefix sl: <https://w3id.org/samenleven/ns#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <http://schema.org/> .
_:p a sl:Practice ; dct:title "{title}"@nl ; dct:description "Een bus vol soep."@nl ;
    sl:category <https://w3id.org/samenleven/id/concept/categorie/sociale-cohesie> .
_:i a sl:Initiative ; sl:appliesPractice _:p ; dct:title "{title} in Gent"@nl ; dct:description "Op zondag."@nl ;
    dct:spatial <https://w3id.org/samenleven/id/gemeente/44021> .
[] a schema:Person ; schema:name "Bo" ; schema:email "bo@example.org" .
"""


def json_ld(url: str, title: str) -> bytes:
    """The same record as ``TURTLE``, in JSON-LD with the server's context (full IRIs where it has no term)."""
    document = {"@context": f"{url}/context.jsonld", "@graph": [
        {"@id": "_:p", "@type": SL + "Practice", DCT + "title": {"@value": title, "@language": "nl"},
         DCT + "description": {"@value": "Thee en praat.", "@language": "nl"}, SL + "category": {"@id": CATEGORY}},
        {"@id": "_:i", "@type": SL + "Initiative", SL + "appliesPractice": {"@id": "_:p"},
         DCT + "title": {"@value": f"{title} in Gent", "@language": "nl"},
         DCT + "description": {"@value": "Op zondag.", "@language": "nl"},
         DCT + "spatial": {"@id": ID + "gemeente/44021"}},
        {"@type": "http://schema.org/Person", "http://schema.org/name": "Cy",
         "http://schema.org/email": "cy@example.org"}]}
    return json.dumps(document).encode()


@pytest.mark.parametrize("kind", ["text/turtle", "application/ld+json"])
def test_the_api_flow_ends_in_a_published_practice(site, kind):
    url, graph = site
    title = {"text/turtle": "Soepbus in de wijk", "application/ld+json": "Theebus in de wijk"}[kind]
    body = TURTLE.format(title=title).encode() if kind == "text/turtle" else json_ld(url, title)
    status, headers, answer = http(f"{url}/bijdragen", body, {"Content-Type": kind, "Accept": "application/json"},
                                   "POST")
    assert status == 202, answer[-2000:]
    location = headers["Location"]
    assert json.loads(answer)["proposal"] == location and status_of(url, location)["status"] == "received"
    practice = not_published(url, title)
    before = members(url)
    accept(url, location)
    is_published(url, graph, location, title, before, practice)


# --- in a real browser ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_person_fills_in_the_form_in_chromium(site, browser, lang):
    url, _ = site
    title = {"nl": "Buurtfeest in Chromium", "en": "Street party in Chromium"}[lang]
    browser.open(f"{url}/bijdragen?lang={lang}")
    assert browser.lang == lang
    browser.fill("form.contribute", dict(form(title)))
    # The form's last button sends it; the other adds an initiative and sends nothing.
    send = browser.css("form.contribute button[type=submit]:not([name])")
    assert send, "the form has a button that sends it"
    browser.click(send[0])
    browser.screenshot(f"proposal-{lang}")
    assert re.fullmatch(re.escape(url) + r"/bijdragen/[A-Za-z0-9_-]{32,}(\?lang=en)?", browser.driver.current_url)
    assert browser.lang == lang and title in browser.text("body")
    assert browser.css('[data-status="received"]')
    assert browser.console_errors() == []


# --- minted IRIs ----------------------------------------------------------------------------------------------

TAKEN = """@prefix sl: <https://w3id.org/samenleven/ns#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <http://schema.org/> .
_:p a sl:Practice ; dct:title "Sociale cohesie"@nl ; dct:description "Nog een praktijk van die naam."@nl ;
    sl:category <https://w3id.org/samenleven/id/concept/categorie/sociale-cohesie> .
_:i a sl:Initiative ; sl:appliesPractice _:p ; dct:title "Allee Du Kaai"@nl ; dct:description "{where}"@nl ;
    dct:spatial <https://w3id.org/samenleven/id/gemeente/44021> .
[] a schema:Person ; schema:name "Bo" ; schema:email "bo@example.org" .
"""


def minted(url: str, location: str) -> tuple[str, str]:
    """The practice and initiative IRIs of a proposal's Turtle, as an editor reads it at /redactie/<token>."""
    status, _, body = editor(url).get("/redactie/" + location.rsplit("/", 1)[-1], Accept="application/json")
    assert status == 200
    graph = rdflib.Graph().parse(data=json.loads(body)["turtle"], format="turtle")
    practice = graph.value(None, rdflib.RDF.type, rdflib.URIRef(SL + "Practice"))
    initiative = graph.value(None, rdflib.RDF.type, rdflib.URIRef(SL + "Initiative"))
    return str(practice), str(initiative)


def test_titles_that_are_published_or_proposed_already_mint_other_iris_and_both_accepts_publish(site):
    url, _ = site
    # The fixture graph (tests/data/graph/praktijk-sociale-cohesie.ttl) has both of these, minted from the titles.
    published = (ID + "praktijk/sociale-cohesie", ID + "initiatief/allee-du-kaai")
    locations = []
    for where in ("Op het plein.", "In de bibliotheek."):
        status, headers, answer = http(f"{url}/bijdragen", TAKEN.format(where=where).encode(),
                                       {"Content-Type": "text/turtle", "Accept": "application/json"}, "POST")
        assert status == 202, answer[-2000:]
        locations.append(headers["Location"])
    first, second = (minted(url, location) for location in locations)
    assert all(iri.startswith(ID + "praktijk/") for iri in (first[0], second[0]))
    assert all(iri.startswith(ID + "initiatief/") for iri in (first[1], second[1]))
    assert len({published[0], first[0], second[0]}) == 3 and len({published[1], first[1], second[1]}) == 3
    for location, (practice, initiative) in zip(locations, (first, second)):
        accept(url, location)
        assert status_of(url, location)["published"] == practice
        for iri in (practice, initiative):
            status, _, body = http(f"{url}/doc/{iri[len(ID):]}", headers={"Accept": "text/turtle"})
            assert status == 200 and iri.encode() in body
    status, _, body = http(f"{url}/doc/praktijk/sociale-cohesie", headers={"Accept": "text/html"})
    assert status == 200 and "Sociale cohesie" in body.decode()  # the published practice is still there
