"""The files a build publishes for download: the dumps of the graph, and what a harvester needs to check them.

Each file is immutable for its build; its size and SHA-256 are recorded in the manifest at build time, so the
catalogue states them (``dcat:byteSize``, ``spdx:checksum``) and a harvester can verify what it downloaded.
"""

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from publisher import context, selfdoc
from publisher.vocab import PREFIXES

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Dump:
    """One download: its file name in the build, media type, EU file type, and whether it is gzipped."""

    name: str
    media_type: str
    file_type: str  # the code in the EU file-type table
    title: dict  # {"nl": ..., "en": ...}
    gzip: bool = False

    @property
    def media_type_iri(self) -> str:
        return IANA + self.media_type

    @property
    def file_type_iri(self) -> str:
        return EU_FILE_TYPE + self.file_type


DUMPS = (
    Dump("graph.ttl", "text/turtle", "RDF_TURTLE",
         {"nl": "De graaf in Turtle", "en": "The graph in Turtle"}),
    Dump("graph.nt.gz", "application/n-triples", "RDF_N_TRIPLES",
         {"nl": "De graaf in N-Triples, gzip", "en": "The graph in N-Triples, gzipped"}, gzip=True),
    Dump("graph.jsonld", "application/ld+json", "JSON_LD",
         {"nl": "De graaf in JSON-LD", "en": "The graph in JSON-LD"}),
)
BY_NAME = {dump.name: dump for dump in DUMPS}


def write(folder: Path, ordered: list) -> None:
    """Write the Turtle and N-Triples dumps of ``ordered``, the triples sorted by ``str`` so that one graph always gives
    the same bytes, into ``folder`` (the JSON-LD one needs the build's context: ``write_jsonld``)."""
    ox.serialize(ordered, str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    # mtime=0: the gzip header would otherwise carry the time, and two builds of one graph differ.
    with gzip.GzipFile(folder / "graph.nt.gz", "wb", mtime=0) as stream:
        ox.serialize(ordered, stream, format=ox.RdfFormat.N_TRIPLES)


def write_jsonld(folder: Path, ordered: list) -> None:
    """Write the JSON-LD dump of ``ordered`` (sorted by ``str``), compacted with the build's context
    (``/context.jsonld``), which it holds in full: a dump is read where it was downloaded to, so it needs no other
    file to be read."""
    made = context.of_build(str(folder), tuple(selfdoc.TERMS.items()))
    # In parts, written as they are made: at 10,000 generated practices 0.2 GB more memory instead of 1.4 GB.
    with open(folder / "graph.jsonld", "wb") as stream:
        context.write_parts(stream, ordered, made)


def describe(folder: Path, names) -> dict:
    """Return ``{name: {"bytes": n, "sha256": hex, "sha1": hex}}`` for the files ``names`` (relative to ``folder``).

    SHA-1 is there only because DCAT-AP 2.1.1 allows no other checksum algorithm (its ``Checksum_Shape``).
    """
    found = {}
    for name in names:
        digests, size = (hashlib.sha256(), hashlib.sha1()), 0
        with open(folder / name, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                for digest in digests:
                    digest.update(chunk)
                size += len(chunk)
        found[str(name)] = {"bytes": size, "sha256": digests[0].hexdigest(), "sha1": digests[1].hexdigest()}
    return found
