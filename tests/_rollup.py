"""The roll-up of places, written in the tests from the ontology's words, independently of the publisher's query
(``publisher/statistics_places.rq``): what the statistics page, the front door and the queries must agree with."""

import rdflib
from rdflib.namespace import DCTERMS, RDF

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
CONCEPTS = {"categorie": SL.category, "beleidsdomein": SL.policyDomain, "doelgroep": SL.targetGroup, "doel": SL.goal}
LISTS = {"praktijken": SL.Practice, "initiatieven": SL.Initiative, "organisaties": SL.Organisation}


def municipality_of(graph, place):
    """The municipality of today a place lies in: a locality's municipality, a ceased one's successor."""
    current = graph.value(place, SL.municipality) or place
    while graph.value(current, DCTERMS.isReplacedBy) is not None:
        current = graph.value(current, DCTERMS.isReplacedBy)
    return current if (current, RDF.type, SL.Municipality) in graph else None


def list_facets(graph):
    """Per list, per facet, per value: the set of things, as the tests read the model (README, "Lists"), with
    ``"*"`` every thing of the list."""
    def places(thing):
        spots = set(graph.objects(thing, DCTERMS.spatial))
        for initiative in graph.subjects(SL.appliesPractice, thing):
            spots |= set(graph.objects(initiative, DCTERMS.spatial))
        return {m for m in (municipality_of(graph, spot) for spot in spots) if m is not None}

    def programmes(things):
        found, todo = set(), [p for t in things for p in graph.objects(t, SL.programme)]
        while todo:
            programme = todo.pop()
            if programme not in found:
                found.add(programme)
                todo += list(graph.objects(programme, DCTERMS.isPartOf))
        return found

    def facets_of(thing, kind):
        if kind == "organisaties":
            runs = list(graph.subjects(SL.runBy, thing))
            merged = {}
            for initiative in runs:
                for facet, values in facets_of(initiative, "initiatieven").items():
                    merged.setdefault(facet, set()).update(values)
            return {**merged, **({} if runs else {"gemeente": {"zonder"}, "provincie": {"zonder"}})}
        practice = graph.value(thing, SL.appliesPractice) if kind == "initiatieven" else thing
        values = {facet: {code(c) for c in graph.objects(practice if facet in ("categorie", "doel") else thing, p)}
                  for facet, p in CONCEPTS.items()}
        values["programma"] = {code(p) for p in programmes(
            [thing] + (list(graph.subjects(SL.appliesPractice, thing)) if kind == "praktijken" else []))}
        municipalities = places(thing)
        values["gemeente"] = {code(m) for m in municipalities} or {"zonder"}
        values["provincie"] = {code(graph.value(m, SL.province) or graph.value(m, SL.region))
                               for m in municipalities} or {"zonder"}
        if kind == "initiatieven":
            values["plaats"] = {"bekend" if municipalities else "onbekend"}
        return values

    found = {}
    for kind, cls in LISTS.items():
        for thing in graph.subjects(RDF.type, cls):
            for facet, values in facets_of(thing, kind).items():
                for value in values:
                    found.setdefault(kind, {}).setdefault(facet, {}).setdefault(value, set()).add(str(thing))
        found[kind]["*"] = {str(t) for t in graph.subjects(RDF.type, cls)}
    return found


def code(node) -> str:
    return str(node).rsplit("/", 1)[-1]
