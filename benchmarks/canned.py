"""Every canned query's API and the pages that show counts, one request at a time on a fresh publisher: the first
request after start (what a process makes once per build) and the median of the next ones, with the rows, so that a
rewrite that answers differently shows. ``python -m benchmarks`` runs it after its rounds (``--canned-repeat``),
beside the query texts of another git revision if asked (``--queries-before REV``)."""

import http.client
import json
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import contenders

PROJECT = Path(__file__).resolve().parent.parent
# Each canned query with the parameters a user would give: its default, and the costly cases (a large city, every
# municipality, the widest date).
TYPICAL = [
    ("aantallen-per-beleidsdomein", {}), ("aantallen-per-provincie", {}),
    ("contactpunten-per-gemeente", {"nis": "44021"}), ("contactpunten-per-gemeente", {}),
    ("doelgroepen-per-provincie", {}), ("gemeente-heeft-initiatieven", {"nis": "44021"}),
    ("gemeente-heeft-initiatieven", {"nis": "11001"}), ("gemeenten-zonder-initiatief", {}),
    ("gemeenten-zonder-initiatief", {"provincie": "40000"}),
    ("initiatieven-in-beleidsdomein", {"beleidsdomein": "welzijn"}),
    ("initiatieven-in-gemeente", {"nis": "44021"}), ("initiatieven-in-gemeente", {"nis": "11002"}),
    ("initiatieven-in-provincie", {"provincie": "40000"}), ("initiatieven-voor-doelgroep", {"doelgroep": "ouderen"}),
    ("linkset-gemeenten", {}), ("organisaties-en-hun-initiatieven", {}), ("programmas", {}),
    ("wijzigingen-sinds", {"sinds": "2000-01-01"}),
]
PAGES = ["/", "/statistieken", "/praktijken", "/praktijken?doelgroep=ouderen&beleidsdomein=welzijn",
         "/search?q=taalcaf%C3%A9", "/doc/gemeente/44021", "/doc/gemeente/11002", "/doc/provincie/40000",
         "/queries/initiatieven-in-gemeente?nis=44021"]


def ask(root: str, path: str, accept: str) -> tuple[float, int, bytes]:
    """Milliseconds, status and body of one GET on a new connection."""
    connection = http.client.HTTPConnection(root.split("//", 1)[1], timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": accept})
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return (time.perf_counter() - started) * 1000, answer.status, body


def rows(name: str, status: int, body: bytes) -> str:
    if status != 200:
        return f"HTTP {status}"
    if name == "linkset-gemeenten":
        return f"{len(body.splitlines())} lines"
    found = json.loads(body)
    return str(found["boolean"]).lower() if "boolean" in found else str(len(found["results"]["bindings"]))


def revision_queries(revision: str, folder: Path) -> Path:
    """Write the ``queries/`` of a git revision into ``folder``."""
    listed = subprocess.run(["git", "ls-tree", "--name-only", f"{revision}:queries"], cwd=PROJECT, check=True,
                            capture_output=True, text=True).stdout.split()
    folder.mkdir(parents=True, exist_ok=True)
    for name in listed:
        (folder / name).write_bytes(subprocess.run(["git", "show", f"{revision}:queries/{name}"], cwd=PROJECT,
                                                   check=True, capture_output=True).stdout)
    return folder


def measure(build_dir: Path, repeat: int, sets: dict) -> dict:
    """Per canned query, per set of query texts (``sets``: label → folder), the median milliseconds of ``repeat``
    requests and the rows; then, on the first set's server, each page's first request and the median of the next.
    One server (one process, ``--workers 1``) per set, started fresh, the sets interleaved query by query."""
    servers = {label: contenders.publisher(build_dir, 1, name=label, queries_dir=folder)
               for label, folder in sets.items()}
    found = {"sets": list(sets), "queries": [], "pages": []}
    try:
        for name, given in TYPICAL:
            path = f"/queries/{name}.{'ttl' if name == 'linkset-gemeenten' else 'json'}?{urlencode(given)}"
            line = {"name": name, "parameters": urlencode(given)}
            for label, server in servers.items():
                runs = [ask(server.url, path, "*/*") for _ in range(repeat)]
                line[label] = {"ms": statistics.median(r[0] for r in runs), "answer": rows(name, *runs[-1][1:])}
            found["queries"].append(line)
        first = servers[next(iter(sets))]
        for path in PAGES:
            took, status, _ = ask(first.url, path, "text/html")
            later = [ask(first.url, path, "text/html")[0] for _ in range(repeat)]
            found["pages"].append({"path": path, "first_ms": took, "median_ms": statistics.median(later),
                                   "status": status})
    finally:
        for server in servers.values():
            server.stop()
    return found


def table(found: dict) -> list[str]:
    """The two tables of the report."""
    sets = found["sets"]
    lines = ["| query | parameters | " + " | ".join(f"{s}: ms, rows" for s in sets) + " |",
             "| --- | --- |" + " ---: |" * len(sets)]
    lines += [f"| `{q['name']}` | {q['parameters'] or '—'} | "
              + " | ".join(f"{q[s]['ms']:.0f}, {q[s]['answer']}" for s in sets) + " |" for q in found["queries"]]
    lines += ["", "| page | first request ms | median of the next ms | status |", "| --- | ---: | ---: | --- |"]
    lines += [f"| `{p['path']}` | {p['first_ms']:.0f} | {p['median_ms']:.0f} | {p['status']} |"
              for p in found["pages"]]
    return lines
