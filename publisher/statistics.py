"""Count the practices and initiatives of a build per category, policy domain, target group, province, municipality
and year.

The build counts once and writes the counts into its folder as ``statistics.json`` (``artefacts.STATISTICS``);
the statistics page, its map, the home page's facets and the municipality pages read them from there, so no request counts anything
(issue 13: a GROUP BY per request takes half a second at 100k practices). Places are rolled up by one query,
``statistics_places.rq``; what has no value on a dimension is counted in that dimension's ``none``, so that every
practice and initiative is counted somewhere on each chart.

Each chart is ``{"rows": [{"uri", "nis", "label": {"nl", "en"}, "practices", "initiatives"}], "none": {...}}``.
"""

from pathlib import Path

import pyoxigraph as ox

from publisher import language, state, uris
from publisher.artefacts import STATISTICS
from publisher.store import Graph
from publisher.vocab import DCT, SL

_HERE = Path(__file__).parent
PLACES, AREAS, CONCEPTS, SCHEME, YEARS = ((_HERE / f"statistics_{name}.rq").read_text()
                                          for name in ("places", "areas", "concepts", "scheme", "years"))
KINDS = ("practices", "initiatives")
# The charts of concepts: (name, the property that links a practice or initiative to it, its concept scheme).
CONCEPT_CHARTS = (("categories", SL.category, "categorie"), ("policy_domains", SL.policyDomain, "beleidsdomein"),
                  ("target_groups", SL.targetGroup, "doelgroep"))
DATES = DCT.issued.value  # what "over time" counts by: the year a thing was first published here


def write(folder: Path, graph: Graph, base: str, placed: list) -> None:
    """Count the statistics of ``graph``, the build's store, and write them into ``folder`` as ``statistics.json``.

    :param placed: the rows of ``PLACES`` on ``graph`` (run once per build: the search index and facets take them too).
    """
    state.write_json(folder / STATISTICS, compute(graph, base, placed))


def compute(store: Graph, base: str, placed: list) -> dict:
    """Count each chart of the statistics page, and the practices and initiatives per municipality for the map."""
    dated = list(_select(store, YEARS))
    totals = {kind: set() for kind in KINDS}
    for row in dated:
        totals[row["kind"].value].add(row["item"])
    charts = {name: concepts(store, prop, uris.Minter(base).scheme(scheme)) for name, prop, scheme in CONCEPT_CHARTS}
    municipalities, charts["provinces"] = places(store, placed)
    charts["years"] = years(dated)
    return {"dates": DATES, "totals": {kind: len(items) for kind, items in totals.items()},
            "charts": charts, "municipalities": municipalities}


def concepts(store: Graph, prop: ox.NamedNode, scheme: str) -> dict:
    """Count the practices and initiatives per concept of ``scheme`` they have on ``prop``."""
    labels = {}
    for row in _select(store, SCHEME, scheme=ox.NamedNode(scheme)):
        labels.setdefault(row["concept"].value, []).append(row["label"])
    counted = tally((row["concept"], row["item"], row["kind"].value)
                    for row in _select(store, CONCEPTS, property=prop))
    rows = [entry(uri, names, counted) for uri, names in labels.items()]
    return {"rows": sorted(rows, key=_by_count), "none": counted.get(None, _zero())}


def places(store: Graph, rows: list) -> tuple[dict, dict]:
    """Count per municipality of today (those with something placed in them) and per province, by the roll-up
    (``rows``: those of ``PLACES``)."""
    areas = {"municipality": {}, "province": {}}
    for row in _select(store, AREAS):
        found = areas[row["level"].value].setdefault(row["area"].value, {"nis": row["nis"].value, "names": []})
        found["names"].append(row["label"])
    by_municipality = tally((row["municipality"], row["item"], row["kind"].value) for row in rows)
    by_area = tally((row["area"], row["item"], row["kind"].value) for row in rows)
    municipalities = [entry(uri, found["names"], by_municipality, found["nis"])
                      for uri, found in areas["municipality"].items() if uri in by_municipality]
    provinces = [entry(uri, found["names"], by_area, found["nis"]) for uri, found in areas["province"].items()]
    return ({"rows": sorted(municipalities, key=_by_count), "none": by_municipality.get(None, _zero())},
            {"rows": sorted(provinces, key=lambda row: row["nis"]), "none": by_area.get(None, _zero())})


def years(rows: list) -> dict:
    """Count the practices and initiatives by the year they were first published in this dataset (``rows``: those
    of ``YEARS``)."""
    counted = tally((ox.Literal(row["issued"].value[:4]) if row["issued"] else None, row["item"], row["kind"].value)
                    for row in rows)
    rows = [{"uri": None, "nis": None, "label": {"nl": year, "en": year}, **counts}
            for year, counts in counted.items() if year is not None]
    return {"rows": sorted(rows, key=lambda row: row["label"]["nl"]), "none": counted.get(None, _zero())}


def tally(triples) -> dict:
    """Count distinct things per key and kind from (key term or None, thing, kind); None keys things with no key.

    >>> a, b, x = ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.NamedNode("http://x")
    >>> tally([(x, a, "initiatives"), (x, a, "initiatives"), (x, b, "practices"), (None, b, "initiatives")])
    {'http://x': {'practices': 1, 'initiatives': 1}, None: {'practices': 0, 'initiatives': 1}}
    """
    seen = {}
    for key, item, kind in triples:
        seen.setdefault(key.value if key is not None else None, {k: set() for k in KINDS})[kind].add(item)
    return {key: {kind: len(items) for kind, items in kinds.items()} for key, kinds in seen.items()}


def entry(uri: str, names: list, counted: dict, nis: str | None = None) -> dict:
    """One row of a chart: the thing, its names in Dutch and English, and its counts (0 when nothing counts it)."""
    label = {lang: (found.value if (found := language.pick(names, lang)) else uri.rsplit("/", 1)[-1])
             for lang in language.LANGUAGES}
    return {"uri": uri, "nis": nis, "label": label, **counted.get(uri, _zero())}


def _select(store: Graph, query: str, **bindings):
    """Run a query of this module with ``bindings`` substituted for its variables."""
    return store.select(query, **bindings)


def _zero() -> dict:
    return {kind: 0 for kind in KINDS}


def _by_count(row: dict) -> tuple:
    return -row["initiatives"] - row["practices"], row["label"]["nl"].lower()
