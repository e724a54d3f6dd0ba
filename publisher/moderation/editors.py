"""The editors' accounts: a name, an argon2id hash of the password, a session generation, and failed logins that
slow down only the client that made them.

Hashing is argon2-cffi's ``PasswordHasher`` with its defaults (argon2id, RFC 9106's second recommended
parameters), the first choice of OWASP's Password Storage Cheat Sheet. Every login the throttle lets through costs
one hash, whether the name exists or not, and every refusal is the same ``Login(None)``: OWASP's Authentication
Cheat Sheet ("Authentication and Error Messages") asks for one generic answer, so that it does not tell which
names exist. Failures are counted per (name, client) pair: after ``max_failures`` the pair waits 1 s, then twice
as long after each further failure, up to ``MAX_WAIT`` ("Account Lockout": a lock that anyone can set off is a
denial of service), and the editor logs in from elsewhere as usual. A session carries the account's generation;
a new password or ``disable`` moves it on, which ends every session made before.
"""

import hashlib
import re
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from publisher.errors import PublisherError
from publisher.moderation.queue import Queue, now

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 12  # NIST SP 800-63B, 5.1.1.2: at least 8; longer for an account that publishes
_HASHER = PasswordHasher()
# What a login is checked against when the name is no editor's, so that it costs one verification too: the hash of
# a password no editor has, written here since making it costs what a login costs (a third of a second of every
# start of the server and of the command, issue 14); made anew only if the hasher's parameters are no longer these.
_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$dw4pz4ujepF8h3BGohvg8w$4dX6cvvRh0OYuRpc6+qu0Ik473yNcmjUpToheV+tMG0"
if _HASHER.check_needs_rehash(_DUMMY):
    _DUMMY = _HASHER.hash("a password no editor has")
MAX_WAIT = 3600  # seconds: the longest back-off of a (name, client) pair
FORGET = 86400  # seconds after its last failure that a pair starts again
LOGINS = 1504  # the lock under which a pair's failures are read and raised (schema.lock)


class EditorError(PublisherError):
    """A name or password that cannot make an account, or an account that exists already."""


@dataclass(frozen=True)
class Login:
    """The outcome of a login: the editor's name and session generation when it succeeded, else None."""

    editor: str | None
    generation: int = 0


def wait(failures: int, max_failures: int) -> float:
    """Seconds a (name, client) pair waits after its ``failures``-th failure in a row.

    >>> [wait(n, 3) for n in (1, 2, 3, 4, 5)], wait(40, 3)
    ([0, 0, 1, 2, 4], 3600)
    """
    return 0 if failures < max_failures else min(2 ** min(failures - max_failures, 12), MAX_WAIT)


class Editors:
    """The editors of one proposals database."""

    def __init__(self, queue: Queue, max_failures: int):
        self.queue, self.max_failures = queue, max_failures

    def add(self, name: str, password: str, replace: bool = False) -> None:
        """Make an account, or give an existing one a new password when ``replace``: that ends its sessions and
        enables it again.

        :raises EditorError: a name not of lower-case letters, digits, ``.``, ``_``, ``-``; a password shorter
            than ``MIN_PASSWORD``; an existing name without ``replace``.
        """
        if not NAME.fullmatch(name or ""):
            raise EditorError(f"editor name {name!r}: use 1 to 64 lower-case letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit")
        if len(password or "") < MIN_PASSWORD:
            raise EditorError(f"the password is shorter than {MIN_PASSWORD} characters")
        hashed = _HASHER.hash(password)
        with self.queue.transaction() as cursor:
            if cursor.one("SELECT 1 FROM editors WHERE name = ?", (name,)):
                if not replace:
                    raise EditorError(f"editor {name} exists already; give --replace to set a new password "
                                      "(which also ends the editor's sessions and enables a disabled account)")
                cursor.run("UPDATE editors SET password = ?, disabled = 0, generation = generation + 1 "
                           "WHERE name = ?", (hashed, name))
            else:
                cursor.run("INSERT INTO editors (name, password, failures, created) VALUES (?, ?, 0, ?)",
                           (name, hashed, now()))

    def disable(self, name: str) -> None:
        """End every session of ``name`` and refuse its logins, until ``add --replace`` gives it a new password.

        :raises EditorError: no such editor.
        """
        self._move_on(name, "disabled = 1, ")

    def end_sessions(self, name: str) -> None:
        """End every session of ``name`` (its next request asks for the login again).

        :raises EditorError: no such editor.
        """
        self._move_on(name, "")

    def _move_on(self, name: str, also: str) -> None:
        with self.queue.transaction() as cursor:
            changed = cursor.run(f"UPDATE editors SET {also}generation = generation + 1 WHERE name = ?", (str(name),))
            if changed.rowcount != 1:
                raise EditorError(f"there is no editor {name}; `samenleven editor list` names them")

    def login(self, name: str, password: str, who: str) -> Login:
        """Check a name and password from the client ``who`` (``throttle.client``); count a failure of the pair.

        An unknown name, a wrong password, a disabled account and a pair that must still wait all give
        ``Login(None)`` after the same work: one argon2 verification.
        """
        name = str(name or "")
        pair = hashlib.sha256(f"{who}\0{name}".encode()).hexdigest()
        moment = time.time()
        with self.queue.transaction() as cursor:
            account = cursor.one("SELECT password, generation, disabled FROM editors WHERE name = ?",
                                 (name,)) if NAME.fullmatch(name) else None
            failed = cursor.one("SELECT failures, last FROM login_failures WHERE pair = ?", (pair,))
        hashed, generation, disabled = account or (_DUMMY, 0, 1)
        waiting = failed is not None and moment < failed[1] + wait(failed[0], self.max_failures)
        right = _verify(hashed, password)  # outside the transaction: the hash takes a while
        with self.queue.transaction(lock=LOGINS) as cursor:
            cursor.run("DELETE FROM login_failures WHERE last < ?", (moment - FORGET,))
            if not right or disabled or waiting:
                row = cursor.one("SELECT failures FROM login_failures WHERE pair = ?", (pair,))
                if row is None:
                    cursor.run("INSERT INTO login_failures (pair, failures, last) VALUES (?, 1, ?)", (pair, moment))
                else:
                    cursor.run("UPDATE login_failures SET failures = failures + 1, last = ? WHERE pair = ?",
                               (moment, pair))
                return Login(None)
            cursor.run("DELETE FROM login_failures WHERE pair = ?", (pair,))
            if _HASHER.check_needs_rehash(hashed):
                cursor.run("UPDATE editors SET password = ? WHERE name = ?", (_HASHER.hash(password), name))
        return Login(name, generation)

    def active(self, name: str, generation) -> bool:
        """Whether a session of ``name`` made in ``generation`` still holds (checked at every request): the account
        exists, is not disabled, and has had no new password since."""
        with self.queue.transaction() as cursor:
            row = cursor.one("SELECT generation, disabled FROM editors WHERE name = ?", (str(name),))
        return row is not None and not row[1] and row[0] == generation

    def names(self) -> list[str]:
        """Return the editors' names, sorted."""
        with self.queue.transaction() as cursor:
            return [row[0] for row in cursor.all("SELECT name FROM editors ORDER BY name")]


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, str(password))
    except (VerificationError, InvalidHashError):
        return False
