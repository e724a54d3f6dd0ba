"""The built fixture graph (tests/data/graph/) holds every entity of its files, linked to the right places."""

import pytest
import rdflib

from conftest import PROJECT

B = "https://w3id.org/samenleven/id/"
PREFIXES = """PREFIX sl: <https://w3id.org/samenleven/ns#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX prov: <http://www.w3.org/ns/prov#>"""


def ask(store, body):
    return store.graph.ask(PREFIXES + " ASK { " + body + " }")


def titled(store, cls, title):
    return ask(store, f'?x a sl:{cls} ; dct:title|skos:prefLabel|skos:altLabel ?t FILTER(CONTAINS(LCASE(STR(?t)), LCASE("{title}")))')


@pytest.mark.parametrize("title", [
    # seed 000: the record and its initiatives
    "PleinPatrons", "Curant", "Allee Du Kaai", "Hof ten Rode", "Bibambassadeurs", "WTS-Coaches", "Chillambas",
    "levensbeschouwelijke diversiteit", "Bart Brandsma", "Standaertsite", "Omstaandertraining", "Casablanca",
    "Mensen Maken de Stad", "Pleinmakers", "Samen inburgeren",
    # seed 003, the six the fixture keeps
    "Antwerpen helpt", "raampoëzie", "burenbuddies", "pennenvrienden", "200 brieven aan eenzame ouderen",
    "Een zorgzame buurt creëren",
])
def test_initiatives_of_the_pages_stand(store, title):
    assert titled(store, "Initiative", title)


@pytest.mark.parametrize("cls, title", [
    ("Practice", "Sociale cohesie"), ("Practice", "Sociale samenhang ondersteunen"),
    ("Programme", "Samenleven in diversiteit"), ("Programme", "Proeftuinen"), ("Programme", "Plan Samenleven"),
    ("Programme", "Verbindingsambassadeurs"), ("Organisation", "LEVL"), ("Organisation", "HIVA"),
    ("Organisation", "Agentschap Integratie"), ("Organisation", "Karel de Grote"), ("Organisation", "VVSG"),
    ("Organisation", "CURANT"), ("Organisation", "Zorgbedrijf Antwerpen"),
])
def test_practices_programmes_and_organisations_of_the_pages_stand(store, cls, title):
    assert titled(store, cls, title)


@pytest.mark.parametrize("title, place", [
    ("Bibambassadeurs", "gemeente/71016"), ("WTS-Coaches", "plaats/genk-winterslag"),
    ("Casablanca", "plaats/leuven-kessel-lo"), ("Standaertsite", "plaats/gent-ledeberg"),
    ("Allee Du Kaai", "gemeente/21004"), ("Hof ten Rode", "gemeente/42006"), ("Mensen Maken de Stad", "gemeente/12025"),
    ("Antwerpen helpt", "gemeente/11002"), ("burenbuddies", "gemeente/44034"),
    ("raampoëzie", "plaats/antwerpen-deurne"), ("raampoëzie", "gemeente/11002"), ("PleinPatrons", "gemeente/21004"),
    ("PleinPatrons", "gemeente/44021"),
])
def test_initiatives_are_linked_to_the_right_place(store, title, place):
    assert ask(store, f'?i a sl:Initiative ; dct:title ?t ; dct:spatial <{B}{place}> '
                      f'FILTER(CONTAINS(LCASE(STR(?t)), LCASE("{title}")))')


@pytest.mark.parametrize("cls, count", [
    # Counted by hand in tests/data/graph/ (its README): 15 + 6 initiatives.
    ("Practice", 2), ("Initiative", 21), ("Organisation", 33), ("Programme", 7), ("SourceDocument", 3),
])
def test_the_graph_holds_as_many_of_each_kind_as_the_fixture_files(store, cls, count):
    counted = next(iter(store.graph.select(PREFIXES + f" SELECT (COUNT(?x) AS ?n) {{ ?x a sl:{cls} }}")))
    assert int(counted["n"].value) == count


def test_an_initiative_with_no_place_has_none_but_its_coverage(store):
    assert not ask(store, f"<{B}initiatief/samen-inburgeren> dct:spatial ?p")
    assert ask(store, f'<{B}initiatief/samen-inburgeren> dct:coverage "Meer dan 30 gemeenten"@nl')


def test_every_practice_initiative_and_organisation_names_its_source_page(store):
    assert not ask(store, "?x a ?c VALUES ?c { sl:Practice sl:Initiative sl:Organisation sl:Programme } "
                          "FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?page . ?page a sl:SourceDocument }")


def test_practices_and_initiatives_have_dutch_and_english_titles(store):
    assert not ask(store, '?x a ?c VALUES ?c { sl:Practice sl:Initiative } '
                          'FILTER NOT EXISTS { ?x dct:title ?nl FILTER(LANG(?nl) = "nl") } ')
    assert not ask(store, '?x a ?c VALUES ?c { sl:Practice sl:Initiative } '
                          'FILTER NOT EXISTS { ?x dct:title ?en FILTER(LANG(?en) = "en") } ')


def test_standard_superclasses_are_materialised(store):
    assert ask(store, f"<{B}praktijk/sociale-cohesie> a <http://www.w3.org/ns/prov#Plan>")
    assert ask(store, f"<{B}plaats/genk-winterslag> <http://schema.org/containedInPlace> <{B}gemeente/71016>")


def _targets(kind: str) -> list[str]:
    """Return what the shapes target by ``sh:{kind}``, read from the shape files."""
    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "shapes_recommended.ttl"):
        shapes.parse(PROJECT / "shapes" / name, format="turtle")
    return sorted({str(t) for t in shapes.objects(None, rdflib.URIRef(f"http://www.w3.org/ns/shacl#{kind}"))})


@pytest.mark.parametrize("target", _targets("targetClass"))
def test_the_fixture_has_an_instance_of_every_class_a_shape_targets(store, target):
    """Every class shape is exercised by the suite's build (tests/data/graph/README.md)."""
    assert ask(store, f"?x a <{target}>")

