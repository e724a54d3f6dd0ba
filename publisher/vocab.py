"""Every namespace the publisher writes or reads, declared once: ``SKOS.prefLabel`` is the NamedNode of skos:prefLabel.

The ontology keeps its namespace ``NS`` (and its IRI ``ONTOLOGY``) whatever the base of the instance URIs.
"""

import pyoxigraph as ox

NS = "https://w3id.org/samenleven/ns#"
ONTOLOGY = "https://w3id.org/samenleven/ns"


class Namespace:
    """Attribute access to the terms of one namespace.

    >>> Namespace("http://purl.org/dc/terms/").title
    <NamedNode value=http://purl.org/dc/terms/title>
    """

    def __init__(self, iri: str):
        self.iri = iri

    def __getattr__(self, name: str) -> ox.NamedNode:
        # Kept as an attribute, so the next access is a plain lookup: loops over every triple compare with
        # RDF.type and the like, and a new NamedNode each time was ~1.3 s of a 1,000-practice build (issue 14).
        term = ox.NamedNode(self.iri + name)
        if not name.startswith("__"):  # copy and pickle probe dunder names: answer them, never keep them
            setattr(self, name, term)
        return term

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
ORG = Namespace("http://www.w3.org/ns/org#")
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
SH = Namespace("http://www.w3.org/ns/shacl#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VANN = Namespace("http://purl.org/vocab/vann/")
# The catalogue and the dataset descriptions (DCAT-AP 3.0, VoID, SPARQL 1.1 Service Description).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
# The change feed (TREE, LDES 1.0.0-alpha, Activity Streams for deletions).
TREE = Namespace("https://w3id.org/tree#")
LDES = Namespace("https://w3id.org/ldes#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
# Our shapes, and the terms of publisher/labels.ttl (page layout only, never published as data).
SLS = Namespace("https://w3id.org/samenleven/shapes#")
# DASH, the form hints of SHACL (dash:singleLine): the contribution form reads them from the shapes.
DASH = Namespace("http://datashapes.org/dash#")
PUB = Namespace("https://w3id.org/samenleven/publisher#")

PREFIXES = {
    "sl": SL.iri, "rdf": RDF.iri, "rdfs": RDFS.iri, "owl": OWL.iri, "xsd": XSD.iri, "dct": DCT.iri,
    "skos": SKOS.iri, "prov": PROV.iri, "schema": SCHEMA.iri, "foaf": FOAF.iri, "org": ORG.iri,
    "besluit": BESLUIT.iri, "dcat": DCAT.iri, "hydra": HYDRA.iri, "void": VOID.iri, "dcatap": DCATAP.iri,
    "adms": ADMS.iri, "spdx": SPDX.iri, "vcard": VCARD.iri,
}
