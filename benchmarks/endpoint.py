"""Benchmark: the canned queries through the endpoint, against pyoxigraph in-process and rdflib's own engine.

Run after a build: ``.venv/bin/python benchmarks/endpoint.py [--repeat 20]``. It starts the real server on
127.0.0.1 and reports, per query, the median time of each peer measured in the same run and two ratios:
what the endpoint (HTTP, a sandboxed worker process, serialization) costs over pyoxigraph alone, and how much
slower rdflib's engine is than pyoxigraph (why rdflib's engine is never behind the endpoint). No timing is
asserted anywhere; this only reports.
"""

import argparse
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent)]

import rdflib  # noqa: E402

from conftest import start_server, stop_server  # noqa: E402
from publisher import build, config, queries  # noqa: E402
from publisher import store as stores  # noqa: E402


def median_seconds(run, repeat: int) -> float:
    run()  # warm up: caches, the first worker process
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _all(result):
    """Consume a result: rows or triples, or a boolean for ASK."""
    return bool(result) if query_is_boolean(result) else list(result)


def query_is_boolean(result) -> bool:
    return getattr(result, "type", None) == "ASK" or type(result).__name__ == "QueryBoolean"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    settings = config.load()
    store = stores.open_current(settings)
    if store is None:
        sys.exit("no build: run `samenleven build` first")
    graph = rdflib.Graph().parse(build.current(settings) / "graph.ttl", format="turtle")  # publisher.dumps
    canned = queries.load(settings["queries_dir"])
    process, url = start_server(settings["build_dir"])
    print(f"{len(graph)} triples, {repeat} runs each, median milliseconds\n")
    print(f"{'query':38} {'pyoxigraph':>10} {'endpoint':>9} {'rdflib':>9} {'endpoint/ox':>12} {'rdflib/ox':>10}")
    try:
        for name, query in canned.items():
            if any(p.required and p.default is None for p in query.parameters):
                continue  # needs a value chosen per run; left out
            bindings = queries.bind(query, {}, store.graph, settings["base"])
            fmt = "ttl" if query.form == "CONSTRUCT" else "json"
            api = f"{url}/queries/{name}.{fmt}"
            ox_time = median_seconds(lambda: _all(store.graph.select(query.text, **bindings)), repeat)
            http_time = median_seconds(lambda: urllib.request.urlopen(api).read(), repeat)
            rdflib_bindings = {k: rdflib.Literal(v.value) for k, v in bindings.items()}
            rdflib_time = median_seconds(lambda: _all(graph.query(query.text, initBindings=rdflib_bindings)),
                                         max(3, repeat // 5))
            print(f"{name:38} {ox_time * 1000:10.2f} {http_time * 1000:9.2f} {rdflib_time * 1000:9.1f} "
                  f"{http_time / ox_time:12.1f} {rdflib_time / ox_time:10.1f}")
    finally:
        stop_server(process)


if __name__ == "__main__":
    main()
