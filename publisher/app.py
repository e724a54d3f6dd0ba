"""The web application factory: settings in layers, the store of the build in use, the views."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from publisher import config as settings_table
from publisher import queries, views
from publisher import store as stores


def create_app(config=None) -> Flask:
    """Create the app: settings from defaults, then ``SAMENLEVEN_*`` variables, then the mapping ``config``.

    :raises InputError: a canned query with bad front matter (the server does not start).
    """
    app = Flask(__name__)
    settings = settings_table.load(config)
    app.config["SAMENLEVEN"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings["max_query_size"] * 3 + 4096  # room for form encoding
    app.json.ensure_ascii = False
    app.extensions["samenleven.store"] = stores.Holder(settings)
    app.extensions["samenleven.queries"] = queries.load(settings["queries_dir"])
    views.register(app)
    if settings["proxy_hops"]:
        hops = settings["proxy_hops"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    return app
