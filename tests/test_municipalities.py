"""Municipalities and their identifiers, as the built store holds them."""

import pytest

B = "https://w3id.org/samenleven/id/"
PREFIXES = """PREFIX sl: <https://w3id.org/samenleven/ns#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX owl: <http://www.w3.org/2002/07/owl#>"""


def ask(store, body):
    return store.graph.ask(PREFIXES + " ASK { " + body + " }")


def count(store, where):
    rows = list(store.graph.select(PREFIXES + " SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { " + where + " }"))
    return int(rows[0]["n"].value)


def test_565_current_and_44_historical_municipalities(store):
    """29 ceased in 2025 (graph/gemeenten-fusies-2025.ttl), 15 in 2019 (graph/gazetteer/fusies-2019.csv)."""
    assert count(store, "?m a sl:Municipality FILTER NOT EXISTS { ?m dct:isReplacedBy ?x }") == 565
    assert count(store, "?m a sl:Municipality ; dct:isReplacedBy ?x") == 44


def test_gent_has_its_codes_names_province_and_registry_link(store):
    assert ask(store, f"""<{B}gemeente/44021> skos:prefLabel "Gent"@nl, "Gand"@fr ;
        skos:notation "44021"^^sl:NisCode ; dct:identifier "44021" ; sl:postalCode "9000" ;
        sl:province <{B}provincie/40000> ; sl:region <{B}gewest/02000> ;
        owl:sameAs <https://data.vlaanderen.be/id/gemeente/44021> .
        <{B}provincie/40000> sl:region <{B}gewest/02000> .""")


def test_brussels_has_no_province_and_walloon_has_no_flemish_registry_link(store):
    assert not ask(store, f"<{B}gemeente/21004> sl:province ?p")
    assert ask(store, f"<{B}gemeente/21004> owl:sameAs <https://data.vlaanderen.be/id/gemeente/21004>")
    assert not ask(store, f"<{B}gemeente/62063> owl:sameAs ?registry")  # Luik


@pytest.mark.parametrize("old, new", [
    ("11007", "11002"), ("23023", "23106"), ("23024", "23106"), ("23032", "23106"), ("37018", "37021"),
    ("44034", "44087"), ("44073", "44087"), ("46014", "46029"), ("44045", "46029"), ("11056", "46030"),
    ("71022", "71072"), ("73040", "71072"), ("73083", "73111"), ("82003", "82039"), ("82005", "82039"),
    # 2019 (Statbel REFNIS, as issue 12 tables it)
    ("12030", "12041"), ("12034", "12041"), ("44011", "44083"), ("44049", "44083"), ("45017", "45068"),
    ("72040", "72042"), ("71047", "72042"), ("72025", "72043"), ("44080", "44085"), ("44029", "44084"),
])
def test_merged_codes_are_replaced_by_their_successor(store, old, new):
    assert ask(store, f"<{B}gemeente/{old}> dct:isReplacedBy <{B}gemeente/{new}> . "
                      f"<{B}gemeente/{new}> dct:replaces <{B}gemeente/{old}>")


def test_flemish_codes_ended_on_2024_12_31_and_walloon_ones_carry_no_guessed_date(store):
    assert ask(store, f'<{B}gemeente/44034> sl:validUntil "2024-12-31"^^<http://www.w3.org/2001/XMLSchema#date>')
    assert ask(store, f'<{B}gemeente/44087> sl:validFrom "2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date>')
    assert not ask(store, f"<{B}gemeente/82003> sl:validUntil ?d")
    assert not ask(store, f"<{B}gemeente/11002> sl:validFrom ?d")  # Antwerpen kept its code
