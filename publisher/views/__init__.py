"""The HTTP layer: one module per kind of resource, and the handlers every response shares.

Errors speak the client's language: ``application/problem+json`` (RFC 9457) for programs that ask for JSON, a
page for browsers, plain text for everyone else (curl, SPARQLWrapper, which shows the body in its exception).
"""

import logging

import pyoxigraph as ox
from flask import Flask, current_app, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from publisher import store as stores
from publisher.errors import HTTPProblem

log = logging.getLogger(__name__)

# Browsers and scripts on other sites may query the endpoint and read the data (open data: no credentials).
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "Results-Truncated, Content-Location, Link, ETag, Vary"}
PREFLIGHT = {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
             "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type",
             "Access-Control-Max-Age": "86400"}
ERROR_TYPES = ("text/plain", "application/problem+json", "application/json", "text/html")


def register(app: Flask) -> None:
    """Attach the views, the error handlers and the CORS headers to ``app``."""
    from publisher.views import home, queries, sparql
    for module in (home, sparql, queries):
        app.register_blueprint(module.blueprint)
    app.register_error_handler(HTTPProblem, render_problem)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)
    app.after_request(_cors)
    app.add_template_filter(term_html, "term")
    app.add_template_global(local, "local")


def local(uri: str) -> str:
    """Return where a URI of the dataset is served here: the base replaced by this server's root."""
    base = settings()["base"]
    return request.url_root + uri[len(base):] if uri.startswith(base) else uri


def term_html(term) -> Markup:
    """Show an RDF term in a results table: IRIs as links, literals with their language or datatype."""
    if term is None:
        return Markup("")
    if isinstance(term, ox.NamedNode):
        return Markup('<a href="{}">{}</a>').format(local(term.value), term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Markup('{} <small lang="en">@{}</small>').format(term.value, term.language)
        kind = term.datatype.value.rsplit("#", 1)[-1]
        return Markup("{}").format(term.value) if kind == "string" else \
            Markup('{} <small>{}</small>').format(term.value, kind)
    return Markup("<code>{}</code>").format(str(term))


def get_store() -> stores.Store:
    """Return the store of the build in use; 503 before the first build."""
    return current_app.extensions["samenleven.store"].require()


def settings() -> dict:
    return current_app.config["SAMENLEVEN"]


def render_problem(problem: HTTPProblem):
    """Render an error as the client prefers: problem JSON, an HTML page or plain text."""
    kind = request.accept_mimetypes.best_match(ERROR_TYPES, default="text/plain") if request.accept_mimetypes \
        else "text/plain"
    headers = {**problem.headers, "Vary": "Accept"}
    if kind in ("application/problem+json", "application/json"):
        body = {"type": "about:blank", "title": problem.title, "status": problem.status, "detail": problem.detail}
        if problem.limit:
            body["limit"] = problem.limit
        return current_app.json.response(body), problem.status, {**headers,
                                                                  "Content-Type": "application/problem+json"}
    if kind == "text/html":
        return render_template("error.html", problem=problem), problem.status, headers
    text = f"{problem.status} {problem.title}: {problem.detail}\n"
    return text, problem.status, {**headers, "Content-Type": "text/plain; charset=utf-8"}


def _http_exception(error: HTTPException):
    problem = HTTPProblem(error.description or error.name)
    problem.status, problem.title = error.code or 500, error.name
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        problem.headers["Allow"] = ", ".join(error.valid_methods)
    return render_problem(problem)


def _unexpected(error: Exception):
    log.exception("unexpected error serving %s", request.path)
    return render_problem(HTTPProblem("an unexpected error occurred; it has been logged"))


def _cors(response):
    response.headers.update(CORS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT)
    return response
