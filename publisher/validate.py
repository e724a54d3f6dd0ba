"""Validate the data with pySHACL and report each result with the graph/ file that defines its focus node."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from publisher import uris
from publisher.errors import InputError
from publisher.vocab import PREFIXES


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    file: str

    def line(self) -> str:
        return (f"{self.severity}: {self.file}: {self.focus}\n"
                f"    path: {self.path}  value: {self.value}\n    {self.message}")


@dataclass
class Report:
    results: list
    graph: rdflib.Graph

    @property
    def violations(self) -> list:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list:
        return [r for r in self.results if r.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self) -> str:
        lines = [r.line() for r in self.violations + self.warnings]
        lines.append(f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)

    def json(self) -> str:
        return json.dumps([asdict(r) for r in self.violations + self.warnings], indent=2, ensure_ascii=False)

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def shapes_graph(shapes_dir: Path, base: str = uris.DEFAULT_BASE) -> rdflib.Graph:
    """Read every Turtle file of the shapes folder into one graph, its instance URIs (concept schemes, regions)
    moved to ``base`` as the data's are.

    :raises InputError: for a folder with no shapes or a malformed file.
    """
    graph = rdflib.Graph()
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise InputError("no SHACL shapes (*.ttl) found", shapes_dir)
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several unrelated types for bad syntax
            raise InputError(f"malformed shapes: {error}", path) from None
    minter = uris.Minter(base)
    if minter.base != uris.DEFAULT_BASE:
        moved = rdflib.Graph()
        for triple in graph:
            moved.add(tuple(rdflib.URIRef(minter.rebase(str(t))) if isinstance(t, rdflib.URIRef) else t
                            for t in triple))
        graph = moved
    return graph


def to_rdflib(triples) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph (through N-Triples, which both read and write exactly)."""
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return bind_prefixes(graph)


def bind_prefixes(graph: rdflib.Graph) -> rdflib.Graph:
    """Bind the project's prefixes, ours winning over rdflib's defaults (its ``schema`` is https)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def validate(data: rdflib.Graph, shapes: rdflib.Graph, origin: dict | None = None) -> Report:
    """Validate ``data`` against ``shapes``; ``origin`` maps a subject's IRI to the file that defines it."""
    _, report_graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                          allow_warnings=True)
    names = data.namespace_manager
    results = []
    # Only the report's own results: the details of a failed sh:node are in sh:detail, not counted again.
    for result in report_graph.objects(None, SH.result):
        focus = report_graph.value(result, SH.focusNode)
        results.append(Result(
            severity=str(report_graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            focus=_show(focus, names),
            path=_show(report_graph.value(result, SH.resultPath), names),
            value=_show(report_graph.value(result, SH.value), names),
            message=str(report_graph.value(result, SH.resultMessage) or ""),
            shape=_show(report_graph.value(result, SH.sourceShape), names),
            file=_file_of(focus, data, origin or {}),
        ))
    results.sort(key=lambda r: (r.file, r.focus, r.path, r.value))
    return Report(results, report_graph)


def _file_of(node, data: rdflib.Graph, origin: dict) -> str:
    """Return the file that defines a node; a blank node belongs to the named resource that holds it."""
    seen = set()
    while isinstance(node, rdflib.BNode) and node not in seen:
        seen.add(node)
        node = next(data.subjects(None, node), node)
    return origin.get(str(node), "?")


def _show(term, names) -> str:
    if term is None:
        return "-"
    if isinstance(term, rdflib.BNode):
        return "[blank node]"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    try:
        return term.n3(names)
    except Exception:  # a path expression or a term rdflib cannot shorten
        return str(term)
