"""The side-by-side difference an editor reviews: a proposal's fields against the build's description of them.

Fields, not Turtle: each thing the proposal describes (the practice, its initiatives) is a table of its
properties, named and ordered by the shapes (``sh:name``, ``sh:group``, ``sh:order``, through the build's
``Layout``), with the values in the build on the left and the proposed ones on the right. A value that links to
another thing shows that thing's name; a blank node (a contact point, an image) shows its own fields.
"""

from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher import language, uris
from publisher.store import Build
from publisher.vocab import RDF, SL

NAMED = (ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
         ox.NamedNode("http://purl.org/dc/terms/title"), ox.NamedNode("http://schema.org/name"))


@dataclass
class Row:
    name: str
    before: list
    after: list

    @property
    def changed(self) -> bool:
        return sorted(self.before) != sorted(self.after)


@dataclass
class Thing:
    """One thing of the proposal or the build, and its rows."""

    iri: str
    kind: str
    rows: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.changed for row in self.rows)


def proposed_triples(turtle: str, base: str) -> list:
    """Parse a proposal's Turtle (written with ``uris.DEFAULT_BASE``) into triples of the build's ``base``."""
    minter = uris.Minter(base)

    def rebased(term):
        return ox.NamedNode(minter.rebase(term.value)) if isinstance(term, ox.NamedNode) else term
    return [ox.Triple(rebased(t.subject), t.predicate, rebased(t.object))
            for t in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE, base_iri=uris.DEFAULT_BASE)]


def compare(build: Build, turtle: str, subject: str | None, lang: str) -> list[Thing]:
    """Return the things of a proposal, each with the rows of its fields, before (in ``build``) and after."""
    after = proposed_triples(turtle, build.manifest["base"])
    practices = [t.subject for t in after if t.predicate == RDF.type and t.object == SL.Practice]
    practice = ox.NamedNode(subject) if subject else (practices[0] if practices else None)
    before = []
    if subject:
        found = build.graph.describe(subject, size=1000)
        before = list(found.triples)
        for initiative in [t.subject for t in found.links() if t.predicate == SL.appliesPractice]:
            before += build.graph.describe(initiative.value, size=1).triples
    names = _names(build, before + after, lang)
    things = [practice] if practice else []
    things += sorted({t.subject for t in before + after
                      if t.predicate == SL.appliesPractice and t.object == practice}, key=str)
    return [_thing(build.layout, node, before, after, names, lang) for node in things]


def _thing(layout, node, before, after, names, lang) -> Thing:
    types = {t.object for t in before + after if t.subject == node and t.predicate == RDF.type}
    # The fields: what the proposal gives, and what the class's shapes name in the build (not what the build
    # derives, such as dates and the schema.org terms it infers, which no contributor writes).
    shaped = {path for cls in types for path in layout.by_class.get(cls, {})}
    predicates = {t.predicate for t in after if t.subject == node and t.predicate != RDF.type}
    predicates |= {t.predicate for t in before if t.subject == node and t.predicate in shaped}
    kind = ", ".join(layout.type_name(cls, lang) for cls in layout.specific(types))
    thing = Thing(node.value, kind)
    for section in layout.sections(types, predicates, lang):
        for predicate in section.predicates:
            thing.rows.append(Row(layout.name(predicate, types, lang),
                                  _values(layout, before, node, predicate, names, lang),
                                  _values(layout, after, node, predicate, names, lang)))
    return thing


def _values(layout, triples, node, predicate, names, lang) -> list[str]:
    return sorted(_text(layout, triples, t.object, names, lang)
                  for t in triples if t.subject == node and t.predicate == predicate)


def _text(layout, triples, term, names, lang, depth=0) -> str:
    """A value as an editor reads it: a literal's text, a thing's name, a blank node's fields."""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        if depth > 3:
            return "…"
        own = [t for t in triples if t.subject == term and t.predicate != RDF.type]
        types = {t.object for t in triples if t.subject == term and t.predicate == RDF.type}
        return "; ".join(sorted(f"{layout.name(t.predicate, types, lang)}: "
                                f"{_text(layout, triples, t.object, names, lang, depth + 1)}" for t in own))
    name = names.get(term)
    return f"{name} <{term.value}>" if name else term.value


def _names(build: Build, triples, lang: str) -> dict:
    """The names of the things the values link to: the proposal's own first (a concept it mints), then the build's."""
    linked = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    found = {}
    for t in list(build.labels(linked)) + [t for t in triples if t.predicate in NAMED]:
        found.setdefault(t.subject, []).append(t.object)
    return {node: language.pick(literals, lang).value for node, literals in found.items()
            if node in linked and language.pick(literals, lang)}


def title(turtle: str, lang: str) -> str:
    """The title of the practice a proposal describes, in ``lang`` if it has one ("" when it has none)."""
    try:
        triples = proposed_triples(turtle, uris.DEFAULT_BASE)
    except SyntaxError:
        return ""
    practices = {t.subject for t in triples if t.predicate == RDF.type and t.object == SL.Practice}
    found = language.pick([t.object for t in triples if t.subject in practices and t.predicate == NAMED[1]], lang)
    return found.value if found else ""
