"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics and the canned queries as examples.

Examples follow the convention of the SIB sparql-examples (UniProt, Bgee and others): each canned query is a
``sh:SPARQLExecutable`` with its text in ``sh:select``/``sh:construct``/``sh:ask`` and ``schema:target`` the
endpoint, so that tools that read those examples read ours.
"""

import pyoxigraph as ox

from publisher import dumps, formats
from publisher.vocab import DCT, RDF, RDFS, SCHEMA, SD, SH, VOID, XSD
PREFIXES = {"sd": SD.iri, "void": VOID.iri, "dct": DCT.iri, "rdfs": RDFS.iri, "sh": SH.iri, "schema": SCHEMA.iri,
            "xsd": XSD.iri}
_EXECUTABLE = {"SELECT": ("SPARQLSelectExecutable", "select"), "CONSTRUCT": ("SPARQLConstructExecutable", "construct"),
               "ASK": ("SPARQLAskExecutable", "ask"), "DESCRIBE": ("SPARQLDescribeExecutable", "describe")}


def description(endpoint: str, root: str, manifest: dict, canned: dict, federated: bool) -> list[ox.Triple]:
    """Describe the service at ``endpoint``; ``root`` is the server's root URL, for the queries' pages."""
    service, dataset, graph = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()
    triples = [
        (service, RDF.type, SD.Service),
        (service, SD.endpoint, service),
        (service, SD.supportedLanguage, SD.SPARQL11Query),
        (service, DCT.title, ox.Literal("SPARQL-endpoint van Samenleven in diversiteit", language="nl")),
        (service, DCT.title, ox.Literal("SPARQL endpoint of Samenleven in diversiteit", language="en")),
        (service, RDFS.seeAlso, ox.NamedNode(root + "queries")),
        (service, SD.defaultDataset, dataset),
        (dataset, RDF.type, SD.Dataset),
        (dataset, SD.defaultGraph, graph),
        (graph, RDF.type, SD.Graph),
        (graph, RDF.type, VOID.Dataset),
        (graph, RDFS.seeAlso, ox.NamedNode(root + ".well-known/void")),
        (graph, DCT.modified, ox.Literal(manifest["created"], datatype=XSD.dateTime)),
    ]
    triples += [(graph, VOID.dataDump, ox.NamedNode(root + "dumps/" + dump.name)) for dump in dumps.DUMPS]
    if federated:
        triples.append((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in formats.RESULTS + formats.GRAPHS:
        triples.append((service, SD.resultFormat, ox.NamedNode(fmt.iri)))
    stats = manifest.get("statistics", {})
    for key, term in (("triples", VOID.triples), ("entities", VOID.entities),
                      ("distinct_subjects", VOID.distinctSubjects), ("distinct_objects", VOID.distinctObjects)):
        if key in stats:
            triples.append((graph, term, _integer(stats[key])))
    if "classes" in stats:
        triples += [(graph, VOID.classes, _integer(len(stats["classes"]))),
                    (graph, VOID.properties, _integer(len(stats["properties"])))]
    for query in canned.values():
        triples += _example(query, service, root)
    return [ox.Triple(*t) for t in triples]


def _example(query, service: ox.NamedNode, root: str) -> list[tuple]:
    node = ox.NamedNode(f"{root}queries/{query.name}")
    kind, text_property = _EXECUTABLE[query.form]
    triples = [(node, RDF.type, SH.SPARQLExecutable), (node, RDF.type, SH[kind]),
               (node, SH[text_property], ox.Literal(query.text)), (node, SCHEMA.target, service)]
    for language, text in query.title.items():
        triples.append((node, RDFS.label, ox.Literal(text, language=language)))
    for language, text in query.description.items():
        triples.append((node, RDFS.comment, ox.Literal(text, language=language)))
    triples += [(node, SCHEMA.keywords, ox.Literal(tag)) for tag in query.tags]
    return triples


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)
