"""Make the triples of one generated practice, organisation or programme, drawing every choice from one seed."""

from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher import uris
from publisher.generate import texts
from publisher.vocab import BESLUIT, DCT, PREFIXES, PROV, RDF, SCHEMA, SKOS, SL

PREFIXES = {**{name: PREFIXES[name] for name in ("sl", "dct", "skos", "prov", "schema", "besluit")},
            **{segment: f"{uris.DEFAULT_BASE}id/{segment}/" for segment in
               (uris.PRACTICE, uris.INITIATIVE, uris.ORGANISATION, uris.PROGRAMME, uris.MUNICIPALITY, uris.LOCALITY,
                uris.SOURCE)}}
NLD = ox.NamedNode("http://publications.europa.eu/resource/authority/language/NLD")
REGISTER = "gegenereerd-register"  # the source page of the generated organisations and programmes
# Where an initiative is: on no known place, on a municipality that ceased in 2025, on a district or
# sub-municipality (and its municipality, as graph/ writes it), or on a municipality of today.
WHERE = (("none", 10), ("ceased", 15), ("parts", 25), ("current", 50))


@dataclass
class Made:
    """A thing made: its key, its triples and (for a practice) how many initiatives came with it."""

    key: str
    triples: list = field(default_factory=list)
    initiatives: int = 0
    names: tuple = ("", "")  # Dutch and English, of an organisation


def _nl_en(subject, predicate, nl: str, en: str) -> list:
    return [ox.Triple(subject, predicate, ox.Literal(nl, language="nl")),
            ox.Triple(subject, predicate, ox.Literal(en, language="en"))]


class Maker:
    """Make generated things from a seeded random source, the places of a graph folder and the concept schemes."""

    def __init__(self, chosen, places, concepts: dict):
        self.chosen, self.places, self.concepts = chosen, places, concepts
        self.keys = {}
        self.mint = uris.Minter()
        self.register_uri = ox.NamedNode(self.mint.thing(uris.SOURCE, REGISTER))

    def _key(self, text: str) -> str:
        """A readable key from a name, made unique by a number when the name recurs (``taalcafe-gent-2``)."""
        key = uris.slugify(text)[:80].strip("-")
        self.keys[key] = self.keys.get(key, 0) + 1
        return key if self.keys[key] == 1 else f"{key}-{self.keys[key]}"

    def _some(self, scheme: str, low: int, high: int) -> list:
        return self.chosen.sample(self.concepts[scheme], self.chosen.randint(low, high))

    def _source(self, key: str, title: str) -> tuple:
        uri = ox.NamedNode(self.mint.thing(uris.SOURCE, key))
        return uri, [ox.Triple(uri, RDF.type, SL.SourceDocument),
                     ox.Triple(uri, DCT.title, ox.Literal(title, language="nl")),
                     ox.Triple(uri, DCT.identifier, ox.Literal(key)), ox.Triple(uri, DCT.language, NLD)]

    def register(self) -> list:
        """The source every generated organisation and programme is derived from."""
        return self._source(REGISTER, "Gegenereerd register van organisaties en programma's")[1]

    def organisations(self, count: int) -> list:
        """Make ``count`` organisations, each in a municipality of today; local governments work for it."""
        made = []
        for _ in range(count):
            nl, en, local = self.chosen.choice(texts.ORGANISATIONS)
            where, word = self.chosen.choice(self.places.current), self.chosen.choice(texts.NAMES)
            name_nl, name_en = (f.format(m=where.name, w=word) for f in (nl, en))
            thing = Made(self._key(name_nl), names=(name_nl, name_en))
            uri = ox.NamedNode(self.mint.thing(uris.ORGANISATION, thing.key))
            activity = self.chosen.choice(texts.ACTIVITIES)
            thing.triples += [ox.Triple(uri, RDF.type, SL.Organisation)] + _nl_en(uri, SKOS.prefLabel, name_nl, name_en)
            thing.triples += _nl_en(
                uri, DCT.description,
                f"{name_nl} werkt in {where.name} aan ontmoeting en samenleven, onder meer met een {activity[0]}.",
                f"{name_en} works in {where.name} on encounter and living together, among other things with a "
                f"{activity[1]}.")
            if local:
                thing.triples.append(ox.Triple(uri, BESLUIT.werkingsgebied, ox.NamedNode(where.municipality)))
            thing.triples.append(ox.Triple(uri, PROV.wasDerivedFrom, self.register_uri))
            if self.chosen.random() < 0.5:
                point = ox.BlankNode(f"contact-{thing.key}")  # a fixed label: the same bytes for a seed
                thing.triples += [ox.Triple(uri, SCHEMA.contactPoint, point),
                                  ox.Triple(point, RDF.type, SCHEMA.ContactPoint),
                                  ox.Triple(point, SCHEMA.email, ox.Literal(f"info@{thing.key}.example"))]
            made.append(thing)
        return made

    def programmes(self, count: int, organisations: list) -> list:
        """Make ``count`` programmes, each a local action plan on a category, attributed to an organisation."""
        made = []
        for _ in range(count):
            _, nl, en = self.chosen.choice(self.concepts["categorie"])
            where = self.chosen.choice(self.places.current)
            title_nl, title_en = f"Lokaal actieplan {texts.lower(nl)} {where.name}", \
                f"Local action plan on {texts.lower(en)}, {where.name}"
            thing = Made(self._key(title_nl))
            uri = ox.NamedNode(self.mint.thing(uris.PROGRAMME, thing.key))
            owner = ox.NamedNode(self.mint.thing(uris.ORGANISATION, self.chosen.choice(organisations).key))
            thing.triples += [ox.Triple(uri, RDF.type, SL.Programme)] + _nl_en(uri, DCT.title, title_nl, title_en)
            thing.triples += _nl_en(
                uri, DCT.description,
                f"Een meerjarig plan van {where.name} dat lokale initiatieven rond {texts.lower(nl)} ondersteunt "
                "met middelen, begeleiding en uitwisseling tussen de partners.",
                f"A multi-year plan of {where.name} that supports local initiatives on {texts.lower(en)} with "
                "funding, coaching and exchange between the partners.")
            thing.triples += [ox.Triple(uri, PROV.wasAttributedTo, owner),
                              ox.Triple(uri, PROV.wasDerivedFrom, self.register_uri)]
            made.append(thing)
        return made

    def practice(self, organisations: list, programmes: list) -> Made:
        """A practice with its source page and its two or three initiatives."""
        chosen = self.chosen
        activity, quality, where = chosen.choice(texts.ACTIVITIES), chosen.choice(texts.QUALITIES), \
            chosen.choice(texts.PLACES_IN)
        groups, domains = self._some("doelgroep", 1, 3), self._some("beleidsdomein", 1, 2)
        group = groups[0]
        if chosen.random() < 0.5:
            title = (f"{texts.cap(activity[0])} voor {texts.lower(group[1])}",
                     f"{texts.cap(activity[1])} for {texts.lower(group[2])}")
        else:
            title = (f"{texts.cap(activity[0])} {where[0]}", f"{texts.cap(activity[1])} {where[1]}")
        made = Made(self._key(title[0]))
        uri = ox.NamedNode(self.mint.thing(uris.PRACTICE, made.key))
        source, made.triples = self._source(made.key, title[0])
        partners = chosen.sample(organisations, min(len(organisations), chosen.randint(0, 2)))
        slots = self._slots(activity, quality, where, group, domains[0], groups[-1], chosen.choice(partners or
                                                                                                   organisations))
        intro = texts.sentences(chosen, texts.INTRO, 2, **slots)
        body = texts.sentences(chosen, texts.BODY, chosen.randint(4, 7), **slots)
        t = [ox.Triple(uri, RDF.type, SL.Practice)] + _nl_en(uri, DCT.title, *title)
        t += _nl_en(uri, DCT.abstract, *intro)
        t += _nl_en(uri, DCT.description, f"{intro[0]} {body[0]}", f"{intro[1]} {body[1]}")
        for pairs, low, high, predicate in ((texts.FACTORS, 2, 3, SL.successFactor),
                                            (texts.CHALLENGES, 1, 2, SL.challenge)):
            for nl, _ in chosen.sample(pairs, chosen.randint(low, high)):  # Dutch only (sls:Practice_Shape)
                t.append(ox.Triple(uri, predicate, ox.Literal(nl, language="nl")))
        t.append(ox.Triple(uri, SL.category, ox.NamedNode(chosen.choice(self.concepts["categorie"])[0])))
        for scheme, predicate, found in (("doel", SL.goal, self._some("doel", 0, 2)),
                                         ("doelgroep", SL.targetGroup, groups),
                                         ("beleidsdomein", SL.policyDomain, domains)):
            t += [ox.Triple(uri, predicate, ox.NamedNode(concept[0])) for concept in found]
        t += [ox.Triple(uri, SL.partner, self._uri(uris.ORGANISATION, o)) for o in partners]
        if chosen.random() < 0.1:
            t.append(ox.Triple(uri, SL.programme, self._uri(uris.PROGRAMME, chosen.choice(programmes))))
        t.append(ox.Triple(uri, PROV.wasDerivedFrom, source))
        made.triples = t + made.triples
        made.initiatives = chosen.randint(2, 3)
        for _ in range(made.initiatives):
            made.triples += self._initiative(uri, source, activity, groups, domains, organisations, programmes)
        return made

    def _initiative(self, practice, source, activity, groups, domains, organisations, programmes) -> list:
        """Make the triples of one initiative applying ``practice``, on a place drawn by ``WHERE``."""
        chosen = self.chosen
        where = chosen.choices([w for w, _ in WHERE], [share for _, share in WHERE])[0]
        place = None if where == "none" else chosen.choice(getattr(self.places, where))
        runner = chosen.choice(organisations)
        title = (f"{texts.cap(activity[0])} in {place.name}", f"{texts.cap(activity[1])} in {place.name}") if place \
            else (f"{texts.cap(activity[0])} van {runner.names[0]}", f"{texts.cap(activity[1])} by {runner.names[1]}")
        uri = ox.NamedNode(self.mint.thing(uris.INITIATIVE, self._key(title[0])))
        slots = self._slots(activity, chosen.choice(texts.QUALITIES), chosen.choice(texts.PLACES_IN),
                            chosen.choice(groups), chosen.choice(domains), chosen.choice(groups), runner)
        text = texts.sentences(chosen, texts.BODY, chosen.randint(2, 3), **slots)
        t = [ox.Triple(uri, RDF.type, SL.Initiative)] + _nl_en(uri, DCT.title, *title)
        t += _nl_en(uri, DCT.description, *text)
        t.append(ox.Triple(uri, SL.appliesPractice, practice))
        if place:
            t += [ox.Triple(uri, DCT.spatial, ox.NamedNode(p)) for p in dict.fromkeys((place.uri, place.municipality))]
        if chosen.random() < 0.75:
            t.append(ox.Triple(uri, SL.runBy, self._uri(uris.ORGANISATION, runner)))
        for_whom = chosen.sample(groups, chosen.randint(1, len(groups)))
        t += [ox.Triple(uri, SL.targetGroup, ox.NamedNode(c[0])) for c in for_whom]
        t += [ox.Triple(uri, SL.policyDomain, ox.NamedNode(c[0])) for c in chosen.sample(domains, 1)]
        if chosen.random() < 0.15:
            t.append(ox.Triple(uri, SL.programme, self._uri(uris.PROGRAMME, chosen.choice(programmes))))
        t.append(ox.Triple(uri, PROV.wasDerivedFrom, source))
        if chosen.random() < 0.3:
            point = ox.BlankNode(f"contact-{uri.value.rsplit('/', 1)[-1]}")
            t += [ox.Triple(uri, SCHEMA.contactPoint, point), ox.Triple(point, RDF.type, SCHEMA.ContactPoint),
                  ox.Triple(point, SCHEMA.telephone, ox.Literal(f"+32 {chosen.randint(2, 9)} "
                                                                 f"{chosen.randint(100, 999)} {chosen.randint(10, 99)} "
                                                                 f"{chosen.randint(10, 99)}"))]
        return t

    def _uri(self, segment: str, thing: Made) -> ox.NamedNode:
        return ox.NamedNode(self.mint.thing(segment, thing.key))

    @staticmethod
    def _slots(activity, quality, where, group, domain, other, organisation) -> dict:
        return {"a": activity[0], "ae": activity[1], "q": quality[0], "qe": quality[1], "p": where[0],
                "pe": where[1], "g": texts.lower(group[1]), "ge": texts.lower(group[2]), "d": texts.lower(domain[1]),
                "de": texts.lower(domain[2]), "g2": texts.lower(other[1]), "g2e": texts.cap(texts.lower(other[2])),
                "o": organisation.names[0], "oe": organisation.names[1]}
