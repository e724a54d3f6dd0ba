"""Benchmark: how long `samenleven serve` takes to answer its first request, and what it imports on the way.

Run: ``.venv/bin/python benchmarks/startup.py [--repeat 5] [--build-dir var]`` after ``samenleven build``. Each run starts the real
server (Flask's development server) on a free port of 127.0.0.1 with Python's import log (``-X importtime``), and
times it from the start of the process to the first 200 of ``/``. Reported: the median and the slowest run, the
time the imports took (the log's cumulative figures of the top-level modules), and whether pySHACL or the build
pipeline was imported (neither should be: issue 11). No timing is asserted anywhere; this only reports.
"""

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
HEAVY = ("pyshacl", "rdflib", "publisher.build", "publisher.validate")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def once(build_dir: str) -> tuple[float, float, list[str]]:
    """Start the server, wait for its first answer; return (seconds, seconds of imports, heavy modules loaded)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        start = time.monotonic()
        process = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "publisher", "--build-dir", build_dir,
                                    "serve", "--port", str(port)], cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=log)
        try:
            while True:
                if process.poll() is not None:
                    sys.exit("the server stopped: is there a build? run `samenleven build`")
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.02)
            elapsed = time.monotonic() - start
        finally:
            process.terminate()
            process.wait(10)
        log.seek(0)
        lines = [line.split("|") for line in log.read().decode().splitlines() if line.startswith("import time:")]
    top = [int(cumulative) for _, cumulative, name in lines[1:] if cumulative.strip().isdigit()
           and not name.startswith("  ")]  # a top-level import: its name follows the bar after one space
    loaded = {name.strip() for _, _, name in lines[1:]}
    return elapsed, sum(top) / 1e6, [module for module in HEAVY if module in loaded]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build-dir", default=str(PROJECT / "var"), help="The build folder served.")
    options = parser.parse_args()
    runs = [once(options.build_dir) for _ in range(options.repeat)]
    seconds = [run[0] for run in runs]
    print("| runs | first answer, median | slowest | imports, median | pySHACL or the build imported |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| {len(runs)} | {statistics.median(seconds) * 1000:.0f} ms | {max(seconds) * 1000:.0f} ms "
          f"| {statistics.median(run[1] for run in runs) * 1000:.0f} ms "
          f"| {', '.join(sorted({m for run in runs for m in run[2]})) or 'no'} |")


if __name__ == "__main__":
    main()
