"""``/tables/``: the build's flat CSV tables and their CSV on the Web metadata, for people who do not speak RDF."""

from flask import Blueprint, Response, render_template

from publisher import tables
from publisher.layout import prefixed
from publisher.errors import NotFound
from publisher.formats import HTML
from publisher.views import get_store, in_language
from publisher.views.representation import from_build

blueprint = Blueprint("tables", __name__)
# Each file by its name in ``tables/``, with its media type (CSVW, tabular-data-model appendix C).
MEDIA_TYPES = {path.rsplit("/", 1)[1]: media for table in tables.TABLES
               for path, media in zip(table.files, ("text/csv", "application/csvm+json"))}


@blueprint.get("/tables/")
def listing():
    files = get_store().manifest.get("files", {})
    body = render_template("tables.html", tables=tables.TABLES, files=files, separator=tables.SEPARATOR,
                           prefixed=prefixed)
    return in_language(Response(body, content_type=HTML.content_type))


@blueprint.get("/tables/<name>")
def table(name):
    """A file of the tables: immutable for the build, with its ETag, Content-Length and range requests."""
    media = MEDIA_TYPES.get(name)
    if media is None:
        raise NotFound(f"there is no table file {name!r}; the files are {', '.join(MEDIA_TYPES)}")
    response = from_build(f"{tables.FOLDER}/{name}", mimetype=media)
    response.cache_control.immutable = True
    return response
