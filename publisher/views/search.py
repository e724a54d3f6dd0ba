"""``/search``: find a resource by its name or title, for the search box of every page and the 404 page."""

import itertools
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from publisher.formats import HTML
from publisher.presentation import Presenter
from publisher.views import get_store, in_language, local, page_language, settings

blueprint = Blueprint("search", __name__)
SEARCH = (Path(__file__).parents[1] / "search.rq").read_text()
SHOWN = 100


@blueprint.get("/search")
def search():
    text = request.args.get("q", "").strip()[:200]
    store, results = get_store(), []
    if text:
        rows = store.graph.select(SEARCH, text=ox.Literal(text), base=ox.Literal(settings()["base"] + "id/"))
        found = [row["resource"] for row in itertools.islice(rows, SHOWN + 1)]
        presenter = Presenter(store.layout, page_language(), local)
        results = presenter.listing(found[:SHOWN], store.graph.labels(found[:SHOWN], types=True))
        more = len(found) > SHOWN
    else:
        more = False
    body = render_template("search.html", text=text, results=results, more=more, shown=SHOWN)
    return in_language(Response(body, content_type=HTML.content_type))
