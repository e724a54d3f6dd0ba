"""``/praktijken``, ``/initiatieven``, ``/organisaties``: the lists with facets, in HTML, JSON, CSV and Turtle.

Filters, counts and pages come from the build's index (``publisher.browse``); the URL scheme is the one agreed for
issue 13 (a facet's parameter may repeat: OR within it, AND across facets; ``sorteer``, ``pagina``).
"""

import csv
import io
import json
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, url_for

from publisher import browse, facets, formats
from publisher.formats import GRAPHS, HTML, Format
from publisher.language import N_, translate
from publisher.tables import neutralise
from publisher.views import get_store, in_language, page_language, serialize, settings
from publisher.vocab import DCT, HYDRA, RDF, RDFS, SL, XSD

blueprint = Blueprint("lists", __name__)
NAMES = "<any(praktijken, initiatieven, organisaties):name>"
KINDS = {segment: kind for kind, segment in facets.LISTS_OF.items()}
CLASSES = {"practices": SL.Practice, "initiatives": SL.Initiative, "organisations": SL.Organisation}
JSON = Format("json", "application/json", None, (), "JSON")
CSV = Format("csv", "text/csv", None, (), "CSV")
OFFERED = (JSON, CSV, GRAPHS[0], HTML)  # HTML last: */* (curl, scripts) gets data, a browser the page
HEADINGS = {"praktijken": N_("Praktijken"), "initiatieven": N_("Initiatieven"),
            "organisaties": N_("Organisaties")}
FACET_NAMES = {"categorie": N_("Categorie"), "beleidsdomein": N_("Beleidsdomein"), "doelgroep": N_("Doelgroep"),
               "doel": N_("Doel"), "programma": N_("Programma"), "provincie": N_("Provincie"),
               "gemeente": N_("Gemeente"), "plaats": N_("Plaats")}
SPECIAL = {facets.NONE: N_("zonder plaats"), facets.KNOWN: N_("plaats bekend"), facets.UNKNOWN: N_("plaats onbekend")}


@blueprint.get(f"/{NAMES}")
@blueprint.get(f"/{NAMES}.<suffix>")
def listing(name, suffix=None):
    fmt = formats.negotiate(OFFERED, request, suffix)
    listed = browse.index(get_store(), KINDS[name])
    shown = browse.view(listed, request.args, settings()["list_page_size"])
    query = browse.sparql(listed, shown.chosen, shown.sort)
    url = request.url_root + name
    body = RENDER[fmt.name](name, listed, shown, query, url)
    response = body if isinstance(body, Response) else Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    if suffix is None:
        response.vary.update(("Accept-Language", "Cookie"))  # the same URL gives a page to browsers
    response.headers["Content-Location"] = f"{url}.{fmt.name}{_query(shown.chosen, shown.sort, shown.page)}"
    links = [f'<{url}.{other.name}{_query(shown.chosen, shown.sort, shown.page)}>; rel="alternate"; '
             f'type="{other.media_type}"' for other in OFFERED if other is not fmt]
    for rel, page in (("next", shown.page + 1), ("prev", shown.page - 1)):
        if 1 <= page <= shown.pages:
            links.append(f'<{url}{"." + suffix if suffix else ""}{_query(shown.chosen, shown.sort, page)}>; '
                         f'rel="{rel}"')
    response.headers["Link"] = ", ".join(links)
    return response


def _query(chosen: dict, sort: str, page: int = 1, lang: str | None = None) -> str:
    """The query string of a filtered view (its bookmarkable URL), in the order of the facets."""
    pairs = [(facet, value) for facet, values in chosen.items() for value in values]
    pairs += [("sorteer", sort)] if sort != "titel" else []
    pairs += [("pagina", str(page))] if page > 1 else []
    pairs += [("lang", lang)] if lang else []
    return "?" + urlencode(pairs) if pairs else ""


def rows(listed, shown) -> list[dict]:
    lang = page_language()
    return [{"uri": item["uri"], "title": item["title"][lang], "modified": item["modified"]} for item in shown.items]


def facet_values(listed, shown, lang: str) -> dict:
    """Per facet, its values with their counts, names and the URL that chooses (or drops) each."""
    found = {}
    for facet, counted in shown.counts.items():
        entries = []
        for value, count in counted.items():
            selected = value in shown.chosen.get(facet, ())
            chosen = {f: list(v) for f, v in shown.chosen.items()}
            chosen[facet] = [v for v in chosen.get(facet, []) if v != value] + ([] if selected else [value])
            known = listed.values.get(facet, {}).get(value)
            label = known["label"][lang] if known else translate(SPECIAL[value], lang)
            entries.append({"value": value, "label": label, "count": count, "selected": selected,
                            "query": _query({f: v for f, v in chosen.items() if v}, shown.sort)})
        found[facet] = sorted(entries, key=lambda e: (e["value"] in SPECIAL, -e["count"], e["label"].casefold()))
    return found


def as_html(name, listed, shown, query, url):
    lang = page_language()
    body = render_template("list.html", name=name, heading=translate(HEADINGS[name], lang), shown=shown,
                           rows=rows(listed, shown), facets=facet_values(listed, shown, lang),
                           facet_names={f: translate(n, lang) for f, n in FACET_NAMES.items()},
                           sparql=url_for("sparql.endpoint") + "?query=" + quote(query, safe=""), url=url,
                           formats=[(f"{url}.{f.name}{_query(shown.chosen, shown.sort, shown.page)}", f.media_type,
                                     f.label) for f in OFFERED if f is not HTML],
                           here=lambda **change: _query(shown.chosen, change.get("sort", shown.sort),
                                                        change.get("page", 1)))
    return in_language(Response(body, content_type=HTML.content_type))


def as_json(name, listed, shown, query, url):
    lang = page_language()
    body = {"list": name, "total": shown.total, "page": shown.page, "pages": shown.pages, "sort": shown.sort,
            "filters": shown.chosen, "items": rows(listed, shown), "sparql": query,
            "facets": {facet: [{key: e[key] for key in ("value", "label", "count", "selected")} for e in entries]
                       for facet, entries in facet_values(listed, shown, lang).items()}}
    return json.dumps(body, ensure_ascii=False, indent=1)


def as_csv(name, listed, shown, query, url):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(["uri", "title", "modified"])
    for row in rows(listed, shown):
        writer.writerow([row["uri"], neutralise(row["title"]), row["modified"] or ""])
    return out.getvalue()


def as_turtle(name, listed, shown, query, url):
    """The page as a Hydra collection of the things, each with its type, title and date changed."""
    page = ox.NamedNode(url + _query(shown.chosen, shown.sort, shown.page))
    triples = [ox.Triple(page, RDF.type, HYDRA.Collection),
               ox.Triple(page, HYDRA.totalItems, ox.Literal(str(shown.total), datatype=XSD.integer))]
    for item in shown.items:
        thing = ox.NamedNode(item["uri"])
        triples += [ox.Triple(page, HYDRA.member, thing), ox.Triple(thing, RDF.type, CLASSES[listed.kind]),
                    ox.Triple(thing, RDFS.label, ox.Literal(item["title"]["nl"], language="nl"))]
        if item["modified"]:
            triples.append(ox.Triple(thing, DCT.modified, ox.Literal(item["modified"], datatype=XSD.dateTime)))
    for rel, number in ((HYDRA.next, shown.page + 1), (HYDRA.previous, shown.page - 1)):
        if 1 <= number <= shown.pages:
            triples.append(ox.Triple(page, rel, ox.NamedNode(url + _query(shown.chosen, shown.sort, number))))
    return serialize(triples, GRAPHS[0])


RENDER = {"html": as_html, "json": as_json, "csv": as_csv, "ttl": as_turtle}
