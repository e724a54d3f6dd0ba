"""The importer keeps what the page says (issue 12): partners, initiatives before any places line, ceased names."""

import subprocess
import sys

import pytest
import rdflib
from rdflib.namespace import DCTERMS as DCT, RDF, SKOS

from conftest import GRAPH, PROJECT, RECORD
from publisher import config, importer

B = "https://w3id.org/samenleven/id/"
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
SCHEMA = rdflib.Namespace("http://schema.org/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
PRACTICE = rdflib.URIRef(f"{B}praktijk/sociale-cohesie")
PARTNERS = """
Partners

 • VVSG
 • Buurtwerk Noord vzw: begeleidt de pleinvrijwilligers, info@buurtwerk-noord.example, https://buurtwerk-noord.example

Organisaties

 • Stad Gent

Contact

 • Samenleventeam – samenleven-team@example.org
 • https://example.org/contact

"""
EARLY = "\n • Buurtsoep: elke week soep met de buren, waar het maar kan.\n"


def page(tmp_path, replacements: dict, insert_after: dict | None = None):
    text = RECORD.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    for anchor, extra in (insert_after or {}).items():
        assert anchor in text
        text = text.replace(anchor, anchor + extra, 1)
    path = tmp_path / "pagina.txt"
    path.write_text(text, encoding="utf-8")
    return path, text.splitlines()


def initiative(slug):
    return rdflib.URIRef(f"{B}initiatief/{slug}")


def organisation_named(label: str) -> rdflib.URIRef:
    graph = rdflib.Graph().parse(GRAPH / "organisaties.ttl")
    return next(s for s in graph.subjects(RDF.type, SL.Organisation)
                if rdflib.Literal(label, lang="nl") in set(graph.objects(s, SKOS.prefLabel))
                | set(graph.objects(s, SKOS.altLabel)))


@pytest.fixture(scope="module")
def partnered(tmp_path_factory):
    path, lines = page(tmp_path_factory.mktemp("partners"), {"\nNuttige links\n": PARTNERS + "Nuttige links\n"})
    return importer.import_page(path, config.load({"graph_dir": GRAPH}), title="Sociale cohesie"), lines


def test_partners_organisaties_and_contact_become_the_practice_s_organisations(partnered):
    result, _ = partnered
    g = result.graph
    minted = rdflib.URIRef(f"{B}organisatie/buurtwerk-noord-vzw")
    assert set(g.objects(PRACTICE, SL.partner)) == {organisation_named("VVSG"), organisation_named("Stad Gent"),
                                                    minted, rdflib.URIRef(f"{B}organisatie/samenleventeam")}
    assert (minted, RDF.type, SL.Organisation) in g
    assert (minted, DCT.description, rdflib.Literal("begeleidt de pleinvrijwilligers", lang="nl")) in g
    assert (minted, FOAF.homepage, rdflib.URIRef("https://buurtwerk-noord.example")) in g
    emails = {str(g.value(point, SCHEMA.email)) for point in g.objects(minted, SCHEMA.contactPoint)}
    assert emails == {"info@buurtwerk-noord.example"}
    assert (organisation_named("VVSG"), RDF.type, SL.Organisation) not in g  # known: linked, not minted again
    urls = {g.value(point, SCHEMA.url) for point in g.objects(PRACTICE, SCHEMA.contactPoint)}
    assert urls == {rdflib.URIRef("https://example.org/contact")}  # an address without a name: the practice's


def test_a_minted_organisation_is_a_warning_on_its_line(partnered):
    result, lines = partnered
    line = next(i for i, text in enumerate(lines, 1) if "Buurtwerk Noord" in text)
    assert "minted organisation" in dict(result.warnings)[line]


def test_an_initiative_before_any_places_line_is_kept_without_a_place(tmp_path):
    path, lines = page(tmp_path, {}, {"Deze praktijk in\n": EARLY})
    result = importer.import_page(path, config.load({"graph_dir": GRAPH}), title="Sociale cohesie")
    soup = initiative("buurtsoep")
    assert (soup, RDF.type, SL.Initiative) in result.graph
    assert (soup, SL.appliesPractice, PRACTICE) in result.graph
    assert list(result.graph.objects(soup, DCT.spatial)) == []
    line = next(i for i, text in enumerate(lines, 1) if "Buurtsoep" in text)
    assert "before any places line, kept without a place" in dict(result.warnings)[line]


@pytest.mark.parametrize("places, on, spatial, coverage", [
    # a sub-municipality; the initiative's text names Kessel-Lo, another part of Leuven
    ("Heverlee", None, {"plaats/leuven-heverlee", "plaats/leuven-kessel-lo"}, set()),
    ("Melle", None, {"plaats/merelbeke-melle-melle"}, set()),                   # ceased, a part of its successor
    ("Melle", "2020-01-01", {"gemeente/44040"}, set()),                         # the page's date
    ("Ham", None, {"gemeente/71071"}, {"Ham"}),                                 # ceased: successor, own wording
    ("Ham", "2020-01-01", {"gemeente/71069"}, set()),
    ("Ghent", None, {"gemeente/44021"}, set()),
])
def test_places_link_at_the_page_s_date_and_keep_the_page_s_wording(tmp_path, places, on, spatial, coverage):
    path, _ = page(tmp_path, {"\nLeuven\n": f"\n{places}\n"})
    done = subprocess.run([sys.executable, "-m", "publisher", "import", str(path), "--title", "Sociale cohesie",
                           "--dry-run", *(["--on", on] if on else [])], capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    g = rdflib.Graph().parse(data=done.stdout, format="turtle")
    casablanca = initiative("casablanca")
    assert {str(p)[len(B):] for p in g.objects(casablanca, DCT.spatial)} == spatial
    assert {str(c) for c in g.objects(casablanca, DCT.coverage)} == coverage
    if coverage:
        assert "replaced by Tessenderlo-Ham (71071)" in done.stderr


def test_an_imported_page_with_partners_passes_the_shapes(tmp_path, graph_copy, partnered):
    result, _ = partnered
    (graph_copy / "praktijk-sociale-cohesie.ttl").write_text(result.graph.serialize(format="turtle"),
                                                               encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "publisher", "--graph-dir", str(graph_copy), "validate"],
                          capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
