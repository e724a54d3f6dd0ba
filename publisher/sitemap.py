"""The sitemap of a build's documents, written once by the build and served as files (sitemaps.org protocol 0.9).

A sitemap file may list at most 50,000 URLs and 50 MB uncompressed; past that a site gives a sitemap index that
points to several (sitemaps.org, "Using Sitemap index files"). The build writes every resource's document, with when
it last changed, into ``sitemap-1.xml``, ``sitemap-2.xml``, … (each a ``<urlset>`` of at most ``limit`` URLs) and what
it wrote into ``sitemap.json``; the server adds its own pages (home, lists, canned queries: they are the server's,
not the build's) and answers ``/sitemap.xml`` as one ``<urlset>`` when everything fits in one file, else as a
``<sitemapindex>`` (``views/home.py``). The files name the data's base; the server writes its own root instead.
The server used to query the store for the documents on every request: 15.5 s of CPU at 10,000 generated
practices, no answer within 120 s under load (issue 14).
"""

from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox

from publisher import state
from publisher.artefacts import SITEMAP, SITEMAP_PART
from publisher.vocab import DCT

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
LIMIT = 50_000  # URLs per file, the protocol's most; a test lowers it through ``write``'s ``limit``
HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n'
TAIL = "</urlset>\n"


def write(folder: Path, indexed: dict, base: str, limit: int = LIMIT) -> None:
    """Write the documents of ``indexed`` (``indexes.index`` of the build's triples) into ``folder`` as sitemap parts
    of at most ``limit`` URLs, and ``sitemap.json`` saying how many of each."""
    for old in folder.glob(SITEMAP_PART.format("*")):  # a part of a former write with another limit
        old.unlink()
    lines = [url(base + "doc/" + resource[len(base) + 3:], modified) for resource, modified in documents(indexed, base)]
    parts = [lines[start:start + limit] for start in range(0, len(lines), limit)]
    for number, part in enumerate(parts, 1):
        (folder / SITEMAP_PART.format(number)).write_text(urlset("".join(part)), encoding="utf-8")
    state.write_json(folder / SITEMAP, {"urls": len(lines), "parts": len(parts), "limit": limit})


def documents(indexed: dict, base: str) -> list[tuple[str, str | None]]:
    """Every resource of the dataset (an IRI under ``{base}id/`` that is the subject of a triple), in IRI order,
    with the day it last changed (its latest ``dct:modified``, which the build's history keeps) where it has one.

    From the build's index by subject, not the store: the same 48,882 rows at 10,000 generated practices as the
    ``SELECT ?resource (MAX(?changed))`` over every triple with a ``GROUP BY`` that it replaces, which took 11 s of
    CPU there; this takes 0.2 s.

    >>> s = ox.NamedNode("https://e.org/id/a")
    >>> documents({s: {DCT.modified: [ox.Literal("2025-01-02T03:04:05Z"), ox.Literal("2026-01-02T00:00:00Z")]},
    ...            ox.NamedNode("https://e.org/ns"): {}}, "https://e.org/")
    [('https://e.org/id/a', '2026-01-02')]
    """
    prefix, found = base + "id/", []
    for subject, predicates in indexed.items():
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(prefix):
            changed = [o.value for o in predicates.get(DCT.modified, ()) if isinstance(o, ox.Literal)]
            found.append((subject.value, max(changed)[:10] if changed else None))
    return sorted(found)


def url(location: str, modified: str | None = None) -> str:
    """One ``<url>`` entry, on a line of its own.

    >>> url("https://example.org/doc/a?b&c", "2026-11-30")
    '<url><loc>https://example.org/doc/a?b&amp;c</loc><lastmod>2026-11-30</lastmod></url>\\n'
    """
    return f"<url><loc>{escape(location)}</loc>" + (f"<lastmod>{modified}</lastmod>" if modified else "") + "</url>\n"


def urlset(entries: str) -> str:
    """A whole ``<urlset>`` file around ``url`` entries."""
    return HEAD + entries + TAIL


def entries(part: bytes) -> bytes:
    """The ``<url>`` entries of a part the build wrote, without its head and tail."""
    return part[len(HEAD.encode()):-len(TAIL.encode())]


def index(locations: list[str]) -> str:
    """A ``<sitemapindex>`` pointing to the sitemaps at ``locations``.

    >>> print(index(["https://example.org/sitemap-1.xml"]), end="")
    <?xml version="1.0" encoding="UTF-8"?>
    <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://example.org/sitemap-1.xml</loc></sitemap>
    </sitemapindex>
    """
    lines = "".join(f"<sitemap><loc>{escape(location)}</loc></sitemap>\n" for location in locations)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n{lines}</sitemapindex>\n'


def rooted(part: bytes, base: str, root: str) -> bytes:
    """A part with the data's ``base`` at the start of each location replaced by the server's ``root``."""
    if base == root:
        return part
    return part.replace(f"<loc>{escape(base)}".encode(), f"<loc>{escape(root)}".encode())

