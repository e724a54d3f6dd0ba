"""The language of a page: Dutch by default, English on request, and the labels of the graph in that language.

A page's language comes from ``?lang=``, then the ``lang`` cookie the language switch sets, then
``Accept-Language``. Texts of the pages are written in Dutch and looked up in ``MESSAGES`` for English; a text
without a translation shows in Dutch, so a missing entry is visible but never breaks a page.
"""

import pyoxigraph as ox

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
COOKIE = "lang"


def choose(request) -> tuple[str, bool]:
    """Return the page's language and whether the client chose it with ``?lang=`` (so the cookie is set)."""
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked, True
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie, False
    if request.accept_languages:
        return request.accept_languages.best_match(LANGUAGES, default=DEFAULT), False
    return DEFAULT, False


def fallbacks(lang: str) -> tuple[str, ...]:
    """The language tags tried in turn for a label: the page's, then Dutch, then English, then untagged.

    >>> fallbacks("en"), fallbacks("nl")
    (('en', 'nl', ''), ('nl', 'en', ''))
    """
    return tuple(dict.fromkeys((lang, "nl", "en", "")))


def pick(literals, lang: str) -> ox.Literal | None:
    """Return the literal in the best language for ``lang``, or any literal when none of those is there.

    >>> pick([ox.Literal("Gand", language="fr"), ox.Literal("Gent", language="nl")], "en").value
    'Gent'
    >>> pick([], "nl") is None
    True
    """
    literals = [term for term in literals if isinstance(term, ox.Literal)]
    for tag in fallbacks(lang):
        for literal in literals:
            if (literal.language or "") == tag:
                return literal
    return min(literals, key=lambda literal: literal.language or "", default=None)


def translate(text: str, lang: str) -> str:
    """Return a Dutch text of the pages in ``lang``.

    >>> translate("Volgende pagina", "en"), translate("Volgende pagina", "nl")
    ('Next page', 'Volgende pagina')
    """
    if lang == DEFAULT:
        return text
    return MESSAGES.get(text, text)


# Dutch text of the pages → English.
MESSAGES = {
    # Shared by every page
    "Hoofdmenu": "Main menu",
    "Startpagina": "Home",
    "Ontologie": "Ontology",
    "Vragen": "Queries",
    "Zoeken": "Search",
    "Zoek in de graaf": "Search the graph",
    "Praktijkdatabank van VVSG over sociale cohesie, als linked open data.":
        "VVSG's database of good practice in social cohesion, as linked open data.",
    "Taal": "Language",
    "Kruimelpad": "Breadcrumb",
    # Resource pages
    "Volgende pagina": "Next page",
    "Vorige pagina": "Previous page",
    "Pagina": "Page",
    "van": "of",
    "Overige": "Other",
    "Verwijzingen naar deze bron": "Links to this resource",
    "Deze data als": "This data as",
    "Niet gevonden": "Not found",
    "Zoek een naam of titel": "Search for a name or title",
    # Catalogue
    "Catalogus": "Catalogue",
    "Deze catalogus beschrijft de dataset voor open-dataportalen die hem oogsten, in het profiel":
        "This catalogue describes the dataset for the open-data portals that harvest it, in the profile",
    "Ook in": "Also in",
    "In RDF:": "In RDF:",
    "Licentie": "Licence",
    "Laatst gewijzigd": "Last changed",
    "Distributies": "Distributions",
    "Bestand": "File",
    "Mediatype": "Media type",
    "Bytes": "Bytes",
    "Bestaat niet meer.": "No longer exists.",
    "Geldig tot en met": "Valid until",
    "vervangen door": "replaced by",
    "Op een andere pagina van deze lijst.": "On another page of this list.",
    "Begrippen en hun gebruik": "Concepts and their use",
    "Begrip": "Concept",
    "Praktijken": "Practices",
    "Initiatieven": "Initiatives",
    "verwijst hierheen als": "links here as",
    "Naar de inhoud": "Skip to content",
    # Search and 404
    "Zoek naar": "Search for",
    "Naar de startpagina": "To the home page",
    "resultaten voor": "results for",
    "Niets gevonden. Probeer een deel van een naam, of stel een vraag met SPARQL.":
        "Nothing found. Try part of a name, or ask with SPARQL.",
    "Alleen de eerste": "Only the first",
    "resultaten worden getoond.": "results are shown.",
    # Home page
    "De praktijkdatabank van VVSG over sociale cohesie, als linked open data: praktijken, de initiatieven die ze "
    "toepassen in gemeenten, de organisaties erachter, programma's, gemeenten en beleidsdomeinen.":
        "VVSG's database of good practice in social cohesion, as linked open data: practices, the initiatives that "
        "apply them in municipalities, the organisations behind them, programmes, municipalities and policy domains.",
    "Uitgegeven door": "Published by",
    "Vereniging van Vlaamse Steden en Gemeenten": "Association of Flemish Cities and Municipalities",
    "Elke URI van de graaf is een pagina voor mensen en RDF voor machines.":
        "Every URI of the graph is a page for people and RDF for machines.",
    "Nieuwste praktijken": "Newest practices",
    "Gebruik de data": "Use the data",
    "SPARQL-endpoint": "SPARQL endpoint",
    "stel je eigen vragen aan de graaf.": "ask the graph your own questions.",
    "Kant-en-klare vragen": "Ready-made queries",
    "ook als kleine API (JSON, CSV).": "also as a small API (JSON, CSV).",
    "de klassen en eigenschappen, met hun shapes.": "the classes and properties, with their shapes.",
    "Download": "Download",
    "Wat de graaf bevat": "What the graph holds",
    "Build": "Build",
    "Klasse": "Class",
    "Aantal": "Count",
    "Triples": "Triples",
    # Ontology page
    "Inhoud": "Contents",
    "Klassen": "Classes",
    "Eigenschappen": "Properties",
    "Versie": "Version",
    "Voorkeursprefix": "Preferred prefix",
    "Naamruimte": "Namespace",
    "Uitgever": "Publisher",
    "Deze ontologie als": "This ontology as",
    "klasse": "class",
    "datatype": "datatype",
    "objecteigenschap": "object property",
    "data-eigenschap": "datatype property",
    "annotatie-eigenschap": "annotation property",
    "eigenschap": "property",
    "Definitie": "Definition",
    "Toelichting": "Comment",
    "Subklasse van": "Subclass of",
    "Subeigenschap van": "Subproperty of",
    "Beperking van": "Restriction of",
    "Domein": "Domain",
    "Bereik": "Range",
    "Voorwaarden uit de SHACL-shapes": "Constraints of the SHACL shapes",
    "Eigenschap": "Property",
    "Doelklasse": "Target class",
    "(geen doelklasse)": "(no target class)",
    "Naam": "Name",
    "Kardinaliteit": "Cardinality",
    "Waarden": "Values",
    "Ernst": "Severity",
    "overtreding": "violation",
    "waarschuwing": "warning",
    "informatie": "info",
    # Tables
    "Tabellen": "Tables",
    "Platte CSV-tabellen voor wie geen RDF spreekt: een rij per praktijk, initiatief, organisatie of gemeente, met "
    "URI's en namen, in UTF-8 met een kopregel.":
        "Flat CSV tables for those who do not speak RDF: one row per practice, initiative, organisation or "
        "municipality, with URIs and names, in UTF-8 with a header row.",
    "Een cel met meerdere waarden scheidt ze met": "A cell with several values separates them with",
    "(spatie, verticale streep, spatie). De CSVW-metadata (CSV on the Web) van elke tabel koppelt elke kolom aan haar "
    "eigenschap in de graaf.":
        "(space, vertical bar, space). The CSVW metadata (CSV on the Web) of each table maps every column to its "
        "property in the graph.",
    "CSVW-metadata": "CSVW metadata",
    "Een kolom met meerdere links staat ook in een linktabel, een link per rij, zodat een CSVW-processor elke tabel "
    "omzet in triples van de graaf. De CSVW-tabelgroep van alle tabellen en linktabellen:":
        "A column of several links is also in a link table, one link a row, so that a CSVW processor turns every "
        "table into triples of the graph. The CSVW table group of every table and link table:",
    "Linktabellen": "Link tables",
    "Kolom": "Column",
    "Titel": "Title",
    "Meerdere waarden": "Several values",
    "ja": "yes",
    # Statistics page
    "Statistieken": "Statistics",
    "praktijken en initiatieven per beleidsdomein, doelgroep, provincie en jaar, en op de kaart.":
        "practices and initiatives by policy domain, target group, province and year, and on the map.",
    "Hoeveel praktijken en initiatieven de databank telt per beleidsdomein, doelgroep, provincie en jaar, en per "
    "gemeente op de kaart.":
        "How many practices and initiatives the database holds by policy domain, target group, province and year, "
        "and by municipality on the map.",
    "In totaal": "In all",
    "praktijken": "practices",
    "initiatieven": "initiatives",
    "Een praktijk telt waar haar initiatieven lopen. Een initiatief in een deelgemeente, district of wijk telt bij "
    "zijn gemeente, een initiatief in een gemeente die in 2025 fuseerde bij de gemeente die ze verving, en een "
    "gemeente bij haar provincie (Brussel bij het Brussels Hoofdstedelijk Gewest). Wat meer waarden heeft, telt bij "
    "elk ervan; wat er geen heeft, staat in een rij van zijn eigen, zodat niets wegvalt.":
        "A practice counts where its initiatives run. An initiative in a sub-municipality, district or neighbourhood "
        "counts for its municipality, an initiative in a municipality that merged in 2025 for the one that replaced "
        "it, and a municipality for its province (Brussels for the Brussels-Capital Region). What has several "
        "values counts for each; what has none has a row of its own, so that nothing drops out.",
    "Per beleidsdomein": "By policy domain",
    "Per doelgroep": "By target group",
    "Per provincie": "By province",
    "Per jaar van eerste publicatie": "By year first published",
    "Per gemeente": "By municipality",
    "zonder beleidsdomein": "no policy domain",
    "zonder doelgroep": "no target group",
    "zonder plaats": "no place",
    "zonder datum": "no date",
    "Staafdiagram van praktijken en initiatieven; de tabel ernaast geeft de cijfers.":
        "Bar chart of practices and initiatives; the table beside it gives the numbers.",
    "Het jaar waarin een praktijk of initiatief voor het eerst in deze dataset verscheen (dct:issued): de bronnen "
    "geven zelf geen datum.":
        "The year a practice or initiative first appeared in this dataset (dct:issued): the sources give no date.",
    "Initiatieven per gemeente": "Initiatives per municipality",
    "Kaart van Vlaanderen en Brussel, elke gemeente gekleurd naar het aantal initiatieven; de tabel eronder geeft "
    "dezelfde cijfers.":
        "Map of Flanders and Brussels, each municipality coloured by its number of initiatives; the table below "
        "gives the same numbers.",
    "De gemeenten van Vlaanderen en Brussel (grenzen van 2025), gekleurd naar het aantal initiatieven; elke "
    "gemeente leidt naar haar pagina. Bron van de grenzen: Statbel, Provincies in Cijfers.":
        "The municipalities of Flanders and Brussels (2025 boundaries), coloured by their number of initiatives; "
        "each municipality leads to its page. Source of the boundaries: Statbel, Provincies in Cijfers.",
    "Deze build heeft geen gemeentegrenzen om een kaart van te tekenen.":
        "This build has no municipal boundaries to draw a map from.",
    "op de kaart van Vlaanderen en Brussel": "on the map of Flanders and Brussels",
    "De gemeente is donker gekleurd, de andere gemeenten grijs.":
        "The municipality is dark, the other municipalities grey.",
}
