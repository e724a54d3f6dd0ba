"""The sitemap of a build's documents, written once by the build and served as files (sitemaps.org protocol 0.9).

A sitemap file may list at most 50,000 URLs and 50 MB uncompressed; past that a site gives a sitemap index that
points to several (sitemaps.org, "Using Sitemap index files"). The build writes every resource's document, with when
it last changed, into ``sitemap-1.xml``, ``sitemap-2.xml``, … (each a ``<urlset>`` of at most ``limit`` URLs) and what
it wrote into ``sitemap.json``; the server adds its own pages (home, lists, canned queries: they are the server's,
not the build's) and answers ``/sitemap.xml`` as one ``<urlset>`` when everything fits in one file, else as a
``<sitemapindex>`` (``views/home.py``). The files name the data's base; the server writes its own root instead.
Running the query per request took 15.5 s of CPU at 10,000 generated practices (issue 14).
"""

from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox

from publisher import state
from publisher.artefacts import SITEMAP, SITEMAP_PART

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
LIMIT = 50_000  # URLs per file, the protocol's most; a test lowers it through ``write``'s ``limit``
DOCUMENTS = (Path(__file__).parent / "documents.rq").read_text()
HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n'
TAIL = "</urlset>\n"


def write(folder: Path, graph, base: str, limit: int = LIMIT) -> None:
    """Write the documents of ``graph`` (the build's store) into ``folder`` as sitemap parts of at most ``limit``
    URLs, and ``sitemap.json`` saying how many of each."""
    for old in folder.glob(SITEMAP_PART.format("*")):  # a part of a former write with another limit
        old.unlink()
    lines = []
    for row in graph.select(DOCUMENTS, prefix=ox.Literal(base + "id/")):
        modified = row["modified"].value[:10] if row["modified"] else None
        lines.append(url(base + "doc/" + row["resource"].value[len(base) + 3:], modified))
    parts = [lines[start:start + limit] for start in range(0, len(lines), limit)]
    for number, part in enumerate(parts, 1):
        (folder / SITEMAP_PART.format(number)).write_text(HEAD + "".join(part) + TAIL, encoding="utf-8")
    state.write_json(folder / SITEMAP, {"urls": len(lines), "parts": len(parts), "limit": limit})


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

