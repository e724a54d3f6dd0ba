"""`samenleven generate` writes a graph folder the real build validates, the same bytes for a seed; and
`build --verbose` reports every phase, in plain lines when its output is no terminal."""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from conftest import GRAPH, PROJECT, start_server, stop_server

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
N = 30
# The phases of a build as the README lists them ("The command", build --verbose).
PHASES = ["read", "inference", "checks", "validation", "order and count", "store and dumps", "json-ld dump", "history",
          "feed", "tables", "map", "statistics", "search index", "sitemap", "facets", "checksums"]


def samenleven(*args):
    """Run the command with the fixture graph's places (its gazetteer, districts and 2025 mergers) as graph_dir."""
    done = subprocess.run([sys.executable, "-m", "publisher", *map(str, args)], capture_output=True, cwd=PROJECT,
                          env={**os.environ, "SAMENLEVEN_GRAPH_DIR": str(GRAPH)})
    # Decoded here, not with text=True, whose universal newlines would turn a bar's "\r" into "\n".
    done.stdout, done.stderr = done.stdout.decode(), done.stderr.decode()
    return done


def generated(folder: Path, seed: int) -> Path:
    done = samenleven("generate", "--practices", N, "--seed", seed, "--out", folder)
    assert done.returncode == 0, done.stderr
    return folder


def read(folder: Path) -> rdflib.Graph:
    """Every Turtle file of a folder, read by rdflib (not by the publisher's own reader)."""
    graph = rdflib.Graph()
    for path in sorted(folder.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A generated folder, and the real build over it with --verbose, its output piped (no terminal)."""
    folder = generated(tmp_path_factory.mktemp("generated") / "graph", seed=7)
    var = tmp_path_factory.mktemp("var")
    done = samenleven("--graph-dir", folder, "--build-dir", var, "build", "--verbose")
    return folder, var, done


def test_a_generated_folder_builds_without_violations_and_counts_what_it_holds(built):
    folder, var, done = built
    assert done.returncode == 0, done.stderr[-3000:]
    counts = json.loads((var / "current" / "build.json").read_text())["counts"]
    graph = read(folder)
    initiatives = set(graph.subjects(RDF.type, SL.Initiative))
    # issue 14: N practices, N/5 organisations; and the publisher, whom the catalogue names
    assert counts["practices"] == N and counts["organisations"] == N // 5 + 1
    assert counts["initiatives"] == len(initiatives) and 2 * N <= len(initiatives) <= 3 * N  # 2-3 each
    assert len(list((folder).glob("praktijk-*.ttl"))) == N  # one file per practice, as graph/ has


def test_generated_practices_have_texts_in_both_languages_concepts_and_places_old_and_new(built):
    folder, _, _ = built
    graph = read(folder)
    for practice in graph.subjects(RDF.type, SL.Practice):
        for prop in (DCTERMS.title, DCTERMS.description):
            assert {value.language for value in graph.objects(practice, prop)} == {"nl", "en"}, practice
        assert min(len(value) for value in graph.objects(practice, DCTERMS.description)) > 300  # a record's length
        assert "lorem" not in graph.value(practice, DCTERMS.description).lower()
        assert str(graph.value(practice, SL.category)).startswith("https://w3id.org/samenleven/id/concept/categorie/")
    places = {str(place) for place in graph.objects(None, DCTERMS.spatial)}
    fixture = rdflib.Graph().parse(GRAPH / "gemeenten-fusies-2025.ttl", format="turtle")
    ceased = {str(old) for old in fixture.subjects(DCTERMS.isReplacedBy, None)}
    assert places & ceased, "no initiative on a municipality that ceased in 2025"
    assert any("/id/plaats/" in place for place in places), "no initiative on a district or sub-municipality"
    assert any("/id/gemeente/" in place and place not in ceased for place in places)


def test_one_seed_gives_the_same_bytes_and_another_seed_other_data(tmp_path):
    first, again, other = (generated(tmp_path / name, seed) for name, seed in (("a", 3), ("b", 3), ("c", 4)))
    files = sorted(path.relative_to(first) for path in first.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(again) for path in again.rglob("*") if path.is_file())
    assert all((first / name).read_bytes() == (again / name).read_bytes() for name in files)
    assert sorted(p.name for p in first.glob("praktijk-*")) != sorted(p.name for p in other.glob("praktijk-*"))


def test_generate_refuses_a_folder_that_holds_files(tmp_path):
    (tmp_path / "keep.ttl").write_text("# mine\n")
    done = samenleven("generate", "--practices", 5, "--out", tmp_path)
    assert done.returncode == 2 and str(tmp_path) in done.stderr and "not an empty folder" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.ttl"]


def test_generate_refuses_a_graph_folder_that_does_not_name_the_publisher(tmp_path):
    """The catalogue names who publishes (DCAT-AP): a graph folder without the publisher's name is refused, and
    nothing is written."""
    graph = tmp_path / "graph"
    shutil.copytree(GRAPH, graph)
    (graph / "organisaties.ttl").unlink()
    out = tmp_path / "out"
    done = samenleven("--graph-dir", graph, "generate", "--practices", 5, "--out", out)
    assert done.returncode == 2 and "has no skos:prefLabel" in done.stderr and str(graph) in done.stderr
    assert not out.exists()


def test_build_verbose_lists_every_phase_with_its_time_and_memory_in_plain_lines(built):
    _, var, done = built
    for phase in PHASES:
        assert re.search(rf"^  phase {phase}: \d+\.\d\d s, peak \d+ MB$", done.stdout, re.M), phase
    recorded = json.loads((var / "current" / "build.json").read_text())["phases"]
    assert [record["name"] for record in recorded] == PHASES
    assert all(record["seconds"] >= 0 and record["peak_memory_mb"] > 0 for record in recorded)
    # Piped, as in a log: no progress bar, no terminal escapes, no carriage returns redrawing a line.
    assert "\x1b[" not in done.stderr and "\r" not in done.stderr and "\x1b[" not in done.stdout
    assert re.search(r"^\[ *\d+\.\ds\] validation: \d+\.\d\d s, peak \d+ MB$", done.stderr, re.M)


def test_the_catalogue_of_a_generated_build_names_its_publisher_as_the_graph_describes_it(built):
    """DCAT-AP asks every catalogue and dataset for a publisher with a name: a generated graph carries the ontology's
    publisher, so /catalog answers on generated data as on the real (it answered 500 before)."""
    _, var, done = built
    assert done.returncode == 0, done.stderr[-3000:]
    ontology = rdflib.Graph().parse(PROJECT / "ontology" / "samenleven.ttl", format="turtle")
    agent = ontology.value(rdflib.URIRef("https://w3id.org/samenleven/ns"), DCTERMS.publisher)
    described = read(GRAPH)
    expected = {str(n) for n in described.objects(agent, SKOS.prefLabel) if n.language == "nl"}
    process, url = start_server(var)
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "/catalog", headers={"Accept": "text/turtle"})) as r:
            assert r.status == 200
            catalogue = rdflib.Graph().parse(data=r.read(), format="turtle")
    finally:
        stop_server(process)
    publishers = set(catalogue.objects(None, DCTERMS.publisher))
    assert publishers == {agent}
    names = {str(n) for n in catalogue.objects(agent, FOAF.name)}
    assert expected and names == expected
