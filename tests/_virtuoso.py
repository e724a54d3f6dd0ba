"""A throwaway Virtuoso Open Source instance for the tests: a folder with its own virtuoso.ini, `virtuoso-t` in the
foreground on two free ports of 127.0.0.1, stopped and removed afterwards.

Virtuoso comes from Debian's packages (the Makefile installs `virtuoso-opensource-7-bin` as root); without it the
tests that need it skip and say so. Its SPARQL endpoint answers anyone, but its Graph Store endpoint
(/sparql-graph-crud) and SPARQL UPDATE want the `SPARQL` account to hold SPARQL_UPDATE: granted here with isql,
which only the instance's own DBA can do. That is right for an instance nobody else reaches, not for a shared one.
"""

import shutil
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

from conftest import free_port, http

SERVER, ISQL = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
MISSING = None if SERVER and ISQL else ("Virtuoso is not installed (`make test` installs Debian's "
                                        "virtuoso-opensource-7-bin as root)")

# Small buffers (8 kB pages: about 40 MB) so that many instances fit beside each other; no query time limit of
# Virtuoso's own (its "anytime" answers would be partial without saying so): ours cuts a runaway query.
INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., {folder}
NumberOfBuffers = 5000
MaxDirtyBuffers = 3000
CheckpointInterval = 0
MaxQueryExecutionTime = 0

[HTTPServer]
ServerPort = 127.0.0.1:{web}
ServerRoot = {folder}
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""
# The grants of the `SPARQL` account (the one anonymous HTTP requests run as) that a Graph Store PUT needs.
GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL"; GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL";'


class Virtuoso:
    """One instance: ``start`` returns its SPARQL endpoint; ``store`` is its Graph Store endpoint."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or tempfile.mkdtemp(prefix="samenleven-virtuoso-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sql, self.web = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.web}"
        self.query, self.store = f"{self.url}/sparql", f"{self.url}/sparql-graph-crud"
        self.process = None

    def start(self, wait: float = 180) -> str:
        """Start the instance and grant the Graph Store to anonymous requests; return its SPARQL endpoint."""
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(folder=self.folder, sql=self.sql, web=self.web))
        self.process = subprocess.Popen([SERVER, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:  # whatever stops the start (a grant refused, an interrupt), the server goes with it
            probe = f"{self.query}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
            deadline = time.monotonic() + wait  # a new database takes Virtuoso a while to lay out
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"virtuoso-t stopped at start: {self.log()}")
                try:
                    if http(probe)[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            else:
                raise RuntimeError(f"Virtuoso did not answer within {wait:g} s: {self.log()}")
            self.isql(GRANTS)
        except BaseException:
            self.stop()
            raise
        return self.query

    def isql(self, statements: str) -> str:
        """Run SQL statements as the instance's DBA (the default password of a new database)."""
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql}", "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout[-500:]} {done.stderr[-500:]}")
        return done.stdout

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-1000:] if path.exists() else "(no log)"

    def stop(self, keep: bool = False) -> None:
        """Stop the instance at once (nothing in it is to be kept) and, unless ``keep``, remove its folder."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)
