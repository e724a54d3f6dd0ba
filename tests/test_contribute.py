"""Contributing a practice at /bijdragen, over real HTTP: the form made from the shapes, its checks and messages in
nl and en, the API in JSON-LD and Turtle, the proposal page, and what stops abuse. Nothing submitted is published.

Expected values come from the specification files (the shapes, the concept schemes, the fixture graph, read here
with rdflib) and from the README's documented behaviour (the linker's spellings), never from the code under test.
"""

import io
import json
import re
import shutil
import time
import urllib.parse
from html.parser import HTMLParser

import pytest
import rdflib
from PIL import Image
from rdflib.namespace import DCTERMS as DCT, RDF, SH, SKOS

from _contribute import Browser
from conftest import GRAPH, PROJECT, http, start_server, stop_server
from publisher import build, config
from publisher.moderation.queue import open_queue
from test_english_pages import DUTCH, interface_text

SHAPES = rdflib.Graph().parse(PROJECT / "shapes" / "shapes.ttl")
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
SLS = rdflib.Namespace("https://w3id.org/samenleven/shapes#")
SCHEMES = PROJECT / "ontology" / "schemes"
CATEGORY = "https://w3id.org/samenleven/id/concept/categorie/sociale-cohesie"
WAIT = 2  # contribute_min_seconds of the test server


def described(cls, path, lang, what=SH.description) -> str:
    """A property shape's text in a language, read from shapes.ttl."""
    for shape in SHAPES.subjects(SH.targetClass, cls):
        for ps in SHAPES.objects(shape, SH.property):
            if SHAPES.value(ps, SH.path) == path:
                return next(str(t) for t in SHAPES.objects(ps, what) if t.language == lang)
    raise KeyError(path)


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    """A server of the session's build in a folder of its own, so that its proposals stay out of the others'."""
    folder = tmp_path_factory.mktemp("contribute") / "var"
    shutil.copytree(built[0]["build_dir"], folder, symlinks=True)
    settings = {**built[0], "build_dir": folder}
    process, url = start_server(folder, contribute_min_seconds=WAIT, contribute_rate="1000 per minute")
    yield url, settings
    stop_server(process)


@pytest.fixture(scope="module")
def person(site):
    """A browser that opened the form long enough ago to send it."""
    browser = Browser(site[0])
    browser.open_form()
    time.sleep(WAIT + 0.5)
    return browser


def valid(title: str, **more) -> list:
    fields = {"dct:title": title, "dct:description": "Buren koken samen.", "sl:category": CATEGORY,
              "i1.dct:title": f"{title} in Leuven", "i1.dct:description": "Elke zondag.", "i1.dct:spatial": "Leuven",
              "bijdrager.name": "An Peeters", "bijdrager.email": "an@example.org"}
    fields.update(more)
    return list(fields.items())


def field_block(page: str, name: str) -> str:
    """The HTML of a field's block on the form (its input, help and messages)."""
    start = page.index(f'data-field="{name}"')
    end = page.find('data-field="', start + 20)
    return page[start:end if end > 0 else None]


def published(url: str, title: str) -> bool:
    query = f'ASK {{ ?s ?p {rdflib.Literal(title, lang="nl").n3()} }}'
    status, _, body = http(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}),
                           headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    return json.loads(body)["boolean"]


def proposal_of(settings, location: str):
    return open_queue(settings).get(location.rsplit("/", 1)[-1])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_form_is_made_from_the_shapes_and_the_schemes(site, lang):
    url, _ = site
    page = Browser(url).open_form(f"/bijdragen?lang={lang}").text
    for cls, name, path in ((SL.Practice, "dct:title", DCT.title), (SL.Practice, "dct:description", DCT.description),
                            (SL.Initiative, "i1.dct:spatial", DCT.spatial)):
        block = field_block(page, name)
        assert described(cls, path, lang, SH.name) in block and described(cls, path, lang) in block
    categories = rdflib.Graph().parse(SCHEMES / "categorie.ttl")
    block = field_block(page, "sl:category")
    for concept in categories.subjects(RDF.type, SKOS.Concept):
        assert f'value="{concept}"' in block
    assert 'name="bijdrager.email"' in page and 'name="foto"' in page


def test_a_property_added_to_a_shape_appears_on_the_form(tmp_path):
    shapes = tmp_path / "shapes"
    shutil.copytree(PROJECT / "shapes", shapes)
    text = (shapes / "shapes.ttl").read_text()
    added = ('sh:property [ sh:path schema:keywords ; sh:name "trefwoorden"@nl, "keywords"@en ; '
             'sh:description "Woorden om de praktijk te vinden."@nl, "Words to find the practice by."@en ; '
             "sh:order 6 ; sh:group sls:ContentGroup ; sh:datatype rdf:langString ] ;\n    sh:property [\n"
             "        sh:path dct:title ;")
    marker = 'rdfs:label "Praktijk"@nl, "Practice"@en ;\n    sh:property [\n        sh:path dct:title ;'
    assert marker in text
    (shapes / "shapes.ttl").write_text(text.replace(marker, marker.split("sh:property")[0] + added, 1))
    settings = config.load({"build_dir": tmp_path / "var", "graph_dir": GRAPH, "shapes_dir": shapes})
    build.build(settings)
    process, url = start_server(settings["build_dir"], shapes_dir=shapes)
    try:
        page = Browser(url).open_form("/bijdragen?lang=en").text
    finally:
        stop_server(process)
    block = field_block(page, "schema:keywords")
    assert "keywords" in block and "Words to find the practice by." in block and "<textarea" in block


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_form_that_does_not_conform_comes_back_with_messages_by_field_and_its_values(site, person, lang):
    url, settings = site
    before = len(open_queue(settings).listing())
    fields = valid("Soep <b>zonder</b> beschrijving", **{"dct:description": "", "rdfs:seeAlso": "geen adres"})
    reply = person.post(fields, path=f"/bijdragen?lang={lang}")
    assert reply.status == 422 and reply.headers["Content-Language"] == lang
    description = field_block(reply.text, "dct:description")
    assert 'class="error"' in description and described(SL.Practice, DCT.description, lang) in description
    other = "en" if lang == "nl" else "nl"
    assert described(SL.Practice, DCT.description, other) not in description
    assert 'class="error"' in field_block(reply.text, "rdfs:seeAlso")
    assert 'class="error"' not in field_block(reply.text, "dct:title")
    assert 'value="Soep &lt;b&gt;zonder&lt;/b&gt; beschrijving"' in reply.text
    assert ">geen adres</textarea>" in reply.text and 'value="an@example.org"' in reply.text
    assert len(open_queue(settings).listing()) == before
    if lang == "en":
        assert not [d for d, pattern in DUTCH if pattern.search(interface_text(reply.text, "en"))]


def test_a_conforming_form_is_queued_and_not_published(site, person):
    url, settings = site
    title = "Buurtsoep op zondag"
    reply = person.post(valid(title))
    assert reply.status == 303
    location = reply.headers["Location"]
    assert re.fullmatch(re.escape(url) + r"/bijdragen/[A-Za-z0-9_-]{32,}", location)
    page = person.send(location.removeprefix(url), headers={"Accept": "text/html"})
    assert page.status == 200 and title in page.text and 'data-status="received"' in page.text
    english = person.send(location.removeprefix(url) + "?lang=en", headers={"Accept": "text/html"}).text
    assert "received" in english and not [d for d, p in DUTCH if p.search(interface_text(english, "en"))]
    assert not published(url, title)
    assert http(f"{url}/doc/praktijk/buurtsoep-op-zondag", headers={"Accept": "text/html"})[0] == 404
    found = proposal_of(settings, location)
    assert found.kind == "new" and found.contributor["email"] == "an@example.org"
    graph = rdflib.Graph().parse(data=found.turtle, format="turtle")
    practice = next(graph.subjects(RDF.type, SL.Practice))
    assert graph.value(practice, DCT.title) == rdflib.Literal(title, lang="nl")
    assert (None, SL.appliesPractice, practice) in graph


def test_an_ambiguous_place_is_asked_back_with_its_candidates(site, person):
    url, settings = site
    reply = person.post(valid("Ontmoeting in Deurne", **{"i1.dct:spatial": "Deurne"}))
    assert reply.status == 422
    block = field_block(reply.text, "i1.dct:spatial")
    offered = re.findall(r'name="i1\.dct:spatial\.kies\.0" value="([^"]+)"', block)
    assert set(offered) == {"Deurne (Antwerpen)", "Deurne (Diest)"}  # README, `samenleven link`
    chosen = valid("Ontmoeting in Deurne", **{"i1.dct:spatial": "Deurne", "i1.dct:spatial.naam": "Deurne",
                                              "i1.dct:spatial.kies.0": "Deurne (Diest)"})
    reply = person.post(chosen)
    assert reply.status == 303
    graph = rdflib.Graph().parse(data=proposal_of(settings, reply.headers["Location"]).turtle, format="turtle")
    places = set(graph.objects(None, DCT.spatial))
    assert rdflib.URIRef("https://w3id.org/samenleven/id/plaats/diest-deurne") in places


TURTLE = """@prefix sl: <https://w3id.org/samenleven/ns#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <http://schema.org/> .
_:p a sl:Practice ; dct:title "{title}"@nl ; {description}
    sl:category <https://w3id.org/samenleven/id/concept/categorie/sociale-cohesie> .
_:i a sl:Initiative ; sl:appliesPractice _:p ; dct:title "{title} in Gent"@nl ; dct:description "Op zondag."@nl ;
    dct:spatial <https://w3id.org/samenleven/id/gemeente/44021> .
[] a schema:Person ; schema:name "Bo" ; schema:email "bo@example.org" .
"""


def test_the_api_takes_turtle_and_answers_202_with_the_proposal(site):
    url, settings = site
    body = TURTLE.format(title="Soepbus", description='dct:description "Een bus vol soep."@nl ;').encode()
    status, headers, answer = http(f"{url}/bijdragen", body, {"Content-Type": "text/turtle"}, "POST")
    assert status == 202 and json.loads(answer)["proposal"] == headers["Location"]
    assert proposal_of(settings, headers["Location"]).contributor["name"] == "Bo"
    assert http(headers["Location"], headers={"Accept": "text/html"})[0] == 200
    assert not published(url, "Soepbus")


@pytest.mark.parametrize("accept,reads", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_the_api_refuses_a_record_that_does_not_conform_with_the_shacl_report(site, accept, reads):
    url, _ = site
    body = TURTLE.format(title="Soep zonder tekst", description="").encode()
    status, headers, answer = http(f"{url}/bijdragen", body, {"Content-Type": "text/turtle", "Accept": accept},
                                   "POST")
    assert status == 422 and headers["Content-Type"].startswith(accept)
    report = rdflib.Graph().parse(data=answer, format=reads)
    assert (None, SH.conforms, rdflib.Literal(False)) in report
    assert (None, SH.resultPath, DCT.description) in report
    status, headers, answer = http(f"{url}/bijdragen", body, {"Content-Type": "text/turtle",
                                                             "Accept": "application/json"}, "POST")
    assert status == 422 and [v["path"] for v in json.loads(answer)["violations"]] == [str(DCT.description)]


def test_the_api_takes_json_ld_with_the_servers_context_and_fetches_no_other(site):
    url, settings = site
    document = {"@context": f"{url}/context.jsonld", "@graph": [
        {"id": "_:p", "type": "Practice", "title": {"nl": "Buurtthee"}, "description": {"nl": "Thee en praat."},
         "category": CATEGORY},
        {"type": "schema:Person", "schema:name": "Cy", "schema:email": "cy@example.org"}]}
    status, headers, _ = http(f"{url}/bijdragen", json.dumps(document).encode(),
                              {"Content-Type": "application/ld+json"}, "POST")
    assert status == 202
    graph = rdflib.Graph().parse(data=proposal_of(settings, headers["Location"]).turtle, format="turtle")
    assert (None, DCT.title, rdflib.Literal("Buurtthee", lang="nl")) in graph
    document["@context"] = "http://192.0.2.1/context.jsonld"  # TEST-NET-1: never reachable
    status, _, answer = http(f"{url}/bijdragen", json.dumps(document).encode(),
                             {"Content-Type": "application/ld+json"}, "POST")
    assert status == 400 and b"nothing is fetched" in answer


def test_a_post_without_the_csrf_token_is_refused(site, person):
    url, settings = site
    before = len(open_queue(settings).listing())
    fields = [(k, v) for k, v in person.hidden.items() if k != "csrf_token"] + valid("Zonder token")
    reply = person.post(fields, hidden=False)
    assert reply.status == 400 and "CSRF" in reply.text
    assert len(open_queue(settings).listing()) == before


def test_the_honeypot_refuses_a_program(site, person):
    url, settings = site
    reply = person.post(valid("Honing", website="http://spam.example"))
    assert reply.status == 400 and "website" in reply.text


def test_a_form_sent_sooner_than_the_minimum_fill_time_is_refused(site):
    hasty = Browser(site[0])
    hasty.open_form()
    reply = hasty.post(valid("Haastig"))
    assert reply.status == 400 and "contribute_min_seconds" in reply.text


def test_submissions_past_the_rate_limit_are_refused(built, tmp_path):
    # A folder of its own: the count is kept in the folder's proposals database, across server processes.
    shutil.copytree(built[0]["build_dir"], tmp_path / "var", symlinks=True)
    process, url = start_server(tmp_path / "var", contribute_rate="2 per minute")
    try:
        body = TURTLE.format(title="Te veel", description="").encode()
        answers = [http(f"{url}/bijdragen", body, {"Content-Type": "text/turtle"}, "POST") for _ in range(3)]
    finally:
        stop_server(process)
    assert [a[0] for a in answers] == [422, 422, 429] and b"contribute_rate" in answers[2][2]


def test_a_file_named_jpg_that_is_no_image_is_refused(site, person):
    reply = person.post(valid("Foto die geen foto is"), files=[("foto", "zon.jpg", b"<?php echo 'no image'; ?>")])
    assert reply.status == 422 and 'class="error"' in field_block(reply.text, "foto")


def test_a_photo_is_reencoded_without_its_gps_position(site, person):
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (50.0, 51.0, 30.0), 3: "E", 4: (4.0, 21.0, 0.0)})
    sent = io.BytesIO()
    image.save(sent, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(sent.getvalue())).getexif().get_ifd(0x8825)  # the upload has a position
    reply = person.post(valid("Met foto"), files=[("foto", "foto.jpg", sent.getvalue())])
    assert reply.status == 303
    found = proposal_of(site[1], reply.headers["Location"])
    kept = Image.open(io.BytesIO(found.photo))
    assert found.photo_type == "image/jpeg" and kept.format == "JPEG" and kept.size == (64, 48)
    assert not kept.getexif() and b"Exif" not in found.photo and found.photo != sent.getvalue()


def test_a_hostile_title_is_shown_as_text_on_the_proposal_page(site, person):
    reply = person.post(valid('<script>alert("x")</script> Soep'))
    assert reply.status == 303
    page = person.send(reply.headers["Location"].removeprefix(site[0]), headers={"Accept": "text/html"}).text
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Soep' in page and "<script>alert" not in page


def test_practice_and_initiative_pages_propose_a_change_with_the_form_filled_in(site):
    url, settings = site
    fixture = rdflib.Graph().parse(GRAPH / "praktijk-sociale-cohesie.ttl")
    practice = rdflib.URIRef("https://w3id.org/samenleven/id/praktijk/sociale-cohesie")
    title = next(str(t) for t in fixture.objects(practice, DCT.title) if t.language == "nl")
    initiative = next(fixture.subjects(SL.appliesPractice, practice))
    for page in (f"{url}/doc/praktijk/sociale-cohesie", url + str(initiative).replace(
            "https://w3id.org/samenleven/id/", "/doc/")):
        body = http(page, headers={"Accept": "text/html"})[2].decode()
        assert 'href="/bijdragen?praktijk=sociale-cohesie"' in body
    form = Browser(url).open_form("/bijdragen?praktijk=sociale-cohesie").text
    assert f'value="{title}"' in field_block(form, "dct:title")
    assert str(initiative) in form  # the initiatives keep their URIs


def test_the_english_address_leads_to_the_form_in_english(site):
    url, _ = site
    reply = Browser(url).send("/contribute")
    assert reply.status == 301 and reply.headers["Location"].endswith("/bijdragen?lang=en")


def test_another_initiative_is_added_without_javascript_and_nothing_is_sent(site, person):
    url, settings = site
    before = len(open_queue(settings).listing())
    reply = person.post(valid("Twee initiatieven") + [("meer", "initiatief")])
    assert reply.status == 200 and 'name="i2.dct:title"' in reply.text and 'name="i3.dct:title"' not in reply.text
    assert 'value="Twee initiatieven in Leuven"' in reply.text and len(open_queue(settings).listing()) == before


# --- Hostile bodies a review found answered with a 500 --------------------------------------------------------

@pytest.mark.parametrize("body, media, status", [
    (b"[" * 100_000 + b"]" * 100_000, "application/ld+json", 400),  # deeper than the JSON parser recurses
    (json.dumps({"@id": "http://a.example/x", "http://a.example/p": {"@value": "x", "@language": "not a lang!"}})
     .encode(), "application/ld+json", 400),  # pyld lets the tag through, RDF does not
    (TURTLE.format(title="Diep", description='dct:description "Diep."@nl ; sl:x ' + "[ sl:x " * 3000
                   + "1" + " ]" * 3000 + " ;").encode(), "text/turtle", 422),  # a chain Turtle writers recurse on
    (TURTLE.format(title="Nul\\u0000", description='dct:description "Met een NUL."@nl ;').encode(), "text/turtle",
     400)])  # PostgreSQL keeps no NUL in text
def test_a_hostile_body_is_refused_with_a_4xx_and_a_reason(site, body, media, status):
    got, _, answer = http(f"{site[0]}/bijdragen", body, {"Content-Type": media, "Accept": "application/json"}, "POST")
    assert got == status and json.loads(answer)["detail"], answer[:500]


def test_the_english_address_keeps_the_query_but_not_a_second_language(site):
    import http.client
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(site[0]).netloc, timeout=60)
    connection.request("GET", "/contribute?lang=nl&praktijk=sociale-cohesie")
    answer = connection.getresponse()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(answer.getheader("Location")).query)
    assert answer.status == 301 and query == {"lang": ["en"], "praktijk": ["sociale-cohesie"]}


def test_a_phones_jpeg_with_a_second_picture_is_taken_as_a_jpeg(site, person):
    sent = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 30)).save(sent, "MPO", save_all=True,
                                                    append_images=[Image.new("RGB", (32, 24), (0, 0, 0))])
    assert Image.open(io.BytesIO(sent.getvalue())).format == "MPO"  # what Pillow calls a multi-picture JPEG
    reply = person.post(valid("Foto van een telefoon"), files=[("foto", "foto.jpg", sent.getvalue())])
    assert reply.status == 303, reply.text[-2000:]
    assert Image.open(io.BytesIO(proposal_of(site[1], reply.headers["Location"]).photo)).format == "JPEG"


class Filled(HTMLParser):
    """What a browser sends of the form as it is filled in: inputs, checked boxes, chosen options, text areas."""

    def __init__(self):
        super().__init__()
        self.pairs, self.select, self.area = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("hidden", "file", "submit"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.pairs.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self.pairs.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea":
            self.area = [attrs.get("name"), ""]

    def handle_data(self, data):
        if self.area is not None:
            self.area[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.area:
            self.pairs.append(tuple(self.area))
            self.area = None


def test_a_change_sent_as_filled_in_keeps_what_the_form_does_not_show(site):
    """The form edits the Dutch texts; a change replaces the practice's file, so it must carry the English titles
    and the links the form leaves to the editors, or accepting it would delete them."""
    url, settings = site
    fixture = rdflib.Graph().parse(GRAPH / "praktijk-sociale-cohesie.ttl")
    practice = rdflib.URIRef("https://w3id.org/samenleven/id/praktijk/sociale-cohesie")
    english = {t for t in fixture.objects(practice, DCT.title) if t.language == "en"}
    sources = set(fixture.objects(practice, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert english and sources  # what the test is about is in the fixture
    browser = Browser(url)
    reader = Filled()
    reader.feed(browser.open_form("/bijdragen?praktijk=sociale-cohesie").text)
    time.sleep(WAIT + 0.5)  # the minimum fill time of the test server, not a measurement
    typed = {"bijdrager.name": "Ine", "bijdrager.email": "ine@example.org"}  # who sends it: never pre-filled
    reply = browser.post([(name, typed.get(name, value)) for name, value in reader.pairs])
    assert reply.status == 303, re.findall(r'class="error"[^>]*>([^<]*)', reply.text)
    sent = rdflib.Graph().parse(data=proposal_of(settings, reply.headers["Location"]).turtle, format="turtle")
    assert english <= set(sent.objects(practice, DCT.title))
    assert sources <= set(sent.objects(practice, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
