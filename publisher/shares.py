"""Count each client's queries in flight, so that one client cannot take every query process.

A client is its address as the server sees it, after ``proxy_hops`` trusted proxies (Werkzeug's ProxyFix has
already put the forwarded address in ``remote_addr``). The count is per server process, like the pool of query
processes it guards; a client past its share gets a 429 at once instead of a place in the queue (RFC 6585, 4).
"""

import threading
from collections import Counter
from contextlib import contextmanager

from publisher.errors import TooManyRequests
from publisher.language import N_


class Shares:
    """At most ``per_client`` queries running at once for each client address."""

    def __init__(self, per_client: int):
        self.per_client = per_client
        self._running: Counter = Counter()
        self._lock = threading.Lock()

    def full(self, client: str | None) -> bool:
        """Whether ``client`` has its ``per_client`` queries running (a kept answer of a query is then refused too)."""
        with self._lock:
            return self._running[client or "unknown"] >= self.per_client

    @contextmanager
    def hold(self, client: str | None):
        """Count one query of ``client`` while the block runs.

        :raises TooManyRequests: ``client`` already has ``per_client`` queries running.
        """
        client = client or "unknown"
        with self._lock:
            if self._running[client] >= self.per_client:
                raise TooManyRequests(N_("%(client)s heeft al %(running)s vragen lopen, het deel van één client op "
                                         "dit eindpunt (client_queries=%(share)s); stuur de volgende als er een "
                                         "antwoord terug is"), limit="client_queries", headers={"Retry-After": "1"},
                                      values={"client": client, "running": self._running[client],
                                              "share": self.per_client})
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
