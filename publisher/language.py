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
    # Ontology page
    "Inhoud": "Contents",
    "Klassen": "Classes",
    "Eigenschappen": "Properties",
    "Versie": "Version",
    "Voorkeursprefix": "Preferred prefix",
    "Naamruimte": "Namespace",
    "Licentie": "Licence",
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
}
