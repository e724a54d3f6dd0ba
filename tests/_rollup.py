"""The roll-up of places, written in the tests from the ontology's words, independently of the publisher's query
(``publisher/statistics_places.rq``): what the statistics page, the front door and the queries must agree with."""

import rdflib
from rdflib.namespace import DCTERMS, RDF

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")


def municipality_of(graph, place):
    """The municipality of today a place lies in: a locality's municipality, a ceased one's successor."""
    current = graph.value(place, SL.municipality) or place
    while graph.value(current, DCTERMS.isReplacedBy) is not None:
        current = graph.value(current, DCTERMS.isReplacedBy)
    return current if (current, RDF.type, SL.Municipality) in graph else None
