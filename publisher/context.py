"""The JSON-LD context (``/context.jsonld``): short names for the terms of the data, made from the ontology and the
shapes, and the compaction of a graph with it by pyld, a JSON-LD 1.1 processor.

Every term the ontology declares or builds on, and every class and property the shapes constrain, is named by its
local name (``title``, ``prefLabel``, ``Practice``); where two vocabularies share a local name, the ontology's term
keeps it, then the first vocabulary in ``vocab.PREFIXES``, and the other is written as a compact IRI
(``foaf:name``). The shapes and the ranges say what a property's values are: IRIs (``"@type": "@id"``), a datatype,
or texts in languages, which become language maps (``{"nl": …, "en": …}``). ``id`` and ``type`` stand for ``@id``
and ``@type``, and each prefix of ``vocab.PREFIXES`` is defined, so any other term compacts to ``prefix:name``.

pyld never fetches: its document loader serves this context from memory at the one URL given and refuses every
other URL, so no document (a hostile one included) can make the server open a connection.
"""

import io
import json
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from publisher import artefacts
from publisher.compaction import Compactor
from publisher.indexes import index
from publisher.uris import NS, ONTOLOGY
from publisher.vocab import OWL, PREFIXES, RDF, RDFS, SH

NAME = "context.jsonld"
_KINDS = {SH.IRI: "@id", SH.BlankNode: "@id", SH.BlankNodeOrIRI: "@id"}


def make(ontology: list, shapes: list, extra: dict | None = None) -> dict:
    """Return the context document made from the ontology's and the shapes' triples.

    :param extra: more terms the server writes, ``{NamedNode: "@id" or a datatype IRI}``.
    """
    kinds, classes = _from_shapes(shapes)
    kinds.update({term.value: kind for term, kind in (extra or {}).items()})
    for term, kind in _from_ontology(ontology, classes).items():
        if kinds.get(term) is None:  # the shapes say nothing of its values: the ontology may
            kinds[term] = kind
    namespaces = [NS] + [iri for iri in PREFIXES.values() if iri != NS]
    body = {"id": "@id", "type": "@type", **{prefix: iri for prefix, iri in PREFIXES.items()}}
    ranked = sorted(kinds, key=lambda iri: next((n for n, ns in enumerate(namespaces) if iri.startswith(ns)), 99))
    for iri in ranked:
        name = _local(iri, namespaces)
        if name and name not in body:
            kind = kinds[iri]
            body[name] = iri if kind is None else \
                {"@id": iri, "@container": "@language"} if kind == "@language" else {"@id": iri, "@type": kind}
    version = {t.object.value for t in ontology if t.subject.value == ONTOLOGY and t.predicate == OWL.versionInfo}
    source = {t.object.value for t in ontology if t.subject.value == ONTOLOGY and t.predicate == OWL.versionIRI}
    return {"@context": dict(sorted(body.items(), key=lambda item: (":" in item[0], item[0]))),
            "owl:versionInfo": min(version, default=""), "dct:source": [{"@id": iri} for iri in sorted(source)]}


@lru_cache(maxsize=4)
def of_build(folder: str, extra: tuple = ()) -> dict:
    """Return the context of a build, made from the ontology and shapes it was built with (kept per build)."""
    ontology, shapes = (list(ox.parse(path=str(Path(folder) / name), format=ox.RdfFormat.TURTLE))
                        for name in (artefacts.ONTOLOGY, artefacts.SHAPES))
    return make(ontology, shapes, dict(extra))


def compact(triples, context: dict, url: str | None = None, indent: int | None = None) -> bytes:
    """Return ``triples`` as JSON-LD compacted with ``context``: its ``@context`` is ``url`` (where the context is
    served) when given, else the context itself, in full."""
    dataset = {"@default": [{"subject": _term(t.subject), "predicate": _term(t.predicate),
                             "object": _term(t.object)} for t in triples]}
    load = loader(url, context)
    options = {"documentLoader": load, "contextResolver": ContextResolver(LRUCache(maxsize=4), load)}
    expanded = jsonld.from_rdf(dataset, {})
    document = jsonld.compact(expanded, url if url else {"@context": context["@context"]}, options)
    return json.dumps(document, ensure_ascii=False, indent=indent).encode()


def compact_parts(triples, context: dict, size: int = 2000) -> bytes:
    """Return ``triples`` as one JSON-LD document compacted with ``context`` in full (``write_parts``)."""
    stream = io.BytesIO()
    write_parts(stream, triples, context, size)
    return stream.getvalue()


def write_parts(stream, triples, context: dict, size: int = 2000) -> None:
    """Write ``triples`` to ``stream`` as one JSON-LD document compacted with ``context`` in full, a part at a time,
    one node object a line.

    A flattened document's node objects compact each on its own against the one context (JSON-LD 1.1 API, 6.1), so
    parts of whole subjects give the nodes the whole would. A blank node stays in the part of the node that names
    it, so that an RDF list still becomes ``@list``. pyld's time grows faster than the document; in parts of about
    ``size`` triples it grows with it, and a part without a list is compacted by ``compaction`` instead of pyld.
    The node objects are written without indentation: Python's JSON encoder is in C only then (90 MB at 10,000
    practices took 18 s indented).
    """
    fast = Compactor(context, loader(None, context))
    stream.write(b'{"@context": ' + json.dumps(context["@context"], ensure_ascii=False, indent=1).encode()
                 + b',\n"@graph": [')
    first = True

    def put(part):
        nonlocal first
        for node in _part([t for g in part for t in g], context, fast):
            stream.write((b"\n" if first else b",\n") + json.dumps(node, ensure_ascii=False).encode())
            first = False
    part, held = [], 0
    for group in _groups(triples):
        part.append(group)
        held += len(group)
        if held >= size:
            put(part)
            part, held = [], 0
    if part:
        put(part)
    stream.write(b"\n]}\n")


def _part(triples: list, context: dict, fast: Compactor) -> list:
    """The node objects of a part: pyld's answer, given by ``compaction`` when the part has no RDF list."""
    return fast.nodes(triples) if fast.can(triples) else _compacted(triples, context)


def _compacted(triples: list, context: dict) -> list:
    dataset = {"@default": [{"subject": _term(t.subject), "predicate": _term(t.predicate),
                             "object": _term(t.object)} for t in triples]}
    load = loader(None, context)
    options = {"documentLoader": load, "contextResolver": ContextResolver(LRUCache(maxsize=4), load), "graph": True}
    document = jsonld.compact(jsonld.from_rdf(dataset, {}), {"@context": context["@context"]}, options)
    return document.get("@graph", [])


def _groups(triples) -> list[list]:
    """The triples by subject, a blank node's with the subject that names it (the first, when several do)."""
    by_subject, owner = {}, {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
        if isinstance(t.object, ox.BlankNode) and t.object != t.subject:
            owner.setdefault(t.object, t.subject)

    def root(node, seen=()):
        while node in owner and node not in seen:
            seen = (*seen, node)
            node = owner[node]
        return node
    grouped = {}
    for subject, found in by_subject.items():
        grouped.setdefault(root(subject), []).extend(found)
    return [grouped[key] for key in sorted(grouped, key=str)]


def recompact(body: bytes, context: dict, url: str | None = None) -> bytes:
    """Compact a JSON-LD document that pyoxigraph wrote (with prefixes only) with ``context``."""
    return compact(ox.parse(body, format=ox.RdfFormat.JSON_LD), context, url, indent=2)


def loader(url: str | None, context: dict):
    """Return a pyld document loader that serves ``context`` at ``url`` and refuses every other URL."""
    def load(requested: str, options=None) -> dict:
        if url is not None and requested == url:
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise jsonld.JsonLdError(f"{requested} is not fetched: the only document here is the context at {url}",
                                 "jsonld.LoadDocumentError", code="loading document failed")
    return load


def _term(term) -> dict:
    """Return a term in pyld's RDF dataset form (its N-Quads parser gives the same)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    found = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if term.language:
        found["language"] = term.language
    return found


def _from_shapes(shapes: list) -> tuple[dict, set]:
    """Return what each constrained property's values are (None when the shapes disagree) and the classes named."""
    about = index(shapes)
    classes = {o.value for t in shapes if t.predicate in (SH.targetClass, SH["class"]) for o in [t.object]
               if isinstance(o, ox.NamedNode)}
    found: dict[str, set] = {}
    for node, facts in about.items():
        for path in facts.get(SH.path, []):
            members = [path] if isinstance(path, ox.NamedNode) else \
                _list(about, (about.get(path, {}).get(SH.alternativePath) or [None])[0])
            kind = _kind(about, node)
            for member in members:
                found.setdefault(member.value, set())
                if kind:
                    found[member.value].add(kind)
    return {iri: (next(iter(kinds)) if len(kinds) == 1 and "?" not in kinds else None)
            for iri, kinds in found.items()}, classes


def _kind(about: dict, node) -> str | None:
    """What a shape says its values are: "@id", "@language", a datatype IRI, "?" (several), or None (nothing)."""
    facts = about.get(node, {})
    kinds = set()
    for datatype in facts.get(SH.datatype, []):
        kinds.add("@language" if datatype == RDF.langString else
                  None if datatype.value == PREFIXES["xsd"] + "string" else datatype.value)
    kinds |= {_KINDS.get(kind, "?") for kind in facts.get(SH.nodeKind, [])}
    if facts.get(SH["class"]) or facts.get(SH.node):
        kinds.add("@id")
    if facts.get(SH.languageIn):
        kinds.add("@language")
    for alternatives in facts.get(SH["or"], []):
        kinds |= {_kind(about, member) for member in _list(about, alternatives)}
    kinds.discard(None)
    return None if not kinds else kinds.pop() if len(kinds) == 1 else "?"


def _from_ontology(ontology: list, classes: set) -> dict:
    """Return the ontology's classes and properties, the terms they specialise and the annotations it uses, each
    with what its values are: from ``rdfs:range``, or shared by all of a super-property's sub-properties."""
    kinds = {}
    ranges = {t.subject.value: t.object for t in ontology if t.predicate == RDFS.range}
    for t in ontology:
        if t.predicate == RDF.type and t.object in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
            kinds[t.subject.value] = _declared(t.object, ranges.get(t.subject.value))
    kinds.update({t.subject.value: None for t in ontology  # its datatypes (sl:NisCode) and any other term it mints
                  if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(NS)
                  and t.subject.value not in kinds})
    supers: dict[str, set] = {}
    for t in ontology:
        if t.predicate == RDFS.subPropertyOf and isinstance(t.object, ox.NamedNode):
            supers.setdefault(t.object.value, set()).add(kinds.get(t.subject.value))
        elif t.predicate == RDFS.subClassOf and isinstance(t.object, ox.NamedNode):
            kinds.setdefault(t.object.value, None)
    used: dict[str, set] = {}  # the annotations (rdfs:label, skos:definition, ...): as the ontology writes them
    for t in ontology:
        if t.predicate != RDF.type:
            used.setdefault(t.predicate.value, set()).add(
                "@language" if isinstance(t.object, ox.Literal) and t.object.language else
                "@id" if isinstance(t.object, ox.NamedNode) else "?")
    for term, sub_kinds in supers.items():
        kinds.setdefault(term, next(iter(sub_kinds)) if len(sub_kinds) == 1 else None)
    for term, seen in used.items():
        kinds.setdefault(term, next(iter(seen)) if len(seen) == 1 and "?" not in seen else None)
    return {**{c: None for c in classes}, **kinds}


def _declared(declared, target) -> str | None:
    """What the values of a term the ontology declares are, by its declaration and ``rdfs:range``."""
    if declared == OWL.ObjectProperty:
        return "@id"
    if declared != OWL.DatatypeProperty or target is None or target.value == PREFIXES["xsd"] + "string":
        return None  # a class, or plain strings (which JSON-LD writes as they are)
    return "@language" if target == RDF.langString else target.value


def _list(about: dict, head) -> list:
    """Return the members of an RDF list."""
    members = []
    while head is not None and head != RDF.nil:
        members += about.get(head, {}).get(RDF.first, [])
        head = (about.get(head, {}).get(RDF.rest) or [None])[0]
    return members


def _local(iri: str, namespaces: list) -> str | None:
    """Return the short name of a term of one of ``namespaces``: its local name, if it can be a JSON-LD term.

    >>> _local("http://purl.org/dc/terms/title", ["http://purl.org/dc/terms/"]), _local("urn:x", [])
    ('title', None)
    """
    for namespace in namespaces:
        if iri.startswith(namespace):
            name = iri[len(namespace):]
            return name if name and name[0].isalpha() and name.replace("_", "").replace("-", "").isalnum() else None
    return None
