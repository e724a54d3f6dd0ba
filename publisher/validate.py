"""Validate the data with pySHACL and report each result with the graph/ file that defines its focus node."""

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.collection import Collection
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
        """Each result, then a summary: the count per severity and shape, most frequent first."""
        lines = [r.line() for r in self.violations + self.warnings]
        summary = Counter((r.severity, r.shape) for r in self.results)
        if summary:
            lines.append("\nby severity and shape:")
            lines += [f"  {n:5}  {severity}  {shape}" for (severity, shape), n in
                      sorted(summary.items(), key=lambda item: (item[0][0] != "Violation", -item[1], item[0]))]
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
    # In place: the shapes hold no sh:rule, so nothing is added to ``data``, and pySHACL skips copying it (issue 12:
    # the gazetteer doubled the graph, and the copy was a third of the validation's time).
    _, report_graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                          allow_warnings=True, inplace=True)
    names = data.namespace_manager
    results = set()  # a result reached through two shapes' targets is reported once
    # Only the report's own results: the details of a failed sh:node are in sh:detail, not counted again.
    for result in report_graph.objects(None, SH.result):
        focus = report_graph.value(result, SH.focusNode)
        source = report_graph.value(result, SH.sourceShape)
        results.add(Result(
            severity=str(report_graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            focus=_blank(focus, data, names) if isinstance(focus, rdflib.BNode) else _show(focus, names),
            path=_path(shapes.value(source, SH.path) or report_graph.value(result, SH.resultPath), shapes, names),
            value=_show(report_graph.value(result, SH.value), names),
            message=str(report_graph.value(result, SH.resultMessage) or ""),
            shape=_shape(source, shapes, names),
            file=_file_of(focus, data, origin or {}),
        ))
    return Report(sorted(results, key=lambda r: (r.file, r.focus, r.path, r.value, r.message)), report_graph)


def _shape(shape, shapes: rdflib.Graph, names) -> str:
    """Name a shape: a named node shape by its IRI, a blank property shape by its node shape and ``sh:name``."""
    if not isinstance(shape, rdflib.BNode):
        return _show(shape, names)
    parent = shapes.value(None, SH.property, shape)
    name = shapes.value(shape, SH.name) or _path(shapes.value(shape, SH.path), shapes, names)
    return f"{_show(parent, shapes.namespace_manager) if parent is not None else 'a shape'} › {name}"


def _path(path, shapes: rdflib.Graph, names) -> str:
    """Write a SHACL property path as a SPARQL property path (SHACL 2.3.1).

    >>> g = rdflib.Graph().parse(data="[] <http://www.w3.org/ns/shacl#alternativePath> (<http://e/a> "
    ...     "[ <http://www.w3.org/ns/shacl#inversePath> <http://e/b> ]) .", format="turtle")
    >>> _path(next(g.subjects(SH.alternativePath)), g, g.namespace_manager)
    '(<http://e/a>|^<http://e/b>)'
    """
    if not isinstance(path, rdflib.BNode):
        return _show(path, names)
    if (path, rdflib.RDF.first, None) in shapes:
        return "/".join(_path(step, shapes, names) for step in Collection(shapes, path))
    listed = shapes.value(path, SH.alternativePath)
    if listed is not None:
        return "(" + "|".join(_path(step, shapes, names) for step in Collection(shapes, listed)) + ")"
    for kind, mark in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                       (SH.zeroOrOnePath, "{}?")):
        inner = shapes.value(path, kind)
        if inner is not None:
            return mark.format(_path(inner, shapes, names))
    return "[a path]"


def _holder(node, data: rdflib.Graph):
    """The named resource that holds a blank node (following the links up), or the node itself."""
    seen = set()
    while isinstance(node, rdflib.BNode) and node not in seen:
        seen.add(node)
        node = next(data.subjects(None, node), node)
    return node


def _blank(node, data: rdflib.Graph, names) -> str:
    holder = _holder(node, data)
    return "a blank node" if isinstance(holder, rdflib.BNode) else f"a blank node of {_show(holder, names)}"


def _file_of(node, data: rdflib.Graph, origin: dict) -> str:
    """Return the file that defines a node; a blank node belongs to the named resource that holds it."""
    return origin.get(str(_holder(node, data)), "?")


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
