"""The VoID description of the dataset (``/.well-known/void``, RFC 5785 and the VoID note, section 7).

Statistics are the build's (computed once, at build time): triples, entities, distinct subjects and objects, a
partition per class and per property with its count. The dataset is the catalogue's ``dcat:Dataset``, so the two
descriptions name one thing. Links to the Flemish municipality registry are a ``void:Linkset``.
"""

import pyoxigraph as ox

from publisher import dumps, selfdoc
from publisher.catalog import Graph
from publisher.vocab import OWL, RDF, VOID, XSD

REGISTRY = "https://data.vlaanderen.be/id/gemeente/"


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)


def graph(settings: dict, manifest: dict, root: str, example: str | None, links: int) -> list:
    """Describe the dataset in VoID.

    :param example: a resource to show (a practice).
    :param links: how many ``owl:sameAs`` links go to the Flemish municipality registry.
    """
    base, g, stats = settings["base"], Graph(), manifest["statistics"]
    dataset = selfdoc.dataset(base)
    g.add(dataset, RDF.type, VOID.Dataset)
    g.add(dataset, VOID.sparqlEndpoint, root + "sparql")
    g.add(dataset, VOID.dataDump, *(root + "dumps/" + dump.name for dump in dumps.DUMPS))
    g.add(dataset, VOID.uriSpace, ox.Literal(base + "id/"))
    g.add(dataset, VOID.rootResource, base + "catalog")
    if example:
        g.add(dataset, VOID.exampleResource, example)
    namespaces = sorted({_namespace(iri) for iri in list(stats["properties"]) + list(stats["classes"])})
    g.add(dataset, VOID.vocabulary, *(iri for iri in namespaces if iri))
    for key, term in (("triples", VOID.triples), ("entities", VOID.entities), ("distinct_subjects",
                      VOID.distinctSubjects), ("distinct_objects", VOID.distinctObjects)):
        g.add(dataset, term, _count(stats[key]))
    g.add(dataset, VOID.classes, _count(len(stats["classes"])))
    g.add(dataset, VOID.properties, _count(len(stats["properties"])))
    for number, (cls, count) in enumerate(sorted(stats["classes"].items())):
        partition = f"{base}catalog#class-{number + 1}"
        g.add(dataset, VOID.classPartition, partition)
        g.add(partition, VOID["class"], cls)
        g.add(partition, VOID.entities, _count(count))
    for number, (prop, count) in enumerate(sorted(stats["properties"].items())):
        partition = f"{base}catalog#property-{number + 1}"
        g.add(dataset, VOID.propertyPartition, partition)
        g.add(partition, VOID.property, prop)
        g.add(partition, VOID.triples, _count(count))
    linkset = base + "catalog#registry-links"
    g.add(linkset, RDF.type, VOID.Linkset)
    g.add(dataset, VOID.subset, linkset)
    g.add(linkset, VOID.subjectsTarget, dataset)
    g.add(linkset, VOID.objectsTarget, REGISTRY)
    g.add(linkset, VOID.linkPredicate, OWL.sameAs)
    g.add(linkset, VOID.triples, _count(links))
    g.add(REGISTRY, RDF.type, VOID.Dataset)
    g.add(REGISTRY, VOID.uriSpace, ox.Literal(REGISTRY))
    return list(dict.fromkeys(g.triples))


def _namespace(iri: str) -> str:
    """The namespace of a term: up to its last ``#`` or ``/``.

    >>> _namespace("http://purl.org/dc/terms/title"), _namespace("https://w3id.org/samenleven/ns#Practice")
    ('http://purl.org/dc/terms/', 'https://w3id.org/samenleven/ns#')
    """
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]

