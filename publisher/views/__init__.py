"""The HTTP layer: one module per kind of resource, and the handlers every response shares.

Errors speak the client's language: ``application/problem+json`` (RFC 9457) for programs that ask for JSON, a
page for browsers, plain text for everyone else (curl, SPARQLWrapper, which shows the body in its exception).
"""

import hashlib
import logging
from datetime import datetime
from urllib.parse import unquote_to_bytes, urlencode

import pyoxigraph as ox
from flask import Flask, Response, current_app, g, make_response, render_template, request, session
from werkzeug.exceptions import HTTPException

from publisher import language, uris
from publisher import store as stores
from publisher.errors import BadRequest, HTTPProblem, MalformedQuery
from publisher.formats import Format
from publisher import presentation
from publisher.language import N_
from publisher.vocab import PREFIXES

log = logging.getLogger(__name__)

# Browsers and scripts on other sites may query the endpoint and read the data (open data: no credentials).
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "Results-Truncated, Content-Location, Content-Profile, Link, ETag, Vary"}
PREFLIGHT = {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
             "Access-Control-Allow-Headers": "Accept, Accept-Language, Accept-Profile, Content-Type",
             "Access-Control-Max-Age": "86400"}
ERROR_TYPES = ("text/plain", "application/problem+json", "application/json", "text/html")
# Parameters that take one value: a second one is a mistake the client should hear about, not a silent choice.
SINGLE = ("lang", "page", "q", "profile")
# The title of a problem, by status, in the reader's language (RFC 9457, 3.1.4: a title may change with localisation).
TITLES = {400: N_("Ongeldig verzoek"), 401: N_("Niet aangemeld"), 403: N_("Verboden"), 404: N_("Niet gevonden"),
          409: N_("Conflict"), 422: N_("Niet te verwerken"), 502: N_("Fout verderop"),
          405: N_("Methode niet toegestaan"), 406: N_("Geen aanvaardbare vorm"), 413: N_("Verzoek te groot"),
          415: N_("Mediatype niet ondersteund"), 429: N_("Te veel verzoeken"), 500: N_("Interne fout"),
          503: N_("Dienst niet beschikbaar")}


def modules() -> tuple:
    """Import the view modules (and all they import) and return them in the order their routes are registered.

    gunicorn's master calls this before it forks (``publisher.production``), so each worker starts with them
    imported, the editors' dummy password hash made, once, instead of importing them all after the fork.
    """
    from publisher.views import (catalog, context, contribute, editors, home, ldes, lists, media, ontology,
                                 queries, reconcile, resources, search, sparql, statistics, tables)
    return (home, sparql, queries, resources, ontology, search, catalog, ldes, tables, reconcile, statistics,
            context, lists, editors, media, contribute)


def register(app: Flask) -> None:
    """Attach the views, the error handlers and the CORS headers to ``app``."""
    for module in modules():
        app.register_blueprint(module.blueprint)
    app.register_error_handler(HTTPProblem, render_problem)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)
    app.before_request(_refuse_bad_parameters)
    app.after_request(_cache)
    app.after_request(_cors)
    app.add_template_global(local, "local")
    app.add_template_global(href, "href")
    # Jinja's i18n extension, with the catalogue of the page's language: {{ _("…") }}, {{ ngettext(…) }} and
    # {% trans %}, the forms Babel's extractor reads (babel.cfg).
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        lambda text: language.translate(text, page_language()),
        lambda one, many, count: language.translate_plural(one, many, count, page_language()), newstyle=True)
    app.add_template_filter(lambda value: language.format_day(value, page_language()), "day")
    app.add_template_filter(lambda value: language.format_moment(value, page_language()), "moment")
    app.add_template_global(problem_title, "problem_title")
    app.add_template_global(lambda problem: problem.said(page_language()), "problem_detail")
    app.add_template_global(page_language, "lang")
    app.add_template_global(switch_language, "switch_language")


def local(uri: str) -> str:
    """Return where a URI of the dataset or the ontology is served here: its base replaced by this server's root.

    The ontology keeps its namespace whatever the base, so ``{ns}#Practice`` is served at ``/ns#Practice``.
    """
    base = settings()["base"]
    if uri.startswith(base):
        return request.url_root + uri[len(base):]
    if uri == uris.ONTOLOGY or uri.startswith(uris.NS):
        return request.url_root + "ns" + uri[len(uris.ONTOLOGY):]
    return uri


def href(iri: str) -> str | None:
    """Return where a link to ``iri`` goes on this server, or None when its scheme may not be a link."""
    return presentation.href(iri, local)


def page_language() -> str:
    """The language of the page being made (``?lang=``, the cookie, ``Accept-Language``; Dutch by default)."""
    if "lang" not in g:
        g.lang, g.lang_chosen = language.choose(request)
    return g.lang


def problem_title(problem: HTTPProblem) -> str:
    """The title of a problem in the page's language."""
    title = N_("Misvormde vraag") if isinstance(problem, MalformedQuery) else TITLES.get(problem.status)
    return language.translate(title, page_language()) if title else problem.title


def switch_language(code: str) -> str:
    """The URL of this page in another language (the switch also sets the cookie)."""
    args = request.args.to_dict()
    args["lang"] = code
    return request.path + "?" + urlencode(args)


def in_language(response: Response) -> Response:
    """Mark an HTML response with its language, and remember a language chosen with ``?lang=`` in a cookie."""
    lang = page_language()
    response.headers["Content-Language"] = lang
    response.vary.update(("Accept-Language", "Cookie"))
    if g.get("lang_chosen"):
        response.set_cookie(language.COOKIE, lang, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def serialize(triples, fmt: Format, prefixes: dict | None = None) -> bytes:
    """Serialize a graph in an RDF format, sorted (one block per subject), with the project's prefixes and
    ``prefixes``."""
    body = ox.serialize(sorted(triples, key=str), format=fmt.oxigraph, prefixes={**PREFIXES, **(prefixes or {})})
    if fmt.oxigraph == ox.RdfFormat.RDF_XML:
        # pyoxigraph writes a carriage return of a literal as it is, and every XML parser reads it as a line feed
        # (XML 1.0, 2.11); the character reference keeps it. The serializer puts none between elements.
        body = body.replace(b"\r", b"&#13;")
    return body


def get_store() -> stores.Build:
    """Return the build in use (its graph and artefacts); 503 before the first build. The response is then
    cacheable."""
    g.build = current_app.extensions["samenleven.store"].require()
    return g.build


def settings() -> dict:
    return current_app.config["SAMENLEVEN"]


def render_problem(problem: HTTPProblem):
    """Render an error as the client prefers: problem JSON, an HTML page or plain text, in the reader's language
    (Dutch unless ``?lang=en``, the cookie or ``Accept-Language`` says English)."""
    kind = request.accept_mimetypes.best_match(ERROR_TYPES, default="text/plain") if request.accept_mimetypes \
        else "text/plain"
    lang = page_language()
    headers = {**problem.headers, "Vary": "Accept, Accept-Language, Cookie", "Content-Language": lang}
    title, detail = problem_title(problem), problem.said(lang)
    if kind in ("application/problem+json", "application/json"):
        body = {"type": "about:blank", "title": title, "status": problem.status, "detail": detail}
        if problem.limit:
            body["limit"] = problem.limit
        return current_app.json.response(body), problem.status, {**headers,
                                                                  "Content-Type": "application/problem+json"}
    if kind == "text/html":
        return in_language(make_response(render_template("error.html", problem=problem), problem.status, headers))
    text = f"{problem.status} {title}: {detail}\n"
    return text, problem.status, {**headers, "Content-Type": "text/plain; charset=utf-8"}


def _refuse_bad_parameters() -> None:
    """Refuse a query string that is not UTF-8, a parameter given twice, and a language the pages do not have."""
    try:
        unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(N_("de vraagtekst is geen UTF-8 na het decoderen van de procenttekens (RFC 3986, 2.5): "
                            "%(reason)s op byte %(byte)s"),
                         values={"reason": error.reason, "byte": error.start}) from None
    for name in SINGLE:
        if len(request.args.getlist(name)) > 1:
            raise BadRequest(N_("de parameter %(name)s staat %(times)s keer in het verzoek; geef hem één keer"),
                             values={"name": name, "times": len(request.args.getlist(name))})
    asked = request.args.get("lang")
    if asked is not None and asked.strip().lower() not in language.LANGUAGES:
        raise BadRequest(N_("lang moet een van %(languages)s zijn, niet %(asked)s"),
                         values={"languages": ", ".join(language.LANGUAGES), "asked": repr(asked)})


# What Werkzeug's own refusals say, in the catalogue; another keeps Werkzeug's English description.
WERKZEUG = {404: N_("op dit adres staat niets; de startpagina en het zoekvak wijzen de weg"),
            405: N_("deze methode is hier niet toegestaan")}


def _http_exception(error: HTTPException):
    said = WERKZEUG.get(error.code)
    problem = HTTPProblem(said, values={}) if said else HTTPProblem(error.description or error.name)
    problem.status, problem.title = error.code or 500, error.name
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        problem.headers["Allow"] = ", ".join(error.valid_methods)
    return render_problem(problem)


def _unexpected(error: Exception):
    log.exception("unexpected error serving %s", request.path)
    return render_problem(HTTPProblem(N_("er ging onverwacht iets mis; de fout staat in het logboek van de server"),
                                      values={}))


def _cache(response: Response) -> Response:
    """Let clients and proxies keep what a build answered, and revalidate it: ETag, Last-Modified, 304.

    The ETag is the build's identity plus the representation (the URL, media type, language and profile), so a new
    build changes every ETag and one build never gives two bodies the same one (RFC 9110, 8.8.3). The answer is then
    kept (``publisher.answercache``): the next request for it, conditional or not, is answered before any view runs.
    """
    built = g.get("build")
    if built is None or request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if g.get("volatile"):  # the same query gives another answer next time: nobody may keep this one
        response.cache_control.no_store = True
        return response
    if "ETag" not in response.headers:
        variant = "\n".join((request.full_path, response.content_type or "", response.headers.get("Content-Language", ""),
                              response.headers.get("Content-Profile", "")))
        # Weak (RFC 9110, 8.8.1): a document with blank nodes is written with new labels each time, the same
        # graph in other bytes, so the tag may not promise the same bytes (If-Range needs that).
        response.set_etag(etag(built.manifest, variant), weak=True)
    if response.last_modified is None:
        response.last_modified = made(built.manifest)
    response.cache_control.public = True
    if response.cache_control.max_age is None:
        response.cache_control.max_age = settings()["cache_max_age"]
    answers = current_app.extensions.get("samenleven.answers")
    if answers is not None:  # kept whole, before a 304 leaves out its body (``publisher.answercache``)
        answers.keep(request.environ, response, built.manifest["id"], session, g.get("queried", False))
    return response.make_conditional(request)


def etag(manifest: dict, variant: str) -> str:
    """The ETag of a representation of a build: the build's id and a digest of the variant (URL, type, …)."""
    return f"{manifest['id']}-{hashlib.sha256(variant.encode()).hexdigest()[:16]}"


def made(manifest: dict) -> datetime:
    """When a build was made: the Last-Modified of every answer it gives."""
    return datetime.fromisoformat(manifest["created"].replace("Z", "+00:00"))


def _cors(response):
    response.headers.update(CORS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT)
    return response
