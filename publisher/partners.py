"""Turn a page's "Partners", "Organisaties" and "Contact" sections into organisations linked to the practice.

Each item names an organisation ("Vzw Buurtwerk: begeleidt de vrijwilligers, info@buurtwerk.be"): the name is
the text before a colon or dash, the rest its description; e-mail addresses become its ``schema:contactPoint``
and a web address its ``foaf:homepage``. An organisation that ``graph/`` already holds under that name (its
``skos:prefLabel`` or ``skos:altLabel``) is linked, not minted again. The practice links each with ``sl:partner``
(issue 12: the importer dropped these sections). A Contact item with only an address and no name becomes a
contact point of the practice itself.
"""

import re
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS as DCT, FOAF, PROV, RDF, SKOS

from publisher import uris, vocab
from publisher.places import fold

SL = rdflib.Namespace(vocab.SL.iri)
SCHEMA = rdflib.Namespace(vocab.SCHEMA.iri)
SECTIONS = ("Partners", "Organisaties", "Contact")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://[^\s,;]+")


def known(graph_dir: Path) -> dict:
    """Map the normalised names of the organisations in ``graph/`` to their URIs."""
    graph = rdflib.Graph()
    for path in sorted(Path(graph_dir).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return {fold(str(label)): subject for subject in graph.subjects(RDF.type, SL.Organisation)
            for label in [*graph.objects(subject, SKOS.prefLabel), *graph.objects(subject, SKOS.altLabel)]}


def split(text: str) -> tuple:
    """Split an item into the organisation's name, its description, e-mail addresses and web addresses.

    >>> split("Vzw Buurtwerk: begeleidt de vrijwilligers, info@buurtwerk.be")
    ('Vzw Buurtwerk', 'begeleidt de vrijwilligers', ['info@buurtwerk.be'], [])
    >>> split("https://www.example.org")
    ('', '', [], ['https://www.example.org'])
    """
    emails, urls = EMAIL.findall(text), URL.findall(text)
    rest = URL.sub(" ", EMAIL.sub(" ", text))
    name, description = (re.split(r"\s*:\s*|\s+[-–—]\s+", rest, maxsplit=1) + [""])[:2]
    return _tidy(name), _tidy(description), emails, urls


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:.-–—()")


def add(graph: rdflib.Graph, record, practice, source, organisations: dict, warnings: list) -> None:
    """Add the organisations of a record's Partners, Organisaties and Contact sections to ``graph``."""
    mint = uris.Minter()
    for section in SECTIONS:
        for item in record.sections.get(section, []):
            name, description, emails, urls = split(" ".join([item.text, *item.contacts]))
            if not name:
                if section != "Contact" or not (emails or urls):
                    warnings.append((item.line, f"{section}: no organisation named in {item.text[:60]!r}"))
                    continue
                _contact(graph, practice, emails, urls)
                continue
            organisation = organisations.get(fold(name))
            if organisation is None:
                organisation = rdflib.URIRef(mint.thing(uris.ORGANISATION, uris.slugify(name)))
                graph.add((organisation, RDF.type, SL.Organisation))
                graph.add((organisation, SKOS.prefLabel, rdflib.Literal(name, lang="nl")))
                if description:
                    graph.add((organisation, DCT.description, rdflib.Literal(description, lang="nl")))
                for url in urls[:1]:
                    graph.add((organisation, FOAF.homepage, rdflib.URIRef(url)))
                _contact(graph, organisation, emails, [])
                graph.add((organisation, PROV.wasDerivedFrom, source))
                warnings.append((item.line, f"{section}: minted organisation {organisation} for {name!r}; review it"))
            graph.add((practice, SL.partner, organisation))


def _contact(graph: rdflib.Graph, subject, emails: list, urls: list) -> None:
    for email in emails:
        point = rdflib.BNode()
        graph.add((subject, SCHEMA.contactPoint, point))
        graph.add((point, RDF.type, SCHEMA.ContactPoint))
        graph.add((point, SCHEMA.email, rdflib.Literal(email)))
    for url in urls:
        point = rdflib.BNode()
        graph.add((subject, SCHEMA.contactPoint, point))
        graph.add((point, RDF.type, SCHEMA.ContactPoint))
        graph.add((point, SCHEMA.url, rdflib.URIRef(url)))
