"""The web application factory: settings in layers, the store of the build in use, the views."""

import logging

from flask import Flask

from publisher import address, answercache, isolation, queries, shares, shortcut, views
from publisher import config as settings_table
from publisher.moderation import sessions
from publisher import store as stores

log = logging.getLogger(__name__)


def create_app(config=None, builds=None, isolated: bool | None = None) -> Flask:
    """Create the app: settings from defaults, then ``SAMENLEVEN_*`` variables, then the mapping ``config``.

    The builds served are those of ``build_dir`` in the embedded store, or ``builds``: any object whose
    ``require()`` returns a ``store.Build`` (a graph of another store, in tests). ``isolated`` is what
    ``probe_isolation`` found when the caller probed already (gunicorn's master, once for all its workers);
    None: probe now.

    :raises InputError: a canned query with bad front matter (the server does not start).
    """
    app = Flask(__name__)
    settings = settings_table.load(config)
    app.config["SAMENLEVEN"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings["max_query_size"] * 3 + 4096  # room for form encoding
    app.json.ensure_ascii = False
    isolated = probe_isolation(settings) if isolated is None else isolated
    app.extensions["samenleven.isolated"] = isolated
    app.extensions["samenleven.store"] = builds or stores.Holder(settings, isolate=isolated)
    app.extensions["samenleven.shares"] = shares.Shares(settings["client_queries"])
    app.extensions["samenleven.queries"] = queries.load(settings["queries_dir"])
    # A program's plain GET of /sparql is answered before Flask, as the view would (publisher.shortcut, issue 14).
    app.wsgi_app = shortcut.Shortcut(app.wsgi_app, app.extensions, settings)
    app.extensions["samenleven.shortcut"] = app.wsgi_app
    if settings["answer_cache_mb"] > 0:  # inside the address's middleware: its key is the public address
        app.wsgi_app = answercache.AnswerCache(app.wsgi_app, app.extensions["samenleven.store"],
                                               settings["answer_cache_mb"], app.config,
                                               app.extensions["samenleven.shares"])
        app.extensions["samenleven.answers"] = app.wsgi_app
    address.install(app, settings)  # before the views: an untrusted host is refused before anything else runs
    sessions.install(app, settings)  # the editors' session cookie and CSRF tokens (issue 15)
    views.register(app)
    return app


def probe_isolation(settings: dict) -> bool:
    """Whether query processes leave the network: when no SERVICE is allowed and the kernel lets them.

    Probed once, at start, so that the log says at once when the barrier is missing; the endpoint then refuses
    every query that mentions SERVICE (``views.sparql.refuse_services``).
    """
    if settings["service_allow"].strip():
        return False
    reason = isolation.probe()
    if reason:
        log.warning("query processes cannot be shut off from the network (%s): every query that mentions SERVICE "
                    "is refused", reason)
    return reason is None
