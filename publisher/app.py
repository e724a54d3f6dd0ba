"""The web application factory: settings in layers, the store of the build in use, the views."""

from flask import Flask

from publisher import address, queries, views
from publisher import config as settings_table
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
    address.install(app, settings)  # before the views: an untrusted host is refused before anything else runs
    views.register(app)
    return app
