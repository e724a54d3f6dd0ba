"""Keep the finished answers of the build in use in the server process, and give them again without rendering.

A build is immutable, so a GET of one URL with the same request headers gets the same answer for as long as the
build is served (issue 14). ``AnswerCache`` is WSGI middleware in front of Flask: it keys a GET or HEAD by the
build's id, the address asked (scheme, host, path and query string, after ``proxy_hops``) and every request header
an answer of this server varies on (``Accept``, ``Accept-Language``, the language cookie, ``Accept-Profile``), and
answers a key it holds at once, a ``304`` when ``If-None-Match`` or ``If-Modified-Since`` says the client has it
(RFC 9110, 13.1): no view, no store query, no template, no Flask request. ``keep`` (called by
``views._cache``, before the response is made conditional) takes an answer in only when it is the build's: a
``200`` marked public, made from the build of its key, not streamed, that wrote nothing into the session (a CSRF
token) and set no cookie but the language's. The cache is bounded by ``answer_cache_mb`` (least recently used first out) and
emptied when another build is served.

Never kept: errors, ``429`` and ``503`` (they say something about the moment, not the build), anything of a request
that carries the editors' session cookie, and what writes into the session (a form's CSRF token). Kept: an answer
cut at ``max_rows`` (``Results-Truncated``), which is a function of the query, the build and the setting like
any other. A kept answer starts no query, so it takes no share of ``client_queries``; but a client that has its share of
queries running gets the kept answer of a query (``/sparql``, a canned query) as it would get the query, a 429
from the view, so the cache opens no way around the share. A rate per client address is nginx's (``samenleven
deploy nginx``), in front of this cache, and counts every request.
"""

import threading
from collections import OrderedDict

from werkzeug.http import is_resource_modified, remove_entity_headers
from werkzeug.sansio.http import parse_cookie

from publisher.language import COOKIE

KEY = "samenleven.answer"  # where the middleware leaves a request's key for ``keep``
VARIES = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_PROFILE")
OVERHEAD = 512  # bytes counted per entry beyond its body, headers and key: the objects that hold them


class AnswerCache:
    """WSGI middleware over ``app`` that answers from the answers kept for ``builds``' build in use."""

    def __init__(self, app, builds, megabytes: float, config, shares):
        self.app, self.builds, self.config = app, builds, config  # config: the app's, for its session cookie
        self.shares = shares  # a query's kept answer is refused, as the query is, to a client past its share
        self.limit = int(megabytes * 2**20)
        self.largest = self.limit // 8  # one answer may not push out most of the others
        self.size, self.build = 0, None
        self._kept: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        key = self.key(environ)
        if key is not None:
            environ[KEY] = key
            with self._lock:
                found = self._kept.get(key)
                if found is not None:
                    self._kept.move_to_end(key)
            if found is not None and not (found[5] and self.shares.full(environ.get("REMOTE_ADDR"))):
                return self.answer(found, environ, start_response)
        return self.app(environ, start_response)

    @staticmethod
    def answer(found: tuple, environ, start_response):
        """Give a kept answer as it was sent, or a 304 with the headers a 304 keeps (RFC 9110, 15.4.5)."""
        headers, unchanged, body, tag, modified, _, _ = found
        if ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ) and \
                not is_resource_modified(environ, etag=tag, last_modified=modified):
            start_response("304 NOT MODIFIED", list(unchanged))
            return []
        start_response("200 OK", list(headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def key(self, environ) -> tuple | None:
        """The key of a request that a kept answer may serve; None for one that must reach the views."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_RANGE" in environ:
            return None
        lang = ""
        if "HTTP_COOKIE" in environ:
            cookies = parse_cookie(environ["HTTP_COOKIE"])
            if self.config.get("SESSION_COOKIE_NAME", "session") in cookies:
                return None  # an editor's pages may show the session; theirs are never kept
            lang = cookies.get(COOKIE, "")
        build = self.current()
        if build is None:
            return None
        return (build, environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
                environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), lang,
                *(environ.get(name, "").strip() for name in VARIES))

    def current(self) -> str | None:
        """The id of the build in use (the cache is emptied when it changes); None before the first build."""
        try:
            found = self.builds.get() if hasattr(self.builds, "get") else self.builds.require()
        except Exception:  # noqa: BLE001 (no build, or one that does not open: the views say why)
            return None
        if found is None:
            return None
        build = found.manifest["id"]
        if build != self.build:
            with self._lock:
                self._kept.clear()
                self.size, self.build = 0, build
        return build

    def keep(self, environ, response, build: str, session, queried: bool = False) -> None:
        """Keep ``response`` for the request of ``environ`` if it is an answer of ``build`` that anyone may get."""
        key = environ.get(KEY)
        if key is None or key[0] != build or key[0] != self.build or response.status_code != 200 \
                or response.is_streamed or response.direct_passthrough:
            return
        control = response.cache_control
        if not control.public or control.no_store or control.private or session.modified:
            return
        if any(not cookie.startswith(COOKIE + "=") for cookie in response.headers.getlist("Set-Cookie")):
            return
        if session.accessed:
            response.vary.add("Cookie")  # as Flask's session interface adds after this, so kept headers are sent ones
        headers = response.get_wsgi_headers(environ).to_wsgi_list()  # as sent: Content-Length, absolute locations
        self.put(environ, build, headers, response.get_data(), response.last_modified, queried)

    def put(self, environ, build: str, headers: list, body: bytes, modified, queried: bool) -> None:
        """Keep a 200 of ``build`` for the request of ``environ``: its WSGI headers (an ETag among them) and body."""
        key = environ.get(KEY)
        if key is None or key[0] != build or key[0] != self.build:
            return
        unchanged = list(headers)
        remove_entity_headers(unchanged)  # what werkzeug leaves in a 304 of the same answer
        tag = next((v for n, v in headers if n == "ETag"), None)
        size = len(body) + sum(len(n) + len(v) for n, v in headers) + sum(len(str(part)) for part in key) + OVERHEAD
        if size > self.largest:
            return
        with self._lock:
            if key[0] != self.build:
                return
            old = self._kept.pop(key, None)
            if old is not None:
                self.size -= old[-1]
            self._kept[key] = (headers, unchanged, body, tag, modified, queried, size)
            self.size += size
            while self.size > self.limit:
                _, dropped = self._kept.popitem(last=False)
                self.size -= dropped[-1]
