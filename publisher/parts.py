"""Validate the triples in parts whose reports add up to the report of the whole, two parts at a time.

Why the parts give the same report (issue 14): in SHACL Core, the results about a focus node depend only on the
triples reachable from it by forward links — its targets (sh:targetClass through its rdf:type and the
rdfs:subClassOf of those classes, sh:targetSubjectsOf through its own triples) and every constraint, along
predicate, sequence and alternative paths, on its values, their types and what nested shapes ask of them — as long
as the shapes use no inverse path, no sh:targetObjectsOf or sh:targetNode, no SPARQL, no sh:closed and no rule.
``safe`` checks that; when it fails the data is validated whole. Each part holds the focus nodes of some files,
and the triples of everything those nodes reach, so each node is validated on all it can see; a part keeps only
the results about its own nodes, and a node belongs to one part. Two parts run at once (pyshacl-turbo releases
the GIL). Off by default (``validation_part`` 0): at 10,000 practices the parts took 74 s of CPU against 53 s for
the whole, each part carrying the places and concepts all link to; pyshacl-turbo takes longer than linearly in
the size of its input (1.5 s of CPU for 100k triples, 27 s for 816k, on a shape with no result), so they may win
at larger sizes, which was not measured (benchmarks/results/validation-2026-11-29.md).
"""

from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from publisher import shacl

WORKERS = 2
# Shape terms that reach backwards or outside the focus node's forward links, or add triples (SHACL 2.1.3,
# 2.3.1.3, 4.8.1, 5; SHACL-AF rules).
UNSAFE = (SH.inversePath, SH.targetObjectsOf, SH.targetNode, SH.target, SH.sparql, SH.closed, SH.rule)


def safe(shapes: rdflib.Graph) -> bool:
    """Whether every result of ``shapes`` depends only on what its focus node reaches forward."""
    return not any((None, term, None) in shapes for term in UNSAFE)


def run(triples: list, shapes: rdflib.Graph, engine: str, owner, size: int) -> rdflib.Graph:
    """Validate ``triples`` in parts of about ``size`` triples; ``owner(subject)`` names the file that holds a
    subject (a blank node's is its holder's). Return the report graph of the whole."""
    by_subject = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    owned = {}
    for subject in by_subject:
        owned.setdefault(owner(subject), []).append(subject)
    groups, group, count = [], [], 0
    for source in sorted(owned, key=str):
        group.append(source)
        count += sum(len(by_subject[s]) for s in owned[source])
        if count >= size:
            groups.append(group)
            group, count = [], 0
    groups += [group] if group else []
    if len(groups) < 2:
        return shacl.run(triples, shapes, engine)

    lasting = {label for t in triples for label in _labels(t)}
    lasting |= {str(node) for node in shapes.all_nodes() if isinstance(node, rdflib.BNode)}

    def validate_part(sources: list) -> list:
        part = _reachable([s for source in sources for s in owned[source]], by_subject)
        report = shacl.run(part, shapes, engine)
        mine, fresh = set(sources), {}

        def relabel(node):
            # The blank nodes a report makes (its results) are labelled anew in each part, so that two parts'
            # cannot meet; those of the data and the shapes keep theirs, as in the report of the whole.
            if isinstance(node, rdflib.BNode) and str(node) not in lasting:
                if node not in fresh:
                    fresh[node] = rdflib.BNode()
                return fresh[node]
            return node

        return [(relabel(result), [tuple(map(relabel, t)) for t in _described(report, result)],
                 report.value(result, SH.resultSeverity) == SH.Violation)
                for result in report.objects(None, SH.result)
                if owner(_term(report.value(result, SH.focusNode))) in mine]

    with ThreadPoolExecutor(WORKERS) as pool:
        results = [found for part in pool.map(validate_part, groups) for found in part]
    return _whole(results, shapes)


def _labels(t) -> list:
    return [term.value for term in (t.subject, t.object) if isinstance(term, ox.BlankNode)]


def _described(report: rdflib.Graph, result) -> list:
    """The triples of a result and of the blank nodes it leads to (its details, the copies it carries)."""
    todo, seen, found = [result], {result}, []
    while todo:
        subject = todo.pop()
        for triple in report.triples((subject, None, None)):
            found.append(triple)
            if isinstance(triple[2], rdflib.BNode) and triple[2] not in seen:
                seen.add(triple[2])
                todo.append(triple[2])
    return found


def _reachable(seeds: list, by_subject: dict) -> list:
    """The triples of the seeds and of every node they reach by forward links."""
    seen, todo, found = set(seeds), list(seeds), []
    while todo:
        for t in by_subject.get(todo.pop(), ()):
            found.append(t)
            if not isinstance(t.object, ox.Literal) and t.object not in seen:
                seen.add(t.object)
                todo.append(t.object)
    return found


def _term(node):
    """The pyoxigraph term of a report's focus node (labels of blank nodes are kept on the way, shacl.run)."""
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node))
    return ox.NamedNode(str(node)) if isinstance(node, rdflib.URIRef) else node


def _whole(results: list, shapes: rdflib.Graph) -> rdflib.Graph:
    """One SHACL validation report (SHACL 3.1) of the results kept from each part."""
    graph = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace)
    root = rdflib.BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, rdflib.Literal(not any(violation for _, _, violation in results))))
    for result, triples, _ in results:
        graph.add((root, SH.result, result))
        for triple in triples:
            graph.add(triple)
    return graph
