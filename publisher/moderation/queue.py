"""The queue of proposals: a small database outside the published graph, SQLite in ``var/`` or PostgreSQL.

Every value goes to the database as a bound parameter, never as SQL text, so nothing a proposal holds can change
what a statement does. The schema is versioned (``schema.py``); opening a queue brings it up to date.
"""

import json
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from publisher.errors import PublisherError
from publisher.moderation import schema

STATUSES = ("received", "asked", "accepted", "declined")
OPEN = ("received", "asked")  # the statuses an editor can still act on
KINDS = ("new", "change")
MINTING = 1502  # the lock under which a proposal's minted IRIs are checked and stored (schema.lock)
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


class QueueError(PublisherError):
    """A proposal that does not exist, or an action its status no longer allows."""


class Claimed(QueueError):
    """An IRI a new proposal minted that an open proposal minted first."""


@dataclass
class Proposal:
    """One proposal: what a contributor sent, and where the editors have taken it."""

    token: str            # secrets.token_urlsafe(24): the unguessable part of /bijdragen/<token>
    kind: str             # "new" | "change"
    subject: str | None   # IRI of the practice a change is about (None for "new")
    turtle: str           # the proposed practice (+ its initiatives) as Turtle, as the importer writes it
    contributor: dict     # {"name": str, "email": str, "organisation": str}
    status: str           # "received" | "asked" | "accepted" | "declined"
    created: str          # ISO 8601 UTC
    reason: str = ""      # decline reason, or the question asked
    published: str | None = None   # IRI of the published practice once accepted
    photo: bytes | None = None     # already re-encoded and stripped by `contribute` (Pillow)
    photo_type: str | None = None  # "image/jpeg" | "image/png" | "image/webp"
    language: str = "nl"           # the contributor's language


@dataclass
class Action:
    """One thing an editor did to a proposal: who, when, what."""

    token: str
    editor: str
    action: str   # "accept" | "decline" | "ask" | "note"
    detail: str
    at: str


def new_token() -> str:
    """Return an unguessable token for a proposal's URL (192 random bits), never starting with a hyphen.

    An editor passes the token to `samenleven proposals accept TOKEN`; one starting with "-" would be read as an
    option (one in 64 did), so such a draw is thrown away: the first character loses under a bit of its six.
    """
    while (token := secrets.token_urlsafe(24)).startswith("-"):
        pass
    return token


def now() -> str:
    """Return the time now as ISO 8601 UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def open_queue(settings) -> "Queue":
    """Open the queue the settings name: PostgreSQL at ``database_url``, else SQLite at ``{build_dir}/proposals.sqlite``."""
    url = str(settings.get("database_url") or "").strip()
    if url:
        return Queue(schema.PostgreSQL(url))
    return Queue(schema.SQLite(Path(settings["build_dir"]) / "proposals.sqlite"))


_COLUMNS = ("token", "kind", "subject", "turtle", "contributor", "status", "created", "reason", "published",
            "photo", "photo_type", "language")


class Queue:
    """The proposals and the log of what editors did with them, in one database."""

    def __init__(self, database):
        self.database = database
        database.migrate()

    @contextmanager
    def transaction(self, lock: int | None = None):
        """Yield a ``Cursor`` in one transaction of the database (the editors' accounts share it); with ``lock``,
        one process at a time holds that key until it ends, so that a count is read and raised as one step."""
        with self.database.connect() as connection:
            if lock is not None:
                self.database.lock(connection, lock)
            yield Cursor(connection, self.database.placeholder)

    def submit(self, proposal: Proposal, minted=()) -> str:
        """Store a new proposal with the IRIs it ``minted``; return its token.

        :raises QueueError: a kind or photo type the queue does not know, a status other than received, a change
            without a subject, or a token already used; ``Claimed``: an open proposal minted one of the IRIs.
        """
        _check(proposal)
        row = {**proposal.__dict__, "contributor": json.dumps(proposal.contributor, ensure_ascii=False)}
        with self.transaction(lock=MINTING) as cursor:
            if cursor.one("SELECT 1 FROM proposals WHERE token = ?", (proposal.token,)):
                raise QueueError(f"proposal {proposal.token} exists already")
            taken = self._claimed(cursor, minted)
            if taken:
                raise Claimed(f"an open proposal has minted {', '.join(sorted(taken))} already")
            cursor.run(f"INSERT INTO proposals ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                       tuple(row[c] for c in _COLUMNS))
            # A declined or accepted proposal's IRIs are free again (an accepted one's are the build's now).
            cursor.run("DELETE FROM minted WHERE token IN (SELECT token FROM proposals WHERE status NOT IN "
                       f"({', '.join('?' * len(OPEN))}))", OPEN)
            for iri in sorted(set(minted)):
                cursor.run("INSERT INTO minted (iri, token) VALUES (?, ?)", (iri, proposal.token))
        return proposal.token

    def claimed(self, iris) -> set:
        """Return those of ``iris`` that an open proposal has minted."""
        with self.transaction() as cursor:
            return self._claimed(cursor, iris)

    @staticmethod
    def _claimed(cursor, iris) -> set:
        found = set()
        for iri in set(iris):
            if cursor.one("SELECT 1 FROM minted m JOIN proposals p ON p.token = m.token WHERE m.iri = ? AND "
                          f"p.status IN ({', '.join('?' * len(OPEN))})", (iri, *OPEN)):
                found.add(iri)
        return found

    def get(self, token: str) -> Proposal | None:
        """Return the proposal of ``token``, or None."""
        with self.transaction() as cursor:
            row = cursor.one(f"SELECT {', '.join(_COLUMNS)} FROM proposals WHERE token = ?", (str(token),))
        return _proposal(row) if row else None

    def listing(self, status: str | None = None) -> list[Proposal]:
        """Return the proposals, newest first; only those of ``status`` when given."""
        where, values = ("WHERE status = ?", (status,)) if status else ("", ())
        with self.transaction() as cursor:
            rows = cursor.all(f"SELECT {', '.join(_COLUMNS)} FROM proposals {where} ORDER BY created DESC, id DESC",
                              values)
        return [_proposal(row) for row in rows]

    def accept(self, token: str, editor: str, published: str) -> None:
        """Mark a proposal accepted, published as the practice ``published``, and log it.

        :raises QueueError: no such proposal, or it is accepted or declined already.
        """
        self._act(token, editor, "accepted", "accept", published, published=published)

    def decline(self, token: str, editor: str, reason: str) -> None:
        """Decline a proposal with the reason the contributor will read, and log it.

        :raises QueueError: no reason given, no such proposal, or it is accepted or declined already.
        """
        if not str(reason or "").strip():
            raise QueueError("a decline needs a reason, for the contributor to read")
        self._act(token, editor, "declined", "decline", reason, reason=reason.strip())

    def ask(self, token: str, editor: str, message: str) -> None:
        """Store the question asked to the contributor, and log it.

        :raises QueueError: no message given, no such proposal, or it is accepted or declined already.
        """
        if not str(message or "").strip():
            raise QueueError("a question to the contributor needs a text")
        self._act(token, editor, "asked", "ask", message, reason=message.strip())

    def log(self, token: str, editor: str, action: str, detail: str = "") -> None:
        """Log an action on a proposal that leaves its status as it is (an accept whose build failed)."""
        with self.transaction() as cursor:
            cursor.run("INSERT INTO actions (token, editor, action, detail, at) VALUES (?, ?, ?, ?, ?)",
                       (token, editor, action, detail, now()))

    def actions(self, token: str) -> list[Action]:
        """Return what editors did with a proposal, oldest first."""
        with self.transaction() as cursor:
            rows = cursor.all("SELECT token, editor, action, detail, at FROM actions WHERE token = ? ORDER BY id",
                              (token,))
        return [Action(*row) for row in rows]

    def last_actions(self) -> dict:
        """Return the last action logged on each proposal that has one, by token."""
        with self.transaction() as cursor:
            return {token: action for token, action in cursor.all("SELECT token, action FROM actions ORDER BY id")}

    def _act(self, token, editor, status, action, detail, **fields):
        with self.transaction() as cursor:
            row = cursor.one("SELECT status FROM proposals WHERE token = ?", (str(token),))
            if row is None:
                raise QueueError(f"no proposal {token}")
            if row[0] not in OPEN:
                raise QueueError(f"proposal {token} is {row[0]} already")
            assignments = ", ".join(f"{name} = ?" for name in ("status", *fields))
            # Only while still open, checked by the row count: of two editors acting at once, one wins.
            changed = cursor.run(f"UPDATE proposals SET {assignments} WHERE token = ? AND status IN (?, ?)",
                                 (status, *fields.values(), token, *sorted(OPEN)))
            if changed.rowcount != 1:
                raise QueueError(f"proposal {token} was decided by another editor meanwhile")
            cursor.run("INSERT INTO actions (token, editor, action, detail, at) VALUES (?, ?, ?, ?, ?)",
                       (token, editor, action, str(detail), now()))


class Cursor:
    """Statements written with ``?`` placeholders, run with the database's own; values always bound."""

    def __init__(self, connection, placeholder: str):
        self.connection, self.placeholder = connection, placeholder

    def run(self, sql: str, values=()):
        cursor = self.connection.cursor()
        cursor.execute(sql.replace("?", self.placeholder), tuple(values))
        return cursor

    def one(self, sql: str, values=()):
        return self.run(sql, values).fetchone()

    def all(self, sql: str, values=()):
        return self.run(sql, values).fetchall()


def _check(proposal: Proposal) -> None:
    if proposal.kind not in KINDS:
        raise QueueError(f"kind {proposal.kind!r} is not one of {', '.join(KINDS)}")
    if proposal.status != "received":  # only an editor's action moves it on
        raise QueueError(f"a new proposal has status 'received', not {proposal.status!r}")
    if proposal.photo is not None and proposal.photo_type not in PHOTO_TYPES:
        raise QueueError(f"photo type {proposal.photo_type!r} is not one of {', '.join(PHOTO_TYPES)}")
    if proposal.kind == "change" and not proposal.subject:
        raise QueueError("a change proposal names the practice it changes (subject)")
    texts = (proposal.turtle, proposal.subject or "", proposal.language, *map(str, proposal.contributor.values()))
    if any("\x00" in text for text in texts):  # PostgreSQL keeps no NUL in text, and no reader needs one
        raise QueueError("a proposal's text holds a NUL character (U+0000)")


def _proposal(row) -> Proposal:
    values = dict(zip(_COLUMNS, row))
    values["contributor"] = json.loads(values["contributor"])
    if values["photo"] is not None:
        values["photo"] = bytes(values["photo"])  # PostgreSQL gives a memoryview
    return Proposal(**values)

