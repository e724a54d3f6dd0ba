"""How often one client may try a thing: a log of attempts in the proposals database, which every server process
shares (gunicorn's workers, and the hosts of one ``database_url``).

Flask-Limiter's memory storage counts per process, so N workers let a client through N times; its shared storages
all need a server of their own (Redis, Memcached, MongoDB). The queue's database is shared already. A limit is
written in Flask-Limiter's notation (the ``limits`` library parses it, ``;`` between limits) and counted over a
moving window: for "5 per minute", the attempts of the last 60 seconds. A client is its address as a keyed hash
(HMAC-SHA-256 with the server's secret), so the database keeps no address (GDPR art. 5(1)(c), data minimisation).
"""

import hashlib
import hmac
import ipaddress
import time

from limits import RateLimitItem, parse_many

from publisher.config import SettingError
from publisher.moderation.queue import Queue

COUNTING = 1503  # the lock under which a client's attempts are counted and one added (schema.lock)


def client(secret: str, address: str) -> str:
    """The keyed hash that stands for a client address in the database; an IPv6 address counts as its /64.

    One IPv6 subscriber is given a whole /64 (RFC 6177, RIPE-690), so counting each address of it alone would give
    one client 2**64 budgets.

    >>> client("key", "127.0.0.1") == client("key", "127.0.0.1") != client("key", "127.0.0.2")
    True
    >>> client("key", "2001:db8:1:2::1") == client("key", "2001:db8:1:2:ffff::9") != client("key", "2001:db8:1:3::1")
    True
    """
    try:
        found = ipaddress.ip_address(address)
    except ValueError:  # not an address (a test client, a proxy's odd header): counted as it is
        found = None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is None:
        address = str(ipaddress.IPv6Network((found, 64), strict=False))
    return hmac.new(secret.encode(), f"client\0{address}".encode(), hashlib.sha256).hexdigest()[:32]


def limits(text: str, setting: str) -> list[RateLimitItem]:
    """Read the limits of a setting, such as ``20 per hour; 5 per minute``.

    :raises SettingError: text that is no limit, with the setting's name.
    """
    try:
        found = parse_many(str(text))
    except ValueError:
        found = []
    if not found:
        raise SettingError(f"{setting}: {text!r} is not a rate limit, such as '20 per hour; 5 per minute'")
    return found


class Throttle:
    """The attempts of one kind (``login``, ``contribute``) that each client may make."""

    def __init__(self, queue: Queue, kind: str, allowed: list[RateLimitItem]):
        self.queue, self.kind, self.allowed = queue, kind, allowed

    def admit(self, who: str) -> RateLimitItem | None:
        """Count an attempt of the client ``who`` and return None; or, past a limit, count nothing and return it.

        The count is read and raised in one transaction, under a lock, so that two processes cannot both let
        through the last attempt a limit allows.
        """
        now = time.time()
        with self.queue.transaction(lock=COUNTING) as cursor:
            # What no window reaches any more counts for nothing: forget it.
            cursor.run("DELETE FROM attempts WHERE kind = ? AND at < ?",
                       (self.kind, now - max(item.get_expiry() for item in self.allowed)))
            for item in self.allowed:
                (count,) = cursor.one("SELECT count(*) FROM attempts WHERE kind = ? AND client = ? AND at > ?",
                                      (self.kind, who, now - item.get_expiry()))
                if count >= item.amount:
                    return item
            cursor.run("INSERT INTO attempts (kind, client, at) VALUES (?, ?, ?)", (self.kind, who, now))
        return None
