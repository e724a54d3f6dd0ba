"""`samenleven import`: practice pages (text or HTML) to Turtle in graph/."""

import os
import shutil
import subprocess
import sys

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS as DCT, RDF

from conftest import GRAPH, PROJECT, RECORD
from publisher import config, importer
from publisher.errors import InputError

B = "https://w3id.org/samenleven/id/"
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
SCHEMA = rdflib.Namespace("http://schema.org/")
HTML = PROJECT / "tests" / "fixtures" / "praktijk-sociale-cohesie.html"


def samenleven(*args):
    return subprocess.run([sys.executable, "-m", "publisher", *map(str, args)], capture_output=True, text=True,
                          cwd=PROJECT, env=dict(os.environ))


@pytest.fixture(scope="module")
def imported():
    return importer.import_page(RECORD, config.load({"graph_dir": GRAPH}), title="Sociale cohesie")


def initiative(slug):
    return rdflib.URIRef(f"{B}initiatief/{slug}")


def test_the_record_gives_a_practice_with_every_section(imported):
    g, practice = imported.graph, rdflib.URIRef(f"{B}praktijk/sociale-cohesie")
    assert (practice, RDF.type, SL.Practice) in g
    assert (practice, DCT.title, rdflib.Literal("Sociale cohesie", lang="nl")) in g
    assert (practice, SL.category, rdflib.URIRef(f"{B}concept/categorie/sociale-cohesie")) in g
    assert len(list(g.objects(practice, SL.goal))) == 6
    assert set(g.objects(practice, SL.targetGroup)) == {rdflib.URIRef(f"{B}concept/doelgroep/jongeren-uit-de-buurt"),
                                                        rdflib.URIRef(f"{B}concept/doelgroep/buurtbewoners")}
    assert len(list(g.objects(practice, SL.successFactor))) == 4
    assert {str(d).rsplit("/", 1)[1] for d in g.objects(practice, SL.policyDomain)} == {
        "vrije-tijd", "veiligheid", "jeugd", "vrijwilligerswerk", "bibliotheek"}
    assert "pleinmakers" in str(g.value(practice, DCT.description))
    image = g.value(practice, SCHEMA.image)
    assert str(g.value(image, SCHEMA.creditText)) == "Provider image"


@pytest.mark.parametrize("slug, places", [
    ("pleinpatrons", {"gemeente/11002", "gemeente/21004", "gemeente/44021"}),   # one block, three municipalities
    ("curant-cohousing-project", {"gemeente/11002"}),
    ("allee-du-kaai", {"gemeente/21004"}),
    ("sociale-cohesie-in-dendermonde", {"gemeente/42006"}),
    ("wts-coaches", {"gemeente/71016", "plaats/genk-winterslag"}),
    ("standaertsite", {"gemeente/44021", "plaats/gent-ledeberg"}),
    ("casablanca", {"gemeente/24062", "plaats/leuven-kessel-lo"}),
    ("pleinmakers", {"gemeente/12025"}),
    ("samen-inburgeren", set()),
])
def test_initiatives_link_to_their_places(imported, slug, places):
    found = {str(p)[len(B):] for p in imported.graph.objects(initiative(slug), DCT.spatial)}
    assert found == places
    assert (initiative(slug), SL.appliesPractice, rdflib.URIRef(f"{B}praktijk/sociale-cohesie")) in imported.graph


def test_the_genk_block_gives_five_initiatives_and_the_page_fifteen(imported):
    g = imported.graph
    initiatives = set(g.subjects(RDF.type, SL.Initiative))
    assert len(initiatives) == 15
    genk = rdflib.URIRef(f"{B}gemeente/71016")
    assert len([i for i in initiatives if (i, DCT.spatial, genk) in g]) == 5


def test_more_than_30_municipalities_is_a_coverage_not_a_guess(imported):
    assert str(imported.graph.value(initiative("samen-inburgeren"), DCT.coverage)) == "Meer dan 30 gemeenten"


def test_contacts_are_e_mail_addresses_and_urls(imported):
    g = imported.graph
    def contact(slug, prop):
        return {str(g.value(point, prop)) for point in g.objects(initiative(slug), SCHEMA.contactPoint)}
    assert contact("curant-cohousing-project", SCHEMA.email) == {"curant@antwerpen.be"}
    assert contact("samen-inburgeren", SCHEMA.url) == {"http://www.sameninburgeren.be/contact/"}
    # The Mechelen block's own contact line serves both its initiatives.
    assert contact("pleinmakers", SCHEMA.email) == contact("mensen-maken-de-stad", SCHEMA.email) == {
        "socialecohesie@mechelen.be"}


def test_an_unnamed_initiative_is_reported_with_its_line(imported):
    assert (58, "initiative without a name, titled 'Sociale cohesie in Dendermonde': review the title") in \
        imported.warnings


def test_the_page_saved_as_html_imports_to_the_same_graph(imported, tmp_path):
    saved = tmp_path / f"{RECORD.stem}.html"
    shutil.copy(HTML, saved)
    from_html = importer.import_page(saved, config.load({"graph_dir": GRAPH}))  # the title comes from <h1>
    assert isomorphic(from_html.graph, imported.graph)


def test_a_page_without_title_or_sections_is_refused_naming_what_is_missing(tmp_path):
    with pytest.raises(InputError, match="no title"):
        importer.import_page(RECORD, config.load({"graph_dir": GRAPH}))  # the text page carries no title line
    (tmp_path / "leeg.txt").write_text("Een pagina\n\nZomaar wat tekst.\n")
    with pytest.raises(InputError, match="none of the sections"):
        importer.import_page(tmp_path / "leeg.txt", config.load({"graph_dir": GRAPH}), title="Iets")


def test_the_command_writes_once_refuses_to_overwrite_and_forces(tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(GRAPH, graph)
    (graph / "praktijk-sociale-cohesie.ttl").unlink()
    first = samenleven("--graph-dir", graph, "import", RECORD, "--title", "Sociale cohesie")
    assert first.returncode == 0, first.stderr
    assert f"{RECORD}:58: initiative without a name" in first.stderr
    written = rdflib.Graph().parse(graph / "praktijk-sociale-cohesie.ttl")
    assert (initiative("allee-du-kaai"), RDF.type, SL.Initiative) in written
    again = samenleven("--graph-dir", graph, "import", RECORD, "--title", "Sociale cohesie")
    assert again.returncode == 2 and "--force" in again.stderr
    forced = samenleven("--graph-dir", graph, "import", RECORD, "--title", "Sociale cohesie", "--force")
    assert forced.returncode == 0


def test_a_bad_page_among_good_ones_writes_nothing(tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(GRAPH, graph)
    (graph / "praktijk-sociale-cohesie.ttl").unlink()
    (tmp_path / "kapot.txt").write_text("geen secties hier\n")
    done = samenleven("--graph-dir", graph, "import", RECORD, tmp_path / "kapot.txt", "--title", "Sociale cohesie")
    assert done.returncode == 2 and "kapot.txt" in done.stderr
    assert not (graph / "praktijk-sociale-cohesie.ttl").exists()


def test_the_reviewed_record_in_graph_keeps_what_the_importer_produced(imported):
    """The graph's record is the importer's output plus review: nothing the importer found was dropped."""
    reviewed = rdflib.Graph().parse(PROJECT / "graph" / "praktijk-sociale-cohesie.ttl")
    renamed = {initiative("sociale-cohesie-in-dendermonde"): initiative("pleinmaker-hof-ten-rode-en-de-nestel")}
    for s, p, o in imported.graph:
        if isinstance(s, rdflib.BNode) or isinstance(o, rdflib.BNode):
            continue
        if s in renamed and p == DCT.title:
            continue  # the review named the initiative the importer could not
        assert (renamed.get(s, s), p, o) in reviewed, (s, p, o)


def test_unknown_sections_and_unlinked_places_are_warnings_with_line_numbers(tmp_path):
    text = RECORD.read_text(encoding="utf-8")
    text = text.replace("\nUitdagingen\n", "\nWeetjes\n\nEen onbekende sectie.\n\nUitdagingen\n")
    text = text.replace("\nLeuven\n", "\nAtlantis\n")
    page = tmp_path / "aangepast.txt"
    page.write_text(text, encoding="utf-8")
    result = importer.import_page(page, config.load({"graph_dir": GRAPH}), title="Sociale cohesie")
    lines = text.splitlines()
    messages = dict(result.warnings)
    weetjes, atlantis = lines.index("Weetjes") + 1, lines.index("Atlantis") + 1
    assert "unknown section 'Weetjes'" in messages[weetjes]
    assert "place not linked" in messages[atlantis] and "Atlantis" in messages[atlantis]
    assert not list(result.graph.objects(initiative("casablanca"), DCT.spatial))
