"""``/tables/``: the build's flat CSV tables and their CSV on the Web metadata, for people who do not speak RDF."""

from flask import Blueprint, Response, render_template

from publisher import tables
from publisher.layout import prefixed
from publisher.errors import NotFound
from publisher.language import N_
from publisher.formats import HTML
from publisher.views import get_store, in_language
from publisher.views.representation import from_build

blueprint = Blueprint("tables", __name__)


def media_types() -> dict:
    """Each file of the build's tables by its name in ``tables/``, with its media type (CSVW, tabular-data-model
    appendix C)."""
    return {path.rsplit("/", 1)[1]: "text/csv" if path.endswith(".csv") else "application/csvm+json"
            for path in tables.files(get_store().kinds)}


@blueprint.get("/tables/")
def listing():
    store = get_store()
    files = store.manifest.get("files", {})
    body = render_template("tables.html", tables=tables.of(store.kinds), files=files, separator=tables.SEPARATOR,
                           prefixed=prefixed, group=tables.GROUP)
    return in_language(Response(body, content_type=HTML.content_type))


@blueprint.get("/tables/<name>")
def table(name):
    """A file of the tables: immutable for the build, with its ETag, Content-Length and range requests."""
    offered = media_types()
    media = offered.get(name)
    if media is None:
        raise NotFound(N_("er is geen tabelbestand %(name)s; de bestanden zijn %(files)s"),
                       values={"name": repr(name), "files": ", ".join(offered)})
    response = from_build(f"{tables.FOLDER}/{name}", mimetype=media)
    response.cache_control.immutable = True
    return response
