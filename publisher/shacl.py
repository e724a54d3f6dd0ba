"""Run a SHACL engine and return its validation report graph: pyshacl-turbo, or pySHACL, the reference.

Both read the same shapes with the same options (no inference, SHACL Advanced Features on, warnings allowed) and
give isomorphic report graphs on every worked example of tests/shapes/ and on generated data
(tests/test_validation_engines.py); the figures that chose the default are in benchmarks/results/.
"""

import pyoxigraph as ox
import rdflib
from rdflib.namespace import XSD

from publisher.config import SETTINGS, SettingError
from publisher.vocab import PREFIXES

ENGINES = next(s.choices for s in SETTINGS if s.name == "validator")  # the first is the default


def run(data, shapes: rdflib.Graph, engine: str) -> rdflib.Graph:
    """Validate ``data`` (an rdflib graph, or pyoxigraph triples) against ``shapes`` with ``engine``.

    :raises SettingError: for an engine that is not one of ``ENGINES``.
    """
    if engine == "pyshacl":
        import pyshacl  # imported when chosen: it takes a second to import and the default does without it

        graph = data if isinstance(data, rdflib.Graph) else to_rdflib(data)
        # In place: the shapes hold no sh:rule, so nothing is added to the data, and pySHACL skips copying it
        # (issue 12: the gazetteer doubled the graph, and the copy was a third of the validation's time).
        _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                        allow_warnings=True, inplace=True)
        return report
    if engine == "turbo":
        import pyshacl_turbo

        # The triples reach the Rust engine as one N-Quads text, their blank node labels kept; an rdflib graph
        # would be copied term by term in Python first (issue 14: the conversion took 20 s at 10k practices).
        if isinstance(data, rdflib.Graph):
            return pyshacl_turbo.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                          allow_warnings=True)[1]
        _, report, _ = pyshacl_turbo.validate(_native_input(data), shacl_graph=shapes, inference="none",
                                              advanced=True, allow_warnings=True)
        return _simple_literals(report)
    raise SettingError(f"setting validator (SAMENLEVEN_VALIDATOR) must be one of {', '.join(ENGINES)}, "
                       f"not {engine!r}")


def undecoded(triples, shapes: rdflib.Graph):
    """Validate pyoxigraph ``triples`` with pyshacl-turbo; return its report as N-Triples text, and a function that
    makes of that text the report graph ``run(triples, shapes, "turbo")`` gives.

    pyshacl-turbo decodes its report into an rdflib graph in Python, a third of the validation's time at 10,000
    generated practices (issue 14: ~30,000 warnings of ~8 triples each), while a build reads only the results
    (``validate.validate`` reads them from this text with pyoxigraph). What follows is what ``pyshacl_turbo.validate``
    runs with the options of ``run`` (its ``CompiledShapes.validate``, pyshacl-turbo 0.6.5, pinned), up to that
    decoding; the graph it would have made is made by the returned function, with the same call.
    """
    import pyshacl_turbo
    from pyshacl_turbo.rdf import decode

    program = pyshacl_turbo.compile_shapes(shapes, advanced=True)
    data = _native_input(triples)
    # source, format, base, iterate_rules, max_rule_iterations, max_validation_depth, inplace, allow_infos,
    # allow_warnings, abort_on_first, focus_nodes, use_shapes, namespaces
    _, report, _, _, recursion = program._native.validate(
        data.source, data.format, data.base, False, 100, 15, False, False, True, False, [], [],
        [(prefix, str(namespace)) for prefix, namespace in data.namespaces.items()])
    pyshacl_turbo._emit_recursion_warnings(recursion)
    # Only what decoding needs is kept until then, not the data's text (~170 MB at 10,000 practices) nor the engine.
    nodes, namespaces = program._blank_nodes | data.blank_nodes, list(program.graph.namespaces())
    del program, data

    def graph() -> rdflib.Graph:
        made = decode(report, nodes, preserve_ids=True, report=True, normalize=True)
        for prefix, namespace in namespaces:
            made.bind(prefix, namespace)
        return _simple_literals(made)

    return report, graph


def _simple_literals(report: rdflib.Graph) -> rdflib.Graph:
    """Write the report's ``"x"^^xsd:string`` as ``"x"``, as pySHACL reports the data's literals.

    The same literal (RDF 1.1 Concepts 3.3: a simple literal is an xsd:string), but rdflib tells them apart, and
    pyoxigraph, which the build's triples come from, writes only the simple form.
    """
    typed = [(s, p, o) for s, p, o in report if isinstance(o, rdflib.Literal) and o.datatype == XSD.string]
    for s, p, o in typed:
        report.remove((s, p, o))
        report.add((s, p, rdflib.Literal(str(o))))
    return report


def _native_input(triples):
    """The triples as pyshacl-turbo reads a pyoxigraph store: N-Quads text, parsed in Rust, labels kept."""
    from pyshacl_turbo.rdf import Input  # what its own Store input makes, without a store to fill and dump

    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return Input(text, "oxigraph-nquads", None, {}, preserve_ids=True)


class _Labels(dict):
    """Blank nodes read from N-Triples keep their labels, as pyoxigraph's do, so both engines name them alike."""

    def get(self, label, default=None):
        return label  # rdflib's N-Triples parser makes ``BNode(label)`` of what this returns


def to_rdflib(triples) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph (through N-Triples, which both read and write exactly)."""
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt",
                bnode_context=_Labels())
    return bind_prefixes(graph)


def bind_prefixes(graph: rdflib.Graph) -> rdflib.Graph:
    """Bind the project's prefixes, ours winning over rdflib's defaults (its ``schema`` is https)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
