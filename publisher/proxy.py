"""The reverse proxy of the production set-up: nginx's configuration, filled in from the shipped template.

``publisher/deploy/nginx.conf`` is the one configuration: ``samenleven deploy nginx`` prints it for a server, and
the tests and the load benchmark run nginx with it, so what they show holds for what is deployed.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from publisher.errors import PublisherError

TEMPLATE = Path(__file__).parent / "deploy" / "nginx.conf"
# Debian's nginx package keeps its pid, logs and temporary files here; its systemd unit expects the pid there.
DEBIAN = {"pid": "/run/nginx.pid", "error_log": "/var/log/nginx/error.log",
          "access_log": "/var/log/nginx/access.log", "temp": None, "cache": "/var/lib/nginx/samenleven"}
_ADDRESS = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)?:?[0-9]{1,5}$|^unix:/[^\s;{}]+$")
_PREFIX = re.compile(r"^(/[A-Za-z0-9._~-]+)*$")
_SAFE = re.compile(r"^[^\s;{}'\"\\$#]+$")  # one nginx word: nothing that ends or opens a directive


class ProxyError(PublisherError):
    """A value that cannot go into the configuration: the command stops with exit 2 and prints nothing."""

    exit_code = 2


@dataclass
class Proxy:
    """What differs from one deployment to the next; the rest of the configuration is the same everywhere."""

    listen: str = "80"
    upstream: tuple[str, ...] = ("127.0.0.1:8000",)  # one address per publisher server
    server_name: str = "_"
    prefix: str = ""
    state_dir: Path | None = None
    user: str = "www-data"
    connections: int = 32
    query_rate: int = 10
    query_burst: int = 20
    cache: bool = True


def paths(state_dir: Path | None) -> dict:
    """Where nginx keeps its pid, logs, temporary files and cache: under ``state_dir``, or Debian's places.

    >>> paths(Path("/srv/proxy"))["pid"]
    '/srv/proxy/nginx.pid'
    """
    if state_dir is None:
        return dict(DEBIAN)
    names = {"pid": "nginx.pid", "error_log": "error.log", "access_log": "access.log", "cache": "cache"}
    return {"temp": str(state_dir), **{key: str(Path(state_dir) / name) for key, name in names.items()}}


def configuration(proxy: Proxy, settings: dict) -> str:
    """Return nginx.conf for ``proxy`` in front of a server with ``settings`` (body size, query timeout).

    :raises ProxyError: a value that is not an address, a path prefix or one word of nginx's language.
    """
    _check(proxy)
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                     trim_blocks=True, lstrip_blocks=True)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        listen=proxy.listen, upstreams=proxy.upstream, server_name=proxy.server_name, prefix=proxy.prefix,
        user=proxy.user, paths=paths(proxy.state_dir), connections=proxy.connections,
        query_rate=proxy.query_rate, query_burst=proxy.query_burst, cache=proxy.cache,
        # The same room as the server's own limit (publisher.app): its 413 names the setting.
        max_body=settings["max_query_size"] * 3 + 4096,
        # Longer than a query may take, so that the server's own 503 reaches the client, not nginx's 504.
        read_timeout=int(settings["query_timeout"] * 3) + 10)


def _check(proxy: Proxy) -> None:
    if not proxy.upstream:
        raise ProxyError("--upstream: give at least one server, HOST:PORT")
    if len(set(proxy.upstream)) < len(proxy.upstream):
        raise ProxyError(f"--upstream {' '.join(proxy.upstream)!r}: the same server twice")
    for name, value in [("listen", proxy.listen), *(("upstream", address) for address in proxy.upstream)]:
        if not _ADDRESS.match(value):
            raise ProxyError(f"--{name} {value!r}: give PORT, HOST:PORT, [IPv6]:PORT or unix:/PATH")
    if not _PREFIX.match(proxy.prefix):
        raise ProxyError(f"--prefix {proxy.prefix!r}: give a path such as /samenleven (no trailing slash), "
                             "or nothing")
    for name in ("server_name", "user"):
        value = getattr(proxy, name)
        if value and not all(_SAFE.match(word) for word in value.split()):
            raise ProxyError(f"--{name.replace('_', '-')} {value!r}: names only, no ; {{ }} quotes or $")
    if proxy.state_dir is not None and not _SAFE.match(str(proxy.state_dir)):
        raise ProxyError(f"--state-dir {str(proxy.state_dir)!r}: a path without spaces, ; {{ }} quotes or $")
    if min(proxy.connections, proxy.query_rate, proxy.query_burst) < 1 or proxy.connections > 65535:
        raise ProxyError("--connections (at most 65535), --query-rate and --query-burst are at least 1")
