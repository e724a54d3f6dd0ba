"""Index the lists of practices, initiatives and organisations by their facet values, once per build (issue 13).

The build writes ``lists.json`` (``artefacts.LISTS``): per list its things in title order, and per facet value
the positions of the things that have it (a posting list). The server turns each posting list into a bitmap once
per build (``publisher.browse``), so a filtered list and its counts are intersections of integers, never a query.

What a thing has on each facet is said once, in ``PATHS`` (the SPARQL path from the thing to the value), and read
the same way by the build and by the query a list shows (``publisher.browse.sparql``). Places come from the one
roll-up of places, ``statistics_places.rq``: a practice is where its initiatives are; an organisation has the
values of the initiatives it runs (``sl:runBy``), on every facet; what rolls up to no municipality is ``zonder``.
"""

from pathlib import Path

import pyoxigraph as ox

from publisher import kinds, language, state, uris
from publisher.artefacts import HOME, LISTS
from publisher.store import Graph

_HERE = Path(__file__).parent
VALUES, ITEMS, PATH, NEWEST = ((_HERE / f"{name}.rq").read_text()
                               for name in ("facets_values", "facets_items", "facets", "facets_newest"))
LISTS_OF = {"practices": "praktijken", "initiatives": "initiatieven", "organisations": "organisaties"}
CONCEPTS = ("categorie", "beleidsdomein", "doelgroep", "doel")  # each the segment of its concept scheme
NONE, KNOWN, UNKNOWN = "zonder", "bekend", "onbekend"
SHOWN = 10  # practices in each of the home page's two lists (facets_newest.rq's LIMIT)
_OWN = {"categorie": "sl:category", "beleidsdomein": "sl:policyDomain", "doelgroep": "sl:targetGroup",
        "doel": "sl:goal"}
_RUN = {**{facet: path for facet, path in _OWN.items()},
        "categorie": "sl:appliesPractice/sl:category", "doel": "sl:appliesPractice/sl:goal",
        "programma": "sl:programme/dct:isPartOf*"}  # an initiative: its practice's category and goals
# The path from a thing of each list to its values on each facet that is not a place. A programme counts for the
# programmes it is part of (dct:isPartOf), and a practice is under the programmes of its initiatives too.
PATHS = {"practices": {**_OWN, "programma": "(sl:programme|^sl:appliesPractice/sl:programme)/dct:isPartOf*"},
         "initiatives": _RUN,
         "organisations": {facet: f"^sl:runBy/{path}" for facet, path in _RUN.items()}}
PLACES = ("provincie", "gemeente")
FACETS = {kind: (*paths, *PLACES, *(("plaats",) if kind == "initiatives" else ())) for kind, paths in PATHS.items()}


def write(folder: Path, graph: Graph, base: str, registry: kinds.Registry, placed: list) -> None:
    """Index the lists of ``graph``, the build's store, and write them into ``folder`` as ``lists.json``, and the
    home page's lists as ``home.json``.

    :param placed: the rows of ``statistics.PLACES`` on ``graph``.
    """
    found = compute(graph, base, registry, placed)
    state.write_json(folder / LISTS, found)
    state.write_json(folder / HOME, home(found))


def home(found: dict) -> dict:
    """The home page's newest practices and those changed last (the practices list by date changed), as URIs: a
    file of a few hundred bytes, so that a server process's first answer on ``/`` does not read every list (its
    start-up, issue 14: ``lists.json`` grows with the build, 140 MB at 100,000 practices)."""
    practices = found["lists"]["practices"]
    items = practices["items"]
    changed = [items[n]["uri"] for n in practices["changed"][:SHOWN] if items[n]["modified"]]
    return {"newest": found["newest"], "changed": changed}


def compute(store: Graph, base: str, registry: kinds.Registry, placed_rows: list) -> dict:
    """The lists, their postings per facet value, what each value is called, and the ceased municipalities."""
    minter, values, ceased = uris.Minter(base), {facet: {} for facet in (*CONCEPTS, "programma", *PLACES)}, {}
    for row in store.select(VALUES):
        uri, facet = row["value"].value, row["facet"].value
        if facet == "gemeente" and row["today"] != row["value"]:
            ceased[code(uri)] = code(row["today"].value)
            continue
        if facet == "concept":
            facet = next((name for name in CONCEPTS if uri.startswith(minter.concept(name, ""))), None)
        if facet:
            values[facet][code(uri)] = {"uri": uri}
    named = _names(store, registry, [found["uri"] for facet in values.values() for found in facet.values()])
    for facet in values.values():
        for found in facet.values():
            found["label"] = _label(named.get(found["uri"], []), found["uri"])
    placed = _places(placed_rows)
    lists = {kind: _list(store, registry, kind, placed, values) for kind in PATHS}
    # The home page's newest practices, ordered here once: an ORDER BY over every practice per server process
    # was the largest part of its first answer (and so of start-up) on a large build.
    newest = [row["practice"].value for row in store.select(NEWEST)]
    return {"lists": lists, "values": values, "ceased": ceased, "newest": newest}


def _list(store: Graph, registry: kinds.Registry, kind: str, placed: dict, values: dict) -> dict:
    """One list: its things in title order, the positions in date-changed order, the postings per facet value."""
    cls = registry.by_name[kind].cls
    changed = {row["item"].value: (row["modified"].value if row["modified"] else "")
               for row in store.select(ITEMS, **{"class": cls})}
    named = _names(store, registry, list(changed))
    titles = {uri: _label(named.get(uri, []), uri) for uri in changed}
    order = sorted(changed, key=lambda uri: (titles[uri]["nl"].casefold(), uri))
    position = {uri: n for n, uri in enumerate(order)}
    by_change = sorted(range(len(order)), key=lambda n: changed[order[n]], reverse=True)  # stable: ties by title
    postings = {facet: {} for facet in FACETS[kind]}
    for facet, path in PATHS[kind].items():
        for row in store.select(PATH.replace("{path}", path), **{"class": cls}):
            value = row["value"].value
            if values[facet].get(code(value), {}).get("uri") == value:  # a concept of its scheme, a programme
                postings[facet].setdefault(code(value), set()).add(position[row["item"].value])
    runs = _runs(store, cls) if kind == "organisations" else None
    for uri, n in position.items():
        where = placed.get(uri, {}) if runs is None else _merged(placed, runs.get(uri, ()))
        for facet in PLACES:
            for value in where.get(facet) or {NONE}:
                postings[facet].setdefault(value, set()).add(n)
        if kind == "initiatives":
            postings["plaats"].setdefault(KNOWN if where.get("gemeente") else UNKNOWN, set()).add(n)
    return {"items": [{"uri": uri, "title": titles[uri], "modified": changed[uri] or None} for uri in order],
            "changed": by_change,
            "postings": {facet: {value: sorted(found) for value, found in sorted(values.items())}
                         for facet, values in postings.items()}}


def _places(rows: list) -> dict:
    """Each practice and initiative with the codes of the municipalities and provinces it rolls up to (``rows``:
    those of ``statistics.PLACES``)."""
    placed = {}
    for row in rows:
        where = placed.setdefault(row["item"].value, {"gemeente": set(), "provincie": set()})
        if row["municipality"] is not None:
            where["gemeente"].add(code(row["municipality"].value))
        if row["area"] is not None:
            where["provincie"].add(code(row["area"].value))
    return placed


def _runs(store: Graph, cls: ox.NamedNode) -> dict:
    """Each organisation (of ``cls``) with the initiatives it runs."""
    runs = {}
    for row in store.select(PATH.replace("{path}", "^sl:runBy"), **{"class": cls}):
        runs.setdefault(row["item"].value, []).append(row["value"].value)
    return runs


def _merged(placed: dict, initiatives) -> dict:
    """The places of an organisation: those of each initiative it runs, ``zonder`` for one that has none."""
    merged = {facet: set() for facet in PLACES}
    for uri in initiatives:
        for facet in PLACES:
            merged[facet] |= placed.get(uri, {}).get(facet) or {NONE}
    return merged


def _names(store: Graph, registry: kinds.Registry, nodes: list) -> dict:
    named = {}
    for triple in store.labels([ox.NamedNode(uri) for uri in nodes], False, registry.names(())):
        named.setdefault(triple.subject.value, []).append(triple.object)
    return named


def _label(names: list, uri: str) -> dict:
    """A thing's name in each language of the pages (the last segment of its URI when it has none)."""
    return {lang: (found.value if (found := language.pick(names, lang)) else code(uri))
            for lang in language.LANGUAGES}


def code(uri: str) -> str:
    """The code a filter names a value by: the last segment of its URI.

    >>> code("https://w3id.org/samenleven/id/concept/doelgroep/ouderen")
    'ouderen'
    """
    return uri.rsplit("/", 1)[-1]
