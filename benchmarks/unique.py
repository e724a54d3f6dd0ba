"""Benchmark: /sparql on unique queries against Oxigraph server and rdflib-endpoint on the same data (issue 14).

Run on a build of generated data (``samenleven generate`` then ``build``)::

    make .venv/.wrk && .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/unique.py --build-dir /tmp/v10k [--before DIR] [--rounds 2] [--seconds 10]

Each request asks a DESCRIBE-like query of a different practice, ``SELECT ?p ?o WHERE { <practice> ?p ?o }``, in
SPARQL JSON, so no cache can answer it. wrk keeps ``--connections`` busy against, in turn and in each round:
this publisher (``samenleven serve --workers 2``, every guardrail on; ``client_queries`` raised to the number of
connections, since every connection of wrk comes from one address, as ``load.py`` does), the same publisher from
another source tree (``--before``: a copy of an older commit, for a before/after in one run), ``oxigraph
serve-read-only`` on the build's own store, and rdflib-endpoint (the ``bench`` extra) on the build's Turtle dump.
Prints requests per second per round with the load average, and the ratios of the medians. Importable:
``wrk``, ``practices``, ``start_publisher``, ``start_oxigraph``, ``start_rdflib_endpoint``.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
BIN = Path(sys.executable).parent
QUERY = "SELECT ?p ?o WHERE {{ <{}> ?p ?o }}"
ACCEPT = "application/sparql-results+json"
LUA = r"""
local iris = {}
for line in io.lines(os.getenv("IRIS")) do iris[#iris + 1] = line end
local path = os.getenv("QPATH")
local counter = math.random(1, #iris)
local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
wrk.headers["Accept"] = "application/sparql-results+json"
request = function()
  counter = counter % #iris + 1
  return wrk.format("GET", path .. "?query=" .. encode("SELECT ?p ?o WHERE { <" .. iris[counter] .. "> ?p ?o }"))
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx %d errors %d\n", summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def practices(build_dir: Path) -> list[str]:
    """The IRIs of the practices of the build in use, read from its store."""
    import pyoxigraph as ox
    store = ox.Store.read_only(str(_store(build_dir)))
    rows = store.query("SELECT ?p WHERE { ?p a <https://w3id.org/samenleven/ns#Practice> }")
    return [row["p"].value for row in rows]


def _store(build_dir: Path) -> Path:
    return (build_dir / "current").resolve() / "store"


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(process, url: str, seconds: float = 600) -> None:
    """Wait until ``url`` answers; stop ``process`` if it does not (or the wait is interrupted)."""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: the server stopped ({process.returncode})")
            try:
                urllib.request.urlopen(url, timeout=5).read()
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"{url} did not answer within {seconds} s")
    except BaseException:
        process.kill()
        raise


def _probe(root: str, path: str, iri: str) -> str:
    return f"{root}{path}?" + urllib.parse.urlencode({"query": QUERY.format(iri)})


def start_publisher(build_dir: Path, iri: str, source: Path = PROJECT, workers: int = 2, connections: int = 8):
    """``samenleven serve --workers N`` from the source tree ``source``; return (process, root URL, path)."""
    port = _free_port()
    env = dict(os.environ, SAMENLEVEN_CLIENT_QUERIES=str(connections), PYTHONPATH=str(source))
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "serve",
                                "--workers", str(workers), "--port", str(port)], cwd=source, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    _wait(process, _probe(root, "/sparql", iri))
    return process, root, "/sparql"


def start_oxigraph(build_dir: Path, iri: str):
    """``oxigraph serve-read-only`` on the build's own store (PyPI ``oxigraph``)."""
    port = _free_port()
    process = subprocess.Popen([str(BIN / "oxigraph"), "serve-read-only", "--location", str(_store(build_dir)),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    _wait(process, _probe(root, "/query", iri))
    return process, root, "/query"


def start_rdflib_endpoint(build_dir: Path, iri: str):
    """rdflib-endpoint (PyPI, the ``bench`` extra) on the build's Turtle dump, in rdflib's memory store."""
    port = _free_port()
    dump = (build_dir / "current").resolve() / "graph.ttl"
    process = subprocess.Popen([str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                str(dump)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    _wait(process, _probe(root, "/sparql", iri), seconds=1800)  # rdflib parses the whole dump first
    return process, root, "/sparql"


def wrk(root: str, path: str, iris_file: Path, seconds: int = 10, connections: int = 8) -> dict:
    """Requests per second of wrk on ``root + path``, a different practice each request; and the errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, root],
                             env=dict(os.environ, IRIS=str(iris_file), QPATH=path), capture_output=True,
                             text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    wrong = re.search(r"non2xx (\d+) errors (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "non2xx": int(wrong.group(1)), "errors": int(wrong.group(2)), "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--before", type=Path, help="another source tree of the publisher, measured beside this one")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out (it loads for minutes)")
    options = parser.parse_args()
    iris = practices(options.build_dir)
    iris_file = Path(tempfile.mkstemp(suffix=".txt")[1])
    iris_file.write_text("\n".join(iris) + "\n")
    starts = {"samenleven": lambda: start_publisher(options.build_dir, iris[0], connections=options.connections)}
    if options.before:
        starts["samenleven before"] = lambda: start_publisher(options.build_dir, iris[0], options.before,
                                                               connections=options.connections)
    starts["oxigraph"] = lambda: start_oxigraph(options.build_dir, iris[0])
    if not options.no_rdflib:
        starts["rdflib-endpoint"] = lambda: start_rdflib_endpoint(options.build_dir, iris[0])
    servers = {}
    try:
        for name, start in starts.items():
            servers[name] = start()
        found: dict[str, list[dict]] = {name: [] for name in servers}
        for round_ in range(options.rounds):
            for name, (_, root, path) in servers.items():
                wrk(root, path, iris_file, 2, options.connections)  # warm up
                found[name].append(wrk(root, path, iris_file, options.seconds, options.connections))
                print(f"round {round_ + 1} {name}: {found[name][-1]}", flush=True)
    finally:
        for process, _, _ in servers.values():
            process.terminate()
            process.wait(30)
        iris_file.unlink()
    print(f"\n{len(iris)} practices, wrk -t2 -c{options.connections} -d{options.seconds}s, {options.rounds} rounds, "
          f"{os.cpu_count()} cores\n")
    print("| server | req/s per round | median | load average (1 min) per round | non-2xx | ratio to oxigraph |")
    print("| --- | --- | ---: | --- | ---: | ---: |")
    oxigraph = statistics.median(r["rps"] for r in found["oxigraph"])
    for name, runs in found.items():
        median = statistics.median(r["rps"] for r in runs)
        rates = ", ".join("%.0f" % r["rps"] for r in runs)
        loads = ", ".join("%.1f" % r["load"] for r in runs)
        wrong = sum(r["non2xx"] + r["errors"] for r in runs)
        print(f"| {name} | {rates} | {median:.0f} | {loads} | {wrong} | {median / oxigraph:.2f} |")


if __name__ == "__main__":
    main()
