"""Import practice pages: turn a ``pages.Record`` into Turtle for ``graph/``, linking places and concepts.

Places go through the linker; categories, goals, target groups and policy domains are matched by label to the
concept schemes in ``ontology/schemes/``, and a label no scheme knows yet becomes a new concept in the output, with
a warning, for a reviewer to keep or map. Warnings carry the page's line numbers.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS as DCT, PROV, RDF, RDFS, SKOS

from publisher import linker as linking
from publisher import pages, partners, uris, vocab
from publisher.errors import InputError, LinkError
from publisher.places import split_qualifier

SL = rdflib.Namespace(vocab.SL.iri)
SCHEMA = rdflib.Namespace(vocab.SCHEMA.iri)
NLD = rdflib.URIRef("http://publications.europa.eu/resource/authority/language/NLD")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
MANY_PLACES = re.compile(r"^(meer dan|ruim|een \w+|tientallen)?\s*\d*\s*(gemeenten|steden|lokale besturen)\b", re.I)
# Which section fills which property, through which concept scheme.
CONCEPT_SECTIONS = {"Categorie": (SL.category, "categorie"), "Doelen": (SL.goal, "doel"),
                    "Doelgroep": (SL.targetGroup, "doelgroep"), "Beleidsdomeinen": (SL.policyDomain, "beleidsdomein")}


@dataclass
class Imported:
    """The outcome of one page: its graph, where it goes, and the warnings for a reviewer."""

    graph: rdflib.Graph
    path: Path
    warnings: list = field(default_factory=list)


class Concepts:
    """The concepts of the schemes, by scheme and normalised label."""

    def __init__(self, ontology_dir: Path):
        graph = rdflib.Graph()
        for path in sorted(Path(ontology_dir).rglob("*.ttl")):
            graph.parse(path, format="turtle")
        self.by_label = {}
        for concept, scheme in graph.subject_objects(SKOS.inScheme):
            for label in [*graph.objects(concept, SKOS.prefLabel), *graph.objects(concept, SKOS.altLabel)]:
                self.by_label[(str(scheme), linking.normalise(str(label)))] = concept

    def find(self, scheme: str, label: str):
        return self.by_label.get((scheme, linking.normalise(label.rstrip(". "))))


def read_page(path: Path, title: str | None = None) -> pages.Record:
    """Read a page file, as text or as HTML (by its content).

    :raises InputError: unreadable, or not a practice record.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read: {error}", path) from None
    if re.match(r"\s*(<!doctype html|<html|<)", text, re.IGNORECASE) and "</" in text:
        heading, text = pages.flatten_html(text)
        title = title or heading
    return pages.parse(text, str(path), title)


def bound(graph: rdflib.Graph) -> rdflib.Graph:
    """Give a graph the prefixes the files of ``graph/`` are written with; return it."""
    mint = uris.Minter()
    for prefix, namespace in (("sl", SL), ("dct", DCT), ("skos", SKOS), ("prov", PROV), ("schema", SCHEMA)):
        graph.bind(prefix, namespace, override=True, replace=True)
    for kind in (uris.PRACTICE, uris.INITIATIVE, uris.MUNICIPALITY, uris.LOCALITY, uris.SOURCE):
        graph.bind(kind, mint.thing(kind, ""))
    return graph


def to_graph(record: pages.Record, source_id: str, place_linker: linking.Linker, concepts: Concepts,
             on: date | None = None, organisations: dict | None = None) -> tuple:
    """Return the graph of a record and the warnings met, as (line, message) pairs; ``organisations`` are the
    known ones by normalised name (``partners.known``)."""
    mint = uris.Minter()
    warnings = list(record.warnings)
    graph = bound(rdflib.Graph())
    slug = uris.slugify(record.title)
    practice = rdflib.URIRef(mint.thing(uris.PRACTICE, slug))
    source = rdflib.URIRef(mint.source(source_id))
    graph.add((source, RDF.type, SL.SourceDocument))
    graph.add((source, DCT.identifier, rdflib.Literal(source_id)))
    graph.add((source, DCT.title, rdflib.Literal(record.title, lang="nl")))
    graph.add((source, DCT.language, NLD))

    def text(value):
        return rdflib.Literal(value, lang="nl")

    graph.add((practice, RDF.type, SL.Practice))
    graph.add((practice, DCT.title, text(record.title)))
    graph.add((practice, PROV.wasDerivedFrom, source))
    if record.image:
        image = rdflib.BNode()
        graph.add((practice, SCHEMA.image, image))
        graph.add((image, RDF.type, SCHEMA.ImageObject))
        graph.add((image, SCHEMA.name, rdflib.Literal(record.image)))
        if record.credit:
            graph.add((image, SCHEMA.creditText, rdflib.Literal(record.credit)))
    if record.abstract:
        graph.add((practice, DCT.abstract, text("\n\n".join(i.text for i in record.abstract))))
    sections = record.sections
    if sections.get("Beschrijving"):
        graph.add((practice, DCT.description, text("\n\n".join(i.text for i in sections["Beschrijving"]))))
    for item in sections.get("Succesfactoren", []):
        graph.add((practice, SL.successFactor, text(item.text)))
    for item in sections.get("Uitdagingen", []):
        graph.add((practice, SL.challenge, text(item.text)))
    for item in sections.get("Nuttige links", []):
        for link in re.findall(r"https?://\S+", item.text):
            graph.add((practice, RDFS.seeAlso, rdflib.URIRef(link)))
    for section, (prop, scheme_name) in CONCEPT_SECTIONS.items():
        scheme = mint.scheme(scheme_name)
        for item in sections.get(section, []):
            concept = concepts.find(scheme, item.text)
            if concept is None:
                code = uris.slugify(item.text)[:60].rstrip("-")
                concept = rdflib.URIRef(mint.concept(scheme_name, code))
                graph.add((concept, RDF.type, SKOS.Concept))
                graph.add((concept, SKOS.inScheme, rdflib.URIRef(scheme)))
                graph.add((concept, SKOS.prefLabel, text(item.text)))
                graph.add((concept, SKOS.notation, rdflib.Literal(code)))
                warnings.append((item.line, f"{section}: {item.text[:60]!r} is in no scheme yet; "
                                            f"minted {concept}, review it"))
            graph.add((practice, prop, concept))
    partners.add(graph, record, practice, source, organisations or {}, warnings)
    taken = set()
    for block in record.blocks:
        places, coverage = _places(block, place_linker, on, warnings)
        for item in block.initiatives:
            _initiative(graph, item, block, record, practice, source, places, coverage, place_linker, taken,
                        warnings)
    return graph, sorted(warnings)


def _places(block: pages.Block, place_linker: linking.Linker, on, warnings: list) -> tuple:
    """Link the places a block names; return them and the coverage texts: a wide spread ("Meer dan 30
    gemeenten"), and the page's own wording of a place linked under another name (a ceased municipality linked
    to its successor, issue 12), since dct:spatial must name a place and the page's word would be lost."""
    if MANY_PLACES.match(block.places):
        return [], [block.places]
    found, wording = [], []
    for name in filter(None, re.split(r"\s*,\s*|\s+en\s+|\s*&\s*", block.places)):
        try:
            place = place_linker.link(name, on)
        except LinkError as error:
            warnings.append((block.line, f"place not linked: {error}"))
            continue
        found.append(place)
        if place.note:
            warnings.append((block.line, f"place {name!r} linked to {place.locality_name or place.municipality_name}"
                                         f" ({place.nis}): {place.note}"))
        labels = place_linker.places[place.locality or place.municipality].labels
        if place.note and linking.normalise(split_qualifier(name)[0]) not in map(linking.normalise, labels):
            wording.append(name)
    return found, wording


def _initiative(graph, item, block, record, practice, source, places, coverage, place_linker, taken, warnings):
    mint = uris.Minter()
    name, _, rest = item.text.partition(":")
    if rest and len(name) <= 100 and not re.search(r"[.!?]\s", name):
        title, description = name.strip(), rest.strip()
    else:
        title, description = f"{record.title} in {block.places}" if block.places else record.title, item.text
        warnings.append((item.line, f"initiative without a name, titled {title!r}: review the title"))
    slug = uris.slugify(title)
    if slug in taken:
        slug = uris.slugify(f"{title} {block.places}")
    taken.add(slug)
    initiative = rdflib.URIRef(mint.thing(uris.INITIATIVE, slug))
    graph.add((initiative, RDF.type, SL.Initiative))
    graph.add((initiative, DCT.title, rdflib.Literal(title, lang="nl")))
    graph.add((initiative, DCT.description, rdflib.Literal(description, lang="nl")))
    graph.add((initiative, SL.appliesPractice, practice))
    graph.add((initiative, PROV.wasDerivedFrom, source))
    for text in coverage:
        graph.add((initiative, DCT.coverage, rdflib.Literal(text, lang="nl")))
    for place in places:
        graph.add((initiative, DCT.spatial, rdflib.URIRef(place.locality or place.municipality)))
        for locality in _localities_named(item.text, place, place_linker):
            graph.add((initiative, DCT.spatial, rdflib.URIRef(locality)))
    for contact in item.contacts + block.contacts:
        point = rdflib.BNode()
        graph.add((initiative, SCHEMA.contactPoint, point))
        graph.add((point, RDF.type, SCHEMA.ContactPoint))
        if EMAIL.fullmatch(contact.strip()):
            graph.add((point, SCHEMA.email, rdflib.Literal(contact.strip())))
        elif re.match(r"https?://", contact.strip()):
            graph.add((point, SCHEMA.url, rdflib.URIRef(contact.strip())))
        else:
            graph.add((point, SCHEMA.description, rdflib.Literal(contact.strip(), lang="nl")))
            warnings.append((item.line, f"contact is neither an e-mail address nor a URL: {contact!r}"))


def _localities_named(text: str, place: linking.Link, place_linker: linking.Linker) -> list:
    """The localities of the place's municipality that the text names (Ledeberg in a Gent initiative), but not
    the one named as the municipality itself (the sub-municipality Gent in Gent)."""
    words = f" {linking.normalise(text)} "
    named = linking.normalise(place.municipality_name)
    return [p.uri for p in place_linker.places.values()
            if p.municipality == place.municipality
            and any(f" {key} " in words for key in map(linking.normalise, p.labels) if key != named)]


def import_page(path: Path, settings: dict, title: str | None = None, on: date | None = None) -> Imported:
    """Read one page and return what it imports to; nothing is written.

    :raises InputError: the page cannot be read or is not a practice record.
    """
    record = read_page(path, title)
    graph, warnings = to_graph(record, Path(path).stem, linking.for_graph(settings["graph_dir"]),
                               Concepts(settings["ontology_dir"]), on, partners.known(settings["graph_dir"]))
    target = Path(settings["graph_dir"]) / f"praktijk-{uris.slugify(record.title)}.ttl"
    return Imported(graph, target, warnings)


def write(imported: Imported, source: Path, force: bool = False, header: str | None = None) -> None:
    """Write an import's Turtle, with a header saying where it came from (``header``: another one, for an accepted
    proposal).

    :raises InputError: the file exists and ``force`` is not given.
    """
    if imported.path.exists() and not force:
        raise InputError("exists already; give --force to overwrite it", imported.path)
    header = header or (f"# Imported from {Path(source).name} by `samenleven import`, then reviewed.\n"
                        "# Review: English titles, organisations (sl:runBy, sl:partner), programmes, minted "
                        "concepts.\n\n")
    imported.path.parent.mkdir(parents=True, exist_ok=True)
    imported.path.write_text(header + imported.graph.serialize(format="turtle"), encoding="utf-8")
