"""The one index of a list of triples (by subject, then predicate), and the one concise bounded description."""

import pyoxigraph as ox


def index(triples) -> dict:
    """Index triples by subject, then predicate: ``{s: {p: [o, ...]}}``, in the order they came.

    >>> s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    >>> [o.value for o in index([ox.Triple(s, p, ox.Literal("a")), ox.Triple(s, p, ox.Literal("b"))])[s][p]]
    ['a', 'b']
    """
    found = {}
    for t in triples:
        found.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
    return found


def inverse(triples) -> dict:
    """Index triples by object, then predicate: ``{o: {p: [s, ...]}}``, in the order they came.

    >>> s, p, o = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o")
    >>> [s.value for s in inverse([ox.Triple(s, p, o)])[o][p]]
    ['http://e/s']
    """
    found = {}
    for t in triples:
        found.setdefault(t.object, {}).setdefault(t.predicate, []).append(t.subject)
    return found


def outgoing(indexed: dict):
    """The function from a subject to its triples in an ``index``, as ``bounded`` follows them."""
    def triples(subject) -> list:
        return [ox.Triple(subject, p, o) for p, objects in indexed.get(subject, {}).items() for o in objects]
    return triples


def bounded(node, outgoing) -> list:
    """Return the concise bounded description of ``node``: its triples, blank-node objects followed to the end.

    :param outgoing: a function from a subject to its triples (a store's, or ``outgoing`` of an index).
    """
    seen, pending, found = {node}, [node], []
    while pending:
        for triple in outgoing(pending.pop()):
            found.append(triple)
            if isinstance(triple.object, ox.BlankNode) and triple.object not in seen:
                seen.add(triple.object)
                pending.append(triple.object)
    return found
