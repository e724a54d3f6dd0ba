"""``/search``: find a resource by its name or title, for the search box of every page and the 404 page.

A name is a value of a label property of a kind of the build (``kinds.toml``): ``dct:title`` of a practice,
``skos:prefLabel`` or ``skos:altLabel`` of an organisation, ``skos:hiddenLabel`` of a place (the English exonyms).
"""

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
        found = matches(store, text, settings()["base"] + "id/")
        presenter = Presenter(store.layout, page_language(), local)
        results = presenter.listing(found[:SHOWN], store.labels(found[:SHOWN], types=True))
        more = len(found) > SHOWN
    else:
        more = False
    body = render_template("search.html", text=text, results=results, more=more, shown=SHOWN)
    return in_language(Response(body, content_type=HTML.content_type))


def matches(store, text: str, base: str) -> list:
    """The resources under ``base`` a label property of a kind names with ``text``, shortest URI first; at most
    ``SHOWN + 1``."""
    found = set()
    for prop in store.kinds.labels:  # one query per property: the property is bound, never written into the text
        rows = store.graph.select(SEARCH, text=ox.Literal(text), base=ox.Literal(base), property=prop)
        found.update(row["resource"] for row in itertools.islice(rows, SHOWN + 1))
    return sorted(found, key=lambda term: (len(term.value), term.value))[:SHOWN + 1]
