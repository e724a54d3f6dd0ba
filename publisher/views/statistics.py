"""``/statistieken``: practices and initiatives per policy domain, target group, province and year, and on a map.

Every number comes from the counts the build wrote (``statistics.json``, ``publisher.statistics``) and every
outline from the boundaries it projected (``map.json``, ``publisher.maps``): a request counts nothing. The charts
and the map are drawn once per build, language and address, and kept with the build (``Build.kept``; a new build
is a new object, so its drawings are new). Each bar and row links to the filtered list of practices it counts
(``/praktijken?beleidsdomein=…``, ``?provincie=zonder``); each municipality of the map and table to its page.
"""

from flask import Blueprint, Response, redirect, render_template, request, url_for

from publisher import charts, maps
from publisher.artefacts import MAP, STATISTICS
from publisher.facets import code
from publisher.errors import Unavailable
from publisher.formats import HTML
from publisher.language import N_, translate
from publisher.views import get_store, href, in_language, page_language, settings
from publisher.uris import Minter

blueprint = Blueprint("statistics", __name__)
# The charts of the page, in order: (key in statistics.json, heading, what has no value is counted as).
CHARTS = (("policy_domains", N_("Per beleidsdomein"), N_("zonder beleidsdomein")),
          ("target_groups", N_("Per doelgroep"), N_("zonder doelgroep")),
          ("provinces", N_("Per provincie"), N_("zonder plaats")),
          ("years", N_("Per jaar van eerste publicatie"), N_("zonder datum")))
SERIES = ("practices", "initiatives")
LISTED = {"policy_domains": "beleidsdomein", "target_groups": "doelgroep", "provinces": "provincie"}  # their filters
NAMES = {"practices": N_("Praktijken"), "initiatives": N_("Initiatieven")}


@blueprint.get("/statistieken")
def page():
    store, lang = get_store(), page_language()
    shown = store.kept(("statistics page", lang, request.url_root), lambda: drawn(store, lang, request.url_root))
    body = render_template("statistics.html", **shown, totals=figures(store)["totals"])
    return in_language(Response(body, content_type=HTML.content_type))


@blueprint.get("/statistics")
def english():
    """Send the English address to the page in English (and the language switch then remembers it)."""
    return redirect(url_for("statistics.page", lang="en"), 301)


def figures(store) -> dict:
    """Return the counts the build wrote; 503 for a build without them."""
    found = store.document(STATISTICS)
    if found is None:
        raise Unavailable(N_("build %(build)s heeft geen statistieken (hij werd gemaakt voor ze geteld werden): "
                             "voer `samenleven build` uit"), values={"build": store.manifest["id"]})
    return found


def drawn(store, lang: str, root: str) -> dict:
    """Draw the charts, their tables and the map of a build in ``lang``, linked to pages under ``root``."""
    found = figures(store)
    shown = {"charts": [], "municipalities": table(found["municipalities"], "zonder plaats", lang),
             "map": choropleth(store.document(MAP), found, lang)}
    for key, heading, nothing in CHARTS:
        rows = table({**found["charts"][key], "facet": LISTED.get(key)}, nothing, lang)
        shown["charts"].append({"key": key, "heading": translate(heading, lang), "rows": rows,
                                "svg": bar_chart(translate(heading, lang), rows, lang)})
    return shown


def bar_chart(heading: str, rows: list[dict], lang: str) -> str:
    """Draw the rows of a table as a bar chart."""
    description = translate("Staafdiagram van praktijken en initiatieven; de tabel ernaast geeft de cijfers.", lang)
    return charts.bars([charts.Bar(row["label"], row["href"], row["values"], row["none"]) for row in rows],
                       (heading, description), {name: translate(NAMES[name], lang) for name in SERIES},
                       lambda bar: row_title(bar, lang))


def table(chart: dict, nothing: str, lang: str) -> list[dict]:
    """The rows of a chart in ``lang``, each with its link, and last the row of what has no value."""
    rows = [{"label": row["label"][lang], "href": listed(chart, row["uri"]), "nis": row["nis"],
             "values": {name: row[name] for name in SERIES}, "none": False} for row in chart["rows"]]
    rows.append({"label": translate(nothing, lang), "href": listed(chart, "zonder"), "nis": None,
                 "values": {name: chart["none"][name] for name in SERIES}, "none": True})
    return rows


def listed(chart: dict, uri: str | None) -> str | None:
    """The filtered list of practices a row counts (``/praktijken?beleidsdomein=…``), else the row's page."""
    facet = chart.get("facet")
    if uri is None or (uri == "zonder" and facet not in ("provincie", "gemeente")):
        return None
    if facet is None:
        return href(uri) if uri != "zonder" else None
    return url_for("lists.listing", name="praktijken", _external=True, **{facet: code(uri)})


def row_title(row, lang: str) -> str:
    """The text of a bar's ``<title>``: its name and its numbers."""
    counts = ", ".join(f"{translate(NAMES[name], lang).lower()}: {row.values[name]}" for name in SERIES)
    return f"{row.label}: {counts}"


def choropleth(shapes: dict | None, found: dict, lang: str) -> str | None:
    """The map of the initiatives per municipality; None for a build without boundaries."""
    if shapes is None:
        return None
    by_nis = {row["nis"]: row for row in found["municipalities"]["rows"]}
    minter = Minter(settings()["base"])

    def title(nis, name, value):
        row = by_nis.get(nis, {"practices": 0, "initiatives": 0})
        counts = ", ".join(f"{translate(NAMES[kind], lang).lower()}: {row[kind]}" for kind in SERIES)
        return f"{by_nis[nis]['label'][lang] if nis in by_nis else name}: {counts}"

    def legend(bounds):
        low, high = bounds
        return f"{low}+" if high is None else str(low) if low == high else f"{low}–{high}"

    return maps.choropleth(shapes, {nis: row["initiatives"] for nis, row in by_nis.items()},
                           lambda nis: href(minter.municipality(nis)), title,
                           (translate("Initiatieven per gemeente", lang),
                            translate("Kaart van Vlaanderen en Brussel, elke gemeente gekleurd naar het aantal "
                                      "initiatieven; de tabel eronder geeft dezelfde cijfers.", lang)), legend)
