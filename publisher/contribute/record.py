"""The form's values as a proposal's graph, and a build's practice as the form's values.

A field's name in the submitted form is the property's prefixed name within its block: ``dct:title`` of the
practice, ``i2.dct:title`` of its second initiative, ``schema:contactPoint.1.schema:email`` of the practice's first
contact point (``i2.schema:contactPoint.1.schema:email`` of the initiative's). Values become terms only through
their field: text as a literal, a choice only if it is one of the field's choices, a web address only if it is an
IRI, a place only as the linker resolves it; so no submitted value is pasted into a query or a path.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import PROV, RDF

from publisher import uris, vocab
from publisher.contribute.fields import Form, Shape
from publisher.errors import LinkError
from publisher.language import N_

SL = rdflib.Namespace(vocab.SL.iri)
MAX_INITIATIVES, MAX_NESTED, MAX_VALUES = 100, 5, 50
IRI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+")
PLACE_SEPARATORS = re.compile(r"[;\n]")
HERE = Path(__file__).parent
NODE, INITIATIVES = ((HERE / name).read_text() for name in ("node.rq", "initiatives.rq"))


@dataclass
class Built:
    """A proposal's graph, where each of its nodes sits on the form, and what the form could not take."""

    graph: rdflib.Graph
    practice: rdflib.URIRef
    blocks: dict = field(default_factory=dict)  # node -> the prefix of its fields ("", "i1.", ...)
    errors: dict = field(default_factory=dict)  # field name -> [(message, detail)]
    ambiguous: dict = field(default_factory=dict)  # field name -> [(name, [(spelling, description)])]

    def refuse(self, name: str, message: str, detail: str = "") -> None:
        self.errors.setdefault(name, []).append((message, detail))


@dataclass
class Context:
    """What turning values into a graph needs: URIs, the linker, the day, the practice a change is about."""

    mint: uris.Minter
    linker: object
    day: str
    source: rdflib.URIRef
    subject: str | None = None  # the practice a change is about
    own: set = field(default_factory=set)  # its initiatives in the build, which keep their URIs


def values_in(values, prefix: str, shape: Shape) -> bool:
    """Whether a block holds a value in any of its fields (an initiative's kept URI alone is no value)."""
    fields = tuple(prefix + f.name for f in shape.fields)
    return any(str(v).strip() for name in values if name.startswith(fields) for v in values.getlist(name))


def to_graph(form: Form, values, context: Context) -> Built:
    """Make the proposal's graph of the form's ``values`` (a MultiDict)."""
    mint = context.mint
    title = (values.get("dct:title") or "").strip()
    key = uris.slugify(title)[:80].strip("-") or "naamloos"
    practice = rdflib.URIRef(context.subject or mint.thing(uris.PRACTICE, key))
    built = Built(rdflib.Graph(), practice, {practice: ""})
    graph = built.graph
    graph.add((practice, RDF.type, SL.Practice))
    graph.add((practice, PROV.wasDerivedFrom, context.source))
    _fill(built, form.practice, values, "", practice, context)
    taken = set()
    for n in range(1, MAX_INITIATIVES + 1):
        prefix = f"i{n}."
        if not values_in(values, prefix, form.initiative):
            continue
        kept = values.get(prefix + "iri", "")
        name = uris.slugify(values.get(prefix + "dct:title", ""))[:80].strip("-") or f"{key}-{n}"
        uri = kept if kept in context.own else mint.thing(uris.INITIATIVE, name if name not in taken else f"{name}-{n}")
        taken.add(uri.rsplit("/", 1)[-1])
        node = rdflib.URIRef(uri)
        built.blocks[node] = prefix
        graph.add((node, RDF.type, SL.Initiative))
        graph.add((node, SL.appliesPractice, practice))
        graph.add((node, PROV.wasDerivedFrom, context.source))
        _fill(built, form.initiative, values, prefix, node, context)
    return built


def _fill(built: Built, shape: Shape, values, prefix: str, node, context: Context) -> None:
    graph = built.graph
    for found in shape.fields:
        name, path = prefix + found.name, rdflib.URIRef(found.path)
        texts = [v.replace("\r\n", "\n").strip() for v in values.getlist(name)][:MAX_VALUES]
        if found.kind in ("text", "line"):
            for text in texts[:1]:
                if text:
                    graph.add((node, path, rdflib.Literal(text, lang=found.language)))
        elif found.kind == "lines":
            for line in (line.strip() for text in texts for line in text.split("\n")):
                if line:
                    graph.add((node, path, rdflib.Literal(line, lang=found.language)))
        elif found.kind in ("link", "links"):
            for line in (line.strip() for text in texts for line in text.split("\n")):
                if line and IRI.fullmatch(line):
                    graph.add((node, path, rdflib.URIRef(line)))
                elif line:
                    built.refuse(name, N_("Dit is geen webadres."), line)
        elif found.kind in ("choice", "choices"):
            offered = {iri for iri, _ in found.choices}
            for text in texts:
                if text in offered:
                    graph.add((node, path, rdflib.URIRef(text)))
                elif text:
                    built.refuse(name, N_("Deze keuze bestaat niet."), text)
        elif found.kind == "places":
            for uri in _places(built, name, values, texts, context):
                graph.add((node, path, rdflib.URIRef(uri)))
        elif found.kind == "nested":
            for k in range(1, MAX_NESTED + 1):
                inner = f"{name}.{k}."
                if values_in(values, inner, found.nested):
                    blank = rdflib.BNode()
                    built.blocks[blank] = inner
                    graph.add((node, path, blank))
                    graph.add((blank, RDF.type, rdflib.URIRef(found.nested.cls)))
                    _fill(built, found.nested, values, inner, blank, context)


def _places(built: Built, name: str, values, texts, context: Context) -> list:
    """Link each place name of a field; an ambiguous name is asked back with its candidates."""
    names = [n.strip() for text in texts for n in PLACE_SEPARATORS.split(text) if n.strip()][:MAX_VALUES]
    for k, original in enumerate(values.getlist(name + ".naam")):
        chosen = values.get(f"{name}.kies.{k}", "")
        names = [chosen if n == original and chosen else n for n in names]
    found = []
    for text in names:
        try:
            link = context.linker.link(text, context.day)
        except LinkError as error:
            exact = [c for c in error.candidates if c.exact]
            if exact:
                built.ambiguous.setdefault(name, []).append(
                    (text, [(c.spelling, f"{c.name} ({c.municipality_name}, {c.nis})") for c in exact]))
                built.refuse(name, N_("Deze naam past bij meer dan één plaats: kies er één."), text)
            else:
                suggested = ", ".join(c.spelling for c in error.candidates[:3])
                built.refuse(name, N_("Deze plaats kennen we niet."), f"{text}" + (f" ({suggested}?)" if suggested
                                                                                    else ""))
            continue
        found.append(context.mint.rebase(link.locality or link.municipality))
    return found


def from_build(form: Form, graph, practice: str, linker) -> dict:
    """The form's values of a practice of the build and its initiatives (name -> list of texts)."""
    values = {}
    _values(values, form.practice, "", statements(graph, practice), linker)
    rows = graph.select(INITIATIVES, practice=_named(practice))
    for n, row in enumerate(rows, start=1):
        if n > MAX_INITIATIVES:
            break
        values[f"i{n}.iri"] = [row["initiative"].value]
        _values(values, form.initiative, f"i{n}.", statements(graph, row["initiative"].value), linker)
    return values


def _named(uri: str) -> ox.NamedNode:
    return ox.NamedNode(uri)


def statements(graph, uri: str) -> dict:
    """{property: [object]} of a resource, a blank node's own statements as {property: [object]} in its place."""
    found, blanks = {}, {}
    for row in graph.select(NODE, node=_named(uri)):
        p, o = row["p"].value, row["o"]
        if row["q"] is not None:
            blanks.setdefault(o, {}).setdefault(row["q"].value, []).append(row["v"])
        if o not in found.get(p, []):
            found.setdefault(p, []).append(o)
    return {p: [blanks.get(o, o) for o in objects] for p, objects in found.items()}


def _values(values: dict, shape: Shape, prefix: str, statements: dict, linker) -> None:
    for found in shape.fields:
        objects = statements.get(found.path, [])
        name = prefix + found.name
        texts = sorted(o.value for o in objects if not isinstance(o, dict)
                       and (found.language is None or getattr(o, "language", None) == found.language))
        if found.kind in ("text", "line") and texts:
            values[name] = texts[:1]
        elif found.kind in ("lines", "links") and texts:
            values[name] = ["\n".join(texts)]
        elif found.kind in ("choice", "choices"):
            values[name] = texts
        elif found.kind == "places" and texts:
            values[name] = ["; ".join(_spelling(linker, uri) for uri in texts)]
        elif found.kind == "nested":
            for k, inner in enumerate((o for o in objects if isinstance(o, dict)), start=1):
                if k <= MAX_NESTED:
                    _values(values, found.nested, f"{name}.{k}.", inner, linker)


def _spelling(linker, uri: str) -> str:
    """A name that the linker resolves to the place ``uri`` alone (its NIS code, for one it cannot name so)."""
    place = linker.places.get(uris.DEFAULT_BASE + "id/" + uri.split("/id/", 1)[-1])
    if place is None or not place.labels:
        return uri.rsplit("/", 1)[-1]
    name = place.labels[0]
    within = linker.places.get(place.municipality or "")
    if within is not None and within.labels:
        name = f"{name} ({within.labels[0]})"
    try:
        link = linker.link(name)
        if (link.locality or link.municipality) == place.uri:
            return name
    except LinkError:
        pass
    return place.nis or name


def practice_key(triples, uri, base: str) -> str | None:
    """The key of the practice a page's resource is or applies (``?praktijk=`` of its "propose a change" link).

    >>> p, s = ox.NamedNode("https://w3id.org/samenleven/id/praktijk/x"), vocab.SL
    >>> practice_key([ox.Triple(p, vocab.RDF.type, s.Practice)], p, "https://w3id.org/samenleven/")
    'x'
    """
    prefix = uris.Minter(base).thing(uris.PRACTICE, "")
    for t in triples:
        if t.subject == uri and t.predicate == vocab.RDF.type and t.object == vocab.SL.Practice:
            found = uri.value
        elif t.subject == uri and t.predicate == vocab.SL.appliesPractice:
            found = t.object.value
        else:
            continue
        if found.startswith(prefix):
            return found[len(prefix):]
    return None
