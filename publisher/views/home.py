"""The dataset's home page, the dumps of the build in use, and the ontology document at ``/ns``."""

from flask import Blueprint, render_template, send_from_directory

from publisher import build
from publisher.views import get_store

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def home():
    store = get_store()
    return render_template("home.html", manifest=store.manifest)


@blueprint.get("/dumps/<any('graph.ttl', 'graph.nt.gz'):name>")
def dump(name):
    return from_build(name)


@blueprint.get("/ns")
def ontology():
    # The ontology keeps its namespace whatever the base, and is published here wherever the server runs: the
    # document of the build in use, so an unbuilt edit of ontology/ is never served.
    return from_build(build.ONTOLOGY, mimetype="text/turtle")


def from_build(name: str, mimetype: str | None = None):
    """Send a file of the build in use."""
    return send_from_directory(get_store().folder, name, mimetype=mimetype, conditional=True)
