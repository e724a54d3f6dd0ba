"""Benchmark: every canned query and the pages that read counts, per request, on a build of generated data, with the
query texts of another revision beside today's.

Run on a build (issue 14: ``samenleven generate``, then ``build``)::

    .venv/bin/python benchmarks/queries.py --build-dir /tmp/v10k [--before main] [--repeat 3] [--out FILE]

It starts ``samenleven serve`` (one process, the query sandbox as shipped: ``query_timeout`` 10 s) on 127.0.0.1 once
per set of query texts (``queries/`` of the work tree, and with ``--before REV`` those of that git revision, read
with ``git show``) and asks each canned query's JSON API with the parameters a user would give (``TYPICAL``), the
sets interleaved query by query. Per query and set it reports the median time over HTTP (a 503 is the query
limit), and the rows, so that a rewrite that answers differently shows. Then, on the work tree's server, the pages:
the first request after start (what is made once per build and process) and the median of the next ones. No timing
is asserted anywhere.
"""

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "benchmarks"))

from lists_search import free_port, machine  # noqa: E402

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


def start(build_dir: Path, queries_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "--queries-dir",
                                str(queries_dir), "serve", "--port", str(port)], cwd=PROJECT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", "/robots.txt")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not answer within 120 s")


def ask(port: int, path: str, accept: str) -> tuple[float, int, bytes]:
    """Milliseconds, status and body of one GET on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": accept})
    answer = connection.getresponse()
    body = answer.read()
    return (time.perf_counter() - started) * 1000, answer.status, body


def rows(status: int, body: bytes) -> str:
    if status != 200:
        return f"HTTP {status}"
    found = json.loads(body)
    return str(found["boolean"]).lower() if "boolean" in found else str(len(found["results"]["bindings"]))


def revision_queries(revision: str, folder: Path) -> Path:
    """Write the ``queries/`` of a git revision into ``folder``."""
    listed = subprocess.run(["git", "ls-tree", "--name-only", f"{revision}:queries"], cwd=PROJECT, check=True,
                            capture_output=True, text=True).stdout.split()
    for name in listed:
        (folder / name).write_bytes(subprocess.run(["git", "show", f"{revision}:queries/{name}"], cwd=PROJECT,
                                                   check=True, capture_output=True).stdout)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--before", help="a git revision whose queries/ to time beside the work tree's")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    manifest = json.loads(((options.build_dir / "current").resolve() / "build.json").read_text())
    described, scratch = machine(), tempfile.TemporaryDirectory()
    sets = {"now": PROJECT / "queries"}
    if options.before:
        sets = {options.before: revision_queries(options.before, Path(scratch.name)), **sets}
    servers = {name: start(options.build_dir, folder) for name, folder in sets.items()}
    table = [f"| query | parameters | {' | '.join(f'{name}: ms, rows' for name in sets)} |",
             "| --- | --- |" + " ---: |" * len(sets)]
    try:
        for name, given in TYPICAL:
            cells = []
            for label, (_, port) in servers.items():
                path = f"/queries/{name}.{'ttl' if name == 'linkset-gemeenten' else 'json'}?{urlencode(given)}"
                times, answer = [], ""
                for _ in range(options.repeat):
                    took, status, body = ask(port, path, "*/*")
                    times.append(took)
                    answer = f"{len(body.splitlines())} lines" if name == "linkset-gemeenten" else rows(status, body)
                cells.append(f"{statistics.median(times):.0f}, {answer}")
            table.append(f"| `{name}` | {urlencode(given) or '—'} | {' | '.join(cells)} |")
            print(table[-1], flush=True)
        pages = ["| page | first request ms | median of the next ms | status |", "| --- | ---: | ---: | --- |"]
        port = servers["now"][1]
        for path in PAGES:
            first, status, _ = ask(port, path, "text/html")
            times = [ask(port, path, "text/html")[0] for _ in range(options.repeat)]
            pages.append(f"| `{path}` | {first:.0f} | {statistics.median(times):.0f} | {status} |")
            print(pages[-1], flush=True)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(10)
    counts = manifest["counts"]
    text = "\n".join([f"Build {manifest['id']}: {counts['practices']} practices, {counts['initiatives']} initiatives, "
                      f"{counts['triples']} triples. {described}. One server per set of query texts, "
                      f"{options.repeat} requests each, median.", "", *table, "", *pages])
    print(text)
    if options.out:
        options.out.write_text(f"`benchmarks/queries.py --build-dir … --repeat {options.repeat}"
                               f"{' --before ' + options.before if options.before else ''}`\n\n{text}\n")


if __name__ == "__main__":
    main()
