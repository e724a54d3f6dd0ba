"""What search engines read on a page: the resource, or on the home page the dataset, as schema.org JSON-LD.

The resource comes with its type, its name and description in the page's language, and the resources it links to
as ``{"@id", "@type", "name"}``, so that the script is self-contained; the whole RDF is in the other formats.
``@id`` is the IRI, ``url`` the page (or an organisation's own site). dct:issued and dct:modified date the record
on this site, so they go on the page (``mainEntityOfPage``) unless the record is the work itself (a practice).
Search engines show ``url``, ``sameAs`` and ``@id`` as links, so an IRI that is not ``linkable`` is left out.
"""

import json
from collections import defaultdict

import pyoxigraph as ox
from markupsafe import Markup

from publisher.indexes import index, inverse
from publisher.kinds import Registry, default
from publisher.store.description import LABELS
from publisher.language import pick
from publisher.presentation import linkable
from publisher.uris import ORGANISATION, Minter
from publisher.vocab import BESLUIT, DCAT, DCT, FOAF, ORG, OWL, PROV, RDF, SCHEMA, SKOS, SL

CONTEXT = "https://schema.org"
# JSON may hold these unescaped, but inside <script> "</" ends the element, and U+2028/U+2029 end a line in
# older JavaScript; the \u escapes mean the same characters to a JSON parser (RFC 8259, section 7).
ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def document(triples, uri: str, url: str, lang: str = "nl", registry: Registry | None = None) -> dict | None:
    """Return the schema.org JSON-LD of the resource ``uri`` described by ``triples``; None for a kind without a
    schema.org type (``kinds.toml``), or a resource of no kind.

    :param triples: the resource's concise bounded description, the labels of the resources it links to, and the
        triples of the resources that link to it (with their labels).
    :param url: the address of the resource's page on this server.
    :param lang: the page's language; texts fall back to Dutch, then English, then untagged.
    :param registry: the kinds of the build (default: the project's, ``kinds.default``).
    """
    registry = registry or default()
    graph, node = _Graph(triples, lang, registry.names(LABELS)), ox.NamedNode(uri)
    found = registry.of(graph.objects(node, RDF.type))
    if found is None or found.schema is None:
        return None
    kind, describe = found.schema, MEMBERS.get(found.cls, lambda graph, node: {})
    dates = {"datePublished": graph.text(node, DCT.issued), "dateModified": graph.text(node, DCT.modified)}
    homepage = [page.value for page in graph.objects(node, FOAF.homepage) if _link(page)]
    data = {"@context": CONTEXT, "@type": kind, "@id": _link(node),
            "name": graph.text(node, *found.labels, *graph.names_by),
            "description": graph.text(node, DCT.description, SKOS.definition),
            "url": homepage[0] if homepage else url}
    page = {"@type": "WebPage", "@id": url}
    (data if kind in CREATIVE_WORKS else page).update(_clean(dates))  # a practice's record is the work itself
    return _clean({**data, "mainEntityOfPage": page, **describe(graph, node)})


def dataset(manifest: dict, home: str, downloads: list[tuple[str, str, str]], licence: str,
            lang: str = "nl") -> dict:
    """Return the schema:Dataset for the home page. downloads: (url, media type, label) per dump.

    :param manifest: the build's manifest (its id, creation time, base and counts).
    :param home: the address of the home page.
    :param licence: the licence's URI (the ``license`` setting, which the catalogue states too).
    """
    counts = defaultdict(int, {key.replace(" ", "_"): n for key, n in manifest.get("counts", {}).items()})
    texts = DATASET.get(lang, DATASET["nl"])
    vvsg = {"@type": "Organization", "@id": Minter(manifest["base"]).thing(ORGANISATION, "vvsg"), "name": "VVSG",
            "url": "https://www.vvsg.be"}
    return {
        "@context": CONTEXT, "@type": "Dataset", "url": home, "name": texts["name"],
        "description": texts["description"].format_map(counts),
        "keywords": texts["keywords"], "inLanguage": ["nl", "en"], "license": licence, "isAccessibleForFree": True,
        "creator": vvsg, "publisher": vvsg, "version": manifest["id"], "dateModified": manifest["created"],
        "distribution": [{"@type": "DataDownload", "contentUrl": address, "encodingFormat": media, "name": label}
                         for address, media, label in downloads],
    }


def script(data: dict | None) -> Markup:
    r"""Return the <script type="application/ld+json"> element for data ('' for None), safe in HTML.

    >>> print(script({"name": "</script>&"}))
    <script type="application/ld+json">{"name": "\u003c/script\u003e\u0026"}</script>
    >>> script(None)
    Markup('')
    """
    if data is None:
        return Markup("")
    text = json.dumps(data, ensure_ascii=False)
    for character, escape in ESCAPES.items():
        text = text.replace(character, escape)
    return Markup(f'<script type="application/ld+json">{text}</script>')


class _Graph:
    """The triples of one description, indexed both ways, read in one language."""

    def __init__(self, triples, lang: str, names: tuple = LABELS):
        self.lang, self.names_by = lang, names
        triples = list(triples)
        self.out, self.into = index(triples), inverse(triples)

    def objects(self, node, *predicates) -> list:
        """Each object of ``node`` by any of ``predicates``, once, in order."""
        return list(dict.fromkeys(o for p in predicates for o in self.out.get(node, {}).get(p, ())))

    def subjects(self, node, *predicates) -> list:
        """Each subject that links to ``node`` by any of ``predicates``, once, in order."""
        return list(dict.fromkeys(s for p in predicates for s in self.into.get(node, {}).get(p, ())))

    def text(self, node, *predicates) -> str | None:
        """The value of the first of ``predicates`` that ``node`` has, in the best language for the page."""
        for predicate in predicates:
            literal = pick(self.out.get(node, {}).get(predicate, []), self.lang)
            if literal is not None:
                return literal.value
        return None

    def refs(self, nodes, kind: str) -> list:
        """Each linked resource as ``{"@id", "@type", "name"}``, once."""
        return [_clean({"@id": _link(n), "@type": kind, "name": self.text(n, *self.names_by)})
                for n in dict.fromkeys(nodes) if isinstance(n, ox.NamedNode)]

    def names(self, nodes) -> list:
        """The names of the linked resources ``nodes``, once each."""
        return list(dict.fromkeys(name for n in nodes if (name := self.text(n, *self.names_by))))


def _practice(graph: _Graph, node) -> dict:
    topics = graph.objects(node, SL.category, SL.policyDomain, SL.goal)
    groups = graph.objects(node, SL.targetGroup)
    return {"abstract": graph.text(node, DCT.abstract),
            "image": [_image(graph, image) for image in graph.objects(node, SCHEMA.image)],
            "about": graph.refs(topics, "DefinedTerm"),
            "keywords": graph.names(graph.objects(node, SL.category, SL.policyDomain) + groups),
            "audience": [{"@type": "Audience", "audienceType": name} for name in graph.names(groups)],
            # sl:programme: "falls under or is funded by"; schema:isPartOf would need a CreativeWork.
            "funder": graph.refs(graph.objects(node, SL.programme), "Project")}


def _initiative(graph: _Graph, node) -> dict:
    # A Project is an Organization: the organisation that runs it is the larger structure it belongs to, as
    # schema.org advises for Project ("use subOrganization/parentOrganization"); partners are its members.
    return {"location": graph.refs(graph.objects(node, DCT.spatial), "Place"),
            "areaServed": graph.text(node, DCT.coverage),
            "parentOrganization": graph.refs(graph.objects(node, SL.runBy), "Organization"),
            "member": graph.refs(graph.objects(node, SL.partner), "Organization"),
            "funder": graph.refs(graph.objects(node, SL.programme), "Project"),
            "knowsAbout": graph.refs(graph.objects(node, SL.appliesPractice), "CreativeWork"),
            "keywords": graph.names(graph.objects(node, SL.policyDomain, SL.targetGroup)),
            **_contact(graph, node)}


def _organisation(graph: _Graph, node) -> dict:
    return {"alternateName": graph.text(node, SKOS.altLabel), **_contact(graph, node),
            "areaServed": graph.refs(graph.objects(node, BESLUIT.werkingsgebied), "AdministrativeArea"),
            "parentOrganization": graph.refs(graph.objects(node, ORG.subOrganizationOf), "Organization"),
            # The inverses of the Project mapping: what it runs or is responsible for, and where it is a partner.
            "subOrganization": graph.refs(graph.subjects(node, ORG.subOrganizationOf), "Organization")
            + graph.refs(graph.subjects(node, SL.runBy, PROV.wasAttributedTo), "Project"),
            "memberOf": graph.refs(graph.subjects(node, SL.partner), "Project")}


def _programme(graph: _Graph, node) -> dict:
    period = next(iter(graph.objects(node, DCT.temporal)), None)
    return {"parentOrganization": graph.refs(graph.objects(node, DCT.isPartOf), "Project")
            + graph.refs(graph.objects(node, PROV.wasAttributedTo), "Organization"),
            "subOrganization": graph.refs(graph.objects(node, DCT.hasPart), "Project"),
            "member": graph.refs(graph.objects(node, SL.partner), "Organization"),
            "foundingDate": graph.text(period, DCAT.startDate) if period else None,
            "dissolutionDate": graph.text(period, DCAT.endDate) if period else None}


def _place(graph: _Graph, node) -> dict:
    return {"identifier": [{"@type": "PropertyValue", "propertyID": code.datatype.value, "value": code.value}
                           for code in graph.objects(node, SKOS.notation) if isinstance(code, ox.Literal)],
            "sameAs": [same.value for same in graph.objects(node, OWL.sameAs) if _link(same)],
            "containedInPlace": graph.refs(graph.objects(node, SCHEMA.containedInPlace), "AdministrativeArea"),
            "containsPlace": graph.refs(graph.subjects(node, SCHEMA.containedInPlace, SL.municipality, SL.province,
                                                      SL.region), "Place")}


def _concept(graph: _Graph, node) -> dict:
    return {"alternateName": graph.text(node, SKOS.altLabel), "termCode": graph.text(node, SKOS.notation),
            "inDefinedTermSet": graph.refs(graph.objects(node, SKOS.inScheme), "DefinedTermSet")}


def _scheme(graph: _Graph, node) -> dict:
    terms = graph.objects(node, SKOS.hasTopConcept) + graph.subjects(node, SKOS.inScheme, SKOS.topConceptOf)
    return {"hasDefinedTerm": graph.refs(terms, "DefinedTerm")}


def _contact(graph: _Graph, node) -> dict:
    points = [_clean({"@type": "ContactPoint", "email": graph.text(point, SCHEMA.email),
                      "telephone": graph.text(point, SCHEMA.telephone),
                      "url": next((o.value for o in graph.objects(point, SCHEMA.url) if _link(o)), None)})
              for point in graph.objects(node, SCHEMA.contactPoint)]
    return {"email": next((p["email"] for p in points if "email" in p), None), "contactPoint": points}


def _image(graph: _Graph, image) -> dict:
    address = next((o.value for o in graph.objects(image, SCHEMA.contentUrl, SCHEMA.url) if _link(o)), None)
    return _clean({"@type": "ImageObject", "contentUrl": address, "name": graph.text(image, SCHEMA.name),
                   "creditText": graph.text(image, SCHEMA.creditText)})


def _link(term) -> str | None:
    """Return the IRI of ``term`` when it may be a link (an IRI with a ``linkable`` scheme), else None."""
    return term.value if isinstance(term, ox.NamedNode) and linkable(term.value) else None


def _clean(data: dict) -> dict:
    """Leave out the members that have no value.

    >>> _clean({"name": "Gent", "sameAs": [], "description": None, "identifier": {}})
    {'name': 'Gent'}
    """
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


# The members of the schema.org form of some classes, beyond the type, name, description, url and dates every form
# has; the type is the registry's (``kinds.toml``).
MEMBERS = {
    SL.Practice: _practice,
    # Project, not Event: an initiative is an ongoing project without dates, and Google's Event structured data
    # requires a startDate and excludes long-running activities. schema:Project is an Organization, so its place,
    # runners, partners and funding are Organization properties that the Schema Markup Validator accepts.
    SL.Initiative: _initiative,
    SL.Organisation: _organisation,
    # A plan, project or pilot with a responsible organisation, partners and parts: the roles of an initiative.
    SL.Programme: _programme,
    SL.Municipality: _place, SL.Province: _place, SL.Region: _place, SL.Locality: _place,
    SKOS.Concept: _concept,
    SKOS.ConceptScheme: _scheme,
}
CREATIVE_WORKS = {"CreativeWork", "DefinedTermSet"}

# The dataset's texts; the counts come from the build's manifest.
DATASET = {
    "nl": {"name": "Samenleven in diversiteit: de praktijkdatabank van VVSG over sociale cohesie",
           "description": "De praktijkdatabank van VVSG over sociale cohesie in Vlaamse steden en gemeenten, als "
                          "linked open data: {practices} praktijken, {initiatives} lokale initiatieven, "
                          "{organisations} organisaties, {programmes} programma's en {current_municipalities} "
                          "gemeenten met hun NIS-code.",
           "keywords": ["sociale cohesie", "samenleven in diversiteit", "goede praktijken", "lokale besturen"]},
    "en": {"name": "Samenleven in diversiteit: VVSG's good-practice database on social cohesion",
           "description": "VVSG's database of good practice in social cohesion in Flemish cities and municipalities, "
                          "as linked open data: {practices} practices, {initiatives} local initiatives, "
                          "{organisations} organisations, {programmes} programmes and {current_municipalities} "
                          "municipalities with their NIS code.",
           "keywords": ["social cohesion", "living together in diversity", "good practice", "local government"]},
}
