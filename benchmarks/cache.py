"""Benchmark: resource pages and a repeated /sparql query, with the answer cache, against Oxigraph server.

Run on a finished build (``samenleven build``)::

    .venv/bin/python benchmarks/cache.py --build-dir /tmp/cache/v10k [--before DIR] [--seconds 10] [--rounds 2]

Each contender is started on 127.0.0.1 on the same build: this publisher (``samenleven serve --workers 2``, with
its answer cache), the same publisher with ``answer_cache_mb=0`` (every request renders), the publisher of another
source tree (``--before``, an export of main, for before and after), and ``oxigraph serve-read-only`` on the
build's own store (the same RocksDB files). wrk (Debian) then asks each the same URLs, contender by contender
and round after round, so that a busy machine weighs on all alike: a practice's document in Turtle and in HTML,
and one DESCRIBE-like CONSTRUCT repeated on ``/sparql`` (Oxigraph's ``/query``). ``measure`` returns the rows for
another script (``python -m benchmarks``) to fold in; ``main`` prints a Markdown table with the machine and its
load average.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
# Every wrk connection comes from 127.0.0.1: the per-client share of query processes would refuse all but one.
LOAD = {"client_queries": 64, "query_queue_wait": 30}
PRACTICE = "SELECT ?p WHERE { ?p a <https://w3id.org/samenleven/ns#Practice> } LIMIT 1"


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server stopped")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


def publisher(build_dir: Path, source: Path, **settings) -> tuple[subprocess.Popen, str]:
    """``samenleven serve --workers 2`` from the source tree ``source``."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(source),
               **{f"SAMENLEVEN_{k.upper()}": str(v) for k, v in {**LOAD, **settings}.items()})
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "serve", "--port",
                                str(port), "--workers", "2"], cwd=source, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait(url + "/robots.txt", process)
    return process, url


def oxigraph(build_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([str(OXIGRAPH), "serve-read-only", "--location", str(build_dir / "current" / "store"),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait(url + "/query?query=ASK%7B%7D", process)
    return process, url


def wrk(url: str, headers: dict, seconds: int, connections: int) -> float:
    """Requests per second that wrk saw answered 2xx/3xx on ``url``; an error rate over 1% is an error."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad and int(bad.group(1)) > total / 100:
        raise RuntimeError(f"{url}: {bad.group(1)} of {total} answers were errors")
    return rate


def cases(practice: str) -> dict:
    """What each contender is asked: (path on the publisher, path on Oxigraph or None, headers)."""
    key = practice.split("/id/", 1)[1]
    query = urllib.parse.quote(f"CONSTRUCT {{ <{practice}> ?p ?o }} WHERE {{ <{practice}> ?p ?o }}")
    return {"/doc Turtle": (f"/doc/{key}", None, {"Accept": "text/turtle"}),
            "/doc HTML": (f"/doc/{key}", None, {"Accept": "text/html"}),
            "/sparql repeated": (f"/sparql?query={query}", f"/query?query={query}", {"Accept": "text/turtle"})}


def measure(build_dir: Path, before: Path | None = None, seconds: int = 10, rounds: int = 2,
            connections: int = 8) -> dict:
    """Requests per second per case and contender, a list of rounds each: ``{case: {contender: [rate, ...]}}``."""
    import pyoxigraph as ox
    store = ox.Store.read_only(str(build_dir / "current" / "store"))
    practice = next(iter(store.query(PRACTICE)))["p"].value
    del store
    started = {"cache": publisher(build_dir, PROJECT), "no cache": publisher(build_dir, PROJECT, answer_cache_mb=0),
               "Oxigraph server": oxigraph(build_dir)}
    if before:
        started["before (main)"] = publisher(build_dir, before)
    found: dict = {}
    try:
        for _ in range(rounds):
            for case, (path, on_oxigraph, headers) in cases(practice).items():
                for name, (_, url) in started.items():
                    if name == "Oxigraph server":
                        if on_oxigraph is None:
                            continue
                        target = url + on_oxigraph
                    else:
                        target = url + path
                    wrk(target, headers, 4, connections)  # warm: each worker has made (and kept) the answer
                    rate = wrk(target, headers, seconds, connections)
                    print(f"{case} | {name} | {rate:.0f}", file=sys.stderr, flush=True)
                    found.setdefault(case, {}).setdefault(name, []).append(rate)
    finally:
        for process, _ in started.values():
            process.terminate()
        for process, _ in started.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    return found


def startup(build_dir: Path, paths=("/robots.txt", "/", "/doc/gemeente/44021")) -> dict:
    """Seconds from spawning ``samenleven serve --workers 2`` to the first 200 on each of ``paths`` (asked in turn,
    each the first of its kind)."""
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "serve", "--port",
                                str(port), "--workers", "2"], cwd=PROJECT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    found = {}
    try:
        for path in paths:
            wait(f"http://127.0.0.1:{port}{path}", process, 300)
            found[path] = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(30)
    return found


def table(found: dict) -> str:
    names = list(dict.fromkeys(name for case in found.values() for name in case))
    lines = ["| case | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for case, by in found.items():
        cells = [f"{statistics.median(by[n]):,.0f} ({min(by[n]):,.0f}–{max(by[n]):,.0f})" if n in by else "—"
                 for n in names]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--before", type=Path, help="Another source tree of the publisher (an export of main).")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    load = os.getloadavg()
    found = measure(args.build_dir, args.before, args.seconds, args.rounds, args.connections)
    print(f"requests per second, median of {args.rounds} rounds (min–max), wrk -t2 -c{args.connections} "
          f"{args.seconds} s each; load average before {load[0]:.1f}, after {os.getloadavg()[0]:.1f}, "
          f"{os.cpu_count()} cores\n")
    print(table(found))
    print("\nstart-up, seconds from spawn to the first 200: " +
          ", ".join(f"{path} {seconds:.1f}" for path, seconds in startup(args.build_dir).items()))


if __name__ == "__main__":
    main()
