"""Answer a program's plain ``GET /sparql?query=…`` before Flask: the endpoint's common request without its cost.

Issue 14's profile of a unique query put two thirds of its CPU in Flask, Werkzeug and the hooks every request
runs (the request context, the session, the before- and after-request hooks), against an eighth in the engine.
``Shortcut`` is WSGI middleware between the answer cache and Flask. It takes a GET of ``/sparql`` whose query
string is one ``query`` parameter, with no cookie, no body and no conditional or range header, from a trusted
host (``trusted_hosts``, unless ``public_url``), whose query is within ``max_query_size``, not blank, has no
``\\U`` escape past Unicode and does not mention SERVICE, and whose ``Accept`` picks a data format. It runs the
query as the view does (``representation.client_job`` and ``run``: the client's share, the query process with
``query_timeout``, ``query_memory``, ``max_rows`` and ``max_result_size``) and gives the 200 the view, ``_cors``
and ``_cache`` give: the same headers in the same order (Vary, Content-Type, Content-Length, Results-Truncated,
CORS, ETag, Last-Modified, Cache-Control, Date; ``no-store`` for NOW/RAND/UUID), kept by the answer cache alike.

Every other request, and every one it would refuse, goes on to Flask, which answers or refuses as before: the
refusals are the views' own. A query it ran that failed (it does not parse, past a limit, past the client's
share) goes on with its outcome (``representation.RAN``), so that it runs once. ``tests/test_shortcut.py``
compares the two paths, header by header and byte by byte.
"""

from urllib.parse import unquote_plus

from werkzeug.http import http_date

from publisher import address, sparql
from publisher.formats import HTML, by_accept
from publisher.views import CORS, etag, made
from publisher.views.representation import RAN, client_job, offered, run

PATH = "/sparql"
# What makes the answer another than the plain 200 (a 304, 412 or 206), or may need the session: left to Flask.
ASIDE = ("HTTP_COOKIE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
         "HTTP_RANGE", "HTTP_IF_RANGE")
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
        text = self.query(environ)
        if text is None:
            return self.app(environ, start_response)
        fmt = by_accept(offered(sparql.outline(text).form), environ.get("HTTP_ACCEPT", ""))
        if fmt is None or fmt is HTML:
            return self.app(environ, start_response)  # a 406, or the query page
        try:
            build = self.builds.require()
        except Exception:  # noqa: BLE001 (no build yet, or one that does not open: the view says why)
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
        return self.respond(environ, start_response, build.manifest, fmt, answer, text)

    def query(self, environ) -> str | None:
        """The query of a request this path answers; None for any other."""
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET" \
                or environ.get("CONTENT_LENGTH") not in (None, "", "0") or any(h in environ for h in ASIDE):
            return None
        if self.hosts is not None and not self.trusted(environ.get("HTTP_HOST", "")):
            return None
        string = environ.get("QUERY_STRING", "")
        if not string.startswith("query=") or "&" in string or not string.isascii():
            return None
        try:
            text = unquote_plus(string[6:], errors="strict")  # SPARQL 1.1 Protocol, 2.1.1; UTF-8 (RFC 3986, 2.5)
        except UnicodeDecodeError:
            return None
        if not text.strip() or len(text.encode("utf-8", "surrogatepass")) > self.settings["max_query_size"] \
                or sparql.beyond_unicode(text) or sparql.mentions_service(text):
            return None
        return text

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

    def respond(self, environ, start_response, manifest: dict, fmt, answer, text: str):
        """The 200 the view gives, with the headers of ``views._cors`` and ``views._cache``, kept when it may be."""
        body = answer.body
        headers = [("Vary", "Accept"), ("Content-Type", fmt.content_type), ("Content-Length", str(len(body)))]
        if answer.truncated:
            headers.append(("Results-Truncated", f"max_rows={self.settings['max_rows']}"))
        headers += _CORS
        if sparql.volatile(text):  # NOW(), RAND(), UUID(): nobody may keep it (views._cache)
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
