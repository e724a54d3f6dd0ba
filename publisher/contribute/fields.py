"""The contribution form, read from the shapes: one field per property shape of a practice and of an initiative.

A property shape's ``sh:group`` and ``sh:order`` place its field, ``sh:name`` labels it and ``sh:description``
explains it (in the reader's language), ``sh:minCount`` makes it required. What the field takes follows from its
constraints: a concept of a scheme (``sh:node`` whose ``skos:inScheme`` has a ``sh:hasValue``, or ``sh:in``) is a
choice, a place (``sh:class sl:Municipality``, also inside ``sh:or``) is typed by name and linked by the server, a
node of a class with a node shape of its own (a contact point) is a nested block of that shape's fields, an IRI
(``sh:nodeKind sh:IRI``) a web address, text (``rdf:langString``, ``xsd:string``) a text box, a single line when
``dash:singleLine true`` or a plain string. So a property added to a shape appears on the form with no template
change. Left to the editors: what the server sets (``SET``) and links to things of the graph that a contributor
does not choose from (organisations, programmes, sources); the photo field stands in for ``schema:image``.
"""

from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher import kinds
from publisher.indexes import index
from publisher.language import pick
from publisher.layout import prefixed
from publisher.vocab import DASH, PROV, RDF, RDFS, SCHEMA, SH, SKOS, SL, XSD

SET = {PROV.wasDerivedFrom, SL.appliesPractice, SCHEMA.image}  # the server sets these, or the photo does
PLACES = {SL.Municipality, SL.Locality}
TEXTS = {RDF.langString, XSD.string}
_LAST = float("inf")


@dataclass
class Field:
    """One field: the property it fills, what it takes, and its texts by language."""

    name: str  # the property's prefixed name (``dct:title``), the field's name within its block
    path: str
    kind: str  # text, line, lines, link, links, choice, choices, places, nested
    names: list  # sh:name literals
    help: list  # sh:description literals
    order: float = _LAST
    group: ox.NamedNode | None = None
    required: bool = False
    language: str | None = None  # "nl" for rdf:langString: the values are Dutch text
    choices: list = field(default_factory=list)  # (IRI, label literals)
    nested: "Shape | None" = None

    def label(self, lang: str) -> str:
        found = pick(self.names, lang)
        return found.value if found else self.name

    def explanation(self, lang: str) -> str:
        found = pick(self.help, lang)
        return found.value if found else ""


@dataclass
class Shape:
    """The fields of one class, grouped and ordered as its node shape says."""

    cls: str
    names: list
    fields: list
    left: list = field(default_factory=list)  # the paths of the class that the form leaves to the editors

    def groups(self, titles: dict) -> list:
        """The fields by group, in the groups' order: [(group title literals, [Field])]."""
        grouped = {}
        for found in sorted(self.fields, key=lambda f: (f.order, f.name)):
            grouped.setdefault(found.group, []).append(found)
        order = sorted(grouped, key=lambda g: titles.get(g, (_LAST, []))[0])
        return [(titles.get(g, (_LAST, []))[1], grouped[g]) for g in order]

    def by_name(self) -> dict:
        return {f.name: f for f in self.fields}


@dataclass
class Form:
    practice: Shape
    initiative: Shape
    groups: dict  # group IRI -> (order, label literals)


def read(shapes, choices) -> Form:
    """Read the form from the triples of the shapes; ``choices(scheme)`` lists a scheme's (concept, labels)."""
    shaped = index(shapes)
    unique = {ps[SH.path][0] for ps in shaped.values() if SH.path in ps and _true(ps.get(SH.uniqueLang))}
    groups = {s: (_number(p.get(SH.order)), p.get(RDFS.label, [])) for s, p in shaped.items()
              if SH.PropertyGroup in p.get(RDF.type, ())}
    by_class = {}
    for s, p in shaped.items():
        for c in p.get(SH.targetClass, ()):
            by_class.setdefault(c, []).append(s)
    reader = _Reader(shaped, unique, by_class, choices)
    return Form(reader.shape(SL.Practice), reader.shape(SL.Initiative), groups)


class _Reader:
    def __init__(self, shaped, unique, by_class, choices):
        self.shaped, self.unique, self.by_class, self.choices = shaped, unique, by_class, choices
        self.registry = set(kinds.default().by_class)

    def shape(self, cls, seen=()) -> Shape:
        found, names, left = {}, [], []
        for node in sorted(self.by_class.get(cls, ()), key=str):
            props = self.shaped.get(node, {})
            names += props.get(RDFS.label, [])
            for ps in (self.shaped.get(p, {}) for p in props.get(SH.property, ())):
                if ps.get(SH.severity, [SH.Violation]) != [SH.Violation]:
                    continue  # a recommendation (shapes_recommended.ttl) says nothing of what a field takes
                made = self.field(ps, (*seen, cls))
                if made and made.name not in found:
                    found[made.name] = made
                elif made is None and isinstance((ps.get(SH.path) or [None])[0], ox.NamedNode):
                    left.append(ps[SH.path][0].value)
        return Shape(cls.value, names, list(found.values()), left)

    def field(self, ps: dict, seen) -> Field | None:
        path = (ps.get(SH.path) or [None])[0]
        if not isinstance(path, ox.NamedNode) or path in SET:
            return None
        made = Field(prefixed(path.value), path.value, "", ps.get(SH.name, []), ps.get(SH.description, []),
                     _number(ps.get(SH.order)), (ps.get(SH.group) or [None])[0],
                     _number(ps.get(SH.minCount), 0) >= 1)
        single = _number(ps.get(SH.maxCount)) <= 1
        classes = set(ps.get(SH["class"], ()))
        for option in self.listed((ps.get(SH["or"]) or [None])[0]):
            classes |= set(self.shaped.get(option, {}).get(SH["class"], ()))
        scheme = self.scheme(ps)
        if classes & PLACES:
            made.kind = "places"
        elif scheme is not None or SH["in"] in ps:
            made.kind = "choice" if single else "choices"
            made.choices = self.choices(scheme) if scheme is not None else [
                (term.value, [term]) for term in self.listed(ps[SH["in"]][0])]
        elif classes:
            cls = sorted(classes, key=str)[0]
            if cls not in self.by_class or cls in self.registry or cls in seen:
                return None  # a thing of the graph (an organisation, a programme): the editors link it
            made.kind, made.nested = "nested", self.shape(cls, seen)
        elif SH.IRI in ps.get(SH.nodeKind, ()):
            made.kind = "link" if single else "links"
        elif set(ps.get(SH.datatype, ())) & TEXTS:
            made.language = "nl" if RDF.langString in ps[SH.datatype] else None
            one = single or path in self.unique or made.language is None
            made.kind = "lines" if not one else "line" if made.language is None or _true(ps.get(DASH.singleLine)) \
                else "text"
        else:
            return None
        return made

    def scheme(self, ps: dict):
        """The scheme a ``sh:node`` asks the value to be in (``skos:inScheme`` with ``sh:hasValue``), if any."""
        for node in ps.get(SH.node, ()):
            for inner in self.shaped.get(node, {}).get(SH.property, ()):
                inner = self.shaped.get(inner, {})
                if inner.get(SH.path) == [SKOS.inScheme] and inner.get(SH.hasValue):
                    return inner[SH.hasValue][0]
        return None

    def listed(self, head) -> list:
        """The members of an RDF list."""
        found = []
        while head is not None and head != RDF.nil and len(found) < 1000:
            item = self.shaped.get(head, {})
            found += item.get(RDF.first, [])
            head = (item.get(RDF.rest) or [None])[0]
        return found


def _true(values) -> bool:
    return bool(values) and isinstance(values[0], ox.Literal) and values[0].value == "true"


def _number(values, default=_LAST) -> float:
    try:
        return float(values[0].value)
    except (TypeError, IndexError, AttributeError, ValueError):
        return default
