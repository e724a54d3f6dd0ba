"""The dataset's home page, the dumps of the build in use, and what crawlers read: robots.txt and the sitemap."""

import itertools
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, url_for

from publisher import dumps, schemaorg
from publisher.errors import NotFound
from publisher.formats import HTML
from publisher.presentation import Presenter, Value
from publisher.views import get_store, href, in_language, local, page_language, settings
from publisher.views.representation import from_build

blueprint = Blueprint("home", __name__)
_HERE = Path(__file__).parents[1]
NEWEST = (_HERE / "newest.rq").read_text()
DOCUMENTS = (_HERE / "documents.rq").read_text()


@blueprint.get("/")
def home():
    store, lang = get_store(), page_language()
    newest = [row["practice"] for row in itertools.islice(store.graph.select(NEWEST), 10)]
    presenter = Presenter(store.layout, lang, local)
    counted = sorted(((Value(store.layout.type_name(ox.NamedNode(iri), lang), href(iri)), n)
                      for iri, n in store.manifest["statistics"]["classes"].items()
                      if ox.NamedNode(iri) in store.layout.labels), key=lambda item: item[0].text.lower())
    downloads = [(url_for("home.dump", name=dump.name, _external=True), dump.media_type, dump.title[lang])
                 for dump in dumps.DUMPS]
    data = schemaorg.dataset(store.manifest, url_for("home.home", _external=True), downloads,
                             settings()["license"], lang)
    body = render_template("home.html", manifest=store.manifest, newest=presenter.listing(
        newest, store.labels(newest)), counted=counted, downloads=downloads, jsonld=schemaorg.script(data))
    return in_language(Response(body, content_type=HTML.content_type))


@blueprint.get("/dumps/<name>")
def dump(name):
    """A dump of the build: immutable for the build, with its ETag, Content-Length and range requests."""
    found = dumps.BY_NAME.get(name)
    if found is None:
        raise NotFound(f"there is no dump {name!r}; the dumps are {', '.join(dumps.BY_NAME)}")
    response = from_build(name, mimetype="application/gzip" if found.gzip else found.media_type)
    response.cache_control.immutable = True
    return response


@blueprint.get("/robots.txt")
def robots():
    text = f"User-agent: *\nDisallow: /sparql?\nDisallow: /search\nSitemap: {url_for('home.sitemap', _external=True)}\n"
    return Response(text, content_type="text/plain; charset=utf-8")


@blueprint.get("/sitemap.xml")
def sitemap():
    """Every page of the build: the home page, the ontology, the queries, and each resource's document."""
    store, base = get_store(), settings()["base"]
    pages = [(url_for(endpoint, _external=True), None) for endpoint in
             ("home.home", "ontology.ontology", "sparql.endpoint", "queries.listing", "statistics.page")]
    pages += [(url_for("lists.listing", name=name, _external=True), None)
              for name in ("praktijken", "initiatieven", "organisaties")]
    pages += [(url_for("queries.run", name=name, _external=True), None)
              for name in current_app.extensions["samenleven.queries"]]
    for row in store.graph.select(DOCUMENTS, prefix=ox.Literal(base + "id/")):
        modified = row["modified"].value[:10] if row["modified"] else None
        pages.append((local(base + "doc/" + row["resource"].value[len(base) + 3:]), modified))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{when}</lastmod>" if when else "") + "</url>"
              for loc, when in pages]
    return Response("\n".join(lines + ["</urlset>", ""]), content_type="application/xml; charset=utf-8")
