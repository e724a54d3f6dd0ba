"""The editors' accounts: a name, an argon2id hash of the password, and a count of failed logins that locks.

Hashing is argon2-cffi's ``PasswordHasher`` with its defaults (argon2id, RFC 9106's second recommended
parameters), the first choice of OWASP's Password Storage Cheat Sheet. A name that is not an editor costs a
login the same hashing as a wrong password, so the time of the answer does not tell which names exist.
"""

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from publisher.errors import PublisherError
from publisher.moderation.queue import Queue, now

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 12  # NIST SP 800-63B, 5.1.1.2: at least 8; longer for an account that publishes
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("a password no editor has")


class EditorError(PublisherError):
    """A name or password that cannot make an account, or an account that exists already."""


@dataclass(frozen=True)
class Login:
    """The outcome of a login: the editor's name when it succeeded, else why not."""

    editor: str | None
    locked: bool = False


class Editors:
    """The editors of one proposals database."""

    def __init__(self, queue: Queue, max_failures: int):
        self.queue, self.max_failures = queue, max_failures

    def add(self, name: str, password: str, replace: bool = False) -> None:
        """Make an account, or give an existing one a new password and unlock it when ``replace``.

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
                                      "(which also unlocks the account)")
                cursor.run("UPDATE editors SET password = ?, failures = 0 WHERE name = ?", (hashed, name))
            else:
                cursor.run("INSERT INTO editors (name, password, failures, created) VALUES (?, ?, 0, ?)",
                           (name, hashed, now()))

    def login(self, name: str, password: str) -> Login:
        """Check a name and password; count a failure, and refuse a locked account whatever the password."""
        if not NAME.fullmatch(str(name or "")):  # no account has such a name: nothing to ask the database
            _verify(_DUMMY, password)
            return Login(None)
        with self.queue.transaction() as cursor:
            row = cursor.one("SELECT password, failures FROM editors WHERE name = ?", (str(name),))
            if row is None:
                _verify(_DUMMY, password)
                return Login(None)
            hashed, failures = row
            if failures >= self.max_failures:
                return Login(None, locked=True)
            if not _verify(hashed, password):
                cursor.run("UPDATE editors SET failures = failures + 1 WHERE name = ?", (name,))
                return Login(None, locked=failures + 1 >= self.max_failures)
            cursor.run("UPDATE editors SET failures = 0 WHERE name = ?", (name,))
            if _HASHER.check_needs_rehash(hashed):
                cursor.run("UPDATE editors SET password = ? WHERE name = ?", (_HASHER.hash(password), name))
        return Login(name)

    def active(self, name: str) -> bool:
        """Whether ``name`` is an editor whose account is not locked (checked at every request of a session)."""
        with self.queue.transaction() as cursor:
            row = cursor.one("SELECT failures FROM editors WHERE name = ?", (str(name),))
        return row is not None and row[0] < self.max_failures

    def names(self) -> list[str]:
        """Return the editors' names, sorted."""
        with self.queue.transaction() as cursor:
            return [row[0] for row in cursor.all("SELECT name FROM editors ORDER BY name")]


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, str(password))
    except (VerificationError, InvalidHashError):
        return False
