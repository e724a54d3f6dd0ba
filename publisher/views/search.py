"""``/search`` and ``/search.json``: full-text search of the build, for the search box of every page, the postcode
box of the home page and the 404 page.

The engine is the build's own FTS5 index (``Build.search``, ``publisher.store.fulltext``): ranked, case- and
accent-insensitive, Dutch and English words stemmed, matches marked in a snippet. ``type`` (a kind's URI segment,
repeatable: any of them) narrows the hits; the counts per type are those of the whole answer, whatever ``type`` says.
``pagina`` pages through any number of hits, with ``Link: rel="next"``/``"prev"``. A text that is a postal code, a
NIS code or a municipality's name also names that municipality (two for a postal code they share), above the hits.
"""

import math
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from publisher.artefacts import STATISTICS
from publisher.errors import BadRequest, NotFound
from publisher.formats import HTML
from publisher.presentation import Presenter
from publisher.views import get_store, href, in_language, local, page_language

blueprint = Blueprint("search", __name__)
SIZE = 20  # hits per page
PLACED = ("praktijk", "initiatief")  # the kinds the postcode box leads to, by their URI segments


@blueprint.get("/search")
def search():
    text, kinds, page = asked()
    found = answer(text, kinds, page) if text else None
    body = render_template("search.html", text=text, found=found, kinds=kinds)
    response = in_language(Response(body, content_type=HTML.content_type))
    return paged(response, found, "search.search")


@blueprint.get("/search.json")
def search_json():
    text, kinds, page = asked()
    if not text:
        raise BadRequest("give the text to search for as q (/search.json?q=gent)")
    found = answer(text, kinds, page)
    data = {key: found[key] for key in ("q", "total", "page", "pages", "size")}
    data["types"] = [{"type": f["type"], "label": f["label"], "count": f["count"]} for f in found["facet"]]
    data["places"] = [{"uri": p["uri"], "label": p["label"], "nis": p["nis"]} for p in found["places"]]
    data["results"] = [{"uri": hit["uri"], "type": hit["type"], "label": hit["value"].text,
                        "snippet": str(hit["snippet"]), "score": hit["score"]} for hit in found["hits"]]
    # The labels are in the page's language: Content-Language and Vary, as on the page.
    return paged(in_language(current_app.json.response(data)), found, "search.search_json")


def asked() -> tuple[str, tuple, int]:
    """The text, the types and the page a request asks for; 400 for a type that is no kind or a page that is no
    number."""
    text, kinds = request.args.get("q", "").strip(), tuple(dict.fromkeys(request.args.getlist("type")))
    known = get_store().kinds.by_segment
    wrong = [kind for kind in kinds if kind not in known]
    if wrong:
        raise BadRequest(f"type {wrong[0]!r} is no kind of this dataset; give one of {', '.join(known)}")
    pages = request.args.getlist("pagina") or ["1"]
    value = pages[0]
    if len(pages) > 1 or not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1:
        raise BadRequest(f"pagina must be one whole number from 1, not {', '.join(map(repr, pages))}")
    return text, kinds, int(value)


def answer(text: str, kinds: tuple, page: int) -> dict:
    """One page of hits for ``text``, presented in the page's language; 404 past the last page."""
    store, lang = get_store(), page_language()
    found = store.search(text, kinds, page, SIZE)
    pages = max(1, math.ceil(found.total / SIZE))
    if page > pages:
        raise NotFound(f"pagina {page} is past the last page ({pages}) of this search")
    nodes = [ox.NamedNode(uri) for uri in dict.fromkeys([hit.uri for hit in found.hits] + found.places)]
    presenter = Presenter(store.layout, lang, local)
    values = {node.value: value for node, value in zip(nodes, presenter.listing(nodes, store.labels(nodes, True)))}
    registry = store.kinds.by_segment
    facet = [{"type": kind, "label": store.layout.type_name(registry[kind].cls, lang), "count": count,
              "chosen": kind in kinds, "href": link("search.search", text, (kind,))}
             for kind, count in sorted(found.kinds.items(), key=lambda item: (-item[1], item[0]))]
    hits = [{"uri": hit.uri, "type": hit.kind, "score": hit.score, "value": values[hit.uri],
             "snippet": marked(hit.snippet)} for hit in found.hits]
    return {"q": text, "total": found.total, "page": page, "pages": pages, "size": SIZE, "facet": facet,
            "hits": hits, "places": [place(uri, values[uri], text, store) for uri in found.places],
            "start": (page - 1) * SIZE + 1, "all": link("search.search", text, ()),
            "next": link("search.search", text, kinds, page + 1) if page < pages else None,
            "prev": link("search.search", text, kinds, page - 1) if page > 1 else None}


def place(uri: str, value, text: str, store) -> dict:
    """A municipality the text names, with its counts and the ways to what is placed in it."""
    nis = uri.rsplit("/", 1)[-1]
    counted = next((row for row in ((store.document(STATISTICS) or {}).get("municipalities") or {}).get("rows", [])
                    if row["nis"] == nis), {"practices": 0, "initiatives": 0})
    # The lists of issue 13 (/praktijken?gemeente=NIS, /initiatieven?gemeente=NIS, URLS.md) take these links when
    # they exist; until then each leads to this search narrowed to its kind.
    return {"uri": uri, "label": value.text, "nis": nis, "href": href(uri),
            "practices": counted["practices"], "initiatives": counted["initiatives"],
            "ways": {kind: link("search.search", text, (kind,)) for kind in PLACED}}


def marked(segments) -> Markup:
    """A snippet as HTML: its text escaped, its matches in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(part) if matched else escape(part)
                           for part, matched in segments)


def link(endpoint: str, text: str, kinds: tuple, page: int = 1) -> str:
    """The address of a search (the page's language is in its cookie, or in ``lang`` when asked so)."""
    args = [("q", text), *(("type", kind) for kind in kinds)] + ([("pagina", str(page))] if page > 1 else [])
    if request.args.get("lang"):
        args.append(("lang", request.args["lang"]))
    return url_for(endpoint) + "?" + urlencode(args)


def paged(response: Response, found: dict | None, endpoint: str) -> Response:
    """Add ``Link`` headers to the next and previous pages and to the other format (RFC 8288)."""
    if found is None:
        return response
    kinds, page = tuple(dict.fromkeys(request.args.getlist("type"))), found["page"]
    links = []
    if page < found["pages"]:
        links.append(f'<{link(endpoint, found["q"], kinds, page + 1)}>; rel="next"')
    if page > 1:
        links.append(f'<{link(endpoint, found["q"], kinds, page - 1)}>; rel="prev"')
    other = "search.search_json" if endpoint == "search.search" else "search.search"
    media = "application/json" if other == "search.search_json" else "text/html"
    links.append(f'<{link(other, found["q"], kinds, page)}>; rel="alternate"; type="{media}"')
    response.headers["Link"] = ", ".join(links)
    return response
