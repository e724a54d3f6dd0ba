"""Answer a program's plain ``GET /sparql?query=…`` before Flask: the endpoint's common request without its cost.

Issue 14's profile of a unique query put two thirds of its CPU in Flask, Werkzeug and the hooks every request
runs (the request context, the session, the before- and after-request hooks), against an eighth in the engine.
``Shortcut`` is WSGI middleware between the answer cache and Flask. It takes a GET of ``/sparql`` whose query
string holds one ``query`` and at most the format choices clients add (``format``, ``output``, ``results``), with no
cookie, no body and no conditional or range header, from a trusted host (``trusted_hosts``, unless
``public_url``), whose query is within ``max_query_size``, not blank, has no ``\\U`` escape past Unicode and does
not mention SERVICE, and for which those choices or ``Accept`` pick a data format. It runs the
query as the view does (``representation.client_job`` and ``run``: the client's share, the query process with
``query_timeout``, ``query_memory``, ``max_rows`` and ``max_result_size``) and gives the 200 the view, ``_cors``
and ``_cache`` give: the same headers in the same order (Vary, Content-Type, Content-Length, Results-Truncated,
CORS, ETag, Last-Modified, Cache-Control, Date; ``no-store`` for NOW/RAND/UUID), kept by the answer cache alike.

Every other request, and every one it would refuse, goes on to Flask, which answers or refuses as before: the
refusals are the views' own. A query it ran that failed (it does not parse, past a limit, past the client's
share) goes on with its outcome (``representation.RAN``), so that it runs once. ``tests/test_shortcut.py``
compares the two paths, header by header and byte by byte.
"""

from urllib.parse import parse_qsl, unquote_plus

from werkzeug.http import http_date

from publisher import address, sparql
from publisher.formats import HTML, pick
from publisher.views import CORS, etag, made
from publisher.views.representation import RAN, client_job, offered, run

PATH = "/sparql"
# What makes the answer another than the plain 200 (a 304, 412 or 206), or may need the session: left to Flask.
ASIDE = ("HTTP_COOKIE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
         "HTTP_RANGE", "HTTP_IF_RANGE")
# The parameters of a query it takes: the query, and the format choices clients such as SPARQLWrapper add.
PARAMETERS = ("query", "format", "output", "results")
_CORS = list(CORS.items())


class Shortcut:
    """WSGI middleware over ``app`` (Flask's) answering plain GETs of ``/sparql`` as the view would."""

    def __init__(self, app, extensions: dict, settings: dict):
        self.app, self.settings = app, settings
        self.builds, self.shares = extensions["samenleven.store"], extensions["samenleven.shares"]
        self.extensions = extensions  # the answer cache, when there is one, is put in front of this afterwards
        self.hosts = None if settings["public_url"].strip() else address.hosts(settings["trusted_hosts"])
        self.cache_control = f"public, max-age={settings['cache_max_age']}"
        self._trusted: dict = {}  # Host value -> whether it is trusted: clients send few (issue 14's profile)
        self._made = ("", None, "")  # the build's id, Last-Modified as a date and as sent

    def __call__(self, environ, start_response):
        try:
            asked = self.query(environ)
            found = sparql.outline(asked[0]) if asked else None  # read once: its form and whether it is volatile
            text, fmt = (asked[0], pick(offered(found.form), asked[1], environ.get("HTTP_ACCEPT", ""))) if asked \
                else (None, None)
            build = None if fmt is None or fmt is HTML else self.builds.require()
        except Exception:  # noqa: BLE001 (no build yet, or one that does not open, or a bug: the views say why)
            build = None
        if build is None:  # another request, a 406, the query page
            return self.app(environ, start_response)
        s = self.settings
        job = client_job(text, fmt, s)
        try:
            answer = run(job, self.shares, environ.get("REMOTE_ADDR"), lambda: build, s["query_timeout"])
        except Exception as error:  # noqa: BLE001 (the view raises it again and renders it)
            environ[RAN] = (job, error)
            return self.app(environ, start_response)
        if answer.error is not None:
            environ[RAN] = (job, answer)
            return self.app(environ, start_response)
        return self.respond(environ, start_response, build.manifest, fmt, answer, found.volatile)

    def query(self, environ) -> tuple[str, list[str]] | None:
        """The query of a request this path answers, and the formats its ``format`` and ``output`` parameters name;
        None for any other request."""
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET" \
                or environ.get("CONTENT_LENGTH") not in (None, "", "0") or any(h in environ for h in ASIDE):
            return None
        if self.hosts is not None and not self.trusted(environ.get("HTTP_HOST", "")):
            return None
        string = environ.get("QUERY_STRING", "")
        if not string.isascii():
            return None
        try:  # SPARQL 1.1 Protocol, 2.1.1; UTF-8 after the percent signs (RFC 3986, 2.5), as the views refuse
            pairs = [("query", unquote_plus(string[6:], errors="strict"))] if string.startswith("query=") \
                and "&" not in string else parse_qsl(string, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return None
        texts = [value for name, value in pairs if name == "query"]
        if len(texts) != 1 or any(name not in PARAMETERS for name, _ in pairs):
            return None
        text = texts[0]
        if not text.strip() or len(text.encode("utf-8", "surrogatepass")) > self.settings["max_query_size"] \
                or sparql.beyond_unicode(text) or sparql.mentions_service(text):
            return None
        # In the view's order: every format value, then every output value (formats.negotiate).
        return text, [v for n, v in pairs if n == "format"] + [v for n, v in pairs if n == "output"]

    def trusted(self, host: str) -> bool:
        found = self._trusted.get(host)
        if found is None:
            if len(self._trusted) > 256:  # made-up hosts may not grow it without bound
                self._trusted.clear()
            found = self._trusted[host] = address.trusted(host, self.hosts)
        return found

    def modified(self, manifest: dict) -> tuple:
        """The build's Last-Modified, as a date and as sent, worked out once per build."""
        made_ = self._made
        if made_[0] != manifest["id"]:
            when = made(manifest)
            made_ = self._made = (manifest["id"], when, http_date(when))
        return made_[1], made_[2]

    def respond(self, environ, start_response, manifest: dict, fmt, answer, volatile: bool):
        """The 200 the view gives, with the headers of ``views._cors`` and ``views._cache``, kept when it may be."""
        body = answer.body
        headers = [("Vary", "Accept"), ("Content-Type", fmt.content_type), ("Content-Length", str(len(body)))]
        if answer.truncated:
            headers.append(("Results-Truncated", f"max_rows={self.settings['max_rows']}"))
        headers += _CORS
        if volatile:  # NOW(), RAND(), UUID(): nobody may keep it (views._cache)
            headers.append(("Cache-Control", "no-store"))
            start_response("200 OK", headers)
            return [body]
        variant = "\n".join((PATH + "?" + environ["QUERY_STRING"], fmt.content_type, "", ""))
        modified, sent = self.modified(manifest)
        headers += [("ETag", f'W/"{etag(manifest, variant)}"'), ("Last-Modified", sent),
                    ("Cache-Control", self.cache_control)]
        answers = self.extensions.get("samenleven.answers")
        if answers is not None:
            answers.put(environ, manifest["id"], list(headers), body, modified, True)
        headers.append(("Date", http_date()))  # what werkzeug's make_conditional adds
        start_response("200 OK", headers)
        return [body]
