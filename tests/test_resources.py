"""Resource pages (issue 4): every URI dereferences, over real HTTP against the real server and the real graph.

``/id/…`` answers 303 to ``/doc/…``; a document negotiates Turtle, N-Triples, JSON-LD, RDF/XML, N3 and HTML, holds
the thing's description, the labels of what it links to and who links to it (Hydra counts and paging), and can be
cached and revalidated. What the server says is checked against the build's own ``graph.ttl``, read with rdflib.
"""

import http.client
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import start_server, stop_server

BASE = "https://w3id.org/samenleven/"
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SCHEMA = rdflib.Namespace("http://schema.org/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
LABELS = (SKOS.prefLabel, DCT.title, RDFS.label, SCHEMA.name, rdflib.FOAF.name)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "data.example.org", "X-Forwarded-Prefix": "/samenleven"}


# --- Talking HTTP ---------------------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def media_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip()

    @property
    def vary(self) -> set[str]:
        return {value.strip().lower() for value in self.header("Vary").split(",") if value.strip()}

    def links(self, rel: str) -> list[tuple[str, dict]]:
        return [(href, params) for href, params in parse_links(self.header("Link")) if params.get("rel") == rel]

    def graph(self) -> rdflib.Graph:
        return rdflib.Graph().parse(data=self.body, format=RDFLIB_FORMATS[self.media_type])

    def page(self) -> "Element":
        return parse_html(self.body.decode())


def get(url: str, headers: dict | None = None) -> Reply:
    """GET ``url`` without following redirects; any status comes back as a Reply (no exception)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def parse_links(value: str) -> list[tuple[str, dict]]:
    """Split an HTTP ``Link`` header (RFC 8288) into (target, parameters).

    >>> parse_links('<a.nt>; rel="alternate"; type="application/n-triples", <?page=2>; rel="next"')
    [('a.nt', {'rel': 'alternate', 'type': 'application/n-triples'}), ('?page=2', {'rel': 'next'})]
    """
    return [(target, dict(re.findall(r';\s*([\w-]+)="?([^";,]*)"?', params)))
            for target, params in re.findall(r"<([^>]*)>([^<]*)", value)]


def page_of(url: str) -> int:
    """The ``page`` parameter of a URL (1 without one).

    >>> page_of("https://w3id.org/samenleven/doc/gemeente/44021?page=3"), page_of("/doc/gemeente/44021")
    (3, 1)
    """
    return int(parse_qs(urlsplit(url).query).get("page", ["1"])[0])


# --- Reading HTML (a small tree: structure by parsing, never by regular expressions) -----------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str, **attrs) -> list["Element"]:
        """Every element below this one with ``tag`` and ``attrs`` (``class_`` matches one class of several)."""
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag and all(_has(child, name, value) for name, value in attrs.items()):
                    found.append(child)
                found += child.find_all(tag, **attrs)
        return found

    def find(self, tag: str, **attrs) -> "Element | None":
        return next(iter(self.find_all(tag, **attrs)), None)

    def by_id(self, anchor: str) -> "Element | None":
        """The element with ``id="anchor"``, whatever its tag: the target of ``#anchor``."""
        for child in self.children:
            if isinstance(child, Element):
                found = child if child.attrs.get("id") == anchor else child.by_id(anchor)
                if found is not None:
                    return found
        return None


def _has(element: Element, name: str, value: str) -> bool:
    name = name.rstrip("_").replace("_", "-")
    if name == "class":
        return value in element.attrs.get("class", "").split()
    return element.attrs.get(name) == value


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse_html(text: str) -> Element:
    """Parse a page into a tree of Elements.

    >>> parse_html('<p class="notice x">Replaced by <a href="/id/1">one</a>.</p>').find("p", class_="notice").text()
    'Replaced by one.'
    """
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# --- What the server offers, and what the graph holds -----------------------------------------------------------

@dataclass(frozen=True)
class Format:
    name: str  # the suffix and the value of ?format=
    media_type: str


RDF_FORMATS = (Format("ttl", "text/turtle"), Format("nt", "application/n-triples"),
               Format("jsonld", "application/ld+json"), Format("rdf", "application/rdf+xml"),
               Format("n3", "text/n3"))
HTML = Format("html", "text/html")
FORMATS = RDF_FORMATS + (HTML,)
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                  "application/rdf+xml": "xml", "text/n3": "n3"}


@dataclass(frozen=True)
class Case:
    """A resource and the document about it: what a client asks for and what it must find."""

    key: str  # the path after /doc/ (or "ns" for the ontology)
    uri: str  # the thing the document describes
    type: URIRef
    label: tuple  # (predicate, Dutch name)
    schema_type: str | None = None  # the schema.org type of the page's JSON-LD

    @property
    def doc(self) -> str:
        return "/ns" if self.key == "ns" else f"/doc/{self.key}"

    def __str__(self):
        return self.key


RESOURCES = (
    Case("praktijk/sociale-cohesie", BASE + "id/praktijk/sociale-cohesie", SL.Practice,
         (DCT.title, Literal("Sociale cohesie", lang="nl")), "CreativeWork"),
    Case("initiatief/omstaandertraining", BASE + "id/initiatief/omstaandertraining", SL.Initiative,
         (DCT.title, Literal("Omstaandertraining", lang="nl")), "Project"),
    Case("organisatie/vvsg", BASE + "id/organisatie/vvsg", SL.Organisation,
         (SKOS.prefLabel, Literal("Vereniging van Vlaamse Steden en Gemeenten", lang="nl")), "Organization"),
    Case("gemeente/44021", BASE + "id/gemeente/44021", SL.Municipality,
         (SKOS.prefLabel, Literal("Gent", lang="nl")), "AdministrativeArea"),
    Case("gemeente/44034", BASE + "id/gemeente/44034", SL.Municipality,
         (SKOS.prefLabel, Literal("Lochristi", lang="nl")), "AdministrativeArea"),
    Case("concept/doelgroep/nieuwkomers", BASE + "id/concept/doelgroep/nieuwkomers", SKOS.Concept,
         (SKOS.prefLabel, Literal("Nieuwkomers", lang="nl")), "DefinedTerm"),
)
ONTOLOGY = Case("ns", str(SL.Practice), OWL.Class, (RDFS.label, Literal("Praktijk", lang="nl")))
EVERY = RESOURCES + (ONTOLOGY,)
PRACTICE = RESOURCES[0]

# Accept header → the media type served (Werkzeug's matching with q-values; the table's order is the preference).
ACCEPT = (
    (None, "text/turtle"),  # curl without -H, and most libraries
    ("*/*", "text/turtle"),
    (BROWSER, "text/html"),
    ("application/json", "application/ld+json"),
    ("text/turtle", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/n3", "text/n3"),
    ("text/html", "text/html"),
    ("text/turtle;q=0.5, application/rdf+xml", "application/rdf+xml"),
    ("image/png, text/*;q=0.1", "text/turtle"),
)

# (query string, request headers) → the page's language and its <h1>.
LANGUAGES = (
    ("", {}, "nl", "Sociale cohesie"),
    ("?lang=en", {}, "en", "Social cohesion"),
    ("?lang=nl", {"Accept-Language": "en"}, "nl", "Sociale cohesie"),
    ("", {"Accept-Language": "en"}, "en", "Social cohesion"),
    ("", {"Accept-Language": "en-GB,en;q=0.9"}, "en", "Social cohesion"),
    ("", {"Accept-Language": "fr"}, "nl", "Sociale cohesie"),
    ("", {"Cookie": "lang=en"}, "en", "Social cohesion"),
    ("", {"Cookie": "lang=en", "Accept-Language": "nl"}, "en", "Social cohesion"),
)

# Resources whose inverse links span several pages of two.
PAGED = ("gemeente/44021", "praktijk/sociale-cohesie", "provincie/40000")


def ways(url: str, case: Case, fmt: Format) -> dict:
    """The ways of asking for a format: (url, headers) by Accept, by suffix, by ``format`` (name or media type)."""
    return {"accept": (url + case.doc, {"Accept": fmt.media_type}),
            "suffix": (f"{url}{case.doc}.{fmt.name}", {}),
            "parameter": (f"{url}{case.doc}?format={fmt.name}", {}),
            "parameter-type": (f"{url}{case.doc}?format={quote(fmt.media_type, safe='')}", {})}
WAYS = ("accept", "suffix", "parameter", "parameter-type")


def concise(graph: rdflib.Graph, node) -> rdflib.Graph:
    """The concise bounded description of ``node`` in ``graph``: its triples, blank nodes followed to the end."""
    found, pending, seen = rdflib.Graph(), [node], {node}
    while pending:
        for triple in graph.triples((pending.pop(), None, None)):
            found.add(triple)
            if isinstance(triple[2], rdflib.BNode) and triple[2] not in seen:
                seen.add(triple[2])
                pending.append(triple[2])
    return found


def inverse(graph: rdflib.Graph, node) -> set[tuple]:
    """The (subject, predicate) of every resource (not blank node) that links to ``node``; not the document's own
    ``foaf:primaryTopic``, which says what it is about (tests/test_documents.py)."""
    return {(s, p) for s, p in graph.subject_predicates(node)
            if isinstance(s, URIRef) and p != rdflib.FOAF.primaryTopic}


def collections(graph: rdflib.Graph, node) -> dict:
    """The Hydra collections of the links to ``node``: {property: totalItems}."""
    counts = {}
    for collection in graph.subjects(RDF.type, HYDRA.Collection):
        manages = graph.value(collection, HYDRA.manages)
        assert graph.value(manages, HYDRA.object) == node
        counts[graph.value(manages, HYDRA.property)] = graph.value(collection, HYDRA.totalItems).toPython()
    return counts


def walk(address: str) -> list[Reply]:
    """Every page of a document, in Turtle, following ``Link: rel="next"`` from the first."""
    pages = [get(address, {"Accept": "text/turtle"})]
    while nexts := pages[-1].links("next"):
        assert len(nexts) == 1 and len(pages) < 100
        pages.append(get(nexts[0][0], {"Accept": "text/turtle"}))
    return pages


def json_ld_of(page: Element) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1, "one schema.org script per page"
    return json.loads(scripts[0].text())


# --- Fixtures -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def url(server):
    return server[0]


@pytest.fixture(scope="module")
def build(built, server):
    """The graph of the build the server serves, read by rdflib from the build folder."""
    folder = built[0]["build_dir"] / "current"
    assert json.loads((folder / "build.json").read_text())["id"] == server[1]["id"]
    return rdflib.Graph().parse(folder / "graph.ttl", format="turtle")


@pytest.fixture(scope="module")
def paged(built):
    """A second server on the same build that cuts inverse links into pages of two (and caches for 60 s)."""
    process, address = start_server(built[0]["build_dir"], page_size=2, cache_max_age=60)
    yield address
    stop_server(process)


@pytest.fixture(scope="module")
def proxied(built):
    """A server behind one reverse proxy, whose X-Forwarded-* headers it trusts."""
    process, address = start_server(built[0]["build_dir"], proxy_hops=1, trusted_hosts="127.0.0.1,data.example.org")
    yield address
    stop_server(process)


# --- /id/ → 303 → /doc/ ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("accept", ["text/turtle", "text/html", "application/ld+json"])
@pytest.mark.parametrize("case", RESOURCES, ids=str)
def test_a_thing_redirects_to_its_document_in_the_asked_format(url, case, accept):
    answer = get(url + "/id/" + case.key, {"Accept": accept})
    assert answer.status == 303
    assert urljoin(url + "/", answer.header("Location")) == url + case.doc
    assert "accept" in answer.vary
    followed = get(urljoin(url + "/", answer.header("Location")), {"Accept": accept})
    assert followed.status == 200 and followed.media_type == accept


def test_a_thing_with_a_suffix_redirects_to_that_document_keeping_the_query(url):
    answer = get(url + "/id/praktijk/sociale-cohesie.nt?lang=en")
    assert answer.status == 303
    assert urljoin(url + "/", answer.header("Location")) == url + "/doc/praktijk/sociale-cohesie.nt?lang=en"
    assert get(urljoin(url + "/", answer.header("Location"))).media_type == "application/n-triples"


def test_the_ontology_document_describes_its_hash_terms_as_built(url, built):
    graph = get(url + "/ns", {"Accept": "text/turtle"}).graph()
    assert (SL.Practice, RDF.type, OWL.Class) in graph
    assert (SL.Practice, RDFS.isDefinedBy, URIRef(BASE + "ns")) in graph
    source = rdflib.Graph().parse(built[0]["build_dir"] / "current" / "ontology.ttl", format="turtle")
    assert isomorphic(graph, source)
    page = get(url + "/ns", {"Accept": "text/html"}).page()
    assert "Praktijk" in page.by_id("Practice").text()
    terms = {term for term in source.subjects(RDFS.isDefinedBy, URIRef(BASE + "ns")) if term.startswith(SL)}
    assert len(terms) > 10
    assert [term for term in terms if page.by_id(term[len(SL):]) is None] == [], "every term has its anchor"


# --- Every format, four ways ---------------------------------------------------------------------------------

@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("case", EVERY, ids=str)
def test_every_format_is_served_by_accept_suffix_and_parameter(url, case, fmt, way):
    address, headers = ways(url, case, fmt)[way]
    answer = get(address, headers)
    assert answer.status == 200
    assert answer.media_type == fmt.media_type
    if fmt is HTML:
        page = answer.page()
        assert page.find("html").attrs["lang"] == "nl"
        if case is ONTOLOGY:
            assert page.by_id("Practice") is not None
        else:
            assert page.find("h1").text().strip() == str(case.label[1])
    else:
        graph = answer.graph()
        assert (URIRef(case.uri), RDF.type, case.type) in graph
        assert (URIRef(case.uri), case.label[0], case.label[1]) in graph


@pytest.mark.parametrize("case", EVERY, ids=str)
def test_every_rdf_format_says_the_same(url, case):
    graphs = {fmt.name: get(f"{url}{case.doc}.{fmt.name}").graph() for fmt in RDF_FORMATS}
    assert len(graphs["ttl"]) > 5
    for name, graph in graphs.items():
        assert isomorphic(graph, graphs["ttl"]), f"{name} differs from Turtle"


# --- What a document holds ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", RESOURCES, ids=str)
def test_a_document_holds_the_things_description_blank_nodes_followed(url, build, case):
    served = get(url + case.doc, {"Accept": "text/turtle"}).graph()
    node = URIRef(case.uri)
    assert isomorphic(concise(served, node), concise(build, node))
    assert len(concise(build, node)) >= 5


def test_the_organisations_contact_point_is_followed_to_its_email(url):
    graph = get(url + "/doc/organisatie/vvsg", {"Accept": "text/turtle"}).graph()
    points = list(graph.objects(URIRef(BASE + "id/organisatie/vvsg"), SCHEMA.contactPoint))
    assert len(points) == 1 and isinstance(points[0], rdflib.BNode)
    assert graph.value(points[0], SCHEMA.email) == Literal("samenleven@vvsg.be")


@pytest.mark.parametrize("case", RESOURCES, ids=str)
def test_a_document_names_everything_it_links_to(url, build, case):
    served = get(url + case.doc, {"Accept": "text/turtle"}).graph()
    linked = {o for o in build.objects(URIRef(case.uri)) if isinstance(o, URIRef)}
    labels = {(o, p, name) for o in linked for p in LABELS for name in build.objects(o, p)}
    assert labels, "the resource links to something with a name"
    assert labels <= set(served)


def test_the_practices_target_groups_come_with_their_names(url):
    graph = get(url + "/doc/praktijk/sociale-cohesie.ttl").graph()
    groups = set(graph.objects(URIRef(PRACTICE.uri), SL.targetGroup))
    assert groups
    for group in groups:
        assert graph.value(group, SKOS.prefLabel) is not None, group
    assert (URIRef(BASE + "id/concept/doelgroep/buurtbewoners"), SKOS.prefLabel,
            Literal("Alle buurtbewoners", lang="nl")) in graph


@pytest.mark.parametrize("case", RESOURCES, ids=str)
def test_a_document_lists_who_links_to_it_with_a_count_per_property(url, build, case):
    served = get(url + case.doc, {"Accept": "text/turtle"}).graph()
    node = URIRef(case.uri)
    real = inverse(build, node)
    assert {s for s, _ in inverse(served, node)} == {s for s, _ in real}
    counts = collections(served, node)
    for prop, total in counts.items():
        assert total == len({s for s, p in real if p == prop}), prop
    assert {(s, p) for s, p in real if p in counts} == inverse(served, node)
    assert not list(served.subjects(RDF.type, HYDRA.PartialCollectionView)), "one page of 100 holds them all"
    assert not get(url + case.doc).links("next")


@pytest.mark.parametrize("case", RESOURCES, ids=str)
def test_a_page_embeds_its_schema_org_description(url, case):
    data = json_ld_of(get(f"{url}{case.doc}.html").page())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == case.schema_type
    assert data["@id"] == case.uri
    assert data["name"] == str(case.label[1])


# --- Headers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("case", EVERY, ids=str)
def test_a_negotiated_document_names_itself_and_its_alternates(url, case, fmt):
    answer = get(url + case.doc, {"Accept": fmt.media_type})
    assert answer.status == 200 and answer.header("Content-Type").startswith(fmt.media_type)
    assert {"accept", "accept-language", "cookie"} <= answer.vary  # the same URL gives browsers a page
    assert answer.header("Content-Location") == f"{url}{case.doc}.{fmt.name}"
    alternates = answer.links("alternate")
    assert {params["type"]: href for href, params in alternates} == \
        {other.media_type: f"{url}{case.doc}.{other.name}" for other in FORMATS if other is not fmt}
    assert len(alternates) == len(FORMATS) - 1


@pytest.mark.parametrize("fmt", [RDF_FORMATS[0], HTML], ids=lambda f: f.name)
@pytest.mark.parametrize("case", EVERY, ids=str)
def test_a_document_can_be_cached_and_revalidated(url, case, fmt):
    headers = {"Accept": fmt.media_type}
    first = get(url + case.doc, headers)
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag and modified
    assert {"public", "max-age=300"} <= {part.strip() for part in first.header("Cache-Control").split(",")}
    again = get(url + case.doc, {**headers, "If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert get(url + case.doc, {**headers, "If-Modified-Since": modified}).status == 304
    assert get(url + case.doc, {**headers, "If-None-Match": '"another"'}).status == 200
    other = RDF_FORMATS[1] if fmt is HTML else HTML
    assert get(url + case.doc, {"Accept": other.media_type}).header("ETag") not in ("", etag)


def test_the_cache_lifetime_is_the_setting(paged):
    answer = get(paged + "/doc/gemeente/44021.ttl")
    assert "max-age=60" in answer.header("Cache-Control")


# --- Negotiation -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, media_type", ACCEPT, ids=[str(a) for a, _ in ACCEPT])
@pytest.mark.parametrize("case", [PRACTICE, ONTOLOGY], ids=str)
def test_accept_picks_the_representation(url, case, accept, media_type):
    answer = get(url + case.doc, {"Accept": accept} if accept else {})
    assert answer.status == 200 and answer.media_type == media_type
    if media_type != "text/html":
        assert len(answer.graph()) > 5


@pytest.mark.parametrize("address, headers", [
    ("/doc/praktijk/sociale-cohesie", {"Accept": "image/png"}),
    ("/doc/praktijk/sociale-cohesie.xyz", {}),
    ("/ns", {"Accept": "image/png"}),
    ("/ns.xyz", {}),
], ids=["accept", "suffix", "ns-accept", "ns-suffix"])
def test_nothing_acceptable_is_a_406_listing_what_is_offered(url, address, headers):
    answer = get(url + address, headers)
    assert answer.status == 406
    for fmt in FORMATS:
        assert fmt.media_type.encode() in answer.body


# --- Unknown resources -------------------------------------------------------------------------------------------

def test_an_unknown_thing_is_a_404_not_a_redirect(url):
    answer = get(url + "/id/praktijk/bestaat-niet", {"Accept": "text/turtle"})
    assert answer.status == 404 and not answer.header("Location")
    assert len(answer.graph()) == 0


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_an_unknown_document_is_an_empty_graph_in_rdf(url, fmt):
    answer = get(url + "/doc/praktijk/bestaat-niet", {"Accept": fmt.media_type})
    assert answer.status == 404 and answer.media_type == fmt.media_type
    assert len(answer.graph()) == 0


def test_an_unknown_document_is_a_page_that_offers_a_search(url):
    answer = get(url + "/doc/praktijk/bestaat-niet", {"Accept": BROWSER})
    assert answer.status == 404 and answer.media_type == "text/html"
    main = answer.page().find("main")
    searches = [a.attrs["href"] for a in main.find_all("a") if urlsplit(a.attrs["href"]).path == "/search"]
    assert searches and parse_qs(urlsplit(searches[0]).query)["q"] == ["bestaat niet"]
    assert main.find("form", action="/search").find("input", name="q").attrs["value"] == "bestaat niet"


def test_an_unknown_document_varies_on_accept_in_every_format(url):
    for headers in ({"Accept": "text/turtle"}, {"Accept": BROWSER}):
        assert "accept" in get(url + "/doc/praktijk/bestaat-niet", headers).vary, headers


# --- Language --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, headers, lang, title", LANGUAGES,
                         ids=[f"{q or '-'}:{','.join(f'{k}={v}' for k, v in h.items()) or '-'}"
                              for q, h, _, _ in LANGUAGES])
def test_the_page_speaks_the_asked_language(url, query, headers, lang, title):
    answer = get(url + "/doc/praktijk/sociale-cohesie" + query, {"Accept": BROWSER, **headers})
    page = answer.page()
    assert page.find("html").attrs["lang"] == lang
    assert page.find("h1").text().strip() == title
    assert answer.header("Content-Language") == lang
    assert {"accept-language", "cookie"} <= answer.vary


def test_a_language_chosen_in_the_url_is_remembered_in_a_cookie(url):
    chosen = get(url + "/doc/praktijk/sociale-cohesie?lang=en", {"Accept": BROWSER})
    cookie = SimpleCookie(chosen.header("Set-Cookie"))
    assert cookie["lang"].value == "en"
    assert not get(url + "/doc/praktijk/sociale-cohesie", {"Accept": BROWSER}).header("Set-Cookie")
    later = get(url + "/doc/gemeente/44021", {"Accept": BROWSER, "Cookie": f"lang={cookie['lang'].value}"})
    assert later.page().find("html").attrs["lang"] == "en" and later.header("Content-Language") == "en"


# --- Merged municipalities -------------------------------------------------------------------------------------

def test_a_merged_municipality_says_what_replaced_it(url):
    page = get(url + "/doc/gemeente/44034", {"Accept": BROWSER}).page()
    notice = page.find("p", class_="notice")
    assert notice is not None
    assert url + "/id/gemeente/44087" in [a.attrs["href"] for a in notice.find_all("a")]
    graph = get(url + "/doc/gemeente/44034.ttl").graph()
    assert (URIRef(BASE + "id/gemeente/44034"), DCT.isReplacedBy, URIRef(BASE + "id/gemeente/44087")) in graph


def test_a_current_municipality_has_no_notice(url):
    assert get(url + "/doc/gemeente/44021.html").page().find("p", class_="notice") is None


def test_the_merger_notice_is_in_english_on_an_english_page(url):
    notice = get(url + "/doc/gemeente/44034.html?lang=en").page().find("p", class_="notice")
    assert "vervangen door" not in notice.text() and "Bestaat niet meer" not in notice.text()


# --- Paging the inverse links ------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", PAGED)
def test_paging_visits_every_inverse_link_exactly_once(paged, build, key):
    node = URIRef(BASE + "id/" + key)
    pages = walk(f"{paged}/doc/{key}")
    assert len(pages) > 1
    seen = [link for page in pages for link in inverse(page.graph(), node)]
    assert len(seen) == len(set(seen)), "a link shows on two pages"
    real = inverse(build, node)
    assert {s for s, _ in seen} == {s for s, _ in real}
    counts = collections(pages[0].graph(), node)
    assert set(seen) == {(s, p) for s, p in real if p in counts}
    for prop, total in counts.items():
        assert total == len({s for s, p in real if p == prop}), prop
    assert all(len(inverse(page.graph(), node)) <= 2 for page in pages)
    assert len(pages) == -(-sum(counts.values()) // 2)


@pytest.mark.parametrize("key", PAGED)
def test_each_page_links_to_the_next_in_http_rdf_and_html(paged, key):
    doc = URIRef(f"{BASE}doc/{key}")
    first = get(f"{paged}/doc/{key}", {"Accept": "text/turtle"})
    assert [href for href, _ in first.links("next")] == [f"{paged}/doc/{key}?page=2"]
    assert not first.links("prev")
    graph = first.graph()
    assert (doc, RDF.type, HYDRA.PartialCollectionView) in graph
    assert graph.value(doc, HYDRA.next) == URIRef(f"{doc}?page=2")
    assert graph.value(doc, HYDRA.first) == doc and graph.value(doc, HYDRA.previous) is None
    last = page_of(graph.value(doc, HYDRA.last))
    assert last > 1

    second = get(f"{paged}/doc/{key}?page=2", {"Accept": "text/turtle"})
    assert [href for href, _ in second.links("prev")] == [f"{paged}/doc/{key}"]
    assert second.header("Content-Location") == f"{paged}/doc/{key}.ttl?page=2"
    assert second.graph().value(URIRef(f"{doc}?page=2"), HYDRA.previous) == doc

    final = get(f"{paged}/doc/{key}?page={last}", {"Accept": "text/turtle"})
    assert final.status == 200 and not final.links("next")
    assert final.graph().value(URIRef(f"{doc}?page={last}"), HYDRA.next) is None

    html = get(f"{paged}/doc/{key}", {"Accept": BROWSER}).page()
    assert [a.attrs["href"] for a in html.find_all("a", rel="next")] == [f"{paged}/doc/{key}?page=2"]


@pytest.mark.parametrize("page, status", [("{last}", 200), ("{past}", 404), ("1000000", 404), ("abc", 400),
                                          ("0", 400), ("-1", 400), ("1.5", 400)])
def test_a_page_past_the_end_is_404_and_a_bad_page_400(paged, page, status):
    doc = f"{paged}/doc/gemeente/44021"
    last = page_of(get(doc, {"Accept": "text/turtle"}).graph().value(URIRef(BASE + "doc/gemeente/44021"),
                                                                       HYDRA.last))
    page = page.format(last=last, past=last + 1)
    assert get(f"{doc}?page={page}", {"Accept": "text/turtle"}).status == status


# --- Crawlers, search, proxies -----------------------------------------------------------------------------------

def test_the_sitemap_lists_every_document_here(url, build):
    answer = get(url + "/sitemap.xml")
    assert answer.status == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.fromstring(answer.body).findall("s:url/s:loc", namespace)]
    assert all(loc.startswith(url + "/") for loc in locations)
    for case in RESOURCES:
        assert url + case.doc in locations, case
    practices = set(build.subjects(RDF.type, SL.Practice))
    assert {url + "/doc/" + p[len(BASE) + 3:] for p in practices} <= set(locations)
    robots = get(url + "/robots.txt").body.decode().splitlines()
    assert f"Sitemap: {url}/sitemap.xml" in robots


def test_search_finds_a_municipality_by_name(url):
    answer = get(url + "/search?q=" + quote("lochristi"), {"Accept": BROWSER})
    hrefs = [a.attrs.get("href", "") for a in answer.page().find("main").find_all("a")]
    assert url + "/id/gemeente/44034" in hrefs or url + "/doc/gemeente/44034" in hrefs


def test_behind_a_proxy_links_name_the_public_address_and_the_data_keeps_its_uris(proxied):
    public = "https://data.example.org/samenleven"
    answer = get(proxied + "/doc/praktijk/sociale-cohesie", {"Accept": "text/turtle", **PROXY})
    assert answer.header("Content-Location") == public + "/doc/praktijk/sociale-cohesie.ttl"
    hrefs = [href for href, _ in answer.links("alternate")]
    assert len(hrefs) == 5 and all(href.startswith(public + "/doc/praktijk/sociale-cohesie.") for href in hrefs)
    graph = answer.graph()
    assert (URIRef(PRACTICE.uri), RDF.type, SL.Practice) in graph
    assert not [term for triple in graph for term in triple if "data.example.org" in term]
    redirect = get(proxied + "/id/praktijk/sociale-cohesie", {"Accept": "text/turtle", **PROXY})
    assert urljoin(public + "/", redirect.header("Location")) == public + "/doc/praktijk/sociale-cohesie"
