"""Benchmark: how long the publisher takes to start, per gunicorn worker, from spawn to its first 200 on ``/`` and on
``/sparql?query=ASK{}`` (issue 14: "start-up ≤ 2 s at any size").

``python -m benchmarks`` calls ``measure`` in every round. Run alone, to compare sizes and source trees::

    .venv/bin/python benchmarks/startup.py --build-dir /tmp/v1k --build-dir /tmp/v10k [--source DIR] [--runs 3]

Each run spawns ``samenleven serve --workers N`` (gunicorn, as ``make serve``, ``samenleven serve`` and
``contenders.py`` start it) and asks each path on fresh connections, several at once, until every worker has
answered it with a 200. Which worker answered is read off the connection itself: while the answer's connection is
still open (HTTP keep-alive), the worker process holding its other end is the one with that TCP connection
(``psutil``). So the figures are per worker, the first request each worker answers of each kind, whatever it
does lazily. ``--source`` runs the publisher of another source tree (``git archive REV | tar -x -C DIR``) on
the same builds, interleaved with this one. Nothing is asserted.
"""

import argparse
import http.client
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT))

from benchmarks import contenders, machine  # noqa: E402

PATHS = ("/", "/sparql?query=ASK%7B%7D")
AT_ONCE = 4  # connections per try: the workers race for each one, so every ready worker soon gets one


def _answer(port: int, path: str, workers: list) -> int | None:
    """The pid of the worker that answered ``path`` with a 200 on a new connection, or None."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Accept": "text/html" if path == "/" else "*/*"})
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            return None
        mine = connection.sock.getsockname()
        for worker in workers:
            try:
                if any(c.raddr and tuple(c.raddr) == mine for c in worker.net_connections(kind="tcp")):
                    return worker.pid
            except psutil.Error:
                continue
        return None
    except OSError:
        return None
    finally:
        connection.close()


def _workers(master: psutil.Process) -> list:
    """gunicorn's workers: the master's children forked with its command line (not, say, multiprocessing's
    resource tracker; the workers' query processes are their own children)."""
    try:
        command = master.cmdline()
        return [child for child in master.children() if child.cmdline() == command]
    except psutil.Error:
        return []


def _cpu(master: psutil.Process) -> float:
    """CPU seconds the server's processes have spent so far, those that ended (the probe) included: what start-up
    costs whatever else the machine runs, where wall seconds stretch with its load."""
    total = 0.0
    for process in [master, *master.children(recursive=True)]:
        try:
            total += sum(process.cpu_times()[:4])
        except psutil.Error:
            continue
    return total


def measure(build_dir: Path, workers: int = 2, source: Path = PROJECT, wait: float = 600) -> dict:
    """Start a publisher; return, per path, the seconds from spawn to each worker's first 200 on it, in order, and
    under ``cpu`` the CPU seconds its processes had spent when the last came."""
    port = contenders.free_port()
    command, env = contenders.serve(build_dir, port, workers, source)
    found: dict = {path: {} for path in PATHS}
    lock = threading.Lock()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=source, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        master = psutil.Process(process.pid)

        def ask(path):
            pid = _answer(port, path, _workers(master))
            with lock:
                if pid is not None and pid not in found[path]:
                    found[path][pid] = time.perf_counter() - started

        while any(len(seen) < workers for seen in found.values()) and time.perf_counter() - started < wait:
            if process.poll() is not None:
                raise SystemExit(f"the publisher stopped ({process.returncode}): {' '.join(command)}")
            for path in (p for p in PATHS if len(found[p]) < workers):
                threads = [threading.Thread(target=ask, args=(path,)) for _ in range(AT_ONCE)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                time.sleep(0.005)
        found["cpu"] = {0: _cpu(master)}
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return {path: sorted(seen.values()) for path, seen in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, action="append", required=True, help="A build folder (repeat).")
    parser.add_argument("--source", type=Path, action="append", default=[],
                        help="Another source tree of the publisher, measured beside this one (repeat).")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    sources = [PROJECT, *options.source]
    load_before = machine.load_average()
    found = {(b, s): {p: [] for p in (*PATHS, "cpu")} for b in options.build_dir for s in sources}
    for run in range(options.runs):
        for build_dir in options.build_dir:
            for source in sources if run % 2 == 0 else sources[::-1]:  # interleaved: a busy moment costs each
                for path, seconds in measure(build_dir, options.workers, source).items():
                    found[build_dir, source][path].append(seconds)
                print(f"run {run + 1}: {build_dir} {source}", file=sys.stderr)
    print(f"Spawn to each worker's first 200, seconds, median of {options.runs} runs (lowest–highest), "
          f"`samenleven serve --workers {options.workers}`; load average before {load_before}, after "
          f"{machine.load_average()}\n")
    print("| build | source | path | first worker | last worker |\n| --- | --- | --- | ---: | ---: |")
    for (build_dir, source), paths in found.items():
        for path, runs in paths.items():
            cells = [statistics.median(r[i] for r in runs) for i in (0, -1)]
            spread = [f"{c:.2f} ({min(r[i] for r in runs):.2f}–{max(r[i] for r in runs):.2f})"
                      for c, i in zip(cells, (0, -1))]
            print(f"| {build_dir} | {source.name if source != PROJECT else 'this tree'} | `{path}` | "
                  + " | ".join(spread) + " |")


if __name__ == "__main__":
    main()
