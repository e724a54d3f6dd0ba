"""The proposals database's schema, versioned, and the two databases it runs on: SQLite and PostgreSQL.

A migration is a list of statements that brings the schema from one version to the next; ``migrate`` runs those
not run yet, each in the transaction that records its version, so a failed one leaves the previous version.
"""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

# {id}: an auto-numbered key (the order of arrival, for two proposals of the same second); {blob}: bytes;
# {time}: seconds since the epoch, as a float.
MIGRATIONS = (
    (
        """CREATE TABLE proposals (
            id {id}, token TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, subject TEXT, turtle TEXT NOT NULL,
            contributor TEXT NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
            published TEXT, photo {blob}, photo_type TEXT, language TEXT NOT NULL DEFAULT 'nl')""",
        "CREATE INDEX proposals_created ON proposals (created, id)",
        """CREATE TABLE actions (
            id {id}, token TEXT NOT NULL REFERENCES proposals (token), editor TEXT NOT NULL, action TEXT NOT NULL,
            detail TEXT NOT NULL, at TEXT NOT NULL)""",
        "CREATE INDEX actions_token ON actions (token, id)",
        """CREATE TABLE editors (
            name TEXT PRIMARY KEY, password TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL)""",
    ),
    (
        # A session names the generation it was made in: a new password or ``editor disable`` moves it on.
        "ALTER TABLE editors ADD COLUMN generation INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE editors ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0",
        # What a client did lately (``throttle``): a kind (login, contribute), a keyed hash of its address, when.
        "CREATE TABLE attempts (kind TEXT NOT NULL, client TEXT NOT NULL, at {time} NOT NULL)",
        "CREATE INDEX attempts_client ON attempts (kind, client, at)",
        "CREATE INDEX attempts_at ON attempts (kind, at)",
        # Failed logins per (name, client) pair, hashed: a back-off that only the pair's own client waits for.
        "CREATE TABLE login_failures (pair TEXT PRIMARY KEY, failures INTEGER NOT NULL, last {time} NOT NULL)",
        # The IRIs a proposal mints, unique: no two open proposals can claim the same one.
        """CREATE TABLE minted (
            iri TEXT PRIMARY KEY, token TEXT NOT NULL REFERENCES proposals (token))""",
        "CREATE INDEX minted_token ON minted (token)",
    ),
)
VERSION = len(MIGRATIONS)


class SQLite:
    """The embedded database: one file, made on first use."""

    placeholder = "?"
    types = {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB", "time": "REAL"}

    def __init__(self, path: Path):
        self.path = Path(path)

    def __str__(self):
        return f"SQLite {self.path}"

    @contextmanager
    def connect(self):
        """Yield a connection in a transaction: committed when the block ends, rolled back when it raises."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None and an explicit BEGIN IMMEDIATE: one writer at a time, waiting up to 30 s for
        # another process (a second gunicorn worker, the CLI) instead of failing with "database is locked".
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    def lock(self, connection, key: int = 1501) -> None:
        """Hold the schema while migrating, or a count while it is checked and raised (BEGIN IMMEDIATE already
        makes this connection the only writer)."""

    def migrate(self) -> int:
        return migrate(self)


class PostgreSQL:
    """A PostgreSQL database named by a ``postgresql://`` URL (psycopg 3)."""

    placeholder = "%s"
    types = {"id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "blob": "BYTEA", "time": "DOUBLE PRECISION"}

    def __init__(self, url: str):
        self.url = url

    def __str__(self):
        return "PostgreSQL " + self.url.split("@")[-1]  # never the password of the URL

    @contextmanager
    def connect(self):
        """Yield a connection in a transaction: committed when the block ends, rolled back when it raises."""
        import psycopg  # here: only a server that is given a database_url needs it
        with psycopg.connect(self.url, connect_timeout=10) as connection:
            yield connection

    def lock(self, connection, key: int = 1501) -> None:
        """Hold ``key`` until the transaction ends: the schema while migrating (1501, issue 15's), or a count while
        it is checked and raised, against another process doing the same at the same time."""
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (key,))

    def migrate(self) -> int:
        return migrate(self)


def migrate(database) -> int:
    """Bring the schema up to ``VERSION``; return the version it was at."""
    with database.connect() as connection:
        database.lock(connection)
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
        before = row[0] or 0
        for version in range(before + 1, VERSION + 1):
            for statement in MIGRATIONS[version - 1]:
                connection.execute(statement.format(**database.types))
            connection.execute(f"INSERT INTO schema_version (version) VALUES ({database.placeholder})", (version,))
    return before
