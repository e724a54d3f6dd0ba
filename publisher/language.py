"""The language of a page: Dutch by default, English on request; its texts, dates and the graph's labels in it.

A page's language comes from ``?lang=``, then the ``lang`` cookie the language switch sets, then
``Accept-Language``. Texts of the pages are written in Dutch (the gettext msgids) and translated through the
gettext catalogues of ``publisher/translations/{lang}/LC_MESSAGES/messages.po``, which Babel reads when the
module is first used: there is no compiled ``.mo`` file to build or to forget. A text without a translation
shows in Dutch, so a missing entry is visible but never breaks a page; the tests fail on one (README,
"Translations").
"""

import functools
import io
from datetime import date, datetime
from pathlib import Path

import pyoxigraph as ox
from babel import dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
COOKIE = "lang"
CATALOGUES = Path(__file__).parent / "translations"
DOMAIN = "messages"


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


@functools.lru_cache(maxsize=16)  # asked once per cell of the tables and per label: a tuple, never changed
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


def catalogue_path(lang: str) -> Path:
    """Where the gettext catalogue of ``lang`` lies."""
    return CATALOGUES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(lang: str) -> Translations:
    """Return the translations of ``lang``, read from its ``.po`` file once per process.

    Babel compiles the catalogue in memory as ``msgfmt`` would (fuzzy entries left out), so the ``.po`` file is
    the only form kept: a fresh clone, an editable install and a wheel all translate alike.
    """
    with catalogue_path(lang).open("rb") as source:
        read = read_po(source, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, read)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(text: str, lang: str) -> str:
    """Return a Dutch text of the pages in ``lang``, through the catalogue.

    >>> translate("Volgende pagina", "en"), translate("Volgende pagina", "nl")
    ('Next page', 'Volgende pagina')
    """
    if lang not in LANGUAGES:
        return text
    return catalogue(lang).gettext(text)


def translate_plural(singular: str, plural: str, count: int, lang: str) -> str:
    """Return the singular or plural Dutch text in ``lang``, as the language counts ``count``.

    >>> translate_plural("%(num)d rij", "%(num)d rijen", 2, "en") % {"num": 2}
    '2 rows'
    """
    if lang not in LANGUAGES:
        return singular if count == 1 else plural
    return catalogue(lang).ngettext(singular, plural, count)


def N_(text: str) -> str:
    """Mark a text for the catalogue where it is defined; ``translate`` it where it is shown.

    >>> N_("Overige")
    'Overige'
    """
    return text


def format_day(value, lang: str) -> str:
    """Show a day as a reader of ``lang`` writes it (CLDR's long form, by Babel); text that is no date as it is.

    >>> format_day("2025-01-01", "nl"), format_day("2025-01-01", "en"), format_day("gisteren", "en")
    ('1 januari 2025', 'January 1, 2025', 'gisteren')
    """
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return dates.format_date(day, "long", locale=lang)


def format_moment(value, lang: str) -> str:
    """Show a moment (an ISO 8601 timestamp, UTC when it says Z) as a reader of ``lang`` writes it, in UTC.

    >>> format_moment("2026-11-29T18:29:06Z", "nl")
    '29 november 2026, 18:29:06 UTC'
    >>> format_moment("2026-11-29T18:29:06Z", "en").replace("\u202f", " ")
    'November 29, 2026, 6:29:06 PM UTC'

    """
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return format_day(value, lang)
    return dates.format_datetime(moment, "long", tzinfo=dates.get_timezone("UTC"), locale=lang)
