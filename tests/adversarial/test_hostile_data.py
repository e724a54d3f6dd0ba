"""What editors type cannot attack readers (issue 10, "hostile data through every output").

A copy of the fixture graph (tests/data/graph/) gets literals made to break out of HTML (``<script>``, ``</script>``
inside the JSON-LD, attribute breakers), spreadsheet formulas, and ``javascript:`` IRIs where no shape looks
(``dct:conformsTo``, a type, ``dct:publisher``). The real server serves a build of it, and every page and format is
read the way a browser, a spreadsheet and an RDF client would: no script runs, no link has another scheme than http,
https or mailto, every literal comes back as it was written. Where the shapes do look, the build refuses the IRI.
"""

import csv
import io
import json
import re
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser

import pytest
import rdflib

from _http import send
from conftest import GRAPH, PROJECT, start_server, stop_server
from publisher import build, config

CLASS = "hostile data through every output"
SCRIPT = "<script>alert('title')</script>"
TITLE = f"Sociale cohesie </script><script>alert('xss')</script> & <b>vet</b> <!-- {SCRIPT}"
BREAKERS = ['" onmouseover="alert(1)', "'><img src=x onerror=alert(1)>"]
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "@SUM(1+1)*cmd|' /C calc'!A0", "\r=2+2"]
INITIATIVE = "=cmd|' /C calc'!A0"
COVERAGE = "javascript:alert('coverage')"
TELEPHONE = "javascript:alert('telephone')"
BAD_IRIS = ["javascript:alert('conformsTo')", "JaVaScRiPt:alert('type')", "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox('publisher')"]
# A literal that looks like a link, and each hostile text, must show as text somewhere in what readers get.
LITERALS = [TITLE, *BREAKERS, *FORMULAS, INITIATIVE, COVERAGE, TELEPHONE]
SAFE_SCHEMES = ("http", "https", "mailto")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "xlink:href", "poster", "data", "background"}
NEVER = {"img", "iframe", "object", "embed", "svg", "math", "base", "frame", "style", "link rel=import"}


def turtle(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n") + '"'


HOSTILE = f"""
@prefix sl: <https://w3id.org/samenleven/ns#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix praktijk: <https://w3id.org/samenleven/id/praktijk/> .
@prefix initiatief: <https://w3id.org/samenleven/id/initiatief/> .
@prefix organisatie: <https://w3id.org/samenleven/id/organisatie/> .
@prefix bron: <https://w3id.org/samenleven/id/bron/> .

praktijk:sociale-cohesie
    sl:successFactor {", ".join(turtle(text) + "@nl" for text in FORMULAS[::2] + BREAKERS[:1])} ;
    sl:challenge {turtle(FORMULAS[1])}@nl, {turtle(BREAKERS[1])}@nl ;
    dct:conformsTo <{BAD_IRIS[0]}> ;
    a <{BAD_IRIS[1]}> .
organisatie:levl skos:altLabel {turtle(BREAKERS[0])}@nl ;
    dct:description {turtle("</script><script>alert('fr')</script>")}@fr .
initiatief:allee-du-kaai dct:coverage {turtle(COVERAGE)}@nl ;
    dct:source <https://example.org/{urllib.parse.quote("<script>")}> ;
    schema:contactPoint [ a schema:ContactPoint ; schema:telephone {turtle(TELEPHONE)} ] .
bron:000_f828c39997d712d8 dct:publisher <{BAD_IRIS[3]}> ;
    dct:language <{BAD_IRIS[2].replace("<", "%3C").replace(">", "%3E")}> .
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The real server on a build of the fixture graph with the hostile literals and IRIs; yield its URL."""
    graph = tmp_path_factory.mktemp("graph")
    for path in GRAPH.glob("*.ttl"):
        graph.joinpath(path.name).write_text(path.read_text())
    practice = graph / "praktijk-sociale-cohesie.ttl"
    text = practice.read_text().replace('"Sociale cohesie"@nl', turtle(TITLE) + "@nl", 1)
    practice.write_text(text.replace('"Allee Du Kaai"@nl', turtle(INITIATIVE) + "@nl", 1))
    graph.joinpath("zz-hostile.ttl").write_text(HOSTILE)
    settings = config.load({"build_dir": tmp_path_factory.mktemp("var"), "graph_dir": graph})
    build.build(settings)
    process, url = start_server(settings["build_dir"])
    yield url
    stop_server(process)


class Audit(HTMLParser):
    """Read a page as a browser would, and note each thing in it that could run or link elsewhere."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.scripts, self.text, self.links, self._script = [], [], [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            kind = dict(attrs).get("type")
            if kind != "application/ld+json":
                self.problems.append(f"a script element of type {kind!r}")
            self._script = []
        if tag in NEVER or tag == "meta" and "http-equiv" in dict(attrs):
            self.problems.append(f"a {tag} element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler attribute {name}={value!r} on {tag}")
            if name in URL_ATTRIBUTES and value is not None:
                self.links.append(value)
                scheme = re.match(r"\s*([^:/?#]*):", value)
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value!r} on {tag}")

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        (self._script if self._script is not None else self.text).append(data)

    @property
    def shown(self) -> str:
        return "".join(self.text)


def audit(url: str, target: str, tally, accept="text/html") -> Audit:
    """Fetch a page and count it as one case: it parses to no script, handler or bad link, and its JSON-LD parses."""
    reply = send(url, target, headers={"Accept": accept})
    page = Audit()
    page.feed(reply.text)
    page.close()
    for block in page.scripts:
        try:
            json.loads(block)
        except ValueError as error:
            page.problems.append(f"JSON-LD that does not parse: {error}")
    safe = reply.status == 200 and not page.problems
    assert tally(CLASS).case(f"HTML of {target}", safe), (reply.status, page.problems)
    return page


PAGES = ["/doc/praktijk/sociale-cohesie", "/doc/praktijk/sociale-cohesie?lang=en",
         "/doc/organisatie/levl", "/doc/initiatief/allee-du-kaai", "/doc/bron/000_f828c39997d712d8",
         "/", "/catalog", "/ns", "/tables/", "/queries", "/search?q=alert", "/search?q=" + urllib.parse.quote(TITLE),
         "/search?q=" + urllib.parse.quote(BREAKERS[1])]


@pytest.mark.parametrize("target", PAGES)
def test_a_page_runs_no_script_of_the_data_and_links_nowhere_else(hostile, target, tally):
    audit(hostile, target, tally)


def test_the_practice_page_shows_every_hostile_text_as_text(hostile, tally):
    page = audit(hostile, "/doc/praktijk/sociale-cohesie", tally)
    for text in [TITLE, *BREAKERS, *FORMULAS[:2]]:
        assert tally(CLASS).case(f"{text[:40]!r} shown as text on the practice page", text in page.shown)
    for iri in BAD_IRIS[:2]:
        assert tally(CLASS).case(f"{iri} shown as text, not a link", iri in page.shown and iri not in page.links)


def test_the_embedded_json_ld_parses_to_the_same_title_and_holds_no_bad_iri(hostile, tally):
    page = audit(hostile, "/doc/praktijk/sociale-cohesie", tally)
    data = json.loads(page.scripts[0])
    iris = re.findall(r"[a-zA-Z]+:[^\"\s]*", json.dumps(data))
    assert tally(CLASS).case("</script> inside the JSON-LD", data["name"] == TITLE)
    assert tally(CLASS).case("javascript: IRIs left out of the JSON-LD",
                             not any(iri.lower().startswith(("javascript", "data:", "vbscript")) for iri in iris))


def test_other_pages_show_their_hostile_texts_as_text(hostile, tally):
    shown = {target: audit(hostile, target, tally).shown for target in
             ("/doc/organisatie/levl", "/doc/initiatief/allee-du-kaai", "/doc/bron/000_f828c39997d712d8")}
    for target, text in (("/doc/organisatie/levl", BREAKERS[0]), ("/doc/initiatief/allee-du-kaai", COVERAGE),
                         ("/doc/initiatief/allee-du-kaai", TELEPHONE), ("/doc/initiatief/allee-du-kaai", INITIATIVE),
                         ("/doc/bron/000_f828c39997d712d8", BAD_IRIS[3])):
        assert tally(CLASS).case(f"{text[:40]!r} as text on {target}", text in shown[target])


@pytest.mark.parametrize("suffix, kind", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_every_rdf_format_gives_the_literals_back_as_written(hostile, suffix, kind, tally):
    graph = rdflib.Graph()
    for document in ("praktijk/sociale-cohesie", "initiatief/allee-du-kaai"):
        reply = send(hostile, f"/doc/{document}.{suffix}")
        assert reply.status == 200
        graph.parse(data=reply.body, format=kind)
    values = {str(o) for o in graph.objects() if isinstance(o, rdflib.Literal)}
    iris = {str(o) for o in graph.objects() if isinstance(o, rdflib.URIRef)}
    for text in [TITLE, *BREAKERS, *FORMULAS, INITIATIVE, COVERAGE]:
        assert tally(CLASS).case(f"{text[:30]!r} round-trips through {suffix}", text in values)
    assert tally(CLASS).case(f"javascript: IRIs round-trip through {suffix}", set(BAD_IRIS[:2]) <= iris)


def test_sparql_results_as_a_page_show_literals_and_iris_as_text(hostile, tally):
    query = 'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "alert|cmd|HYPERLINK|^=|^java", "i")) }'
    page = audit(hostile, "/sparql?query=" + urllib.parse.quote(query), tally)
    for text in [TITLE, *BREAKERS, *FORMULAS[:2], INITIATIVE, COVERAGE, *BAD_IRIS[:2]]:
        assert tally(CLASS).case(f"{text[:30]!r} as text in SPARQL results", text in page.shown)


def test_canned_query_pages_show_the_hostile_titles_as_text(hostile, tally):
    names = [row["name"] for row in json.loads(send(hostile, "/queries.json").body)]
    targets = [f"/queries/{name}" for name in names] + ["/queries/initiatieven-in-gemeente?nis=21004"]
    shown = "".join(audit(hostile, target, tally).shown for target in targets)
    for text in (TITLE, INITIATIVE):
        assert tally(CLASS).case(f"{text[:30]!r} as text in a canned query's results", text in shown)


def test_the_tables_neutralise_every_formula_and_give_the_values_back(hostile, tally):
    cells = {}
    for name in ("praktijken", "initiatieven", "organisaties", "gemeenten"):
        reply = send(hostile, f"/tables/{name}.csv")
        rows = list(csv.DictReader(io.StringIO(reply.body.decode("utf-8"), newline="")))
        cells.update({(name, row["uri"].rsplit("/", 1)[1], key): value for row in rows for key, value in row.items()})
    for where, cell in cells.items():
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert tally(CLASS).case(f"formula left in {where}: {cell[:30]!r}", False)
    practice = cells["praktijken", "sociale-cohesie", "succesfactoren"]
    assert tally(CLASS).case("a neutralised multi-valued cell gives its values back",
                             practice.startswith("'") and set(practice[1:].split(" | ")) >= set(FORMULAS[::2]))
    challenges = cells["praktijken", "sociale-cohesie", "uitdagingen"]
    assert tally(CLASS).case("a cell starting with ' gets one more, so the rule reverses",
                             challenges.startswith("''") and FORMULAS[1] in challenges[1:].split(" | "))
    assert tally(CLASS).case("= title neutralised", cells["initiatieven", "allee-du-kaai", "titel"] == "'" + INITIATIVE)
    telephones = [cell for (table, _, key), cell in cells.items() if key == "contact_telefoon" and cell]
    assert all(not cell.startswith("+") for cell in telephones)


def test_the_change_feed_and_the_catalogue_carry_the_literals_as_data(hostile, tally):
    graph, number = rdflib.Graph(), 1
    while (reply := send(hostile, f"/ldes/{number}", headers={"Accept": "text/turtle"})).status == 200:
        graph.parse(data=reply.body, format="turtle")
        number += 1
    assert tally(CLASS).case("the change feed gives the hostile title back", TITLE in {
        str(o) for o in graph.objects() if isinstance(o, rdflib.Literal)})
    catalogue = send(hostile, "/catalog.ttl")
    assert tally(CLASS).case("the catalogue parses", catalogue.status == 200 and len(
        rdflib.Graph().parse(data=catalogue.body, format="turtle")) > 0)


@pytest.mark.parametrize("where, triple", [
    ("owl:sameAs", "organisatie:levl owl:sameAs <JaVaScRiPt:alert(1)> ."),
    ("dct:source", "organisatie:levl dct:source <data:text/html,%3Cscript%3Ealert(1)%3C/script%3E> ."),
    ("foaf:homepage", "organisatie:levl foaf:homepage <javascript:alert(1)> ."),
    ("skos:closeMatch", "<https://w3id.org/samenleven/id/concept/doelgroep/ouderen> skos:closeMatch <vbscript:x> ."),
])
def test_where_the_shapes_look_the_build_refuses_the_iri(graph_copy, tmp_path, where, triple, tally):
    prefixes = ("@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix dct: <http://purl.org/dc/terms/> . "
                "@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> . "
                "@prefix organisatie: <https://w3id.org/samenleven/id/organisatie/> .\n")
    graph_copy.joinpath("zz-hostile.ttl").write_text(prefixes + triple)
    done = subprocess.run([sys.executable, "-m", "publisher", "--graph-dir", str(graph_copy), "--build-dir",
                           str(tmp_path / "var"), "build"], cwd=PROJECT, capture_output=True, text=True)
    iri = triple.split("<")[-1].split(">")[0]
    refused = done.returncode == 1 and where in done.stdout + done.stderr and iri in done.stdout + done.stderr
    assert tally(CLASS).case(f"the build refuses {iri} as {where}", refused), done.stdout + done.stderr


# The link properties no fixture file uses: each has a shape of its own that checks the IRI's scheme. One build
# holds a hostile IRI on each, and its report must name every one, property and IRI.
UNUSED_LINKS = {
    "foaf:page": "<javascript:page()>", "schema:sameAs": "<vbscript:same>", "dcat:landingPage": "<data:text/html,x>",
    "schema:contentUrl": "<file:///etc/passwd>", "skos:exactMatch": "<javascript:exact()>",
    "skos:narrowMatch": "<ftp://narrow.example/>", "skos:relatedMatch": "<jar:related!/>",
    "skos:broadMatch": "<javascript:broad()>",
}


def test_a_hostile_iri_on_each_link_property_no_fixture_uses_is_refused_by_name(graph_copy, tmp_path, tally):
    prefixes = ("@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix schema: <http://schema.org/> . "
                "@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> . "
                "@prefix organisatie: <https://w3id.org/samenleven/id/organisatie/> .\n")
    lines = [f"organisatie:levl {where} {iri} ." for where, iri in UNUSED_LINKS.items()]
    graph_copy.joinpath("zz-hostile-links.ttl").write_text(prefixes + "\n".join(lines) + "\n")
    done = subprocess.run([sys.executable, "-m", "publisher", "--graph-dir", str(graph_copy), "--build-dir",
                           str(tmp_path / "var"), "build"], cwd=PROJECT, capture_output=True, text=True)
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    for where, iri in UNUSED_LINKS.items():
        assert tally(CLASS).case(f"the build refuses {iri[1:-1]} as {where}", where in said and iri[1:-1] in said), \
            (where, said[-3000:])
