"""The lists with facets over real HTTP on the fixture graph: every count against the rows recomputed here with
rdflib and a roll-up of this file's own, the roll-ups, paging, the SPARQL each list shows, formats and refusals."""

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib

from conftest import start_server, stop_server
from _rollup import list_facets

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
ID = "https://w3id.org/samenleven/id/"
LISTS = {"praktijken": SL.Practice, "initiatieven": SL.Initiative, "organisaties": SL.Organisation}


def get(url, accept="application/json"):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})) as reply:
        return reply.status, dict(reply.headers), reply.read()


def listing(server, name, query=""):
    return json.loads(get(f"{server}/{name}.json{'?' + query if query else ''}")[2])


@pytest.fixture(scope="module")
def url(server):
    return server[0]


@pytest.fixture(scope="module")
def graph(url):
    found = rdflib.Graph()
    found.parse(data=get(f"{url}/dumps/graph.ttl", "text/turtle")[2], format="turtle")
    return found


def code(node) -> str:
    return str(node).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def expected(graph):
    """Per list, per facet, per value: the set of things, as the tests read the model (README, "Lists")."""
    return list_facets(graph)


def uris(answer):
    return {item["uri"] for item in answer["items"]}


@pytest.mark.parametrize("kind", LISTS)
def test_every_count_is_the_number_of_rows_behind_its_filter(url, expected, kind):
    whole = listing(url, kind)
    assert uris(whole) == expected[kind]["*"] and whole["total"] == len(expected[kind]["*"])
    for facet, entries in whole["facets"].items():
        assert {e["value"]: e["count"] for e in entries} == \
            {value: len(things) for value, things in expected[kind][facet].items()}, facet
        for entry in entries:
            rows = listing(url, kind, urllib.parse.urlencode({facet: entry["value"]}))
            assert rows["total"] == entry["count"] and uris(rows) == expected[kind][facet][entry["value"]]


COMBINATIONS = [("initiatieven", [("gemeente", "11002"), ("gemeente", "zonder"), ("doelgroep", "ouderen")]),
                ("initiatieven", [("provincie", "40000"), ("beleidsdomein", "welzijn"), ("plaats", "bekend")]),
                ("praktijken", [("gemeente", "44034"), ("programma", "zorgzame-buurten")]),
                ("praktijken", [("provincie", "10000"), ("provincie", "70000"), ("doel", "competentieontwikkeling")]),
                ("organisaties", [("gemeente", "11002"), ("doelgroep", "ouderen"), ("doelgroep", "kinderen")]),
                ("organisaties", [("provincie", "zonder")]),
                ("initiatieven", [("plaats", "onbekend"), ("sorteer", "gewijzigd")])]
CEASED = {"44034": "44087"}


def rows_of(expected, kind, pairs, leave_out=None):
    """AND across facets, OR within one, as the README says; ``leave_out`` a facet."""
    chosen = {}
    for facet, value in pairs:
        if facet != "sorteer" and facet != leave_out:
            chosen.setdefault(facet, set()).add(CEASED.get(value, value) if facet == "gemeente" else value)
    found = set(expected[kind]["*"])
    for facet, values in chosen.items():
        found &= set().union(*(expected[kind][facet].get(v, set()) for v in values))
    return found


@pytest.mark.parametrize("kind,pairs", COMBINATIONS)
def test_filters_combine_and_count_within_the_other_facets(url, expected, kind, pairs):
    answer = listing(url, kind, urllib.parse.urlencode(pairs))
    assert uris(answer) == rows_of(expected, kind, pairs) and answer["total"] == len(uris(answer))
    for facet, entries in answer["facets"].items():
        others = rows_of(expected, kind, pairs, leave_out=facet)
        for entry in entries:
            assert entry["count"] == len(others & expected[kind][facet].get(entry["value"], set())), (facet, entry)


@pytest.mark.parametrize("kind,pairs", COMBINATIONS + [("organisaties", []), ("praktijken", [("gemeente", "zonder")])])
def test_the_sparql_a_list_shows_gives_its_rows(url, kind, pairs):
    page = get(f"{url}/{kind}?{urllib.parse.urlencode(pairs)}", "text/html")[2].decode()
    link = page.split('class="sparql" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert link.startswith("/sparql?query=")
    answer = json.loads(get(url + link, "application/sparql-results+json")[2])
    found = [b["item"]["value"] for b in answer["results"]["bindings"]]
    expected = listing(url, kind, urllib.parse.urlencode(pairs))
    assert len(found) == len(set(found)) and set(found) == uris(expected)


def test_the_roll_ups(url):
    lochristi = uris(listing(url, "initiatieven", "gemeente=44087"))
    assert ID + "initiatief/lochristi-burenbuddies" in lochristi
    assert uris(listing(url, "initiatieven", "gemeente=44034")) == lochristi  # a ceased code rolls up
    antwerpen = uris(listing(url, "initiatieven", "gemeente=11002"))
    assert {ID + "initiatief/deurne-pennenvrienden", ID + "initiatief/zorgzame-buurt-creeren"} <= antwerpen
    assert antwerpen <= uris(listing(url, "initiatieven", "provincie=10000"))
    assert ID + "praktijk/sociale-samenhang-ondersteunen" in uris(listing(url, "praktijken", "gemeente=44087"))
    page = get(f"{url}/doc/gemeente/44087", "text/html")[2].decode()
    placed = page.split('id="placed"', 1)[1].split("</section>", 1)[0]
    assert ID + "initiatief/lochristi-burenbuddies" in placed and "/initiatieven?gemeente=44087" in placed
    page = get(f"{url}/doc/gemeente/11002", "text/html")[2].decode()
    assert ID + "initiatief/zorgzame-buurt-creeren" in page.split('id="placed"', 1)[1].split("</section>", 1)[0]


@pytest.fixture(scope="module")
def small_pages(built):
    process, url = start_server(built[0]["build_dir"], list_page_size=4)
    yield url
    stop_server(process)


@pytest.mark.parametrize("query", ["", "sorteer=gewijzigd", "gemeente=zonder", "provincie=10000"])
def test_a_paged_list_gives_every_row_once(small_pages, expected, query):
    url, seen, pages = f"{small_pages}/organisaties.json{'?' + query if query else ''}", [], 0
    while url:
        status, headers, body = get(url)
        seen += [item["uri"] for item in json.loads(body)["items"]]
        pages += 1
        nexts = [part.split(">")[0].strip(" <") for part in headers.get("Link", "").split(",") if 'rel="next"' in part]
        url = nexts[0] if nexts else None
    whole = listing(small_pages, "organisaties", query)
    assert len(seen) == len(set(seen)) == whole["total"] and set(seen) == rows_of(
        expected, "organisaties", urllib.parse.parse_qsl(query)) and pages == whole["pages"]
    if whole["pages"] > 1:
        _, headers, _ = get(f"{small_pages}/organisaties.json?pagina=2{'&' + query if query else ''}")
        assert 'rel="prev"' in headers["Link"]


def test_formats_parse(url, expected):
    rows = list(csv.DictReader(io.StringIO(get(f"{url}/initiatieven.csv?gemeente=11002")[2].decode())))
    assert {row["uri"] for row in rows} == expected["initiatieven"]["gemeente"]["11002"]
    assert all(row["title"] for row in rows) and list(rows[0]) == ["uri", "title", "modified"]
    status, headers, body = get(f"{url}/initiatieven?gemeente=11002", "text/turtle")
    turtle = rdflib.Graph().parse(data=body, format="turtle")
    members = set(turtle.objects(None, rdflib.URIRef("http://www.w3.org/ns/hydra/core#member")))
    assert headers["Content-Type"].startswith("text/turtle") and {str(m) for m in members} == \
        expected["initiatieven"]["gemeente"]["11002"]
    assert get(f"{url}/praktijken")[1]["Content-Type"].startswith("application/json")  # */* gets data
    english = get(f"{url}/praktijken?lang=en", "text/html")[2].decode()
    assert "Target group" in english and "Doelgroep" not in english


@pytest.mark.parametrize("query,status", [
    ("gemeente=99999", 400), ("doelgroep=nobody", 400), ("pagina=abc", 400), ("pagina=0", 400), ("pagina=999", 404),
    ("pagina=" + "9" * 30, 400), ("sorteer=random", 400), ("plaats=bekend", 400), ("gemeenten=44021", 400),
    ("&".join(["pagina=1"] * 1000), 400)])
def test_a_bad_filter_is_a_clear_refusal(url, query, status):
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(f"{url}/praktijken.json?{query}")
    assert refused.value.code == status and refused.value.read()


def test_a_value_repeated_a_thousand_times_is_one_value(url):
    once = listing(url, "initiatieven", "gemeente=11002")
    assert listing(url, "initiatieven", "&".join(["gemeente=11002"] * 1000))["items"] == once["items"]
    assert listing(url, "initiatieven", "gemeente=11053")["total"] == 0  # a municipality with nothing here


def test_the_lists_are_in_the_sitemap_and_the_statistics_link_to_them(url):
    sitemap = get(f"{url}/sitemap.xml", "application/xml")[2].decode()
    assert all(f"<loc>{url}/{name}</loc>" in sitemap for name in LISTS)
    page = get(f"{url}/statistieken", "text/html")[2].decode()
    link = f"{url}/praktijken?provincie=zonder"
    assert f'href="{link}"' in page
    assert listing(url, "praktijken", "provincie=zonder")["total"] == 0  # both practices have places
