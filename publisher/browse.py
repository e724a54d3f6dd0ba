"""Filter, count and page a list of the build by its facets, and say the same list as one SPARQL query (issue 13).

The build indexed each list (``lists.json``, ``publisher.facets``); here each posting list becomes a bitmap (a
Python int, bit ``n`` the ``n``-th thing in title order) once per build. A filter is an OR of the bitmaps of the
values asked within a facet and an AND across facets; a count is ``bit_count`` of an AND. So a request costs a few
integer operations per facet value, whatever the size of the graph, and never a query.

Counts follow the usual faceted search: a value of a facet is counted within the filters of the other facets
only, so that it says how many rows choosing it too would add (OR) or leave (the other facets' AND).
"""

import re
from dataclasses import dataclass

import pyoxigraph as ox

from publisher import facets, statistics
from publisher.artefacts import LISTS
from publisher.errors import BadRequest, NotFound, Unavailable
from publisher.language import N_

SORTS = ("titel", "gewijzigd")
_ONES = re.compile("1")


class Index:
    """One list of a build as bitmaps: its things, and per facet value the things that have it."""

    def __init__(self, kind: str, found: dict, values: dict, ceased: dict):
        self.kind, self.items, self.values, self.ceased = kind, found["items"], values, ceased
        self.by_change = found["changed"]  # the positions in title order, newest change first
        rank = {n: r for r, n in enumerate(self.by_change)}
        self.bits = {facet: {value: bitmap(positions) for value, positions in postings.items()}
                     for facet, postings in found["postings"].items()}
        # The same bitmaps with bit r the r-th thing by date changed: a page in that order is then read off the
        # filter's bits like a page in title order, without sorting what the filter keeps.
        self.changed = {facet: {value: bitmap(sorted(rank[n] for n in positions))
                                for value, positions in postings.items()}
                        for facet, postings in found["postings"].items()}
        self.everything = (1 << len(self.items)) - 1
        self.position = {item["uri"]: n for n, item in enumerate(self.items)}  # for the hits of a search

    def chosen(self, args) -> dict:
        """The values asked per facet (a repeated value once); 400 for a value the build does not know."""
        chosen = {}
        for facet in facets.FACETS[self.kind]:
            for value in dict.fromkeys(v.strip() for v in args.getlist(facet)):
                if facet == "gemeente":
                    value = self.ceased.get(value, value)  # a ceased municipality's code rolls up to today's
                if value not in self.known(facet):
                    raise BadRequest(N_("%(facet)s=%(value)s noemt geen %(facet)s van deze dataset; de facetten van "
                                        "de lijst tonen de waarden die het aanneemt"),
                                     values={"facet": facet, "value": repr(value[:40])})
                chosen.setdefault(facet, []).append(value)
        return chosen

    def known(self, facet: str):
        if facet == "plaats":
            return (facets.KNOWN, facets.UNKNOWN)
        return {**self.values[facet], **({facets.NONE: None} if facet in facets.PLACES else {})}

    def matching(self, chosen: dict, leave_out: str | None = None, order: str = "titel") -> int:
        """The bitmap (in title order, or by date changed) of the things that pass every chosen facet but
        ``leave_out``."""
        found, bits = self.everything, self.changed if order == "gewijzigd" else self.bits
        for facet, values in chosen.items():
            if facet != leave_out:
                union = 0
                for value in values:
                    union |= bits[facet].get(value, 0)
                found &= union
        return found

    def counts(self, chosen: dict) -> dict:
        """Per facet, each value with things under the other facets' filters (or chosen), with its count."""
        shown = {}
        for facet in facets.FACETS[self.kind]:
            within = self.matching(chosen, facet)
            counted = {value: (bits & within).bit_count() for value, bits in self.bits[facet].items()}
            shown[facet] = {value: count for value, count in counted.items()
                            if count or value in chosen.get(facet, ())}
            for value in chosen.get(facet, ()):
                shown[facet].setdefault(value, 0)
        return shown

    def rows(self, bits: int, order: str, start: int = 0, stop: int | None = None) -> list[int]:
        """The positions (in title order) of the ``start``-th to ``stop``-th things of a bitmap made in ``order``."""
        found = ones(bits, start, stop)
        return [self.by_change[r] for r in found] if order == "gewijzigd" else found


@dataclass
class View:
    """One page of a filtered list, with the counts of its facets."""

    chosen: dict
    sort: str
    page: int
    pages: int
    total: int
    items: list
    counts: dict


def index(build, kind: str) -> Index:
    """The list ``kind`` of a build, indexed once per build; 503 for a build made before lists were."""
    found = build.document(LISTS)
    if found is None:
        raise Unavailable(N_("build %(build)s heeft geen lijsten (hij werd gemaakt voor ze er waren): voer "
                             "`samenleven build` uit"), values={"build": build.manifest["id"]})
    return build.kept(("lists", kind), lambda: Index(kind, found["lists"][kind], found["values"], found["ceased"]))


def view(listed: Index, args, size: int) -> View:
    """Read the filters, the sort order and the page from ``args`` and make that page; 400 naming what is wrong."""
    allowed = {*facets.FACETS[listed.kind], "sorteer", "pagina", "lang", "format"}
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise BadRequest(N_("deze lijst neemt geen parameter %(name)s; ze neemt %(taken)s"),
                         values={"name": repr(unknown[0][:40]), "taken": ", ".join(sorted(allowed))})
    for name in ("sorteer", "pagina"):
        if len(args.getlist(name)) > 1:
            raise BadRequest(N_("de parameter %(name)s staat %(times)s keer in het verzoek; geef hem één keer"),
                             values={"name": name, "times": len(args.getlist(name))})
    sort = args.get("sorteer", "titel")
    if sort not in SORTS:
        raise BadRequest(N_("sorteer moet een van %(sorts)s zijn, niet %(value)s"),
                         values={"sorts": ", ".join(SORTS), "value": repr(sort[:40])})
    chosen, page = listed.chosen(args), page_number(args)
    bits = listed.matching(chosen, order=sort)
    total = bits.bit_count()
    pages = max(1, -(-total // size))
    if page > pages:
        raise NotFound(N_("pagina %(page)s ligt voorbij de laatste pagina (%(pages)s) van deze lijst"),
                       values={"page": page, "pages": pages})
    shown = [listed.items[n] for n in listed.rows(bits, sort, (page - 1) * size, page * size)]
    return View(chosen, sort, page, pages, total, shown, listed.counts(chosen))


def page_number(args) -> int:
    """The page ``pagina`` asks for (1 when not given): the one check of the lists and the search; 400 for a value
    given twice or that is no whole number from 1."""
    asked = args.getlist("pagina") or ["1"]
    if len(asked) > 1:
        raise BadRequest(N_("de parameter %(name)s staat %(times)s keer in het verzoek; geef hem één keer"),
                         values={"name": "pagina", "times": len(asked)})
    if not (asked[0].isascii() and asked[0].isdigit()) or len(asked[0]) > 9 or int(asked[0]) < 1:
        raise BadRequest(N_("pagina moet een geheel getal vanaf 1 zijn, niet %(value)s"),
                         values={"value": repr(asked[0][:40])})
    return int(asked[0])


def ones(bits: int, start: int = 0, stop: int | None = None, step: int = 4096) -> list[int]:
    """The positions of the ``start``-th to ``stop``-th bits set in ``bits``, skipping the bits before the page
    in blocks (a count in C) rather than one by one.

    >>> ones(0b101101), ones(0b101101, 1, 3), ones(0b101101, 5)
    ([0, 2, 3, 5], [2, 3], [])
    """
    text, seen, at = bin(bits)[:1:-1], 0, 0
    while at < len(text) and seen + (block := text.count("1", at, at + step)) <= start:
        seen, at = seen + block, at + step
    found = []
    for match in _ONES.finditer(text, at):
        if stop is not None and seen >= stop:
            break
        if seen >= start:
            found.append(match.start())
        seen += 1
    return found


def bitmap(positions: list[int]) -> int:
    """A bitmap with the bits ``positions`` set.

    >>> bin(bitmap([0, 3]))
    '0b1001'
    """
    if not positions:
        return 0
    flags = bytearray(positions[-1] // 8 + 1)
    for n in positions:
        flags[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(flags, "little")


# --- The same list as one SPARQL query, for the "show the SPARQL" link ---------------------------------------------

_CLASSES = {"practices": "sl:Practice", "initiatives": "sl:Initiative", "organisations": "sl:Organisation"}
_LABELS = {"organisations": "skos:prefLabel"}


def sparql(listed: Index, chosen: dict, sort: str) -> str:
    """The query whose rows are the things of the filtered list (every page), in its order.

    Values are written as IRIs of the build's facet values (checked by ``Index.chosen``), never as sent. Places
    come from the roll-up of ``statistics_places.rq``, its text taken in whole as a subquery.
    """
    kind, lines = listed.kind, []
    for facet, values in chosen.items():
        if facet in facets.PATHS[kind]:
            iris = " ".join(f"<{listed.values[facet][v]['uri']}>" for v in values)
            lines.append(f"  ?item {facets.PATHS[kind][facet]} ?{facet} . VALUES ?{facet} {{ {iris} }}")
        else:
            lines += _place(kind, facet, values, listed.values)
    label = _LABELS.get(kind, "dct:title")
    order = "DESC(?modified) LCASE(STR(?title)) ?item" if sort == "gewijzigd" else "LCASE(STR(?title)) ?item"
    return "\n".join([
        "PREFIX dct: <http://purl.org/dc/terms/>", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
        "PREFIX sl: <https://w3id.org/samenleven/ns#>",
        "SELECT DISTINCT ?item ?title ?modified WHERE {", f"  ?item a {_CLASSES[kind]} .", *lines,
        f'  OPTIONAL {{ ?item {label} ?title FILTER(LANGMATCHES(LANG(?title), "nl")) }}',
        "  OPTIONAL { ?item dct:modified ?modified }", "}", f"ORDER BY {order}", ""])


def _place(kind: str, facet: str, values: list, known: dict) -> list[str]:
    """The lines that keep the things placed in ``values`` of a place facet (``zonder``: rolled up to nothing)."""
    column = "?area" if facet == "provincie" else "?municipality"
    var = f"?{facet}"
    rollup = statistics.PLACES[statistics.PLACES.index("SELECT"):].strip().replace("\n", "\n    ")
    if kind == "organisations":
        run = f"?run_{facet}"  # one per facet: each rolls up the organisation's initiatives on its own
        lines = [f"  OPTIONAL {{ {run} sl:runBy ?item . {{ SELECT DISTINCT (?item AS {run}) ({column} AS {var}) "
                 f"WHERE {{ {{\n    {rollup}\n  }} }} }} }}"]
    else:
        lines = [f"  {{ SELECT DISTINCT ?item ({column} AS {var}) WHERE {{ {{\n    {rollup}\n  }} }} }}"]
    if facet == "plaats":
        tests = [f"BOUND({var})" if value == facets.KNOWN else f"!BOUND({var})" for value in values]
    else:
        iris = ", ".join(f"<{known[facet][v]['uri']}>" for v in values if v != facets.NONE)
        tests = ([f"!BOUND({var})"] if facets.NONE in values else []) + ([f"{var} IN ({iris})"] if iris else [])
    return lines + [f"  FILTER({' || '.join(tests)})"]


def where(build, minter, uri: str) -> tuple | None:
    """For a municipality, province or region of today: its facet, its code, and what ``placed`` finds there;
    None for anything else, and for a municipality that ceased (its successor's page lists what it had)."""
    if build.document(LISTS) is None:
        return None
    for facet, prefix in (("gemeente", minter.municipality("")), ("provincie", minter.province("")),
                          ("provincie", minter.region(""))):
        value = uri[len(prefix):]
        if uri.startswith(prefix) and value in index(build, "practices").values[facet]:
            return facet, value, placed(build, facet, value)
    return None


def placed(build, facet: str, value: str, shown: int = 20) -> list[dict]:
    """What the lists of practices and initiatives hold in a municipality or province (by the roll-up): per list
    its count and its first ``shown`` things in title order, for the place's page."""
    found = []
    for kind in ("practices", "initiatives"):
        listed = index(build, kind)
        bits = listed.bits[facet].get(value, 0)
        found.append({"list": facets.LISTS_OF[kind], "count": bits.bit_count(),
                      "things": [listed.items[n] for n in listed.rows(bits, "titel", 0, shown)]})
    return found


def used(build, minter, uri: str) -> list[tuple]:
    """For a concept scheme that is a facet of the lists: each of its concepts with the practices and initiatives
    the lists count under it, most used first; none for anything else. Read off the build's bitmaps, so a scheme's
    page runs no GROUP BY however many things use its concepts (issue 14)."""
    facet = next((name for name in facets.CONCEPTS if uri == minter.scheme(name)), None)
    if facet is None or build.document(LISTS) is None:
        return []
    practices, initiatives = index(build, "practices"), index(build, "initiatives")
    rows = [(ox.NamedNode(found["uri"]), practices.bits[facet].get(value, 0).bit_count(),
             initiatives.bits[facet].get(value, 0).bit_count()) for value, found in practices.values[facet].items()]
    return sorted(rows, key=lambda row: (-row[1], -row[2], row[0].value))
