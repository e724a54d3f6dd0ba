"""How a resource page lays out its properties: the SHACL shapes' groups, order and names, in the page's language.

The shapes say, per class, which properties it has, in which ``sh:group`` and ``sh:order``, under which
``sh:name``; the ontology and ``labels.ttl`` (names of the standard terms the shapes do not cover, and headings of
the inverse lists) fill in the rest. A property no shape orders goes to a last group, "Overige", by name.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from publisher import language
from publisher.indexes import index
from publisher.inference import _closure
from publisher.vocab import PREFIXES, PUB, RDF, RDFS, SH, SLS, VANN

# Prefixes the data never uses, so not in vocab.PREFIXES, that pages show: shape names, sh:IRI, vann.
NAMES = {**PREFIXES, "sls": SLS.iri, "sh": SH.iri, "vann": VANN.iri}

LABELS_FILE = Path(__file__).parent / "labels.ttl"
OTHER = language.N_("Overige")
_LAST = float("inf")


@dataclass
class Slot:
    """Where one property of a class goes on the page."""

    path: ox.NamedNode
    order: float = _LAST
    group: ox.NamedNode | None = None
    names: list = field(default_factory=list)


@dataclass
class Section:
    title: str
    predicates: list  # in the order the page shows them


def _number(term, default=_LAST) -> float:
    try:
        return float(term.value)
    except (AttributeError, ValueError):
        return default


class Layout:
    """The page layout of the build's shapes and ontology."""

    def __init__(self, shapes, ontology, names: tuple = ()):
        """:param names: the properties that name a resource, in order of preference (``kinds.Registry.names``)."""
        self.names = names
        extra = list(ox.parse(path=str(LABELS_FILE), format=ox.RdfFormat.TURTLE))
        shaped, described = index(shapes), index(list(ontology) + extra)
        self.groups = {s: (_number(p.get(SH.order, [None])[0]), p.get(RDFS.label, []))
                       for s, p in shaped.items() if SH.PropertyGroup in p.get(RDF.type, ())}
        self.by_class, self.generic = {}, {}
        for shape, props in shaped.items():
            targets = [(self.by_class, c) for c in props.get(SH.targetClass, ())]
            targets += [(self.generic, p) for p in props.get(SH.targetSubjectsOf, ())]
            for ps in (shaped.get(node, {}) for node in props.get(SH.property, ())):
                path = ps.get(SH.path, [None])[0]
                if not isinstance(path, ox.NamedNode):
                    continue  # alternative paths check values; they do not lay out the page
                slot = Slot(path, _number(ps.get(SH.order, [None])[0]), ps.get(SH.group, [None])[0],
                            ps.get(SH.name, []))
                for table, key in targets:
                    _merge(table.setdefault(key, {}), slot)
        self.labels = {s: p.get(RDFS.label, []) for s, p in described.items() if RDFS.label in p}
        for props in shaped.values():  # a node shape's label names its class where the ontology does not
            for cls in props.get(SH.targetClass, ()):
                self.labels.setdefault(cls, props.get(RDFS.label, []))
        self.inverse_labels = {s: p[PUB.inverseLabel] for s, p in described.items()
                               if PUB.inverseLabel in p}
        self.supers = _closure({s: set(p.get(RDFS.subPropertyOf, ())) for s, p in described.items()
                                if RDFS.subPropertyOf in p})
        self.superclasses = _closure({s: set(p.get(RDFS.subClassOf, ())) for s, p in described.items()
                                      if RDFS.subClassOf in p})

    def slots(self, types) -> dict:
        """The slots of a resource of ``types``, by property: the class shapes', then the generic ones."""
        found = {}
        for cls in sorted(types, key=str):
            for slot in self.by_class.get(cls, {}).values():
                _merge(found, slot)
        for path, slots in self.generic.items():
            for slot in slots.values():
                if path not in found:
                    found[path] = slot
        return found

    def sections(self, types, predicates, lang: str) -> list[Section]:
        """Group and order ``predicates`` as the shapes of ``types`` say; the rest last, by name."""
        slots = self.slots(types)
        grouped = {}
        for predicate in predicates:
            slot = slots.get(predicate)
            group = slot.group if slot and slot.group in self.groups else None
            grouped.setdefault(group, []).append(predicate)
        ordered = sorted(grouped, key=lambda g: self.groups[g][0] if g is not None else _LAST)
        return [Section(self._group_title(g, lang),
                        sorted(grouped[g], key=lambda p: (slots[p].order if p in slots else _LAST,
                                                          self.name(p, types, lang))))
                for g in ordered]

    def name(self, predicate: ox.NamedNode, types, lang: str) -> str:
        """The name of a property on a page about a resource of ``types``."""
        slot = self.slots(types).get(predicate)
        found = language.pick(slot.names, lang) if slot else None
        found = found or language.pick(self.labels.get(predicate, ()), lang)
        return found.value if found else prefixed(predicate.value)

    def inverse_name(self, predicate: ox.NamedNode, lang: str) -> str:
        """The heading of the list of resources that link here with ``predicate``."""
        found = language.pick(self.inverse_labels.get(predicate, ()), lang)
        if found:
            return found.value
        label = language.pick(self.labels.get(predicate, ()), lang)
        links_here = language.translate("verwijst hierheen als", lang)  # outside the f-string, for the extractor
        return f"{links_here} {label.value if label else prefixed(predicate.value)}"

    def type_name(self, cls: ox.NamedNode, lang: str) -> str:
        found = language.pick(self.labels.get(cls, ()), lang)
        return found.value if found else prefixed(cls.value)

    def specific(self, types) -> list:
        """Drop the types that are super-classes of another of ``types`` (the build entailed them)."""
        implied = {parent for cls in types for parent in self.superclasses.get(cls, ())}
        return sorted((t for t in types if t not in implied), key=str)

    def _group_title(self, group, lang: str) -> str:
        if group is None:
            return language.translate(OTHER, lang)
        found = language.pick(self.groups[group][1], lang)
        return found.value if found else prefixed(group.value)


def _merge(table: dict, slot: Slot) -> None:
    """Keep one slot per path: the first that orders it, with the names of all."""
    old = table.get(slot.path)
    if old is None:
        table[slot.path] = Slot(slot.path, slot.order, slot.group, list(slot.names))
        return
    if old.order == _LAST and slot.order != _LAST:
        old.order, old.group = slot.order, slot.group
    old.group = old.group or slot.group
    old.names += [n for n in slot.names if n not in old.names]


def prefixed(iri: str) -> str:
    """Show an IRI as a prefixed name where a prefix is known, the longest namespace first.

    >>> prefixed("http://purl.org/dc/terms/title"), prefixed("https://w3id.org/samenleven/shapes#Practice_Shape")
    ('dct:title', 'sls:Practice_Shape')
    >>> prefixed("http://example.org/x")
    'http://example.org/x'
    """
    for prefix, namespace in sorted(NAMES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
