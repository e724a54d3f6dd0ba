"""The server's public address: which ``Host`` headers it answers, and the fixed address of ``public_url``.

Every link the server writes (pages, the catalogue, the sitemap, ``Link`` and ``Content-Location`` headers, the
change feed) starts with the request's root URL, which Werkzeug builds from the ``Host`` header, or from
``X-Forwarded-Host`` behind ``proxy_hops`` trusted proxies. A response cached by a proxy would then carry a host
any client made up (host header injection). So the host is checked against ``trusted_hosts`` with Werkzeug's own
matching (``host_is_trusted``: any port, a leading dot admits subdomains), and another host gets 400. When
``public_url`` is set, the root URL is that address whatever the headers say, and no host needs checking.
"""

from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted

from publisher.config import SettingError
from publisher.errors import BadRequest


def install(app: Flask, settings: dict) -> None:
    """Make ``app`` write links with its public address only: ``public_url``, else a trusted ``Host``."""
    inner = app.wsgi_app
    public = settings["public_url"].strip()
    if public:
        inner = PublicURL(inner, public)
    if settings["proxy_hops"]:
        hops = settings["proxy_hops"]
        # ProxyFix runs first, so public_url wins over X-Forwarded-* and the host check sees X-Forwarded-Host.
        inner = ProxyFix(inner, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    app.wsgi_app = inner
    if not public:
        allowed = hosts(settings["trusted_hosts"])
        app.before_request(lambda: _refuse_untrusted(allowed))


def hosts(text: str) -> list[str]:
    """Return the host names of a comma-separated setting, without ports.

    >>> hosts(" 127.0.0.1, localhost:8000 ,[::1],")
    ['127.0.0.1', 'localhost', '[::1]']
    """
    found = [name.strip().lower() for name in text.split(",") if name.strip()]
    return [name[:name.index("]") + 1] if name.startswith("[") else name.partition(":")[0] for name in found]


def trusted(host: str, allowed: list[str]) -> bool:
    """Tell whether a ``Host`` value (``name:port``) names one of ``allowed``; an empty list trusts nothing.

    Werkzeug's ``host_is_trusted`` checks the characters and the port and matches names (a leading dot admits
    subdomains), but cuts an IPv6 literal at its first colon, so ``[::1]`` is compared here.

    >>> trusted("127.0.0.1:8000", ["127.0.0.1"]), trusted("[::1]:8000", ["[::1]"]), trusted("Localhost", ["localhost"])
    (True, True, True)
    >>> trusted("evil.example", ["127.0.0.1"]), trusted("127.0.0.1.evil.example", ["127.0.0.1"]), trusted("", [])
    (False, False, False)
    >>> trusted("data.example.org", [".example.org"]), trusted("[::2]", ["[::1]"]), trusted("a b", ["a b"])
    (True, False, False)
    """
    host = host.lower()
    if not host or not host_is_trusted(host, None):  # the characters and the port, against any list
        return False
    if host.startswith("["):
        return host[:host.index("]") + 1] in allowed
    names = [name for name in allowed if not name.startswith("[")]
    return bool(names) and host_is_trusted(host, names)


def _refuse_untrusted(allowed: list[str]) -> None:
    host = request.environ.get("HTTP_HOST") or request.host
    if not trusted(host, allowed):
        raise BadRequest(f"this server does not answer for the host {host!r} (the Host header"
                         f"{' or X-Forwarded-Host' if 'werkzeug.proxy_fix.orig' in request.environ else ''}); "
                         f"its hosts are {', '.join(allowed) or 'none'} (setting trusted_hosts, or set public_url)",
                         limit="trusted_hosts")


class PublicURL:
    """WSGI middleware that gives every request the scheme, host and path prefix of ``public_url``."""

    def __init__(self, app, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise SettingError(f"setting public_url (SAMENLEVEN_PUBLIC_URL) must be an http(s) address such as "
                               f"https://data.example.org/samenleven/, not {url!r}")
        self.app, self.scheme, self.host = app, parts.scheme, parts.netloc
        self.prefix = parts.path.rstrip("/")

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"], environ["HTTP_HOST"] = self.scheme, self.host
        path = environ.get("PATH_INFO", "")
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            path = path[len(self.prefix):]  # a proxy that passes the prefix on instead of stripping it
        environ["PATH_INFO"], environ["SCRIPT_NAME"] = path, self.prefix
        return self.app(environ, start_response)
