"""Extend reconciled things with data, suggest names, and sum a thing up for a preview card.

The data extension protocol of the reconciliation service (W3C Entity Reconciliation CG, "Data extension"): a
client sends ids and property ids, and gets values per id. Values are given as in the 0.2 form (a dict of
property -> values per id); the view turns them into the 1.0-draft form when asked.
"""

import re
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from publisher import uris
from publisher.errors import BadRequest
from publisher.places import fold
from publisher.reconciliation import MUNICIPALITY, PROPERTIES, TYPES, Reconciler

COUNTS = (Path(__file__).parent / "reconcile_counts.rq").read_text()
# The properties a client may fetch: id -> name. "successor" takes the setting "on" (a date, today by default).
EXTEND = {"nis": "NIS code", "uri": "URI", "province": "Province", "region": "Region",
          "successor": "Municipality on a date (the successor of a ceased one)",
          "initiatives": "Number of initiatives", "practices": "Number of practices",
          "registry": "data.vlaanderen.be link"}
SETTING_ON = {"type": "text", "default": "", "label": "On (YYYY-MM-DD, default today)", "name": "on",
              "help_text": "The day on which to give the successor of a ceased municipality"}


def extend(reconciler: Reconciler, graph, ids: list, wanted: list) -> dict:
    """Return ``{id: {property: [values]}}`` for the ids and properties (each ``{"id", "settings"}``) asked."""
    unknown = [p.get("id") for p in wanted if p.get("id") not in EXTEND]
    if unknown:
        raise BadRequest(f"unknown property {unknown[0]!r} to extend with; the properties are {', '.join(EXTEND)}")
    rows = {}
    for key in ids:
        values = _values(reconciler, graph, key, {p["id"]: p.get("settings") or {} for p in wanted})
        rows[key] = {p["id"]: values.get(p["id"], []) for p in wanted}
    return rows


def _values(reconciler: Reconciler, graph, key: str, wanted: dict) -> dict:
    if reconciler.name_of(key) is None:
        return {}
    values = {"uri": [{"str": reconciler.uri_of(key)}]}
    place = reconciler.linker.places.get(uris.DEFAULT_BASE + "id/" + key)
    if place is None or place.municipality or not place.nis:
        return values
    areas = reconciler.areas.get(key, {})
    values["nis"] = [{"str": place.nis}]
    for part in ("province", "region"):
        if part in areas:
            values[part] = [{"id": areas[part][0], "name": areas[part][1]}]
    if key in reconciler.registry:  # only where the graph says so: no registry URI is made up for a code of 2018
        values["registry"] = [{"str": reconciler.registry[key]}]
    if "successor" in wanted:
        day = str(wanted["successor"].get("on") or date.today().isoformat())
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise BadRequest(f"the setting on of successor must be a date YYYY-MM-DD, not {day!r}")
        found = reconciler.linker.candidates(place.nis, on=day, limit=1)
        values["successor"] = [{"id": reconciler.id_of(c.municipality), "name": c.municipality_name}
                               for c in found]
    if {"initiatives", "practices"} & set(wanted):
        row = next(iter(graph.select(COUNTS, municipality=ox.NamedNode(reconciler.uri_of(key)))))
        values["initiatives"] = [{"int": int(row["initiatives"].value)}]
        values["practices"] = [{"int": int(row["practices"].value)}]
    return values


def propose(kind: str | None) -> list:
    """The properties a client may fetch for a type (all of them for a municipality, the URI for the others)."""
    if kind is not None and kind not in TYPES:
        raise BadRequest(f"unknown type {kind!r}; the types are {', '.join(TYPES)}")
    keys = EXTEND if kind in (None, MUNICIPALITY) else ("uri",)
    return [{"id": key, "name": EXTEND[key]} for key in keys]


def suggest(reconciler: Reconciler, what: str, prefix: str, kind: str | None = None, limit: int = 10) -> list:
    """Suggest entities, types or properties whose names start with or resemble ``prefix``."""
    if what == "type":
        return _filter(TYPES, prefix, limit)
    if what == "property":
        return _filter({**PROPERTIES, **EXTEND}, prefix, limit)
    from publisher.reconciliation import Query  # one matcher for reconciling and suggesting
    found = reconciler.match(Query(prefix, kind, limit))
    if kind in (None, MUNICIPALITY) and fold(prefix):  # a prefix is a name begun: complete it
        begun = sorted(name for name in reconciler.linker.names if name.startswith(fold(prefix)))
        for name in begun[:limit]:
            found += [r for r in reconciler.match(Query(name, MUNICIPALITY, 1)) if r.id not in {f.id for f in found}]
        found = sorted(found, key=lambda r: (-r.score, len(r.name), r.name))[:limit]
    return [{"id": r.id, "name": r.name, "description": r.description or r.type,
             "notable": [{"id": r.type, "name": r.type}]} for r in found]


def _filter(table: dict, prefix: str, limit: int) -> list:
    key = fold(prefix)
    keys = [k for k, name in table.items() if not key or fold(k).startswith(key) or fold(name).startswith(key)]
    if not keys:
        keys = [k for k, *_ in process.extract(key, {k: fold(v) for k, v in table.items()}, scorer=fuzz.WRatio,
                                               limit=limit, score_cutoff=60)]
    return [{"id": k, "name": table[k]} for k in keys[:limit]]


def card(reconciler: Reconciler, key: str) -> dict | None:
    """The facts of a preview card: name, type, description lines, and where its page is; None if unknown."""
    name = reconciler.name_of(key)
    if name is None:
        return None
    kind = reconciler.things.get(key, (None, MUNICIPALITY))[1]
    lines = []
    place = reconciler.linker.places.get(uris.DEFAULT_BASE + "id/" + key)
    if place is not None:
        kind = place.kind
        if place.nis:
            lines.append(f"NIS {place.nis}")
        lines += [area[1] for area in reconciler.areas.get(key, {}).values()]
        if place.valid_until:
            lines.append(f"until {place.valid_until}")
    return {"name": name, "type": kind, "lines": lines, "uri": reconciler.uri_of(key)}
