"""Validate the data with a SHACL engine and report each result with the graph/ file that defines its focus node."""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from publisher import parts, shacl, uris
from publisher.errors import InputError
from publisher.indexes import index
from publisher.shacl import bind_prefixes, to_rdflib  # noqa: F401 (validate.X, as build.py and the tests call them)


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
    """The results of a validation, and its SHACL report graph, made when first asked for from ``decode``."""

    results: list
    made: rdflib.Graph | None = None
    decode: Callable[[], rdflib.Graph] | None = field(default=None, repr=False, compare=False)

    @property
    def graph(self) -> rdflib.Graph:
        """The SHACL validation report (SHACL 3.1) as an rdflib graph."""
        if self.made is None:
            self.made = self.decode()
        return self.made

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


def validate(data, shapes: rdflib.Graph, origin: dict | None = None, engine: str = shacl.ENGINES[0],
             part: int = 0) -> Report:
    """Validate ``data`` (an rdflib graph, or pyoxigraph triples) against ``shapes`` with ``engine``, one of
    ``shacl.ENGINES``; ``origin`` maps a subject's IRI to the file that defines it. Triples are validated in parts
    of about ``part`` triples (``publisher.parts``), when it is not 0 and the shapes allow it.
    """
    holders = _Holders(data)

    def owner(term) -> str:
        node = rdflib.BNode(term.value) if isinstance(term, ox.BlankNode) else rdflib.URIRef(term.value)
        return (origin or {}).get(str(holders.top(node)), "?")

    made = None  # the report graph, when it is made here; else ``decode`` makes it when asked for
    if part and not isinstance(data, rdflib.Graph) and parts.safe(shapes):
        made = parts.run(data, shapes, engine, owner, part)
    elif engine == "turbo" and not isinstance(data, rdflib.Graph):
        text, decode = shacl.undecoded(data, shapes)
        found = _read_text(text)
        if found is None:  # a field given twice: read it as rdflib's ``value`` does, from the graph
            made = decode()
    else:
        made = shacl.run(data, shapes, engine)
    if made is not None:
        found, decode = _read_graph(made), None
    names = (data if isinstance(data, rdflib.Graph) else bind_prefixes(rdflib.Graph())).namespace_manager
    # Once per shape, path and term, not per result: 29,560 warnings at 10,000 generated practices name ~100
    # shapes, and their focus nodes and values many times over.
    shape_path, path_shown, shape_shown, shown = {}, {}, {}, {}

    def path(source, result_path) -> str:
        if source not in shape_path:
            shape_path[source] = shapes.value(source, SH.path)
        walked = shape_path[source] or result_path
        if walked not in path_shown:
            path_shown[walked] = _path(walked, shapes, names)
        return path_shown[walked]

    def shape(source) -> str:
        if source not in shape_shown:
            shape_shown[source] = _shape(source, shapes, names)
        return shape_shown[source]

    def show(term) -> str:
        if term not in shown:
            shown[term] = _show(term, names)
        return shown[term]
    results = set()  # a result reached through two shapes' targets is reported once
    for focus, source, severity, value, message, result_path in found:
        results.add(Result(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=_blank(focus, holders, names) if isinstance(focus, rdflib.BNode) else show(focus),
            path=path(source, result_path),
            value=show(value),
            message=str(message or ""),
            shape=shape(source),
            file=(origin or {}).get(str(holders.top(focus)), "?"),
        ))
    return Report(sorted(results, key=lambda r: (r.file, r.focus, r.path, r.value, r.message)), made, decode)


# What is read of each result (SHACL 3.4), in the order ``validate`` takes them.
READ = (SH.focusNode, SH.sourceShape, SH.resultSeverity, SH.value, SH.resultMessage, SH.resultPath)


def _read_graph(report: rdflib.Graph) -> list[tuple]:
    """The fields ``READ`` of each result of a report graph (None where a result has none)."""
    # Only the report's own results: the details of a failed sh:node are in sh:detail, not counted again.
    return [tuple(report.value(result, wanted) for wanted in READ) for result in report.objects(None, SH.result)]


def _read_text(text: str) -> list[tuple] | None:
    """The fields ``READ`` of each result of a report in N-Triples, as rdflib terms equal to those of the report
    graph decoded from it (``shacl.undecoded``); None when a result gives a field twice (rdflib's ``value`` then
    takes either, so only the graph can say which)."""
    described = index(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))
    read, found = [_ox(wanted) for wanted in READ], []
    for own in described.values():
        for result in own.get(_RESULT, ()):
            fields = described.get(result, {})
            values = [fields.get(wanted, ()) for wanted in read]
            if any(len(value) > 1 for value in values):
                return None
            found.append(tuple(_rdflib(value[0]) if value else None for value in values))
    return found


_RESULT, _STRING = ox.NamedNode(str(SH.result)), ox.NamedNode(str(rdflib.XSD.string))


def _ox(term: rdflib.URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _rdflib(term):
    """The rdflib term pyshacl-turbo's decoding makes of a report's term: blank nodes keep their labels (as the
    shapes' do in the shapes graph), literals their lexical form, and ``xsd:string`` is a simple literal
    (``shacl._simple_literals``). Language tags are as pyoxigraph reads them, lower-cased, as the data's are: the
    build reads the data with pyoxigraph, and these literals are the data's."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype == _STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)


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


class _Holders:
    """Who holds a blank node in the data: the first subject that links to it."""

    def __init__(self, data):
        self.data, self.held = data, None

    def parent(self, node):
        if isinstance(self.data, rdflib.Graph):
            return next(self.data.subjects(None, node), None)
        if self.held is None:  # pyoxigraph triples: indexed once, when a blank node is first asked about
            self.held = {}
            for t in self.data:
                if isinstance(t.object, ox.BlankNode):
                    self.held.setdefault(t.object.value, t.subject)
        holder = self.held.get(str(node))
        if holder is None:
            return None
        return rdflib.BNode(holder.value) if isinstance(holder, ox.BlankNode) else rdflib.URIRef(holder.value)

    def top(self, node):
        """The named resource that holds a blank node (following the links up), or the node itself."""
        seen = set()
        while isinstance(node, rdflib.BNode) and node not in seen:
            seen.add(node)
            node = self.parent(node) or node
        return node


def _blank(node, holders: _Holders, names) -> str:
    holder = holders.top(node)
    return "a blank node" if isinstance(holder, rdflib.BNode) else f"a blank node of {_show(holder, names)}"


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
