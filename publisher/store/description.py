"""What a resource's document says about it: its own triples, the names of what it links to, and who links to it.

A description is the concise bounded description of the resource (its triples, blank nodes followed to the end),
the labels of every resource it links to (so that a client needs no second request to show names), and one page
of the resources that link to it, with a count per property. The inverse links of all properties form one list,
property by property and name by name, cut into pages of ``size``; a page is read from a lazily sorted stream, so
a municipality with thousands of initiatives costs one sort, not thousands of rows.

In RDF the counts and pages are Hydra terms (https://www.hydra-cg.com/spec/latest/core/): one ``hydra:Collection``
per property that ``hydra:manages`` the links to the resource with ``hydra:totalItems``, and, when there is more
than one page, a ``hydra:PartialCollectionView`` with its first, previous, next and last pages.
"""

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from publisher import indexes
from publisher.vocab import DCT, FOAF, HYDRA, PREFIXES, RDF, RDFS, SCHEMA, SKOS, XSD

LABELS = (SKOS.prefLabel, DCT.title, RDFS.label, SCHEMA.name, FOAF.name)
_HERE = Path(__file__).parent
INVERSE_COUNTS = (_HERE / "inverse_counts.rq").read_text()
INVERSE_PAGE = (_HERE / "inverse_page.rq").read_text()


@dataclass
class Inverse:
    """The resources that link to the described one with ``predicate``: how many, and those on this page."""

    predicate: ox.NamedNode
    count: int
    subjects: list = field(default_factory=list)


@dataclass
class Description:
    uri: ox.NamedNode
    triples: list  # the concise bounded description
    labels: list  # labels of the resources it links to and of those on this page that link to it
    inverse: list  # Inverse per property, in the order they are listed
    page: int = 1
    size: int = 100

    @property
    def total(self) -> int:
        return sum(group.count for group in self.inverse)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def found(self) -> bool:
        return bool(self.triples or self.inverse)

    def links(self) -> list:
        """The triples of the resources on this page that link to the described one."""
        return [ox.Triple(s, group.predicate, self.uri) for group in self.inverse for s in group.subjects]

    def graph(self, document: str, page_link) -> list:
        """Return every triple of the document: the description, the inverse links of this page, the counts.

        :param document: the IRI of the document (``{base}doc/...``), which names the inverse collections.
        :param page_link: a function from a page number to that page's IRI.
        """
        triples = list(self.triples) + list(self.labels) + self.links()
        view = ox.NamedNode(page_link(self.page))
        for group in self.inverse:
            collection = ox.NamedNode(f"{document}#inverse-{_fragment(group.predicate.value)}")
            manages = ox.BlankNode()
            triples += [
                ox.Triple(collection, RDF.type, HYDRA.Collection),
                ox.Triple(collection, HYDRA.totalItems, ox.Literal(str(group.count), datatype=XSD.integer)),
                ox.Triple(collection, HYDRA.manages, manages),
                ox.Triple(manages, HYDRA.property, group.predicate),
                ox.Triple(manages, HYDRA.object, self.uri),
            ]
            if self.pages > 1:
                triples.append(ox.Triple(collection, HYDRA.view, view))
        if self.pages > 1:
            triples.append(ox.Triple(view, RDF.type, HYDRA.PartialCollectionView))
            links = {HYDRA.first: 1, HYDRA.last: self.pages}
            if self.page > 1:
                links[HYDRA.previous] = self.page - 1
            if self.page < self.pages:
                links[HYDRA.next] = self.page + 1
            triples += [ox.Triple(view, rel, ox.NamedNode(page_link(n))) for rel, n in links.items()]
        return triples


def describe(store: ox.Store, uri: str, page: int = 1, size: int = 100, supers=None, concise_of=None,
             labels_of=None) -> Description:
    """Describe ``uri``: its concise bounded description, labels, and page ``page`` of its inverse links.

    :param supers: the super-properties of each property (``{sub: {super, ...}}``). A super-property's inverse
        links are not listed when its sub-properties' links account for all of them: the build entailed them, and
        listing both would show every initiative of a practice twice.
    :param concise_of, labels_of: how ``store`` gives a description and labels, when not as ``concise`` and
        ``labels`` read them from a pyoxigraph store (a remote store names blank nodes only within one answer).
    """
    node = ox.NamedNode(uri)
    own = (concise_of or concise)(store, node)
    counts = {row["property"]: int(row["count"].value)
              for row in store.query(INVERSE_COUNTS, substitutions={ox.Variable("resource"): node})}
    covered = {}
    for sub, count in counts.items():
        for parent in (supers or {}).get(sub, ()):
            covered[parent] = covered.get(parent, 0) + count
    inverse = [Inverse(p, n) for p, n in sorted(counts.items(), key=lambda item: item[0].value)
               if n > covered.get(p, 0)]
    _fill(store, node, inverse, (page - 1) * size, size)
    linked = {t.object for t in own if isinstance(t.object, ox.NamedNode)}
    linked |= {s for group in inverse for s in group.subjects}
    linked.discard(node)
    return Description(node, own, (labels_of or labels)(store, linked), inverse, page, size)


def concise(store: ox.Store, node: ox.NamedNode) -> list:
    """Return the concise bounded description of ``node`` in ``store``."""
    return indexes.bounded(node, lambda subject: (quad.triple for quad in store.quads_for_pattern(subject, None, None)))


def labels(store: ox.Store, nodes, types: bool = False, names: tuple = LABELS) -> list:
    """Return the label triples (every language) of ``nodes`` by the properties ``names``, and their types when
    ``types``."""
    predicates = names + ((RDF.type,) if types else ())
    return [quad.triple for node in sorted(set(nodes), key=str) for predicate in predicates
            for quad in store.quads_for_pattern(node, predicate, None)]


def _fill(store: ox.Store, node, inverse: list, offset: int, size: int) -> None:
    """Put on each group the subjects that fall in the window [offset, offset + size) of the whole list."""
    start = 0
    for group in inverse:
        end = start + group.count
        if end > offset and start < offset + size:
            skip = max(0, offset - start)
            rows = store.query(INVERSE_PAGE, substitutions={ox.Variable("resource"): node,
                                                            ox.Variable("property"): group.predicate})
            take = min(end, offset + size) - start - skip
            group.subjects = [row["subject"] for row in itertools.islice(rows, skip, skip + take)]
        start = end


def _fragment(iri: str) -> str:
    """Name an inverse collection after its property's prefixed name.

    >>> _fragment("http://purl.org/dc/terms/spatial")
    'dct-spatial'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri[len(namespace):].isidentifier():
            return f"{prefix}-{iri[len(namespace):]}"
    return "".join(c if c.isalnum() else "-" for c in iri)
