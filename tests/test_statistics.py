"""The statistics page, its map and the municipality outlines, over HTTP on the fixture graph.

Every number the page shows is recounted here from the build's Turtle dump with rdflib, by this file's own roll-up
(a locality to its municipality, a ceased municipality to its successor, a practice to where its initiatives are),
not by the publisher's query.
"""

import http.client
import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS

from conftest import GRAPH, start_server, stop_server
from conftest import http as fetch
from _rollup import municipality_of

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
SVG = "{http://www.w3.org/2000/svg}"
KINDS = {"practices": SL.Practice, "initiatives": SL.Initiative}
BOUNDARIES = json.loads((GRAPH / "gazetteer" / "gemeente-2025.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    return rdflib.Graph().parse(Path(built[0]["build_dir"]) / "current" / "graph.ttl", format="turtle")


@pytest.fixture(scope="module")
def pages(server) -> dict:
    url, _ = server
    found = {}
    for lang in ("nl", "en"):
        status, headers, body = fetch(f"{url}/statistieken?lang={lang}")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        found[lang] = body.decode()
    return found


class Tables(HTMLParser):
    """The tables of numbers of a page: caption → rows of (name, link, NIS code, practices, initiatives)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables, self.current, self.row, self.cell, self.caption = {}, None, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "caption":
            self.caption = ""
        elif tag == "tr" and self.current is not None:
            self.row = {"name": "", "href": None, "nis": attrs.get("data-nis"), "numbers": []}
        elif tag in ("th", "td") and self.row is not None:
            self.cell = ""
        elif tag == "a" and self.row is not None:
            self.row["href"] = attrs["href"]

    def handle_data(self, data):
        if self.caption is not None:
            self.caption += data
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self.current, self.caption = self.caption.strip(), None
            self.tables[self.current] = []
        elif tag == "th" and self.row is not None and self.cell is not None:
            self.row["name"], self.cell = self.row["name"] or self.cell.strip(), None
        elif tag == "td" and self.row is not None:
            self.row["numbers"].append(int(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row["numbers"]:  # not the header row
                self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None


# --- the roll-up, written again here (municipality_of: tests/_rollup.py) ------------------------------------

def placed(graph) -> dict:
    """Each practice and initiative with the set of municipalities of today it is in."""
    found = {}
    for initiative in graph.subjects(RDF.type, SL.Initiative):
        found[initiative] = {m for p in graph.objects(initiative, DCTERMS.spatial) if (m := municipality_of(graph, p))}
    for practice in graph.subjects(RDF.type, SL.Practice):
        found[practice] = set().union(*(found[i] for i in graph.subjects(SL.appliesPractice, practice)))
    return found


def kind_of(graph, item) -> str:
    return next(name for name, cls in KINDS.items() if (item, RDF.type, cls) in graph)


def tally(graph, keys_of) -> dict:
    """key → (practices, initiatives), with None for the things that have no key."""
    counts = Counter()
    for name, cls in KINDS.items():
        for item in set(graph.subjects(RDF.type, cls)):
            for key in keys_of(item) or {None}:
                counts[key, name] += 1
    return {key: (counts[key, "practices"], counts[key, "initiatives"]) for key, _ in counts}


def shown(rows) -> dict:
    """The rows of a table of the page: link (or name of a row without one) → (practices, initiatives)."""
    return {row["href"] or row["name"]: tuple(row["numbers"]) for row in rows}


def listed(url: str, facet: str, uri) -> str:
    """The filtered list of practices a row of a chart links to (URLS of issue 13)."""
    return f"{url}/praktijken?{facet}={str(uri).rsplit('/', 1)[-1]}"


def local(url: str, uri) -> str:
    return uri.replace("https://w3id.org/samenleven/", url + "/")


# --- the tests ------------------------------------------------------------------------------------------------

def test_counts_per_municipality_roll_up_and_count_what_has_no_place(server, graph, pages):
    url, _ = server
    found = placed(graph)
    expected = tally(graph, lambda item: found[item])
    table = Tables(pages["nl"]).tables["Per gemeente"]
    rows = shown(table)
    assert rows.pop("zonder plaats") == expected.pop(None)
    assert rows == {local(url, str(m)): counts for m, counts in expected.items()}
    by_nis = {row["nis"]: tuple(row["numbers"]) for row in table if row["nis"]}
    # What was placed on Lochristi of before 2025 (44034) counts for the new Lochristi (44087), what was placed on
    # the district Deurne for Antwerpen, what was placed on Kessel-Lo for Leuven; 44034 has no row of its own.
    initiative = rdflib.Namespace("https://w3id.org/samenleven/id/initiatief/")
    gemeente = rdflib.Namespace("https://w3id.org/samenleven/id/gemeente/")
    assert set(graph.objects(initiative["lochristi-burenbuddies"], DCTERMS.spatial)) == {gemeente["44034"]}
    assert by_nis["44087"] == (1, 1) and "44034" not in by_nis
    plaats = rdflib.Namespace("https://w3id.org/samenleven/id/plaats/")
    assert set(graph.objects(initiative["deurne-pennenvrienden"], DCTERMS.spatial)) == {plaats["antwerpen-deurne"]}
    assert gemeente["11002"] in found[initiative["deurne-pennenvrienden"]]
    assert by_nis["11002"][1] == sum(1 for i in graph.subjects(RDF.type, SL.Initiative) if gemeente["11002"] in found[i])
    assert gemeente["24062"] in found[initiative["casablanca"]] and by_nis["24062"][1] >= 1
    assert rows and expected  # the fixture places things


def test_counts_per_province_include_their_municipalities(server, graph, pages):
    url, _ = server
    found = placed(graph)

    def areas(item):
        return {graph.value(m, SL.province) or graph.value(m, SL.region) for m in found[item]}

    expected = tally(graph, areas)
    rows = shown(Tables(pages["nl"]).tables["Per provincie"])
    assert rows.pop(listed(url, "provincie", "zonder")) == expected.pop(None) != (0, 0)
    areas_shown = set(graph.subjects(RDF.type, SL.Province)) | {rdflib.URIRef(
        "https://w3id.org/samenleven/id/gewest/04000")}  # Brussels, whose municipalities have no province
    assert rows == {listed(url, "provincie", area): expected.get(area, (0, 0)) for area in areas_shown}


@pytest.mark.parametrize("caption, prop, nothing, facet", [
    ("Per beleidsdomein", SL.policyDomain, "zonder beleidsdomein", "beleidsdomein"),
    ("Per doelgroep", SL.targetGroup, "zonder doelgroep", "doelgroep")])
def test_counts_per_concept_link_to_the_list_of_the_concept(server, graph, pages, caption, prop, nothing, facet):
    url, _ = server
    expected = tally(graph, lambda item: set(graph.objects(item, prop)))
    rows = shown(Tables(pages["nl"]).tables[caption])
    assert rows.pop(nothing) == expected.pop(None)
    scheme = next(graph.objects(next(iter(expected)), SKOS.inScheme))
    assert rows == {listed(url, facet, c): expected.get(c, (0, 0)) for c in graph.subjects(SKOS.inScheme, scheme)}


def test_counts_per_year_are_those_of_first_publication(graph, pages):
    expected = tally(graph, lambda item: {str(date)[:4] for date in graph.objects(item, DCTERMS.issued)})
    rows = shown(Tables(pages["nl"]).tables["Per jaar van eerste publicatie"])
    assert rows.pop("zonder datum") == expected.pop(None, (0, 0))
    assert rows == expected and sum(p + i for p, i in rows.values()) == len(placed(graph))


def test_every_chart_is_svg_with_a_title_and_its_bars_link_to_lists(server, pages):
    url, _ = server
    charts = svgs(pages["nl"])
    assert len(charts) == 5  # four charts and the map
    for svg in charts:
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
    welfare = [a for a in charts[0].iter(f"{SVG}a") if a.get("href").endswith("/praktijken?beleidsdomein=welzijn")]
    assert welfare and "Welzijn en zorg" in welfare[0].find(f"{SVG}title").text
    status, _, body = fetch(welfare[0].get("href"), headers={"Accept": "text/html"})
    assert status == 200 and "Welzijn en zorg" in body.decode()


def test_each_municipality_of_the_map_links_to_its_page_with_its_name_and_count(server, graph, pages):
    url, _ = server
    found = placed(graph)
    mapped = svgs(pages["nl"])[-1]
    links = {a.get("href"): a for a in mapped.iter(f"{SVG}a")}
    for feature in BOUNDARIES["features"]:
        nis, name = feature["properties"]["geoitem"], feature["properties"]["naam"]
        link = links[f"{url}/id/gemeente/{nis}"]
        uri = rdflib.URIRef(f"https://w3id.org/samenleven/id/gemeente/{nis}")
        initiatives = sum(1 for i in graph.subjects(RDF.type, SL.Initiative) if uri in found[i])
        practices = sum(1 for p in graph.subjects(RDF.type, SL.Practice) if uri in found[p])
        assert link.find(f"{SVG}title").text == f"{name}: praktijken: {practices}, initiatieven: {initiatives}"
        assert link.find(f"{SVG}path").get("d").count("M") == sum(len(polygon) for polygon in polygons(feature))
    assert len(links) == len(BOUNDARIES["features"])
    # Every path of the map's municipalities is inside a link (the legend draws rectangles).
    assert len(list(mapped.iter(f"{SVG}path"))) == len(links)
    # The map's colours differ where the counts do: Antwerpen (5 initiatives) and Diest (none).
    fills = {href.rsplit("/", 1)[-1]: a.find(f"{SVG}path").get("fill") for href, a in links.items()}
    assert fills["11002"] != fills["24020"]
    status, _, body = fetch(f"{url}/id/gemeente/44087", headers={"Accept": "text/html"})
    assert status == 200 and "Lochristi" in body.decode()


def test_a_municipality_page_shows_its_own_outline(server, pages):
    url, _ = server
    on_map = {a.get("id"): a.find(f"{SVG}path").get("d") for a in svgs(pages["nl"])[-1].iter(f"{SVG}a")}
    status, _, body = fetch(f"{url}/doc/gemeente/44021", headers={"Accept": "text/html"})
    assert status == 200
    (outline,) = svgs(body.decode())
    highlighted = [p for p in outline.iter(f"{SVG}path") if p.get("id") == "gemeente-44021"]
    assert len(highlighted) == 1 and highlighted[0].get("d") == on_map["gemeente-44021"]
    assert "Gent" in outline.find(f"{SVG}title").text
    # Only the municipalities of 2025 in Flanders and Brussels have one: not Lochristi of before the merger, not
    # Liège.
    for nis in ("44034", "62063"):
        status, _, body = fetch(f"{url}/doc/gemeente/{nis}", headers={"Accept": "text/html"})
        assert status == 200 and svgs(body.decode()) == []


def test_the_numbers_come_from_the_build_and_no_request_counts(built, tmp_path):
    """A build whose statistics.json says otherwise is shown as it says; without it, a 503 that says why."""
    source = Path(built[0]["build_dir"]) / "current"
    copy = tmp_path / "var"
    shutil.copytree(source, copy / "builds" / source.name)
    (copy / "current").symlink_to(Path("builds") / source.name)
    artefact = copy / "builds" / source.name / "statistics.json"
    figures = json.loads(artefact.read_text())
    gent = next(row for row in figures["municipalities"]["rows"] if row["nis"] == "44021")
    gent["initiatives"] = 777
    figures["charts"]["policy_domains"]["none"]["initiatives"] = 4242
    artefact.write_text(json.dumps(figures))
    process, url = start_server(copy)
    try:
        page = fetch(f"{url}/statistieken")[2].decode()
    finally:
        stop_server(process)
    assert shown(Tables(page).tables["Per gemeente"])[f"{url}/id/gemeente/44021"][1] == 777
    assert shown(Tables(page).tables["Per beleidsdomein"])["zonder beleidsdomein"][1] == 4242
    gent_on_map = next(a for a in svgs(page)[-1].iter(f"{SVG}a") if a.get("id") == "gemeente-44021")
    assert gent_on_map.find(f"{SVG}title").text.endswith("initiatieven: 777")
    artefact.unlink()  # a build made before the statistics were counted
    process, url = start_server(copy)
    try:
        status, _, body = fetch(f"{url}/statistieken", headers={"Accept": "text/plain"})
    finally:
        stop_server(process)
    assert status == 503 and b"samenleven build" in body


def test_both_languages_show_their_own_labels(server, pages):
    url, _ = server
    english, dutch = pages["en"], pages["nl"]
    assert "By policy domain" in english and "Welfare and care" in english and "no place" in english
    assert "Per beleidsdomein" not in english and "Welzijn en zorg" not in english and "zonder plaats" not in english
    assert "Per beleidsdomein" in dutch and "Welzijn en zorg" in dutch and "Welfare and care" not in dutch
    assert "initiatives: " in svgs(english)[-1].find(f".//{SVG}a/{SVG}title").text
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=30)
    connection.request("GET", "/statistics")  # not followed: the answer itself is the redirect
    answer = connection.getresponse()
    assert answer.status == 301 and answer.getheader("Location").endswith("/statistieken?lang=en")
    connection.close()


def test_the_home_page_and_the_menu_link_to_the_statistics(server):
    url, _ = server
    for page in ("/", "/ns"):
        body = fetch(url + page, headers={"Accept": "text/html"})[2].decode()
        assert 'href="/statistieken"' in body
    assert f"<loc>{url}/statistieken</loc>" in fetch(url + "/sitemap.xml")[2].decode()


def svgs(html: str) -> list:
    """Each <svg> of a page, parsed as XML (so a chart that is not well-formed fails here)."""
    found, start = [], html.find("<svg")
    while start != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = html.find("<svg", end)
    return found


def polygons(feature) -> list:
    geometry = feature["geometry"]
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
