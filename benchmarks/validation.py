"""Benchmark: the SHACL validation of a build, per engine, and whether the engines' reports are the same.

Run: ``.venv/bin/python benchmarks/validation.py [--graph-dir DIR] [--runs pyshacl:0,turbo:0,turbo:100000]``, on
``graph/`` or a folder that ``samenleven generate`` wrote. It reads and entails the inputs as a build does, then
validates them with each engine and ``validation_part`` given as the build would (``validate.validate`` on the
triples, the rdflib conversion of pySHACL counted in its time) and prints a Markdown table: results, wall and CPU
seconds (CPU is what the process used, all its threads together, so it says more than wall time on a machine that
others share), and whether each run's results are those of the first. No timing is asserted anywhere.
"""

import argparse
import os
import platform
import resource
import time
from pathlib import Path

import pyoxigraph as ox

from publisher import config, inference, loader, validate
from publisher.config import PROJECT_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph-dir", type=Path, default=PROJECT_DIR / "graph")
    parser.add_argument("--runs", default="pyshacl:0,turbo:0,turbo:100000",
                        help="comma-separated ENGINE:PART, the reference first")
    args = parser.parse_args()
    settings = config.load({"graph_dir": args.graph_dir})
    inputs = loader.read(settings, PROJECT_DIR)
    triples = list(dict.fromkeys(inputs.triples))
    triples += inference.entailed(triples)
    origin = {term.value: source for term, source in inputs.origin.items() if isinstance(term, ox.NamedNode)}
    shapes = validate.shapes_graph(settings["shapes_dir"], settings["base"])
    print(f"{args.graph_dir}: {len(triples):,} triples; {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print("| engine | validation_part | results | wall s | CPU s | same results as the first |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    first = None
    for run in args.runs.split(","):
        engine, part = run.split(":")
        wall, cpu = time.perf_counter(), time.process_time()
        report = validate.validate(triples, shapes, origin, engine, int(part))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        results = set(report.results)
        first = results if first is None else first
        same = "yes" if results == first else "NO"
        print(f"| {engine} | {part} | {len(results):,} | {wall:.1f} | {cpu:.1f} | {same} |", flush=True)
    print(f"\npeak memory of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
