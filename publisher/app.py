"""The web application: a factory that serves the build in use.

Until the SPARQL endpoint and the resource pages land, it serves a home page with the build's counts, the
dumps of the build, and the build's ontology document at ``/ns`` (Turtle).
"""

from flask import Flask, abort, current_app, render_template_string, send_from_directory

from publisher import build, config
from publisher import store as stores

HOME = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Samenleven in diversiteit: praktijkdatabank als linked open data</title></head>
<body><main>
<h1>Samenleven in diversiteit</h1>
<p>De praktijkdatabank van VVSG over sociale cohesie, als linked open data.</p>
{% if manifest %}
<h2>Build {{ manifest.id }}</h2>
<table>{% for name, count in manifest.counts.items() %}<tr><th scope="row">{{ name }}</th><td>{{ count }}</td></tr>{% endfor %}</table>
<h2>Downloads</h2>
<ul><li><a href="/dumps/graph.ttl">graph.ttl</a> (Turtle)</li><li><a href="/dumps/graph.nt.gz">graph.nt.gz</a> (N-Triples, gzip)</li></ul>
{% else %}<p>Er is nog geen build: voer <code>samenleven build</code> uit.</p>{% endif %}
</main></body></html>
"""


def create_app(overrides=None) -> Flask:
    """Create the app: settings from defaults, then ``SAMENLEVEN_*`` variables, then ``overrides``."""
    app = Flask(__name__)
    app.config["SAMENLEVEN"] = config.load(overrides)
    app.extensions["samenleven.store"] = stores.open_current(app.config["SAMENLEVEN"])

    @app.get("/")
    def home():
        store = get_store()
        return render_template_string(HOME, manifest=store.manifest if store else None)

    @app.get("/dumps/<any('graph.ttl', 'graph.nt.gz'):name>")
    def dump(name):
        return from_build(name)

    @app.get("/ns")
    def ontology():
        # The ontology keeps its namespace whatever the base, and is published here wherever the server runs:
        # the document of the build in use, so an unbuilt edit of ontology/ is never served.
        return from_build(build.ONTOLOGY, mimetype="text/turtle")

    return app


def from_build(name: str, mimetype: str | None = None):
    """Send a file of the build in use; 404 before the first build."""
    store = get_store()
    if store is None:
        abort(404)
    return send_from_directory(store.folder, name, mimetype=mimetype, conditional=True)


def get_store() -> stores.Store | None:
    """Return the store of the running app."""
    return current_app.extensions["samenleven.store"]
