"""The shapes' worked examples: each valid one conforms, each invalid one is reported on the path it names."""

from pathlib import Path

import pytest
import rdflib

from conftest import PROJECT
from publisher import validate

EXAMPLES = PROJECT / "tests" / "shapes"
CASES = sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted((EXAMPLES / "invalid").glob("*.ttl"))
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def context():
    """The ontology and the schemes, which the examples may refer to, and the shapes."""
    graph = rdflib.Graph()
    for path in sorted((PROJECT / "ontology").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph, validate.shapes_graph(PROJECT / "shapes")


def expectation(path: Path) -> str:
    for line in path.read_text().splitlines():
        if line.startswith("# expect:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"{path.name} has no '# expect:' line")


def test_there_are_examples_of_both_kinds():
    assert len(list((EXAMPLES / "valid").glob("*.ttl"))) >= 8
    assert len(list((EXAMPLES / "invalid").glob("*.ttl"))) >= 10


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example(context, path):
    ontology, shapes = context
    data = rdflib.Graph()
    data += ontology
    data.parse(path, format="turtle")
    validate.bind_prefixes(data)
    report = validate.validate(data, shapes)
    expected = expectation(path)
    if path.parent.name == "valid":
        assert expected == "conforms"
        assert report.conforms, report.text()
    else:
        kind, _, expected_path = expected.partition(" ")
        assert kind == "violation"
        paths = {r.path for r in report.violations}
        full = {str(p) for p in report.graph.objects(None, SH.resultPath)}
        assert report.violations and (expected_path in paths or expected_path.strip("<>") in full), report.text()


def test_every_property_shape_carries_names_descriptions_order_and_group(context):
    _, shapes = context
    missing = []
    for prop in set(shapes.objects(None, SH.property)):
        for predicate in (SH.name, SH.description):
            languages = {o.language for o in shapes.objects(prop, predicate)}
            if not {"nl", "en"} <= languages:
                missing.append((prop, predicate))
        for predicate in (SH.order, SH.group):
            if shapes.value(prop, predicate) is None:
                missing.append((prop, predicate))
    assert not missing


def test_the_report_names_paths_and_shapes_and_ends_with_a_summary(context):
    """An initiative with no place and no contact: the recommended shapes' alternative paths are written out,
    the blank property shapes are named by their node shape and sh:name, and the summary counts them."""
    ontology, shapes = context
    data = rdflib.Graph().parse(data="""
        @prefix sl: <https://w3id.org/samenleven/ns#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        <https://w3id.org/samenleven/id/initiatief/x> a sl:Initiative ;
            dct:title "Buurtfeest"@nl ;
            sl:appliesPractice <https://w3id.org/samenleven/id/praktijk/y> .
        """, format="turtle")
    validate.bind_prefixes(data)
    report = validate.validate(data + ontology, shapes)
    text = report.text()
    assert "[blank node]" not in text
    assert "path: (dct:spatial|dct:coverage)" in text
    assert "Initiative_RecommendedShape › plaats of spreiding" in text
    summary = text.split("by severity and shape:")[1]
    shown = [line.split() for line in summary.splitlines() if "Initiative_RecommendedShape" in line]
    assert sum(int(words[0]) for words in shown) == len(
        [r for r in report.results if "Initiative_RecommendedShape" in r.shape])
    assert len(report.results) == len(set(report.results))
