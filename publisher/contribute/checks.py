"""Validate a proposal with the build's shapes, and say each violation next to the form's field it is about.

The proposal is validated as the build validates the graph (``publisher.validate``, the same function and the
shapes the build in use was validated with), beside what the shapes check of the things it links to in the
build (their types and schemes: ``facts.rq``). Only the proposal's own nodes count: the build's are valid already.
A message on the form is what went wrong (by the constraint component, in the reader's language) followed by the
property shape's ``sh:description`` in that language, which says what the field takes.
"""

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from publisher.language import N_, pick, translate
from publisher.layout import prefixed

FACTS = (Path(__file__).parent / "facts.rq").read_text()
# What went wrong, by SHACL constraint component (SHACL 4): a missing value, too many, or one that does not fit.
MISSING, TOO_MANY, WRONG = N_("Vul dit in."), N_("Hier past maar één waarde."), N_("Deze waarde past hier niet.")
SAID = {SH.MinCountConstraintComponent: MISSING, SH.QualifiedMinCountConstraintComponent: MISSING,
        SH.MaxCountConstraintComponent: TOO_MANY, SH.QualifiedMaxCountConstraintComponent: TOO_MANY,
        SH.UniqueLangConstraintComponent: TOO_MANY}


@dataclass
class Checked:
    """A proposal's violations: the report graph of them alone, and each result's focus, path and shape."""

    graph: rdflib.Graph
    results: list  # (focus, path, component, shape, value, message)

    @property
    def conforms(self) -> bool:
        return not self.results


def facts(graph, proposal: rdflib.Graph) -> rdflib.Graph:
    """What the shapes check of the build's resources that ``proposal`` links to: their types and schemes."""
    found = rdflib.Graph()
    own = set(proposal.subjects())
    for target in {o for o in proposal.objects() if isinstance(o, rdflib.URIRef) and o not in own}:
        for row in graph.select(FACTS, thing=ox.NamedNode(str(target))):
            value = row["o"]
            found.add((target, rdflib.URIRef(row["p"].value), rdflib.URIRef(value.value)
                       if isinstance(value, ox.NamedNode) else rdflib.Literal(value.value)))
    return found


def check(proposal: rdflib.Graph, shapes: rdflib.Graph, known: rdflib.Graph) -> Checked:
    """Validate ``proposal`` beside ``known`` (``facts``) against ``shapes``; keep the violations of its nodes."""
    from publisher import validate  # pySHACL, loaded when the first proposal comes, not when the server starts
    data = rdflib.Graph()
    data += proposal
    data += known
    report = validate.validate(data, shapes).graph
    own = set(proposal.subjects())
    kept = [r for r in report.objects(None, SH.result) if report.value(r, SH.focusNode) in own
            and report.value(r, SH.resultSeverity) == SH.Violation]
    out = validate.bind_prefixes(rdflib.Graph())
    out.bind("sh", SH)
    node = rdflib.BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    out.add((node, SH.conforms, rdflib.Literal(not kept)))
    results = []
    for result in kept:
        out.add((node, SH.result, result))
        _copy(report, result, out, set())
        results.append(tuple(report.value(result, p) for p in (SH.focusNode, SH.resultPath,
                             SH.sourceConstraintComponent, SH.sourceShape, SH.value, SH.resultMessage)))
    return Checked(out, results)


def _copy(source: rdflib.Graph, node, target: rdflib.Graph, seen: set) -> None:
    """Copy a node's statements and those of the blank nodes it leads to (its concise bounded description)."""
    seen.add(node)
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, rdflib.BNode) and o not in seen:
            _copy(source, o, target, seen)


def on_fields(checked: Checked, shapes: rdflib.Graph, blocks: dict, names: set, lang: str) -> dict:
    """The messages by the field they are about (a block's prefix for one about the block, "" for the form);
    ``names`` are the fields' names without their block's prefix."""
    found = {}
    for focus, path, component, shape, value, _ in checked.results:
        prefix = blocks.get(focus, "")
        bare = prefixed(str(path)) if isinstance(path, rdflib.URIRef) else ""
        name = prefix + bare if bare in names else prefix
        said = translate(SAID.get(component, WRONG), lang)
        described = pick([ox.Literal(str(d), language=d.language) for d in shapes.objects(shape, SH.description)],
                         lang)
        found.setdefault(name, []).append((said, described.value if described else ""))
    return found


def problems(checked: Checked, lang: str = "en") -> list:
    """The violations as JSON: focus node, path, value, the shape's message (``sh:resultMessage``)."""
    return [{"focus": str(focus), "path": str(path) if isinstance(path, rdflib.URIRef) else None,
             "value": None if value is None else str(value),
             "constraint": str(component).rsplit("#", 1)[-1], "message": str(message or "")}
            for focus, path, component, shape, value, message in checked.results]
