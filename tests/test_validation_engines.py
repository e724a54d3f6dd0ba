"""The fast SHACL engine against pySHACL, the reference: the same report on every worked example of the shapes
and on the fixture graph with violations injected, and the `validator` setting that chooses between them."""

import json
import os
import shutil
import subprocess
import sys

import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import GRAPH, PROJECT
from publisher import build, config, parts, shacl, validate
from test_shapes import context  # noqa: F401 (the fixture: the ontology, the schemes and the shapes)

EXAMPLES = PROJECT / "tests" / "shapes"
CASES = sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted((EXAMPLES / "invalid").glob("*.ttl"))
FAST, REFERENCE = "turbo", "pyshacl"


def test_the_engines_are_the_fast_one_first_and_the_reference():
    assert shacl.ENGINES == (FAST, REFERENCE)
    assert config.load({})["validator"] == FAST


def assert_same(fast: validate.Report, reference: validate.Report):
    """Same conformance, the same results (focus node, path, value, source shape, severity, message, file), and
    the same SHACL report graph up to blank node labels."""
    assert fast.conforms == reference.conforms
    assert set(fast.results) == set(reference.results), (
        f"only pySHACL: {set(reference.results) - set(fast.results)}\n"
        f"only {FAST}: {set(fast.results) - set(reference.results)}")
    assert isomorphic(fast.graph, reference.graph)


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_worked_example_gets_the_same_report(context, path):  # noqa: F811 (a fixture)
    ontology, shapes = context
    reports = {}
    for engine in (FAST, REFERENCE):
        data = rdflib.Graph()
        data += ontology
        data.parse(path, format="turtle")
        reports[engine] = validate.validate(validate.bind_prefixes(data), shapes, engine=engine)
    assert_same(reports[FAST], reports[REFERENCE])
    assert reports[REFERENCE].conforms == (path.parent.name == "valid")


def test_the_fixture_graph_with_every_invalid_example_injected_gets_the_same_report(tmp_path):
    """The build's own path (pyoxigraph triples, the file of each focus node), on data where shapes that look at
    other resources (sh:class, sh:node, qualified shapes) meet the injected resources, blank nodes included; whole,
    and in parts of 3,000 triples (the fixture graph's 20,000 make several)."""
    graph_dir = tmp_path / "graph"
    shutil.copytree(GRAPH, graph_dir)
    for path in sorted((EXAMPLES / "invalid").glob("*.ttl")):
        shutil.copy(path, graph_dir / f"injected-{path.name}")
    reports = {(engine, part): build.prepare(config.load(
        {"graph_dir": graph_dir, "validator": engine, "validation_part": part})).report
        for engine, part in ((REFERENCE, 0), (FAST, 0), (FAST, 3000))}
    reference = reports[REFERENCE, 0]
    assert_same(reports[FAST, 0], reference)
    assert_same(reports[FAST, 3000], reference)
    assert len(reference.violations) >= len(list((EXAMPLES / "invalid").glob("*.ttl")))  # one each at least
    assert any(r.focus.startswith("a blank node of <") for r in reference.violations)  # a contact point's holder


def test_parts_are_refused_to_shapes_that_look_backwards(context):  # noqa: F811 (a fixture)
    """An inverse path reaches triples whose subject is elsewhere: such shapes are validated whole."""
    _, shapes = context
    assert parts.safe(shapes)
    backwards = rdflib.Graph()
    backwards += shapes
    backwards.add((rdflib.BNode(), rdflib.SH.inversePath, rdflib.URIRef("https://w3id.org/samenleven/ns#runBy")))
    assert not parts.safe(backwards)


def samenleven(*args, **settings):
    """Run the command on a graph folder with settings as SAMENLEVEN_* variables."""
    env = {**os.environ, **{f"SAMENLEVEN_{k.upper()}": str(v) for k, v in settings.items()}}
    return subprocess.run([sys.executable, "-m", "publisher", *map(str, args)], capture_output=True, text=True,
                          cwd=PROJECT, env=env)


def test_the_validator_setting_chooses_the_engine_and_the_report_stays_the_same(graph_copy):
    (graph_copy / "injected.ttl").write_bytes((EXAMPLES / "invalid" / "practice-two-dutch-titles.ttl").read_bytes())
    done = {engine: samenleven("validate", "--format", "json", graph_dir=graph_copy, validator=engine)
            for engine in (FAST, REFERENCE)}
    assert done[FAST].returncode == done[REFERENCE].returncode == 1
    assert json.loads(done[FAST].stdout) == json.loads(done[REFERENCE].stdout)
    assert any(r["severity"] == "Violation" for r in json.loads(done[FAST].stdout))


def test_an_unknown_validator_exits_2_naming_the_setting_and_the_choices(tmp_path):
    done = samenleven("--build-dir", tmp_path, "build", validator="jena")
    assert done.returncode == 2
    assert "validator" in done.stderr and "turbo, pyshacl" in done.stderr and "'jena'" in done.stderr
    assert not (tmp_path / "current").exists()
