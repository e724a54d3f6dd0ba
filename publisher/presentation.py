"""Turn a description into what a resource page shows: names instead of IRIs, grouped rows, inverse lists.

Templates get plain values (text, link, language) and never see RDF terms, so escaping is Jinja's job alone.
Only ``linkable`` IRIs become links; an editor's ``javascript:`` or ``data:`` IRI is shown as text.
"""

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher import language
from publisher.indexes import index
from publisher.layout import Layout, prefixed
from publisher.store.description import LABELS, Description
from publisher.vocab import DCT, OWL, RDF, RDFS, SCHEMA, SKOS, SL, XSD

LEADS = (DCT.abstract, DCT.description, SKOS.definition, RDFS.comment)
# Identifiers that have a page elsewhere: Wikidata's search by the NIS/INS code property P1567 finds the
# municipality (REFERENCE.md, "Municipality identifiers").
WIKIDATA_NIS = "https://www.wikidata.org/w/index.php?search=haswbstatement%3AP1567%3D{}"
QUIET = ("#string", "#langString", "#date", "#dateTime", "#NisCode")  # datatypes whose values speak for themselves
SCHEMES = {SCHEMA.email: "mailto:"}  # literals shown as links; a telephone number stays text (only http(s), mailto)
# The schemes a link may have (issue 10): a browser runs javascript: and vbscript: links and opens data: and file:
# ones, so every other scheme is text. Matched on the raw IRI: " javascript:" or "java\tscript:" (which browsers
# read as javascript:, WHATWG URL parsing) have no scheme that matches, so they are text too.
_LINKABLE = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


def linkable(iri: str) -> bool:
    """Tell whether an IRI may become a link (``href``): only http, https and mailto.

    >>> [linkable(iri) for iri in ("https://gent.be/", "HTTP://a.example", "mailto:info@gent.be")]
    [True, True, True]
    >>> [linkable(iri) for iri in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "java\tscript:x",
    ...                            "data:text/html,x", "vbscript:x", "file:///etc/passwd", "tel:+32", "/relative")]
    [False, False, False, False, False, False, False, False, False]
    """
    return _LINKABLE.match(iri) is not None


def href(iri: str, local) -> str | None:
    """Return where a link to ``iri`` goes (``local`` maps it to this server), or None when it may not be a link.

    >>> href("https://gent.be/", str), href("javascript:alert(1)", str)
    ('https://gent.be/', None)
    """
    return local(iri) if linkable(iri) else None


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    note: str | None = None  # a datatype or a type, shown small
    rows: list | None = None  # a blank node's own rows
    external: bool = False


@dataclass
class Row:
    name: str
    predicate: str
    values: list


@dataclass
class Group:
    title: str
    rows: list


@dataclass
class InverseList:
    name: str
    predicate: str
    count: int
    items: list


@dataclass
class Page:
    uri: str
    label: str
    label_lang: str | None
    types: list
    lead: Value | None
    groups: list
    inverse: list
    replaced_by: list = field(default_factory=list)
    valid_until: str | None = None


class Presenter:
    """Present descriptions in one language, with links made by ``local`` (an IRI → where it is served)."""

    def __init__(self, layout: Layout, lang: str, local):
        self.layout, self.lang, self.local = layout, lang, local

    def page(self, description: Description) -> Page:
        described = index(description.triples)
        self.names = index(description.labels + description.triples)
        own = described.get(description.uri, {})
        types = self.layout.specific(own.get(RDF.type, []))
        heading = self._label(description.uri)
        lead = next((found for p in LEADS if (found := language.pick(own.get(p, []), self.lang))), None)
        shown = {heading, lead}
        groups = self._groups(own, types, described, shown)
        return Page(
            uri=description.uri.value, label=heading.value if heading else prefixed(description.uri.value),
            label_lang=heading.language if heading else None,
            types=[Value(self.layout.type_name(t, self.lang), self._href(t.value)) for t in types],
            lead=Value(lead.value, lang=lead.language) if lead else None, groups=groups,
            inverse=[InverseList(self.layout.inverse_name(g.predicate, self.lang), g.predicate.value, g.count,
                                 [self._value(None, s, {}) for s in g.subjects]) for g in description.inverse],
            replaced_by=[self._value(None, o, {}) for o in own.get(DCT.isReplacedBy, [])],
            valid_until=next((o.value for o in own.get(SL.validUntil, [])), None))

    def listing(self, nodes, triples) -> list[Value]:
        """Present resources as links with their names and, as a note, their most specific types."""
        self.names = described = index(triples)
        found = []
        for node in nodes:
            value = self._value(None, node, {})
            types = self.layout.specific(described.get(node, {}).get(RDF.type, []))
            value.note = ", ".join(self.layout.type_name(t, self.lang) for t in types) or None
            found.append(value)
        return found

    def value(self, term) -> Value:
        """Present a term of the page's description (after ``page()``): a link with its name, or a literal."""
        return self._value(None, term, {})

    def name(self, uri: ox.NamedNode) -> str:
        """The name of a resource of the description, in the page's language."""
        found = self._label(uri)
        return found.value if found else prefixed(uri.value)

    def _groups(self, own: dict, types, described: dict, shown) -> list:
        values = {p: [o for o in objects if o not in shown] for p, objects in own.items() if p != RDF.type}
        for predicate, objects in list(values.items()):  # entailed super-properties repeat their sub-properties
            implied = {o for sub, objs in own.items() if predicate in self.layout.supers.get(sub, ()) for o in objs}
            values[predicate] = [o for o in objects if o not in implied]
        values = {p: objects for p, objects in values.items() if objects}
        return [Group(section.title,
                      [Row(self.layout.name(p, types, self.lang), p.value,
                           [self._value(p, o, described) for o in sorted(values[p], key=self._sort_key)])
                       for p in section.predicates])
                for section in self.layout.sections(types, values, self.lang)]

    def _value(self, predicate, term, described: dict) -> Value:
        if isinstance(term, ox.BlankNode):
            inner = described.get(term, {})
            types = self.layout.specific(inner.get(RDF.type, []))
            return Value(", ".join(self.layout.type_name(t, self.lang) for t in types), rows=[
                row for group in self._groups(inner, types, described, set()) for row in group.rows])
        if isinstance(term, ox.NamedNode):
            label = self._label(term)
            href = self._href(term.value)
            external = href == term.value
            if label:
                return Value(label.value, href, label.language, external=external)
            if predicate in (RDF.type, OWL.sameAs) or external or href is None:
                return Value(prefixed(term.value) if predicate == RDF.type else term.value, href, external=external)
            return Value(href.rsplit("/", 1)[-1], href)
        datatype = term.datatype.value if not term.language else None
        note = None if not datatype or datatype.endswith(QUIET) else prefixed(datatype)
        href = None
        if term.datatype == SL.NisCode:
            href = WIKIDATA_NIS.format(term.value)
        elif predicate in SCHEMES and linkable(SCHEMES[predicate] + term.value):
            href = SCHEMES[predicate] + term.value
        return Value(self._shown(term), href, term.language or None, note, external=bool(href))

    def _shown(self, literal: ox.Literal) -> str:
        """A literal's text; a date in the reader's language (the RDF keeps ISO 8601)."""
        if literal.datatype == XSD.date:
            return language.format_day(literal.value, self.lang)
        if literal.datatype == XSD.dateTime:
            return language.format_moment(literal.value, self.lang)
        return literal.value

    def _href(self, iri: str) -> str | None:
        return href(iri, self.local)

    def _label(self, uri) -> ox.Literal | None:
        found = self.names.get(uri, {})
        return language.pick([o for p in self.layout.names or LABELS for o in found.get(p, [])], self.lang)

    def _sort_key(self, term) -> tuple:
        if isinstance(term, ox.Literal):
            return (0, language.fallbacks(self.lang).index(term.language) if term.language in
                    language.fallbacks(self.lang) else 9, term.value)
        return (1, 0, self.name(term).lower() if isinstance(term, ox.NamedNode) else "")
