"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, pg_ctl start on 127.0.0.1.

PostgreSQL comes from Debian's packages (the Makefile installs them as root); without them the tests that need it
skip and say so. PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user the
package made (or `nobody`), through runuser.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from conftest import free_port

PASSWORD = "throwaway-test-password"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl, the newest installed version first; None when there is none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_user() -> tuple[list, str | None]:
    """The prefix that runs a command as a user PostgreSQL accepts, and that user (None: the current one)."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], name
    raise RuntimeError("as root, PostgreSQL needs an unprivileged user: neither postgres nor nobody exists")


class Cluster:
    """One cluster: started by ``start``, removed with its folder by ``stop``."""

    def __init__(self):
        self.bin = binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="samenleven-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql://samenleven:{PASSWORD}@127.0.0.1:{self.port}/postgres"

    def start(self) -> str:
        prefix, user = _as_user()
        password = self.folder / "password"
        password.write_text(PASSWORD + "\n")
        if user:
            entry = pwd.getpwnam(user)
            for path in (self.folder, password):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        run = dict(check=True, capture_output=True, text=True, cwd=self.folder)
        subprocess.run([*prefix, str(self.bin / "initdb"), "-D", str(self.data), "-U", "samenleven",
                        "--pwfile", str(password), "--auth", "scram-sha-256", "-E", "UTF8", "--no-instructions"],
                       **run)
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
        subprocess.run([*prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
                        "-l", str(self.folder / "log"), "start"], **run)
        return self.url

    def stop(self) -> None:
        prefix, _ = _as_user()
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                            "stop"], capture_output=True, cwd=self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)


def database(cluster: Cluster, name: str) -> str:
    """Create an empty database in the cluster; return its URL."""
    import psycopg
    with psycopg.connect(cluster.url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')  # a name the test chose, not data
    return cluster.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres():
    """A cluster for the session (skips when PostgreSQL is not installed); yields it."""
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (`make test` installs Debian's postgresql as root)")
    cluster = Cluster()
    try:
        cluster.start()
    except subprocess.CalledProcessError as error:
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr or error.stdout}") from None
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_settings(request, tmp_path):
    """Settings naming a new, empty proposals database: SQLite in tmp_path, then PostgreSQL."""
    settings = {"build_dir": tmp_path / "var", "database_url": ""}
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres")
        settings["database_url"] = database(cluster, "t" + uuid.uuid4().hex)
    return settings
