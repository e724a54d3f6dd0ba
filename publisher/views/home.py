"""The dataset's home page (the front door: search, the newest practices, the facets with their counts, the ways
in for reusers), the page about the data (the build and its counts), the dumps of the build in use, and what
crawlers read: robots.txt and the sitemap."""

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for

from publisher import browse, dumps, schemaorg
from publisher import sitemap as sitemaps
from publisher.artefacts import HOME, LISTS, SITEMAP, SITEMAP_PART, STATISTICS
from publisher.facets import SHOWN, code
from publisher.errors import NotFound
from publisher.language import N_
from publisher.formats import HTML
from publisher.presentation import Presenter, Value
from publisher.views import get_store, href, in_language, local, page_language, settings
from publisher.views.representation import from_build

blueprint = Blueprint("home", __name__)
# The facets the home page shows: (key in statistics.json, heading, the filter parameter of /praktijken, issue 13).
# N_: the headings are translated in the template (`_(facet.heading)`), so the catalogue must hold them.
FACETS = (("categories", N_("Categorieën"), "categorie"), ("policy_domains", N_("Beleidsdomeinen"), "beleidsdomein"),
          ("target_groups", N_("Doelgroepen"), "doelgroep"))


@blueprint.get("/")
def home():
    store, lang = get_store(), page_language()
    presenter = Presenter(store.layout, lang, local)
    newest, changed, named = store.kept(("home", "practices"), lambda: practices(store))
    downloads = _downloads(lang)
    data = schemaorg.dataset(store.manifest, url_for("home.home", _external=True), downloads,
                             settings()["license"], lang)
    body = render_template("home.html", newest=presenter.listing(newest, named),
                           changed=presenter.listing(changed, named), facets=facets(store, lang),
                           downloads=downloads, jsonld=schemaorg.script(data))
    return in_language(Response(body, content_type=HTML.content_type))


@blueprint.get("/over-de-data")
def about():
    """The build in use: its id and date, the number of things of each class, and of triples."""
    store, lang = get_store(), page_language()
    counted = sorted(((Value(store.layout.type_name(ox.NamedNode(iri), lang), href(iri)), n)
                      for iri, n in store.manifest["statistics"]["classes"].items()
                      if ox.NamedNode(iri) in store.layout.labels), key=lambda item: item[0].text.lower())
    body = render_template("about.html", manifest=store.manifest, counted=counted, downloads=_downloads(lang))
    return in_language(Response(body, content_type=HTML.content_type))


def practices(store) -> tuple[list, list, list]:
    """The newest practices and those changed last (the practices list's order by date changed), both picked by
    the build (``home.json``; a build made before it: ``lists.json``), and their labels: made once per build, not
    per request."""
    picked = store.document(HOME)
    if picked is not None:  # a few hundred bytes: the first answer on / costs the same at any size (issue 14)
        newest, changed = ([ox.NamedNode(uri) for uri in picked[key]] for key in ("newest", "changed"))
        return newest, changed, store.labels(newest + changed, types=True)
    listed = browse.index(store, "practices")
    # A build made before lists.json held "newest" shows none until the next build (nothing is queried per process)
    newest = [ox.NamedNode(uri) for uri in store.document(LISTS).get("newest", ())]
    changed = [ox.NamedNode(listed.items[n]["uri"]) for n in listed.by_change[:SHOWN] if listed.items[n]["modified"]]
    return newest, changed, store.labels(newest + changed, types=True)


def facets(store, lang: str) -> list[dict]:
    """The facet values with the number of practices of each, as the build counted them (``statistics.json``):
    each a link into the list of practices filtered by it; none for a build made before it counted them."""
    counted = store.document(STATISTICS)
    if counted is None:
        return []
    shown = []
    for key, heading, parameter in FACETS:
        chart = counted["charts"].get(key)
        values = [{"label": row["label"][lang], "count": row["practices"],
                   "href": url_for("lists.listing", name="praktijken", **{parameter: code(row["uri"])})}
                  for row in (chart or {}).get("rows", []) if row["practices"]]
        if values:
            shown.append({"key": key, "heading": heading, "entries": sorted(values, key=lambda v: (-v["count"],
                                                                                                   v["label"]))})
    return shown


def _downloads(lang: str) -> list[tuple[str, str, str]]:
    return [(url_for("home.dump", name=dump.name, _external=True), dump.media_type, dump.title[lang])
            for dump in dumps.DUMPS]


@blueprint.get("/dumps/<name>")
def dump(name):
    """A dump of the build: immutable for the build, with its ETag, Content-Length and range requests."""
    found = dumps.BY_NAME.get(name)
    if found is None:
        raise NotFound(N_("er is geen dump %(name)s; de dumps zijn %(dumps)s"),
                       values={"name": repr(name), "dumps": ", ".join(dumps.BY_NAME)})
    response = from_build(name, mimetype="application/gzip" if found.gzip else found.media_type)
    response.cache_control.immutable = True
    return response


@blueprint.get("/robots.txt")
def robots():
    text = f"User-agent: *\nDisallow: /sparql?\nDisallow: /search\nSitemap: {url_for('home.sitemap', _external=True)}\n"
    return Response(text, content_type="text/plain; charset=utf-8")


@blueprint.get("/sitemap.xml")
def sitemap():
    """Every page: the server's own (home, lists, queries) and each resource's document, as the build wrote them
    (``publisher.sitemap``): one ``<urlset>`` when all fit in one file, else an index of the parts."""
    store, pages = get_store(), _pages()
    written = _written(store)
    if _whole(written, pages):
        documents = _part(store, 1) if written["parts"] else b""
        return _xml(sitemaps.HEAD.encode() + "".join(pages).encode() + sitemaps.entries(documents)
                    + sitemaps.TAIL.encode())
    locations = [url_for("home.sitemap_part", number=n, _external=True) for n in range(1, written["parts"] + 2)]
    return _xml(sitemaps.index(locations).encode())


@blueprint.get("/sitemap-<int:number>.xml")
def sitemap_part(number):
    """A part that ``/sitemap.xml`` points to: the build's documents, then the server's own pages last."""
    store = get_store()
    written = _written(store)
    if _whole(written, _pages()) or not 1 <= number <= written["parts"] + 1:
        raise NotFound(N_("er is geen deel %(number)s van de sitemap; /sitemap.xml noemt de delen"),
                       values={"number": number})
    if number > written["parts"]:
        return _xml(sitemaps.urlset("".join(_pages())).encode())
    return _xml(_part(store, number))


def _whole(written: dict, pages: list) -> bool:
    """Whether the build's documents and the server's pages fit in one file (sitemaps.org: 50,000 URLs)."""
    return written["parts"] <= 1 and written["urls"] + len(pages) <= written["limit"]


def _written(store) -> dict:
    # A build made before the build wrote its sitemap lists the server's pages only, until the next build.
    return store.document(SITEMAP) or {"urls": 0, "parts": 0, "limit": sitemaps.LIMIT}


def _part(store, number: int) -> bytes:
    body = store.file(SITEMAP_PART.format(number)).read_bytes()
    return sitemaps.rooted(body, settings()["base"], request.url_root)


def _pages() -> list[str]:
    """The server's own pages, as ``<url>`` entries: they are not the build's (the canned queries are a setting)."""
    endpoints = ("home.home", "home.about", "ontology.ontology", "sparql.endpoint", "queries.listing",
                 "statistics.page")
    pages = [url_for(endpoint, _external=True) for endpoint in endpoints]
    pages += [url_for("lists.listing", name=name, _external=True) for name in ("praktijken", "initiatieven",
                                                                                 "organisaties")]
    pages += [url_for("queries.run", name=name, _external=True) for name in current_app.extensions["samenleven.queries"]]
    return [sitemaps.url(page) for page in pages]


def _xml(body: bytes) -> Response:
    return Response(body, content_type="application/xml; charset=utf-8")
