"""What a document says about itself: the thing it is about, the dataset it is part of, its licence and its date.

A reader who has one document, without the catalogue, can tell what it describes, where the rest of the data is and
under which terms it may reuse it: W3C Data on the Web Best Practices, Best Practice 1 (provide metadata) and 4
(provide data license information), and the VoID note, "Discovery via links in the dataset's documents"
(``void:inDataset``). The dataset is the catalogue's ``dcat:Dataset`` (``{base}catalog#dataset``), the one
``/catalog`` and ``/.well-known/void`` describe.
"""

import pyoxigraph as ox

from publisher.vocab import DCT, FOAF, RDF, VOID, XSD
# The terms of the statements below, with what their values are (for the JSON-LD context's short names).
TERMS = {FOAF.primaryTopic: "@id", DCT.isPartOf: "@id", VOID.inDataset: "@id", DCT.license: "@id",
         DCT.modified: XSD.dateTime.value}


def dataset(base: str) -> str:
    """Return the IRI of the dataset every document is part of: the catalogue's.

    >>> dataset("https://w3id.org/samenleven/")
    'https://w3id.org/samenleven/catalog#dataset'
    """
    return base + "catalog#dataset"


def modified(triples, thing: ox.NamedNode, built: str) -> ox.Literal:
    """Return when the document last changed: its thing's ``dct:modified`` when the build's history dates it (the
    sitemap's ``lastmod`` is the same date), else the time of the build."""
    dates = sorted(t.object.value for t in triples if t.subject == thing and t.predicate == DCT.modified
                   and isinstance(t.object, ox.Literal) and t.object.datatype == XSD.dateTime)
    return ox.Literal(dates[-1] if dates else built, datatype=XSD.dateTime)


def triples(document: str, thing: ox.NamedNode, base: str, licence: str, changed: ox.Literal) -> list:
    """Return the statements of ``document`` about itself."""
    node, part_of = ox.NamedNode(document), ox.NamedNode(dataset(base))
    return [ox.Triple(node, RDF.type, FOAF.Document),
            ox.Triple(node, FOAF.primaryTopic, thing),
            ox.Triple(node, DCT.isPartOf, part_of),
            ox.Triple(node, VOID.inDataset, part_of),
            ox.Triple(node, DCT.license, ox.NamedNode(licence)),
            ox.Triple(node, DCT.modified, changed)]


def page(data: dict | None, base: str, licence: str, changed: ox.Literal) -> dict | None:
    """Say the same of the page in its schema.org JSON-LD, the words search engines read: the ``WebPage`` is part
    of the dataset, has the licence and the date, and its ``mainEntity`` is the thing."""
    if data is None:
        return None
    web_page = data.get("mainEntityOfPage")
    if not isinstance(web_page, dict):
        return data
    web_page.update({"isPartOf": {"@type": "Dataset", "@id": dataset(base)}, "license": licence})
    web_page.setdefault("dateModified", changed.value)
    if data.get("@id"):
        web_page["mainEntity"] = {"@id": data["@id"]}
    return data

