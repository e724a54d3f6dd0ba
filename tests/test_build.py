"""The build: exit codes, the report, and the previous build staying in use whatever goes wrong."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from conftest import GRAPH, PROJECT


def samenleven(*args, env=None):
    """Run the command on the fixture graph, unless ``--graph-dir`` names another."""
    return subprocess.run([sys.executable, "-m", "publisher", *map(str, args)], capture_output=True, text=True,
                          cwd=PROJECT, env={**os.environ, "SAMENLEVEN_GRAPH_DIR": str(GRAPH), **(env or {})})


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A build folder holding one good build, made with the real command."""
    folder = tmp_path_factory.mktemp("var")
    done = samenleven("--build-dir", folder, "build")
    assert done.returncode == 0, done.stderr
    return folder, (folder / "current").resolve(), done


def test_build_exits_0_prints_counts_and_publishes_store_and_dumps(published):
    folder, current, done = published
    assert "current municipalities: 565" in done.stdout and "historical municipalities: 44" in done.stdout
    assert re.search(r"practices: 2\n", done.stdout) and re.search(r"initiatives: 21\n", done.stdout)  # its README
    assert "[" in done.stderr  # progress lines
    turtle = rdflib.Graph().parse(current / "graph.ttl", format="turtle")
    store = ox.Store.read_only(str(current / "store"))
    assert len(store) == len(turtle) == json.loads((current / "build.json").read_text())["counts"]["triples"]


def _remove_required_title(graph_dir: Path) -> Path:
    path = graph_dir / "programmas.ttl"
    text = path.read_text()
    broken, n = re.subn(r'dct:title "[^"]*"@nl', '<http://www.w3.org/2000/01/rdf-schema#comment> "title removed"@nl', text, count=1)
    assert n == 1
    path.write_text(broken)
    return path


def test_nonconforming_graph_exits_1_names_the_file_and_keeps_the_build_in_use(published, graph_copy):
    folder, current, _ = published
    _remove_required_title(graph_copy)
    done = samenleven("--build-dir", folder, "--graph-dir", graph_copy, "build")
    assert done.returncode == 1
    assert "Violation" in done.stderr and "programmas.ttl" in done.stderr and "dct:title" in done.stderr
    assert (folder / "current").resolve() == current
    assert not list((folder / "builds").glob("*.partial"))


def test_malformed_turtle_exits_2_with_file_and_line_and_keeps_the_build_in_use(published, graph_copy):
    folder, current, _ = published
    (graph_copy / "kapot.ttl").write_text('@prefix dct: <http://purl.org/dc/terms/> .\n\n<x> dct:title "open .\n')
    done = samenleven("--build-dir", folder, "--graph-dir", graph_copy, "build")
    assert done.returncode == 2
    assert re.search(r"kapot\.ttl:3(:\d+)?: malformed Turtle", done.stderr)
    assert (folder / "current").resolve() == current


def test_a_good_build_replaces_the_one_in_use(published, tmp_path):
    folder = tmp_path / "var"
    first = samenleven("--build-dir", folder, "build")
    before = (folder / "current").resolve()
    second = samenleven("--build-dir", folder, "build")
    assert first.returncode == second.returncode == 0
    assert (folder / "current").resolve() != before


def test_validate_reports_in_text_json_and_as_a_shacl_graph(graph_copy):
    _remove_required_title(graph_copy)
    text = samenleven("--graph-dir", graph_copy, "validate")
    assert text.returncode == 1 and "programmas.ttl" in text.stdout
    listed = samenleven("--graph-dir", graph_copy, "validate", "--format", "json")
    violations = [r for r in json.loads(listed.stdout) if r["severity"] == "Violation"]
    assert listed.returncode == 1 and violations
    assert {"focus", "path", "value", "message", "file"} <= set(violations[0])
    assert any(v["path"] == "dct:title" and v["file"].endswith("graph/programmas.ttl") for v in violations)
    report = samenleven("--graph-dir", graph_copy, "validate", "--format", "ttl")
    graph = rdflib.Graph().parse(data=report.stdout, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(False)) in graph


def test_another_base_rebases_instance_uris_but_not_the_ontology(tmp_path):
    done = samenleven("--build-dir", tmp_path, "--base", "http://example.org/sl/", "build")
    assert done.returncode == 0, done.stderr[-2000:]
    graph = rdflib.Graph().parse((tmp_path / "current" / "graph.ttl"), format="turtle")
    gent = rdflib.URIRef("http://example.org/sl/id/gemeente/44021")
    assert (gent, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/samenleven/ns#Municipality")) in graph
    assert not list(graph.triples((rdflib.URIRef("https://w3id.org/samenleven/id/gemeente/44021"), None, None)))
    ontology = rdflib.Graph().parse((tmp_path / "current" / "ontology.ttl"), format="turtle")
    publisher = ontology.value(rdflib.URIRef("https://w3id.org/samenleven/ns"), rdflib.DCTERMS.publisher)
    assert publisher == rdflib.URIRef("http://example.org/sl/id/organisatie/vvsg")


def test_each_resource_s_digest_is_that_of_its_canonical_description(store):
    """The record of versions keeps a resource's dates while its description (concise bounded, RDFC-1.0 canonical
    N-Quads) is unchanged: with and without blank nodes, the digest is the SHA-256 of that form, as records of
    builds before the build took a shorter way for descriptions without blank nodes."""
    import hashlib
    from publisher import history, kinds
    triples = list(ox.parse(path=str(store.folder / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    registry = kinds.default()
    found = history.digests(triples, registry)
    graph = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    blank = 0
    for subject in registry.typed(triples, "tracked"):
        described, pending = ox.Dataset(), [subject]  # the concise bounded description, read from the dataset
        while pending:
            for quad in graph.quads_for_subject(pending.pop()):
                described.add(quad)
                if isinstance(quad.object, ox.BlankNode):
                    blank += 1
                    pending.append(quad.object)
        described.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        text = "\n".join(sorted(str(quad) for quad in described))
        assert found[subject.value] == hashlib.sha256(text.encode()).hexdigest(), subject
    assert blank and len(found) > blank  # both ways were taken
