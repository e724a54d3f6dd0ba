"""Benchmark: every canned query and every kind of page, per request, on a build of generated data, with the
query texts of another revision beside today's.

Run on a build (issue 14: ``samenleven generate``, then ``build``)::

    .venv/bin/python benchmarks/queries.py --build-dir /tmp/v10k [--before main] [--repeat 3] [--cpu] [--out FILE]

With ``--cpu`` it first runs each canned query in this process through the store interface (``Graph.select``, no
sandbox, no serialization) with the parameters a user would give (``TYPICAL``), and reports the median CPU seconds
of this process over ``--repeat`` runs (the figure a shared machine least disturbs), the wall seconds, and the rows,
for ``queries/`` of the work tree and the ``--before`` revision's texts, interleaved query by query.

Then it starts ``samenleven serve`` (one process, the query sandbox as shipped: ``query_timeout`` 10 s; the answer
cache off, so that every request does its work) on 127.0.0.1 once per set of query texts (``queries/`` of the work
tree, and with ``--before REV`` those of that git revision, read with ``git show``) and asks each canned query's
JSON API, the sets interleaved query by query. Per query and set it reports the median time over HTTP (a 503 is the
query limit), and the rows, so that a rewrite that answers differently shows. Then, on the work tree's server,
every kind of page (``PAGES``): the first request after start (what is made once per build and process) and the
median of the next ones. ``--skip-http`` leaves the server out. No timing is asserted anywhere.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "benchmarks"))
sys.path.insert(0, str(PROJECT))

from lists_search import free_port, machine  # noqa: E402

from publisher import config, queries  # noqa: E402
from publisher.artefacts import LISTS  # noqa: E402
from publisher.store import builds  # noqa: E402

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
# Every kind of page; {practice} is the first practice of the build's list. The feed and VoID are RDF only: they
# are asked for in Turtle (``RDF_ONLY``), the rest as a browser asks.
PAGES = ["/", "/over-de-data", "/statistieken", "/praktijken", "/praktijken?doelgroep=ouderen&beleidsdomein=welzijn",
         "/initiatieven?provincie=40000&sorteer=gewijzigd", "/organisaties?gemeente=44021", "/praktijken.json",
         "/search?q=taalcaf%C3%A9", "/search?q=9000", "/search.json?q=jongeren", "/doc/gemeente/44021",
         "/doc/gemeente/11002", "/doc/provincie/40000", "{practice}", "{practice}.ttl", "/doc/conceptscheme/doelgroep",
         "/sparql", "/queries", "/queries/initiatieven-in-gemeente?nis=44021", "/catalog", "/catalog.ttl",
         "/.well-known/void", "/ldes", "/ldes/1", "/sitemap.xml"]


RDF_ONLY = ("/ldes", "/.well-known/void")


def start(build_dir: Path, queries_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    environment = {**os.environ, "SAMENLEVEN_ANSWER_CACHE_MB": "0"}  # every request does its work
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "--queries-dir",
                                str(queries_dir), "serve", "--port", str(port)], cwd=PROJECT, env=environment,
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
    """Milliseconds, status and body of one GET on a new connection; status 0 when no answer came within 120 s."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Accept": accept})
        answer = connection.getresponse()
        body = answer.read()
    except TimeoutError:
        return (time.perf_counter() - started) * 1000, 0, b""
    return (time.perf_counter() - started) * 1000, answer.status, body


def rows(status: int, body: bytes) -> str:
    if status != 200:
        return f"HTTP {status}"
    found = json.loads(body)
    truncated = " (cut)" if "truncated" in found else ""
    return str(found["boolean"]).lower() if "boolean" in found else f"{len(found['results']['bindings'])}{truncated}"


def revision_queries(revision: str, folder: Path) -> Path:
    """Write the ``queries/`` of a git revision into ``folder``."""
    listed = subprocess.run(["git", "ls-tree", "--name-only", f"{revision}:queries"], cwd=PROJECT, check=True,
                            capture_output=True, text=True).stdout.split()
    for name in listed:
        (folder / name).write_bytes(subprocess.run(["git", "show", f"{revision}:queries/{name}"], cwd=PROJECT,
                                                   check=True, capture_output=True).stdout)
    return folder


def in_process(build_dir: Path, sets: dict, repeat: int) -> list[str]:
    """Each canned query of each set through ``Graph.select`` in this process: median CPU s, wall s and rows."""
    settings = config.load({"build_dir": str(build_dir)})
    build = builds.open_current(settings)
    loaded = {label: queries.load(folder) for label, folder in sets.items()}
    table = [f"| query | parameters | {' | '.join(f'{label}: CPU s (wall s), rows' for label in sets)} |",
             "| --- | --- |" + " ---: |" * len(sets)]
    for name, given in TYPICAL:
        cells = []
        for label in sets:
            canned = loaded[label][name]
            bindings = queries.bind(canned, given, build.graph, settings["base"])
            cpu, wall, answer = [], [], ""
            for _ in range(repeat):
                started, ticked = time.perf_counter(), time.process_time()
                if canned.form == "ASK":
                    answer = str(build.graph.ask(canned.text, **bindings)).lower()
                elif canned.form == "SELECT":
                    answer = str(sum(1 for _ in build.graph.select(canned.text, **bindings)))
                else:
                    answer = f"{len(build.graph.construct(canned.text, **bindings))} triples"
                cpu.append(time.process_time() - ticked)
                wall.append(time.perf_counter() - started)
            cells.append(f"{statistics.median(cpu):.2f} ({statistics.median(wall):.2f}), {answer}")
        table.append(f"| `{name}` | {urlencode(given) or '—'} | {' | '.join(cells)} |")
        print(table[-1], flush=True)
    build.close()
    return table


def over_http(build_dir: Path, sets: dict, repeat: int) -> tuple[list[str], list[str]]:
    """Each canned query's JSON API on one server per set, then every page on the work tree's server."""
    servers = {label: start(build_dir, folder) for label, folder in sets.items()}
    table = [f"| query | parameters | {' | '.join(f'{label}: ms, rows' for label in sets)} |",
             "| --- | --- |" + " ---: |" * len(sets)]
    pages = ["| page | first request ms | median of the next ms | status | bytes |",
             "| --- | ---: | ---: | --- | ---: |"]
    try:
        for name, given in TYPICAL:
            cells = []
            for label, (_, port) in servers.items():
                path = f"/queries/{name}.{'ttl' if name == 'linkset-gemeenten' else 'json'}?{urlencode(given)}"
                times, answer = [], ""
                for _ in range(repeat):
                    took, status, body = ask(port, path, "*/*")
                    times.append(took)
                    answer = f"{len(body.splitlines())} lines" if name == "linkset-gemeenten" else rows(status, body)
                cells.append(f"{statistics.median(times):.0f}, {answer}")
            table.append(f"| `{name}` | {urlencode(given) or '—'} | {' | '.join(cells)} |")
            print(table[-1], flush=True)
        port = servers["now"][1]
        for path in PAGES:
            path = path.format(practice=practice(build_dir))
            accept = "text/turtle" if path.startswith(RDF_ONLY) else "text/html"
            first, status, body = ask(port, path, accept)
            times = [ask(port, path, accept)[0] for _ in range(repeat)]
            pages.append(f"| `{path}` | {first:.0f} | {statistics.median(times):.0f} | {status} | {len(body)} |")
            print(pages[-1], flush=True)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(10)
    return table, pages


def practice(build_dir: Path) -> str:
    """The path of the document of the first practice in the build's list."""
    found = json.loads(((build_dir / "current").resolve() / LISTS).read_text())
    uri = found["lists"]["practices"]["items"][0]["uri"]
    return "/doc/" + quote(uri.split("/id/", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--before", help="a git revision whose queries/ to time beside the work tree's")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cpu", action="store_true", help="also time each query in this process (CPU seconds)")
    parser.add_argument("--skip-http", action="store_true", help="leave the server out")
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    manifest = json.loads(((options.build_dir / "current").resolve() / "build.json").read_text())
    described, scratch = machine(), tempfile.TemporaryDirectory()
    sets = {"now": PROJECT / "queries"}
    if options.before:
        sets = {options.before: revision_queries(options.before, Path(scratch.name)), **sets}
    parts = []
    if options.cpu:
        parts += ["In this process, median of the runs:", "", *in_process(options.build_dir, sets, options.repeat), ""]
    if not options.skip_http:
        table, pages = over_http(options.build_dir, sets, options.repeat)
        parts += ["Over HTTP, one server per set of query texts, the answer cache off:", "", *table, "",
                  "Pages (HTML unless the suffix says otherwise), on the server of `now`:", "", *pages, ""]
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    counts = manifest["counts"]
    text = "\n".join([f"Build {manifest['id']}: {counts['practices']} practices, {counts['initiatives']} initiatives, "
                      f"{counts['triples']} triples. {described}; at the end {load}. {options.repeat} runs or "
                      "requests each, median.", "", *parts])
    print(text)
    if options.out:
        flags = f"{' --cpu' if options.cpu else ''}{' --skip-http' if options.skip_http else ''}"
        options.out.write_text(f"`benchmarks/queries.py --build-dir … --repeat {options.repeat}"
                               f"{' --before ' + options.before if options.before else ''}{flags}`\n\n{text}\n")


if __name__ == "__main__":
    main()
