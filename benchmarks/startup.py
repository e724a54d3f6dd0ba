"""Benchmark: how long the server takes to start, against a minimal Flask + pyoxigraph app on the same store.

Run after a build: ``.venv/bin/python benchmarks/startup.py [--runs 7]``. Each run starts a fresh process and
times it until its first answer on 127.0.0.1:

- ``import``: ``import publisher.app`` in a new interpreter, beside ``import flask, pyoxigraph`` (the floor any
  Flask app on this engine pays), and whether the import pulled in pySHACL, rdflib or the build pipeline;
- ``first answer``: ``samenleven serve`` (the development server, one process) from spawn to a 200 on ``/``,
  beside a 20-line Flask app that opens the same store read-only and answers ``/`` with its triple count.

It prints the medians and their ratios, measured in the same run. Nothing is asserted; the issue (11) asks that
start-up time is reported here, not in a test.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.contenders import Server, free_port  # noqa: E402
from publisher import build, config  # noqa: E402

MINIMAL = textwrap.dedent("""
    import sys
    import flask
    import pyoxigraph
    store = pyoxigraph.Store.read_only(sys.argv[1])
    app = flask.Flask(__name__)

    @app.get("/")
    def home():
        return f"{len(store)} triples"

    app.run(host="127.0.0.1", port=int(sys.argv[2]), threaded=True)
""")
HEAVY = ("pyshacl", "rdflib", "publisher.build", "publisher.validate")  # what the server must not load
PROBE = "import sys, time; t = time.perf_counter(); import {module}; " \
        "print(time.perf_counter() - t, *[m for m in %r if m in sys.modules])" % (HEAVY,)


def first_answer(command: list[str], port: int) -> float:
    """Seconds from spawning ``command`` to its first 200 on ``/``."""
    server = Server(command[0], command, port)
    server.stop()
    return server.startup


def imported(module: str) -> tuple[float, list[str]]:
    """Seconds to import ``module`` in a new interpreter, and which of ``HEAVY`` that loaded."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=PROJECT, capture_output=True,
                          text=True, check=True)
    seconds, *heavy = done.stdout.split()
    return float(seconds), heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="Starts of each kind; the median is reported.")
    options = parser.parse_args()
    settings = config.load()
    folder = build.current(settings)
    if folder is None:
        print("no build yet: building", file=sys.stderr)
        build.build(settings)
        folder = build.current(settings)
    ours, floor, served, minimal, pulled = [], [], [], [], set()
    with tempfile.TemporaryDirectory() as scratch:
        app = Path(scratch) / "minimal.py"
        app.write_text(MINIMAL)
        for _ in range(options.runs):  # interleaved, so that a busy moment costs both sides alike
            seconds, heavy = imported("publisher.app")
            ours.append(seconds)
            pulled.update(heavy)
            floor.append(imported("flask, pyoxigraph")[0])
            port = free_port()
            served.append(first_answer([sys.executable, "-m", "publisher", "--build-dir", str(settings["build_dir"]),
                                        "serve", "--port", str(port)], port))
            port = free_port()
            minimal.append(first_answer([sys.executable, str(app), str(folder / "store"), str(port)], port))
    rows = [("import publisher.app", ours, "import flask, pyoxigraph", floor),
            ("`samenleven serve` to its first 200", served, "minimal Flask + pyoxigraph app", minimal)]
    print(f"Start-up, median of {options.runs} runs, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print("| what | samenleven | peer | peer's time | ratio |\n| --- | ---: | --- | ---: | ---: |")
    for what, mine, peer, theirs in rows:
        a, b = statistics.median(mine), statistics.median(theirs)
        print(f"| {what} | {a * 1000:.0f} ms | {peer} | {b * 1000:.0f} ms | {a / b:.2f}× |")
    print(f"\nOf {', '.join(HEAVY)}, the web app's imports pulled in: {', '.join(sorted(pulled)) or 'none'}.")


if __name__ == "__main__":
    main()
