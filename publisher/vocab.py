"""Namespaces as pyoxigraph terms: ``SKOS.prefLabel`` is the NamedNode of skos:prefLabel."""

import pyoxigraph as ox

from publisher.uris import NS


class Namespace:
    """Attribute access to the terms of one namespace.

    >>> Namespace("http://purl.org/dc/terms/").title
    <NamedNode value=http://purl.org/dc/terms/title>
    """

    def __init__(self, iri: str):
        self.iri = iri

    def __getattr__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.iri + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.iri + name)


SL = Namespace(NS)
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCT = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("http://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SH = Namespace("http://www.w3.org/ns/shacl#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

PREFIXES = {
    "sl": NS, "rdf": RDF.iri, "rdfs": RDFS.iri, "owl": OWL.iri, "xsd": XSD.iri, "dct": DCT.iri,
    "skos": SKOS.iri, "prov": PROV.iri, "schema": SCHEMA.iri, "foaf": FOAF.iri,
    "org": "http://www.w3.org/ns/org#", "besluit": "http://data.vlaanderen.be/ns/besluit#",
    "dcat": "http://www.w3.org/ns/dcat#", "hydra": HYDRA.iri, "void": "http://rdfs.org/ns/void#",
    "dcatap": "http://data.europa.eu/r5r/", "adms": "http://www.w3.org/ns/adms#", "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
