"""``/search`` and ``/search.json``: full-text search of the build, for the search box of every page, the postcode
box of the home page and the 404 page.

The engine is the build's own FTS5 index (``Build.search``, ``publisher.store.fulltext``): ranked, case- and
accent-insensitive, Dutch and English words stemmed, matches marked in a snippet. ``type`` (a kind's URI segment,
repeatable: any of them) narrows the hits; the counts per type are those of the whole answer, whatever ``type`` says.
``pagina`` pages through any number of hits, with ``Link: rel="next"``/``"prev"``. A text that is a postal code, a
NIS code or a municipality's name also names that municipality (two for a postal code they share), above the hits,
with the ways to the lists of what is placed there and in its administrative arrondissement (``arrondissements``),
named and linked to its page where the graph has it as a place (Flanders and Brussels).

The list facets (``categorie``, ``beleidsdomein``, ``doelgroep``, ``doel``, ``programma``, ``provincie``,
``gemeente``: the parameters of the lists, URLS.md) narrow the hits and are counted on them (``publisher.hits``).
"""

import math
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from publisher import arrondissements, browse, facets, hits
from publisher.errors import BadRequest, NotFound
from publisher.formats import HTML
from publisher.language import N_, translate
from publisher.presentation import Presenter
from publisher.views import get_store, href, in_language, local, page_language

blueprint = Blueprint("search", __name__)
SIZE = 20  # hits per page
PLACED = ("practices", "initiatives")  # the lists the postcode box leads to
TAKEN = ("q", "type", "pagina", "lang", *hits.FACETS)
FACET_NAMES = {"categorie": N_("Categorie"), "beleidsdomein": N_("Beleidsdomein"), "doelgroep": N_("Doelgroep"),
               "doel": N_("Doel"), "programma": N_("Programma"), "provincie": N_("Provincie"),
               "gemeente": N_("Gemeente")}
NO_PLACE = N_("zonder plaats")


@blueprint.get("/search")
def search():
    text, kinds, chosen, page = asked()
    found = answer(text, kinds, chosen, page) if text else None
    body = render_template("search.html", text=text, found=found, kinds=kinds, chosen=chosen,
                           facet_names={f: translate(n, page_language()) for f, n in FACET_NAMES.items()})
    response = in_language(Response(body, content_type=HTML.content_type))
    return paged(response, found, "search.search")


@blueprint.get("/search.json")
def search_json():
    text, kinds, chosen, page = asked()
    if not text:
        raise BadRequest(N_("geef de tekst om te zoeken als q (/search.json?q=gent)"), values={})
    found = answer(text, kinds, chosen, page)
    data = {key: found[key] for key in ("q", "total", "page", "pages", "size")}
    data["filters"] = chosen
    data["types"] = [{"type": f["type"], "label": f["label"], "count": f["count"]} for f in found["facet"]]
    data["facets"] = {facet: [{key: e[key] for key in ("value", "label", "count", "selected")} for e in entries]
                      for facet, entries in found["facets"].items()}
    data["places"] = [{"uri": p["uri"], "label": p["label"], "nis": p["nis"],
                       "arrondissement": {key: p["arrondissement"][key]
                                          for key in ("code", "uri", "label", "municipalities")},
                       "lists": p["lists"]} for p in found["places"]]
    data["results"] = [{"uri": hit["uri"], "type": hit["type"], "label": hit["value"].text,
                        "snippet": str(hit["snippet"]), "score": hit["score"]} for hit in found["hits"]]
    # The labels are in the page's language: Content-Language and Vary, as on the page.
    return paged(in_language(current_app.json.response(data)), found, "search.search_json")


def asked() -> tuple[str, tuple, dict, int]:
    """The text, the types, the list filters and the page a request asks for; 400 for a parameter the search does
    not take, a type that is no kind, a filter value the build does not know or a page that is no number."""
    unknown = sorted(set(request.args) - set(TAKEN))
    if unknown:
        raise BadRequest(N_("het zoeken neemt geen parameter %(name)s; het neemt %(taken)s"),
                         values={"name": repr(unknown[0][:40]), "taken": ", ".join(TAKEN)})
    text, kinds = request.args.get("q", "").strip(), tuple(dict.fromkeys(request.args.getlist("type")))
    known = get_store().kinds.by_segment
    wrong = [kind for kind in kinds if kind not in known]
    if wrong:
        raise BadRequest(N_("type %(value)s is geen soort van deze dataset; geef een van %(kinds)s"),
                         values={"value": repr(wrong[0]), "kinds": ", ".join(known)})
    page = browse.page_number(request.args)
    return text, kinds, hits.chosen(get_store(), request.args), page


def answer(text: str, kinds: tuple, chosen: dict, page: int) -> dict:
    """One page of hits for ``text``, presented in the page's language; 404 past the last page."""
    store, lang = get_store(), page_language()
    faceted = hits.Faceted(store, store.kinds, chosen, kinds)
    found = store.search(text, kinds, page, SIZE, faceted.narrow)
    pages = max(1, math.ceil(found.total / SIZE))
    if page > pages:
        raise NotFound(N_("pagina %(page)s ligt voorbij de laatste pagina (%(pages)s) van deze zoekopdracht"),
                       values={"page": page, "pages": pages})
    nodes = [ox.NamedNode(uri) for uri in dict.fromkeys([hit.uri for hit in found.hits] + found.places)]
    presenter = Presenter(store.layout, lang, local)
    values = {node.value: value for node, value in zip(nodes, presenter.listing(nodes, store.labels(nodes, True)))}
    registry = store.kinds.by_segment
    facet = [{"type": kind, "label": store.layout.type_name(registry[kind].cls, lang), "count": count,
              "chosen": kind in kinds, "href": link("search.search", text, (kind,), chosen)}
             for kind, count in sorted(found.kinds.items(), key=lambda item: (-item[1], item[0]))]
    found_hits = [{"uri": hit.uri, "type": hit.kind, "score": hit.score, "value": values[hit.uri],
                   "snippet": marked(hit.snippet)} for hit in found.hits]
    return {"q": text, "total": found.total, "page": page, "pages": pages, "size": SIZE, "facet": facet,
            "facets": facet_values(faceted, text, kinds, lang), "hits": found_hits,
            "places": [place(uri, values[uri], store, lang) for uri in found.places],
            "start": (page - 1) * SIZE + 1, "all": link("search.search", text, (), chosen),
            "next": link("search.search", text, kinds, chosen, page + 1) if page < pages else None,
            "prev": link("search.search", text, kinds, chosen, page - 1) if page > 1 else None}


def facet_values(faceted: hits.Faceted, text: str, kinds: tuple, lang: str) -> dict:
    """Per list facet, its values with their counts on the hits, names and the search that chooses (or drops)
    each."""
    shown, known = {}, faceted.lists["practices"].values
    for facet, counted in faceted.counts().items():
        entries = []
        for value, count in counted.items():
            selected = value in faceted.chosen.get(facet, ())
            chosen = {f: list(v) for f, v in faceted.chosen.items()}
            chosen[facet] = [v for v in chosen.get(facet, []) if v != value] + ([] if selected else [value])
            label = known[facet][value]["label"][lang] if value in known[facet] else translate(NO_PLACE, lang)
            entries.append({"value": value, "label": label, "count": count, "selected": selected,
                            "href": link("search.search", text, kinds, {f: v for f, v in chosen.items() if v})})
        shown[facet] = sorted(entries, key=lambda e: (e["value"] == facets.NONE, -e["count"], e["label"].casefold()))
    return shown


def place(uri: str, value, store, lang: str) -> dict:
    """A municipality the text names, with the lists of what is placed in it and in its arrondissement, counted
    on the lists' bitmaps."""
    nis = uri.rsplit("/", 1)[-1]
    municipalities = browse.index(store, "practices").values["gemeente"]
    members = arrondissements.members(nis, municipalities)
    lists = {}
    for kind in PLACED:
        listed = browse.index(store, kind)
        around = 0
        for member in members:
            around |= listed.bits["gemeente"].get(member, 0)
        name = facets.LISTS_OF[kind]
        lists[kind] = {"count": listed.bits["gemeente"].get(nis, 0).bit_count(),
                       "href": url_for("lists.listing", name=name, gemeente=nis),
                       "arrondissement": around.bit_count(),
                       "arrondissement_href": url_for("lists.listing", name=name, gemeente=members)}
    code = arrondissements.of(nis)
    named = arrondissements.named(store).get(code)  # Flanders and Brussels: a place with a name and a page
    return {"uri": uri, "label": value.text, "nis": nis, "href": href(uri), "lists": lists,
            "arrondissement": {"code": code, "uri": named["uri"] if named else None,
                               "label": named["label"][lang] if named else None,
                               "href": href(named["uri"]) if named else None,
                               "municipalities": [{"nis": m, "label": municipalities[m]["label"][lang]}
                                                  for m in members]}}


def marked(segments) -> Markup:
    """A snippet as HTML: its text escaped, its matches in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(part) if matched else escape(part)
                           for part, matched in segments)


def link(endpoint: str, text: str, kinds: tuple, chosen: dict, page: int = 1) -> str:
    """The address of a search (the page's language is in its cookie, or in ``lang`` when asked so)."""
    args = [("q", text), *(("type", kind) for kind in kinds)]
    args += [(facet, value) for facet in hits.FACETS for value in chosen.get(facet, ())]
    args += [("pagina", str(page))] if page > 1 else []
    if request.args.get("lang"):
        args.append(("lang", request.args["lang"]))
    return url_for(endpoint) + "?" + urlencode(args)


def paged(response: Response, found: dict | None, endpoint: str) -> Response:
    """Add ``Link`` headers to the next and previous pages and to the other format (RFC 8288)."""
    if found is None:
        return response
    kinds, page = tuple(dict.fromkeys(request.args.getlist("type"))), found["page"]
    chosen = hits.chosen(get_store(), request.args)
    links = []
    if page < found["pages"]:
        links.append(f'<{link(endpoint, found["q"], kinds, chosen, page + 1)}>; rel="next"')
    if page > 1:
        links.append(f'<{link(endpoint, found["q"], kinds, chosen, page - 1)}>; rel="prev"')
    other = "search.search_json" if endpoint == "search.search" else "search.search"
    media = "application/json" if other == "search.search_json" else "text/html"
    links.append(f'<{link(other, found["q"], kinds, chosen, page)}>; rel="alternate"; type="{media}"')
    response.headers["Link"] = ", ".join(links)
    return response
