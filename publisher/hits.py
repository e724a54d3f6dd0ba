"""Facet the hits of a search by the lists' facets, with the bitmaps the lists already hold (issue 13).

A search's hits of a kind that has a list (practices, initiatives, organisations) become a bitmap of that list
(bit ``n``: the list's ``n``-th thing is a hit), once per request. A filter and its counts are then what they are
on the lists (``publisher.browse``): OR within a facet, AND across facets, each value counted within the other
facets' filters; here also within the types asked. So a count costs integer operations on the build's artefacts,
never a query. Hits of other kinds (municipalities, concepts, ...) have no facet values: a filter leaves them out.
"""

from array import array

from publisher import browse, facets

# The facets a search offers: those every list has (so not ``plaats``, which only initiatives have).
FACETS = tuple(facet for facet in facets.FACETS["practices"]
               if all(facet in facets.FACETS[kind] for kind in facets.FACETS))


class Faceted:
    """The hits of one search as bitmaps of the lists, and the filters asked."""

    def __init__(self, build, registry, chosen: dict, kinds: tuple):
        self.build, self.chosen = build, chosen
        self.segments = {registry.by_name[kind].segment: kind for kind in facets.LISTS_OF}
        self.lists = {kind: browse.index(build, kind) for kind in facets.LISTS_OF}
        self.counted = [kind for segment, kind in self.segments.items() if not kinds or segment in kinds]
        self.bits = {kind: 0 for kind in facets.LISTS_OF}

    def narrow(self, matched: list) -> set | None:
        """Note the hits (rowids of the search index) as bitmaps; the rowids that pass the filters (None: no
        filter)."""
        index = self.build.index()
        position, rowids = self.build.kept(("search positions",), lambda: _positions(self.build, self.segments))
        listed = [self.segments.get(segment) for segment in index.segments]  # a kind's number to its list
        positions = {kind: [] for kind in self.lists}
        for rowid in matched:
            kind = listed[index.kind[rowid]]
            if kind is not None and position[rowid] >= 0:
                positions[kind].append(position[rowid])
        self.bits = {kind: browse.bitmap(sorted(found)) for kind, found in positions.items()}
        if not self.chosen:
            return None
        kept = set()
        for kind, listing in self.lists.items():
            passing = self.bits[kind] & listing.matching(self.chosen)
            kept.update(rowids[kind][n] for n in browse.ones(passing))
        return kept

    def counts(self) -> dict:
        """Per facet, each value with hits (of the types asked, within the other facets' filters) or chosen, with
        its count."""
        shown = {}
        for facet in FACETS:
            counted = {}
            for kind in self.counted:
                listed = self.lists[kind]
                within = self.bits[kind] & listed.matching(self.chosen, facet)
                for value, bits in listed.bits[facet].items():
                    counted[value] = counted.get(value, 0) + (bits & within).bit_count()
            shown[facet] = {value: count for value, count in counted.items()
                            if count or value in self.chosen.get(facet, ())}
            for value in self.chosen.get(facet, ()):
                shown[facet].setdefault(value, 0)
        return shown


def chosen(build, args) -> dict:
    """The list filters a search asks for, checked as a list checks them; 400 for a value the build does not
    know."""
    return browse.index(build, "practices").chosen(args)  # the practices have every facet of FACETS, no other


def _positions(build, segments: dict) -> tuple[array, dict]:
    """Per rowid of the build's search index, its row's position in the list of its kind (-1: in none); per list,
    the rowid of each position. Read once per build, so that a search reads no URI of its hits."""
    index, lists = build.index(), {kind: browse.index(build, kind) for kind in facets.LISTS_OF}
    position = array("i", [-1]) * len(index.kind)
    rowids = {kind: array("i", [0]) * len(listed.items) for kind, listed in lists.items()}
    for rowid, segment, uri in index.rows():
        kind = segments.get(segment)
        if kind is not None and uri in lists[kind].position:
            position[rowid] = lists[kind].position[uri]
            rowids[kind][position[rowid]] = rowid
    return position, rowids
