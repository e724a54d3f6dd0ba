"""Compact triples into the JSON-LD node objects pyld gives, without pyld's work for every value.

In JSON-LD compaction (JSON-LD 1.1 API, 6.1 and 6.2-6.5: IRI compaction, term selection, value compaction) the key
a value goes under and the form it takes depend on the property and on the kind of value only (a node, a language,
a datatype), never on the text of the value. So pyld is asked once per property and kind, on a one-value node, and
its answer is reused for every triple; an IRI that is a value is compacted by the same rule pyld follows (6.2.5:
the shortest, then least, usable compact IRI). A part with an RDF list (``rdf:first``) is left to pyld, which turns
it into ``@list``. At 10,000 generated practices pyld took 90 s for the dump; this takes a few.
"""

from pyld import jsonld
from pyld.context_resolver import ContextResolver

import pyoxigraph as ox

from publisher.vocab import RDF, XSD

SENTINEL = "\u0000"  # a text no value of the graph holds: it marks where the value goes in pyld's answer
NODE = "urn:x-samenleven:node"
LISTS = frozenset({RDF.first.value, RDF.rest.value})
TYPE, JSON, STRING = RDF.type, RDF.JSON.value, XSD.string.value


class Compactor:
    """Compact node objects with one context, as pyld's ``compact`` of the flattened graph would."""

    def __init__(self, context: dict, load):
        self.processor = jsonld.JsonLdProcessor()
        self.options = {"documentLoader": load, "contextResolver": ContextResolver({}, load), "graph": True,
                        "base": "", "processingMode": "json-ld-1.1"}
        self.local = {"@context": context["@context"]}
        initial = self.processor._get_initial_context(self.options)
        self.active = self.processor.process_context(initial, self.local, self.options)
        mappings = self.active["mappings"]
        # The terms that can stand before a colon, and the compact IRIs a context defines as terms (6.2.5 step 9).
        self.prefixes = [(term, d["@id"]) for term, d in mappings.items()
                         if d and ":" not in term and d.get("@id") and d.get("_prefix")]
        self.defined = {term: d["@id"] for term, d in mappings.items() if d and ":" in term}
        self.alias_id = self.processor._compact_iri(self.active, "@id")
        self.alias_type = self.processor._compact_iri(self.active, "@type")
        self.iris, self.types, self.forms = {}, {}, {}

    def can(self, triples) -> bool:
        """Whether these triples hold nothing that pyld writes another way (lists, JSON literals)."""
        return not any(t.predicate.value in LISTS or
                       (isinstance(t.object, ox.Literal) and t.object.datatype.value == JSON)
                       for t in triples)

    def nodes(self, triples) -> list:
        """The node objects of ``triples``, in the order of their ``@id`` (as ``from_rdf`` gives them)."""
        by_subject: dict = {}
        for t in triples:
            by_subject.setdefault(_id(t.subject), []).append(t)
        return [self.node(key, by_subject[key]) for key in sorted(by_subject)]

    def node(self, key: str, triples: list) -> dict:
        """One subject's node object: its ``@id``, its types, then its properties by IRI (pyld's order)."""
        found = {self.alias_id: self.iri(key)}
        types = [_id(t.object) for t in triples if t.predicate == TYPE and not isinstance(t.object, ox.Literal)]
        if types:
            names = list(dict.fromkeys(self.type_name(iri) for iri in dict.fromkeys(types)))
            found[self.alias_type] = names[0] if len(names) == 1 else names
        rest = sorted((t for t in triples if t.predicate != TYPE or isinstance(t.object, ox.Literal)),
                      key=lambda t: t.predicate.value)  # stable: the values keep the order of the triples
        seen = set()
        for t in rest:
            if (t.predicate, t.object) in seen:
                continue
            seen.add((t.predicate, t.object))
            term, shape, where = self.form(t.predicate.value, _kind(t.object))
            if shape == "map":
                _add(found.setdefault(term, {}), where, t.object.value)
            elif shape == "iri":
                _add(found, term, self.iri(_id(t.object)))
            elif shape == "node":
                _add(found, term, {self.alias_id: self.iri(_id(t.object))})
            else:
                _add(found, term, _placed(where, t.object.value))
        return found

    def iri(self, iri: str) -> str:
        """An IRI as a value, compacted (no term, 6.2.5 with ``vocab`` false): a compact IRI or itself."""
        found = self.iris.get(iri)
        if found is None:
            candidates = [term + ":" + iri[len(start):] for term, start in self.prefixes
                          if iri.startswith(start) and iri != start]
            usable = [c for c in candidates if c not in self.defined] + \
                [c for c, start in self.defined.items() if start == iri and c.split(":", 1)[0] in
                 self.active["mappings"] and iri.startswith(self.active["mappings"][c.split(":", 1)[0]]["@id"])]
            if usable:
                found = min(usable, key=lambda c: (len(c), c))
            elif any(iri.startswith(term + ":") for term, _ in self.prefixes):  # pyld refuses it: let it say so
                found = self.processor._compact_iri(self.active, iri, vocab=False, base="")
            else:  # no base to make it relative to
                found = iri
            self.iris[iri] = found
        return found

    def type_name(self, iri: str) -> str:
        """A class as a value of ``@type`` (6.2.5 with ``vocab`` true)."""
        if iri not in self.types:
            self.types[iri] = self.processor._compact_iri(self.active, iri, vocab=True)
        return self.types[iri]

    def form(self, predicate: str, kind: tuple) -> tuple:
        """The key and the form of one value of ``predicate`` of ``kind``, as pyld compacts a node that has only it."""
        found = self.forms.get((predicate, kind))
        if found is None:
            value = {"@id": NODE} if kind[0] == "@id" else \
                {"@value": SENTINEL, **({kind[0]: kind[1]} if kind[0] else {})}
            compacted = self.processor.compact([{"@id": NODE, predicate: [value]}], self.local,
                                               {**self.options, "skipExpansion": True})["@graph"][0]
            (term, answer), = ((k, v) for k, v in compacted.items() if k != self.alias_id)
            container = self.active["mappings"].get(term, {}).get("@container") or []
            if kind[0] == "@id":
                found = (term, "iri" if answer == NODE else "node", None)
            elif "@language" in container:
                (where, text), = answer.items()
                assert text == SENTINEL, (predicate, kind, answer)
                found = (term, "map", where)
            else:
                found = (term, "value", answer)
            self.forms[(predicate, kind)] = found
        return found


def _id(term) -> str:
    """A node's identifier as pyld's RDF dataset names it."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _kind(term) -> tuple:
    """What a value is for term selection: a node, a language, a datatype, or a plain text (``from_rdf``)."""
    if not isinstance(term, ox.Literal):
        return ("@id", None)
    if term.language:
        return ("@language", term.language)
    if term.datatype.value == STRING:
        return (None, None)
    return ("@type", term.datatype.value)


def _placed(answer, text: str):
    """pyld's answer for one value with the sentinel replaced by ``text``."""
    if answer == SENTINEL:
        return text
    return {key: (text if value == SENTINEL else value) for key, value in answer.items()}


def _add(holder: dict, key: str, value) -> None:
    """Add a value as pyld's ``add_value`` does with arrays compacted: one value alone, more in a list."""
    if key not in holder:
        holder[key] = value
    elif isinstance(holder[key], list):
        holder[key].append(value)
    else:
        holder[key] = [holder[key], value]
