"""The DCAT-AP catalogue of the dataset: what harvesting portals read to find it, download it and query it.

The facts come from the build (counts, dates, each file's size and SHA-256 in the manifest) and the settings
(licence, contact); nothing is written by hand. Resources of the catalogue are hash IRIs of ``{base}catalog`` so
that they stay the same wherever the server runs; the URLs to download and query are this server's (``root``).
Three profiles are offered, chosen by content negotiation by profile (``profiles``): DCAT-AP 3.0 (the default),
DCAT-AP 2.1.1 (data.europa.eu converts every harvest to it) and DCAT-AP Vlaanderen (what the Flemish open data
portal harvests). Each catalogue is valid in its profile; they differ in the checksum algorithm and the licence URI
(``PROFILES``). The controlled vocabularies are not loaded, so each code used is typed here with the classes the
range shapes of all three profiles expect.
"""

import pyoxigraph as ox

from publisher import dumps, selfdoc, uris
from publisher.profiles import Profile
from publisher.vocab import ADMS, DCAT, DCATAP, DCT, FOAF, OWL, RDF, RDFS, SKOS, SPDX, VCARD, VOID, XSD
EU = "http://publications.europa.eu/resource/authority/"
PREFIXES = {"dcat": DCAT.iri, "dcatap": DCATAP.iri, "dct": DCT.iri, "foaf": FOAF.iri, "adms": ADMS.iri,
            "spdx": SPDX.iri, "vcard": VCARD.iri, "skos": SKOS.iri, "xsd": XSD.iri, "rdfs": RDFS.iri}

TEXT = {
    "catalog": {"nl": "Catalogus van Samenleven in diversiteit", "en": "Catalogue of Samenleven in diversiteit"},
    "catalog_about": {
        "nl": "De open data van de praktijkdatabank 'Samenleven in diversiteit' van VVSG, en hoe je ze bevraagt.",
        "en": "The open data of VVSG's good-practice database 'Samenleven in diversiteit', and how to query it."},
    "dataset": {"nl": "Praktijkdatabank Samenleven in diversiteit",
                "en": "Samenleven in diversiteit good-practice database"},
    "dataset_about": {
        "nl": "Goede praktijken van lokale besturen over sociale cohesie en samenleven in diversiteit: praktijken met "
              "hun doelen, doelgroepen, succesfactoren en uitdagingen, de initiatieven die ze toepassen in gemeenten, "
              "de organisaties erachter, programma's, gemeenten met hun NIS-code en beleidsdomeinen, als linked data.",
        "en": "Good practice of local governments in social cohesion and living together in diversity: practices with "
              "their goals, target groups, success factors and challenges, the initiatives that apply them in "
              "municipalities, the organisations behind them, programmes, municipalities with their NIS codes and "
              "policy domains, as linked data."},
    "service": {"nl": "SPARQL-endpoint van Samenleven in diversiteit",
                "en": "SPARQL endpoint of Samenleven in diversiteit"},
    "service_about": {"nl": "Bevraag de graaf met SPARQL 1.1, alleen lezen.",
                      "en": "Query the graph with SPARQL 1.1, read-only."},
}
KEYWORDS = {"nl": ("sociale cohesie", "samenleven in diversiteit", "goede praktijken", "lokale besturen",
                   "diversiteit", "gemeenten"),
            "en": ("social cohesion", "living together in diversity", "good practice", "local government",
                   "diversity", "municipalities")}
THEMES = {EU + "data-theme/SOCI": ox.Literal("Population and society", language="en"),
          EU + "data-theme/GOVE": ox.Literal("Government and public sector", language="en"),
          # The Flemish theme (IPDC, REFERENCE.md): welfare, where social cohesion work sits.
          "https://productencatalogus.data.vlaanderen.be/id/concept/Thema/WelzijnGezondheid":
              ox.Literal("Welzijn en gezondheid", language="nl")}
# The profiles offered, the default first, each by the URI its publisher gives it: DCAT-AP 3.0 its release's
# address (the specification's edDraftURI), 2.1.1 its release page on Joinup, DCAT-AP-VL the recognised standard
# the vendored shapes are named under (tests/conformance/dcat-ap-vl/README.md).
PROFILES = (
    Profile("dcat-ap-3.0", "https://semiceu.github.io/DCAT-AP/releases/3.0.0/", "DCAT-AP 3.0"),
    Profile("dcat-ap-2.1.1", "https://joinup.ec.europa.eu/collection/semic-support-centre/solution/"
                             "dcat-application-profile-data-portals-europe/release/211", "DCAT-AP 2.1.1"),
    Profile("dcat-ap-vl", "https://data.vlaanderen.be/doc/applicatieprofiel/DCAT-AP-VL/erkendestandaard/2026-02-12",
            "DCAT-AP Vlaanderen"),
)
PROFILE = {profile.token: profile for profile in PROFILES}
# DCAT-AP 3.0 takes any checksum algorithm, 2.1.1 only SHA-1 (its Checksum_Shape): the profile decides.
ALGORITHMS = {"dcat-ap-3.0": "sha256", "dcat-ap-2.1.1": "sha1", "dcat-ap-vl": "sha256"}
# The Flemish URI of an EU licence. DCAT-AP-VL's usage note on the catalogue's licence fixes the Flemish portal's
# to this CC0 URI; its catalogue, service and distributions take one licence each (sh:maxCount 1, as in DCAT-AP),
# so there the profile picks the URI, and the dataset, which no profile bounds, states both.
FLEMISH_LICENCES = {EU + "licence/CC0": "https://data.vlaanderen.be/id/licentie/creative-commons-zero-verklaring/v1.0"}
# The ADMS licence type of the EU licences a publisher is likely to choose (ADMS licence type vocabulary).
LICENCE_TYPES = {EU + "licence/CC0": "http://purl.org/adms/licencetype/PublicDomain",
                 EU + "licence/CC_BY_4_0": "http://purl.org/adms/licencetype/Attribution"}
# The English labels of the EU file types used (EU Vocabularies, file-type table): a skos:Concept needs one.
FILE_TYPES = {"RDF_TURTLE": "RDF Turtle", "RDF_N_TRIPLES": "RDF N-Triples", "JSON_LD": "JSON-LD", "CSV": "CSV",
              "JSON": "JSON"}
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/NonProfitOrganisation"  # VVSG is a non-profit association
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


class Graph:
    """A list of triples written as statements: ``g.add(s, p, o)`` with IRIs as strings, literals as terms."""

    def __init__(self):
        self.triples = []

    def add(self, subject, predicate, *objects) -> None:
        subject = ox.NamedNode(subject) if isinstance(subject, str) else subject
        for value in objects:
            value = ox.NamedNode(value) if isinstance(value, str) else value
            self.triples.append(ox.Triple(subject, predicate, value))

    def texts(self, subject, predicate, texts: dict) -> None:
        self.add(subject, predicate, *(ox.Literal(text, language=lang) for lang, text in texts.items()))

    def typed(self, iri: str, cls, label: str | None = None) -> str:
        """State the class (or a tuple of classes) of a code from a vocabulary that is not loaded, as the range
        shapes expect."""
        self.add(iri, RDF.type, *(cls if isinstance(cls, tuple) else (cls,)))
        if label:
            self.add(iri, SKOS.prefLabel, ox.Literal(label, language="en"))
        return iri


def date_time(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=XSD.dateTime)


def graph(settings: dict, manifest: dict, root: str, facts: dict, distributions: list,
          profile: str = PROFILES[0].token) -> list:
    """Return the catalogue: catalogue, dataset, distributions and the SPARQL data service.

    :param root: this server's address (``request.url_root``) for the URLs to download and query.
    :param facts: what the graph says of itself, as terms: ``issued`` (its first publication), ``start`` (the
        earliest date it covers), ``publisher`` and ``publisher_name``.
    :param distributions: ``Distribution`` records, dumps first.
    :param profile: the token of one of ``PROFILES``.
    """
    base, g = settings["base"], Graph()
    catalog, dataset, service = base + "catalog", selfdoc.dataset(base), base + "catalog#sparql"
    modified = date_time(manifest["created"])
    issued = facts.get("issued") or modified
    licences = [_licence(g, settings["license"], settings["license"])]
    if settings["license"] in FLEMISH_LICENCES:
        licences.append(_licence(g, FLEMISH_LICENCES[settings["license"]], settings["license"]))
    licence = licences[-1] if profile == "dcat-ap-vl" else licences[0]
    contact = _contact(g, settings, base)

    g.add(catalog, RDF.type, DCAT.Catalog)
    g.texts(catalog, DCT.title, TEXT["catalog"])
    g.texts(catalog, DCT.description, TEXT["catalog_about"])
    g.add(catalog, DCT.identifier, ox.Literal(catalog))
    g.add(catalog, FOAF.homepage, g.typed(root, FOAF.Document))
    g.add(catalog, DCT.language, g.typed(EU + "language/NLD", DCT.LinguisticSystem, "Dutch"))
    g.add(catalog, DCT.license, licence)
    g.add(catalog, DCT.issued, issued)
    g.add(catalog, DCT.modified, modified)
    g.add(catalog, DCAT.themeTaxonomy, g.typed(EU + "data-theme", SKOS.ConceptScheme, "Data theme"))
    g.add(EU + "data-theme", DCT.title, ox.Literal("Data theme", language="en"))
    g.add(catalog, DCT.conformsTo, g.typed(PROFILE[profile].uri, DCT.Standard))
    g.add(catalog, DCAT.contactPoint, contact)  # DCAT-AP-VL: 1..1 on the catalogue too
    g.add(catalog, DCAT.dataset, dataset)
    g.add(catalog, DCAT.service, service)

    agent = _publisher(g, facts)
    g.add(catalog, DCT.publisher, agent)

    g.add(dataset, RDF.type, DCAT.Dataset)
    g.texts(dataset, DCT.title, TEXT["dataset"])
    g.texts(dataset, DCT.description, TEXT["dataset_about"])
    g.add(dataset, DCT.identifier, ox.Literal(dataset))
    g.add(dataset, DCT.publisher, agent)
    g.add(dataset, DCT.license, *licences)
    # VoID void:uriSpace: the common prefix of the dataset's entity URIs, so a link can be traced to this dataset.
    g.add(dataset, VOID.uriSpace, ox.Literal(base + "id/"))
    _describe(g, dataset, contact)
    places = [g.typed(EU + "country/BEL", DCT.Location, "Belgium")]
    places += [g.typed(uris.Minter(base).region(nis), DCT.Location) for nis in ("02000", "04000")]
    g.add(dataset, DCT.spatial, *places)
    g.add(catalog, DCT.spatial, *places)
    if facts.get("start"):
        period = base + "catalog#period"
        g.add(period, RDF.type, DCT.PeriodOfTime)
        g.add(period, DCAT.startDate, facts["start"])
        g.add(dataset, DCT.temporal, period)
    g.add(dataset, DCT.language, EU + "language/NLD")
    # DCAT-AP's range, and the EU table's own class, which DCAT-AP-VL's range is.
    g.add(dataset, DCT.accessRights, g.typed(EU + "access-right/PUBLIC", (DCT.RightsStatement, SKOS.Concept),
                                             "public"))
    g.add(dataset, DCT.issued, issued)
    g.add(dataset, DCT.modified, modified)
    g.add(dataset, DCAT.landingPage, root)
    g.add(dataset, DCT.conformsTo, g.typed(uris.ONTOLOGY, DCT.Standard),
          g.typed("https://w3id.org/samenleven/shapes", DCT.Standard))
    g.add(dataset, OWL.versionInfo, ox.Literal(manifest["id"]))
    g.add(dataset, RDFS.seeAlso, root + ".well-known/void")
    for number, distribution in enumerate(distributions):
        iri = f"{catalog}#distribution-{number + 1}"
        g.add(dataset, DCAT.distribution, distribution.write(g, iri, licence, ALGORITHMS[profile]))

    g.add(service, RDF.type, DCAT.DataService)
    g.texts(service, DCT.title, TEXT["service"])
    g.texts(service, DCT.description, TEXT["service_about"])
    g.add(service, DCT.identifier, ox.Literal(service))
    g.add(service, DCAT.endpointURL, root + "sparql")
    # The Service Description document (SPARQL 1.1 Service Description, section 2), here in Turtle whatever the
    # client accepts: the endpoint URL alone gives a browser the query page.
    g.add(service, DCAT.endpointDescription, root + "sparql?format=ttl")
    g.add(service, DCT.conformsTo, g.typed(SPARQL_PROTOCOL, DCT.Standard))
    g.add(service, DCAT.servesDataset, dataset)
    g.add(service, DCT.publisher, agent)
    g.add(service, DCT.license, licence)
    g.add(service, DCT.accessRights, EU + "access-right/PUBLIC")
    _describe(g, service, contact)
    return list(dict.fromkeys(g.triples))


def _describe(g: Graph, subject: str, contact: str) -> None:
    """What the dataset and the service share: contact point, themes, keywords."""
    g.add(subject, DCAT.contactPoint, contact)
    for theme, label in THEMES.items():
        g.add(subject, DCAT.theme, g.typed(theme, SKOS.Concept))
        g.add(theme, SKOS.prefLabel, label)
    g.add(subject, DCAT.keyword, *(ox.Literal(word, language=lang) for lang, words in KEYWORDS.items()
                                   for word in words))


def _licence(g: Graph, iri: str, eu: str) -> str:
    """State a licence document and its ADMS licence type, known for the EU licence ``eu`` it is or stands for."""
    g.typed(iri, DCT.LicenseDocument)
    if eu in LICENCE_TYPES:
        g.add(iri, DCT.type, g.typed(LICENCE_TYPES[eu], SKOS.Concept, "licence type"))
    return iri


def _publisher(g: Graph, facts: dict) -> str:
    agent = facts["publisher"]
    g.add(agent, RDF.type, FOAF.Agent, DCT.Agent)  # DCAT-AP's range is foaf:Agent, DCAT-AP-VL's dct:Agent
    g.add(agent, FOAF.name, facts["publisher_name"])
    g.add(agent, DCT.type, g.typed(PUBLISHER_TYPE, SKOS.Concept, "Non-Profit Organisation"))
    return agent


def _contact(g: Graph, settings: dict, base: str) -> str:
    contact = base + "catalog#contact"
    g.add(contact, RDF.type, VCARD.Organization, VCARD.Kind)
    g.add(contact, VCARD.fn, ox.Literal("VVSG, Samenleven in diversiteit", language="nl"))
    g.add(contact, VCARD.hasEmail, "mailto:" + settings["contact_email"])
    return contact


class Distribution:
    """One download (or stream) of the dataset, as the catalogue states it."""

    def __init__(self, url: str, media_type: str, file_type: str, title: dict, size: dict | None = None,
                 compress: str | None = None, conforms_to: str | None = None):
        self.url, self.media_type, self.file_type, self.title = url, media_type, file_type, title
        self.size, self.compress, self.conforms_to = size, compress, conforms_to

    def write(self, g: Graph, iri: str, licence: str, algorithm: str = "sha256") -> str:
        g.add(iri, RDF.type, DCAT.Distribution)
        g.texts(iri, DCT.title, self.title)
        g.texts(iri, DCT.description, self.title)
        g.add(iri, DCT.identifier, ox.Literal(iri))
        g.add(iri, DCAT.accessURL, self.url)
        g.add(iri, DCAT.downloadURL, self.url)
        g.add(iri, DCAT.mediaType, g.typed(dumps.IANA + self.media_type, DCT.MediaType))
        g.add(iri, DCT.format, g.typed(dumps.EU_FILE_TYPE + self.file_type,
                                             # DCAT-AP's range, and the EU table's class that DCAT-AP-VL's is
                                             (DCT.MediaTypeOrExtent, SKOS.Concept),
                                             FILE_TYPES.get(self.file_type, self.file_type)))
        if self.compress:
            g.add(iri, DCAT.compressFormat, g.typed(dumps.IANA + self.compress, DCT.MediaType))
        g.add(iri, DCT.license, licence)
        g.add(iri, ADMS.status, g.typed(EU + "distribution-status/COMPLETED", SKOS.Concept, "completed"))
        g.add(iri, DCATAP.availability, g.typed(EU + "planned-availability/STABLE", SKOS.Concept, "stable"))
        if self.conforms_to:
            g.add(iri, DCT.conformsTo, g.typed(self.conforms_to, DCT.Standard))
        if self.size:
            g.add(iri, DCAT.byteSize, ox.Literal(str(self.size["bytes"]), datatype=XSD.decimal))
            checksum = iri + "-checksum"
            g.add(iri, SPDX.checksum, checksum)
            g.add(checksum, RDF.type, SPDX.Checksum)
            g.add(checksum, SPDX.algorithm, SPDX["checksumAlgorithm_" + algorithm])
            g.add(checksum, SPDX.checksumValue, ox.Literal(self.size[algorithm], datatype=XSD.hexBinary))
        return iri
