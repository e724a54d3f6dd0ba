"""Reconcile names to the things of a build: places through the linker, the other kinds by their names.

This is the matching behind ``/reconcile`` (W3C Entity Reconciliation CG, versions 0.2 and 1.0-draft), apart
from either protocol's shape. An entity's id is its URI after ``{base}id/`` (``gemeente/44021``), so that ids stay
the same whatever the base. A place name is read by the linker (``publisher.linker``): a sub-municipality,
district, exonym or postal code is reconciled to the municipality it lies in on the day asked (today by default),
with the place in the description. Scores run from 0 to 100; ``match`` is true only for a unique exact match of a
name or an identifier.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process

from publisher import places, uris
from publisher.errors import BadRequest
from publisher.places import fold
from publisher.vocab import SKOS, SL

MUNICIPALITY = "Municipality"
# The types of the service: id -> (name, class of the ontology or SKOS). Places come from the linker.
TYPES = {MUNICIPALITY: "Municipality (current or ceased; also found by sub-municipality, district, postal code)",
         "Province": "Province", "Organisation": "Organisation", "Practice": "Practice",
         "Initiative": "Initiative", "Concept": "Concept (category, target group, policy domain, goal)"}
CLASSES = {SL[name].value: name for name in ("Province", "Organisation", "Practice", "Initiative")}
CLASSES[SKOS.Concept.value] = "Concept"
# The query properties: id -> name. "type" may also be given as the query's own type field.
PROPERTIES = {"postalCode": "Postal code", "province": "Province (name or NIS code)", "nis": "NIS code",
              "validOn": "Valid on (YYYY-MM-DD)", "type": "Type (one of the service's types)"}
ENTITIES = (Path(__file__).parent / "reconcile_entities.rq").read_text()
PLACES = (Path(__file__).parent / "reconcile_places.rq").read_text()
NAMED = 60  # rapidfuzz WRatio from which a thing of the store is offered as a candidate


@dataclass
class Query:
    """One reconciliation query, read from either version of the protocol."""

    text: str = ""
    type: str | None = None
    limit: int = 5
    properties: dict = field(default_factory=dict)  # property id -> value (text)


@dataclass
class Result:
    id: str
    name: str
    type: str
    score: float
    exact: bool
    description: str = ""
    match: bool = False


class Reconciler:
    """The names of one build and the linker, to reconcile queries against."""

    def __init__(self, graph, linker, base: str):
        self.linker, self.base = linker, base if base.endswith("/") else base + "/"
        self.things, self.names = {}, {}  # id -> (name, type); (type, folded name) -> ids
        for row in graph.select(ENTITIES):
            kind, key = CLASSES[row["class"].value], self.id_of(row["entity"].value)
            self.things.setdefault(key, ((row["name"] or row["label"]).value, kind))
            for text in (row["label"].value, row["code"].value if row["code"] else ""):
                for name in {fold(text), _bare(text)} - {""}:
                    self.names.setdefault((kind, name), set()).add(key)
        self.areas = {}  # municipality id -> {"province": (id, name), "region": (id, name)}
        self.registry = {}  # municipality id -> its URI in the Flemish registry, as the graph's owl:sameAs gives it
        for row in graph.select(PLACES):
            facts = self.areas.setdefault(self.id_of(row["municipality"].value), {})
            if row["registry"] is not None:
                self.registry[self.id_of(row["municipality"].value)] = row["registry"].value
            for part in ("province", "region"):
                if row[part] is not None:
                    facts[part] = (self.id_of(row[part].value), row[f"{part}Name"].value if row[f"{part}Name"]
                                   else row[part].value)

    def id_of(self, uri: str) -> str:
        """The id of a URI of this build or of the linker (default base): the part after ``id/``."""
        for base in (self.base, uris.DEFAULT_BASE):
            if uri.startswith(base + "id/"):
                return uri[len(base) + 3:]
        return uri

    def uri_of(self, key: str) -> str:
        return f"{self.base}id/{key}"

    def name_of(self, key: str) -> str | None:
        """The name of a thing by its id, or None when the build has none such."""
        if key in self.things:
            return self.things[key][0]
        place = self.linker.places.get(uris.DEFAULT_BASE + "id/" + key)
        return place.name if place else None

    def identified(self, key: str) -> list[Result]:
        """The thing with an id (``gemeente/44021``, or a bare NIS code) as an exact match; none if unknown."""
        key = f"gemeente/{key}" if re.fullmatch(r"\d{5}", key) else key
        name = self.name_of(key)
        if name is None:
            return []
        kind = self.things.get(key, (None, MUNICIPALITY))[1]
        return [Result(key, name, kind, 100.0, True, kind, match=True)]

    def match(self, query: Query) -> list[Result]:
        """Rank the candidates of a query, best first, ``match`` set on a unique exact one."""
        if "type" in query.properties:
            asked = query.properties.pop("type")
            if query.type not in (None, asked):
                raise BadRequest(f"the type is given twice, as {query.type!r} and as the property {asked!r}")
            query.type = asked
        if query.type is not None and query.type not in TYPES:
            raise BadRequest(f"unknown type {query.type!r}; the types are {', '.join(TYPES)}")
        unknown = sorted(set(query.properties) - set(PROPERTIES))
        if unknown:
            raise BadRequest(f"unknown property {unknown[0]!r}; the properties are {', '.join(PROPERTIES)}")
        day = query.properties.get("validOn") or date.today().isoformat()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise BadRequest(f"validOn must be a date YYYY-MM-DD, not {day!r}")
        found = []
        if query.type in (None, MUNICIPALITY):
            found += self._places(query, day)
        if query.type != MUNICIPALITY and not (query.type is None and found and found[0].exact):
            found += self._named(query.text or query.properties.get("nis", ""), query.type)
        found.sort(key=lambda r: (-r.score, r.name, r.id))
        exact = [r for r in found if r.exact]
        if len(exact) == 1 and found[0] is exact[0]:
            found[0].match = True
        return found[:query.limit]

    def _places(self, query: Query, day: str) -> list[Result]:
        props, text = query.properties, query.text.strip()
        if props.get("postalCode") and text:
            text = f"{text} ({props['postalCode']})"
        text = text or props.get("nis") or props.get("postalCode") or ""
        if not text:  # a text too long or too nested to be a place the linker refuses itself (linker.MAX_PARTS)
            return []
        candidates = self.linker.candidates(text, on=day, limit=max(query.limit, 5))
        if props.get("nis"):
            candidates = [c for c in candidates if c.nis == props["nis"]] or \
                self.linker.candidates(props["nis"], on=day, limit=1)
        if props.get("province"):
            wanted = _bare(props["province"])
            inside = [c for c in candidates if wanted in self._province_keys(self.id_of(c.municipality))]
            # The linker reads "Aalst" as the municipality; the province may mean the other one, Aalst in
            # Sint-Truiden: ask for each place of that name by its municipality.
            candidates = inside or [c for m in self._municipalities_named(text, day)
                                    for c in self.linker.candidates(f"{text} ({m})", on=day, limit=1)
                                    if wanted in self._province_keys(self.id_of(c.municipality))]
        results = {}
        for c in candidates:  # one result per municipality: two places in one are one answer
            key = self.id_of(c.municipality)
            if key not in results or c.score > results[key].score:
                results[key] = Result(key, c.municipality_name, MUNICIPALITY, float(c.score), c.exact,
                                      self._describe(c, key))
        return list(results.values())

    def _municipalities_named(self, text: str, day: str) -> set:
        """The names of the municipalities that places named ``text`` lie in on a day."""
        found = (self.linker.municipality_on(self.linker.places[uri], day)
                 for uri in self.linker.names.get(places.normalise(text), ()))
        return {m.name for m in found if m is not None}

    def _province_keys(self, key: str) -> set:
        province = self.areas.get(key, {}).get("province")
        return {_bare(province[1]), province[0].rsplit("/", 1)[-1],
                *(name for (kind, name), ids in self.names.items() if kind == "Province" and province[0] in ids)} \
            if province else set()

    def _describe(self, c, key: str) -> str:
        where = [f"NIS {c.nis}"]
        if "province" in self.areas.get(key, {}):
            where.append(self.areas[key]["province"][1])
        text = f"{c.municipality_name} ({', '.join(where)})"
        if c.uri != c.municipality:
            text = f"{c.name}, {c.kind.lower()} of {text}"
        if c.valid_until:
            text += f", until {c.valid_until}"
        return text

    def _named(self, text: str, kind: str | None) -> list[Result]:
        """Things of the store whose name or identifier resembles the text (all kinds but places)."""
        key = _bare(text) if kind == "Province" else fold(text)
        if not key:
            return []
        choices = {name for (k, name) in self.names if kind in (None, k)}
        found = {}
        for choice, score, _ in process.extract(key, choices, scorer=_resemblance, limit=10, score_cutoff=NAMED):
            exact = choice == key
            for k in (kind,) if kind else {k for k in TYPES if (k, choice) in self.names}:
                for thing in self.names.get((k, choice), ()):
                    name, thing_kind = self.things[thing]
                    score = 100.0 if exact else round(min(score, 99.0), 1)
                    if thing not in found or score > found[thing].score:
                        found[thing] = Result(thing, name, thing_kind, score, exact, thing_kind)
        return list(found.values())


def _resemblance(a: str, b: str, **options) -> float:
    """rapidfuzz's WRatio, which finds a word inside a longer name ("gent" in "stad gent"), for texts of lengths
    within a factor three; the plain ratio otherwise, so that a short text does not match every long title."""
    if max(len(a), len(b)) > 3 * max(1, min(len(a), len(b))):
        return fuzz.ratio(a, b, **options)
    return fuzz.WRatio(a, b, **options)


def _bare(name: str) -> str:
    """Fold a province's name without the word "province" that some of its names carry.

    >>> _bare("Provincie Oost-Vlaanderen"), _bare("Province de Liège")
    ('oost vlaanderen', 'liege')
    """
    return re.sub(r"^(provincie|provinz|province de|province du|province d|province of) ", "", fold(name))
