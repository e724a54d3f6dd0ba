"""Materialise what the ontology's subclass and subproperty axioms entail, so that a client asking for a
standard term (prov:Plan, dct:subject, schema:containedInPlace) finds our data without a reasoner.

Only the axioms whose subject is one of our own terms are followed: the standard vocabularies' own hierarchies
are theirs to publish.
"""

import pyoxigraph as ox

from publisher.uris import NS
from publisher.vocab import RDF, RDFS


def _closure(direct: dict) -> dict:
    """Return every ancestor of each key, following ``direct`` transitively.

    >>> sorted(_closure({"a": {"b"}, "b": {"c"}})["a"])
    ['b', 'c']
    """
    found = {}
    for start in direct:
        seen, todo = set(), list(direct[start])
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        found[start] = seen
    return found


def entailed(triples) -> list:
    """Return the triples the ontology entails that are not stated yet."""
    classes, properties = {}, {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(NS):
            if t.predicate == RDFS.subClassOf and isinstance(t.object, ox.NamedNode):
                classes.setdefault(t.subject, set()).add(t.object)
            elif t.predicate == RDFS.subPropertyOf:
                properties.setdefault(t.subject, set()).add(t.object)
    classes, properties = _closure(classes), _closure(properties)
    stated = set(triples)
    added = []
    for t in triples:
        if t.predicate == RDF.type and t.object in classes:
            added += [ox.Triple(t.subject, RDF.type, c) for c in classes[t.object]]
        elif t.predicate in properties:
            added += [ox.Triple(t.subject, p, t.object) for p in properties[t.predicate]]
    return [t for t in dict.fromkeys(added) if t not in stated]
