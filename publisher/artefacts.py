"""What a build folder holds, and where the build in use is: the names the build writes and the server reads.

A module of its own so that serving a build never imports the pipeline that makes one (pySHACL alone takes about
half of a server's start-up); ``publisher.build`` writes these files, ``publisher.store`` opens them.
"""

from pathlib import Path

from publisher import kinds

STORE, MANIFEST = "store", "build.json"
ONTOLOGY = "ontology.ttl"  # the ontology as published with the build
SHAPES = "shapes.ttl"  # every file of shapes_dir in one, as validated: the pages are laid out by it
STATISTICS = "statistics.json"  # the counts of the statistics page, counted once by the build (publisher.statistics)
LISTS = "lists.json"  # the lists and their facet postings, indexed once by the build (publisher.facets)
HOME = "home.json"  # the home page's newest and last changed practices, picked once by the build (publisher.facets)
MAP = "map.json"  # the 2025 municipal boundaries as SVG paths, projected once by the build (publisher.maps)
SITEMAP = "sitemap.json"  # how many documents the sitemap parts list, and how many per part (publisher.sitemap)
SITEMAP_PART = "sitemap-{}.xml"  # the parts: each a <urlset> of the build's documents, written once by the build
SEARCH = "search.sqlite"  # the full-text index (SQLite FTS5), written once by the build (publisher.searchindex)
KINDS = kinds.FILE  # the registry of kinds the build was made with (``publisher.kinds``)
MEDIA = "media"  # accepted photos, copied from graph/media/ and served at /media/ (issue 15)


def served(settings: dict) -> Path:
    """Return the link to the build served: ``current``, or with a remote ``store`` the build last loaded into it
    (``samenleven load`` moves ``loaded`` only once the store holds the whole build)."""
    return Path(settings["build_dir"]) / ("loaded" if settings.get("store") else "current")


def current(settings: dict, served_link: bool = False) -> Path | None:
    """Return the folder of the build in use (the one ``served`` when ``served_link``), or None before the first
    build."""
    link = served(settings) if served_link else Path(settings["build_dir"]) / "current"
    return link.resolve() if link.exists() else None
