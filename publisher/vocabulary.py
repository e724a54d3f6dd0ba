"""The ontology as documentation: its header, and each class and property with the shapes that constrain it.

``read`` turns the triples of the build's ``ontology.ttl`` and of the shapes into plain records that the ``/ns``
page lays out. Texts are picked in the page's language (``language.pick``: that language, then Dutch, English,
untagged) and kept as literals, so that the page can mark a text in another language with ``lang``.
"""

from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher import language, uris
from publisher.indexes import index
from publisher.layout import prefixed
from publisher.vocab import DCT, OWL, RDF, RDFS, SH, SKOS, VANN


# The kinds of term, in the order a term typed twice is shown as (a datatype is also an rdfs:Class).
KINDS = {
    OWL.Class: "class", RDFS.Datatype: "datatype", RDFS.Class: "class",
    OWL.ObjectProperty: "object property", OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property", RDF.Property: "property",
}
CLASS_KINDS = ("class", "datatype")
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
# What a property shape says its values must be, in the order they are shown.
VALUE_TYPES = (SH["class"], SH.datatype, SH.nodeKind)


@dataclass
class Constraint:
    """One property shape: what a node shape requires (violation) or recommends (warning) of a property."""

    shape: ox.NamedNode | None  # the node shape, e.g. sls:Practice_Shape
    target: ox.NamedNode | None  # the class the node shape targets; None for shapes reached otherwise
    path: list  # the property, or the alternatives of an sh:alternativePath
    name: ox.Literal | None
    description: ox.Literal | None
    min_count: int | None
    max_count: int | None
    severity: str  # 'violation', 'warning' or 'info'
    values: list = field(default_factory=list)  # sh:class, sh:datatype, sh:nodeKind
    order: float = float("inf")

    @property
    def cardinality(self) -> str:
        """Return the counts as ``min..max``, ``*`` for no maximum, or an empty text when neither is set.

        >>> Constraint(None, None, [], None, None, 1, None, "violation").cardinality
        '1..*'
        >>> Constraint(None, None, [], None, None, None, None, "warning").cardinality
        ''
        """
        if self.min_count is None and self.max_count is None:
            return ""
        return f"{self.min_count or 0}..{'*' if self.max_count is None else self.max_count}"


@dataclass
class Term:
    """A class, datatype or property of the ontology, as its documentation shows it."""

    iri: ox.NamedNode
    anchor: str  # the local name: /ns#Practice
    kind: str  # one of the values of KINDS
    label: ox.Literal | None
    definition: ox.Literal | None
    comment: ox.Literal | None
    domain: list = field(default_factory=list)
    range: list = field(default_factory=list)
    parents: list = field(default_factory=list)  # superclasses, superproperties, a datatype's base
    constraints: list = field(default_factory=list)


@dataclass
class Vocabulary:
    """The ontology's header and its terms, sorted by label."""

    iri: ox.NamedNode
    title: ox.Literal | None
    description: ox.Literal | None
    version: str | None
    license: ox.NamedNode | None
    prefix: str | None
    namespace: str
    publisher: ox.NamedNode | None
    classes: list = field(default_factory=list)
    properties: list = field(default_factory=list)

    def term(self, iri) -> Term | None:
        """Return the term of this ontology an IRI names, or None for a term of another vocabulary."""
        value = getattr(iri, "value", iri)
        return next((term for term in self.classes + self.properties if term.iri.value == value), None)

    def prefixed(self, iri) -> str:
        """Return an IRI as a prefixed name where a prefix is known."""
        return prefixed(getattr(iri, "value", iri))


def read(ontology, shapes, lang: str = language.DEFAULT) -> Vocabulary:
    """Return the documentation of the ontology in ``ontology``, with the constraints of ``shapes``.

    :param ontology: the triples of the ontology (one ``owl:Ontology`` and its terms).
    :param shapes: the triples of the SHACL shapes, required and recommended together.
    :param lang: the language to pick texts in.
    """
    about = index(ontology)
    iri = next((s for s, p in about.items() if OWL.Ontology in p.get(RDF.type, [])), ox.NamedNode(uris.ONTOLOGY))
    header = about.get(iri, {})
    namespace = _text(header.get(VANN.preferredNamespaceUri)) or iri.value + "#"
    constraints = _constraints(index(shapes), lang)
    terms = [_term(subject, facts, namespace, constraints, lang) for subject, facts in about.items()
             if isinstance(subject, ox.NamedNode) and subject.value.startswith(namespace) and _kind(facts)]
    terms.sort(key=lambda term: ((term.label.value if term.label else term.anchor).casefold(), term.anchor))
    return Vocabulary(
        iri=iri, title=language.pick(header.get(DCT.title, []), lang),
        description=language.pick(header.get(DCT.description, []), lang),
        version=_text(header.get(OWL.versionInfo)), license=_first(header.get(DCT.license)),
        prefix=_text(header.get(VANN.preferredNamespacePrefix)), namespace=namespace,
        publisher=_first(header.get(DCT.publisher)),
        classes=[term for term in terms if term.kind in CLASS_KINDS],
        properties=[term for term in terms if term.kind not in CLASS_KINDS])


def _term(iri: ox.NamedNode, facts: dict, namespace: str, constraints: list, lang: str) -> Term:
    kind = _kind(facts)
    if kind in CLASS_KINDS:
        parents = facts.get(RDFS.subClassOf, []) + facts.get(OWL.onDatatype, [])
        own = [c for c in constraints if c.target == iri]
        own.sort(key=lambda c: (c.order, c.severity != "violation"))
    else:
        parents = facts.get(RDFS.subPropertyOf, [])
        own = [c for c in constraints if iri in c.path]
        own.sort(key=lambda c: (c.target is None, c.target.value if c.target else "", c.severity != "violation"))
    return Term(
        iri=iri, anchor=iri.value[len(namespace):], kind=kind,
        label=language.pick(facts.get(RDFS.label, []), lang),
        definition=language.pick(facts.get(SKOS.definition, []), lang),
        comment=language.pick(facts.get(RDFS.comment, []), lang),
        domain=_named(facts.get(RDFS.domain, [])), range=_named(facts.get(RDFS.range, [])),
        parents=_named(parents), constraints=own)


def _constraints(shapes: dict, lang: str) -> list[Constraint]:
    """Return one constraint per property shape and class its node shape targets."""
    found = []
    for shape, facts in shapes.items():
        targets = _named(facts.get(SH.targetClass, [])) or [None]
        for node in facts.get(SH.property, []):
            prop = shapes.get(node, {})
            severity = _first(prop.get(SH.severity))  # a property shape does not inherit its node shape's
            for target in targets:
                found.append(Constraint(
                    shape=shape if isinstance(shape, ox.NamedNode) else None, target=target,
                    path=_path(shapes, _first(prop.get(SH.path))),
                    name=language.pick(prop.get(SH.name, []), lang),
                    description=language.pick(prop.get(SH.description, []), lang),
                    min_count=_count(prop.get(SH.minCount)), max_count=_count(prop.get(SH.maxCount)),
                    severity=SEVERITIES.get(severity, "violation"),
                    values=[value for kind in VALUE_TYPES for value in _named(prop.get(kind, []))],
                    order=float(_text(prop.get(SH.order)) or "inf")))
    return found


def _path(shapes: dict, path) -> list:
    """The properties a path names: itself, or the members of an ``sh:alternativePath`` list."""
    if isinstance(path, ox.NamedNode):
        return [path]
    members, node = [], _first(shapes.get(path, {}).get(SH.alternativePath))
    while node is not None and node != RDF.nil:
        members.append(_first(shapes.get(node, {}).get(RDF.first)))
        node = _first(shapes.get(node, {}).get(RDF.rest))
    return _named(members)


def _kind(facts: dict) -> str | None:
    types = facts.get(RDF.type, [])
    return next((kind for cls, kind in KINDS.items() if cls in types), None)


def _named(terms) -> list:
    return [term for term in terms if isinstance(term, ox.NamedNode)]


def _first(terms):
    return terms[0] if terms else None


def _text(terms) -> str | None:
    return terms[0].value if terms else None


def _count(terms) -> int | None:
    return int(terms[0].value) if terms else None
