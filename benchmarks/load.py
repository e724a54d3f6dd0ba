"""Benchmark: the production set-up (nginx, then gunicorn) under load, and a cheap query beside runaway ones.

Run ``make benchmark``, or after a build ``.venv/bin/python benchmarks/load.py [--duration 60 --connections 64]``
(needs nginx and wrk from Debian's packages). It starts ``samenleven serve --workers N`` with ``proxy_hops=1`` and
nginx configured by ``samenleven deploy nginx``, exactly as the README's "Deploying" describes, and measures:

1. wrk with 64 connections for 60 s on a mix of URLs (pages in HTML and Turtle, the endpoint, canned queries,
   the catalogue, the change feed, tables, a range of a dump): requests per second, p50 and p99 latency, errors,
   and the memory (RSS) of gunicorn, its workers and their query processes before and after; once with nginx's
   cache as shipped and once without it, so that every request reaches gunicorn.
2. A cheap query's median latency while 8 runaway queries run, as a ratio to its median when the server is idle.
   Each client has an address of its own (127.0.0.x), as on the internet.

Nothing is asserted; it prints a Markdown table and writes the figures to ``benchmarks/results/``.
"""

import argparse
import concurrent.futures
import http.client
import json
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "adversarial"), str(HERE.parent)]

from _proxy import Nginx, nginx_binary  # noqa: E402
from conftest import start_server, stop_server  # noqa: E402
from benchmarks import machine  # noqa: E402
from benchmarks.contenders import ONE_ADDRESS, tree_rss_mb  # noqa: E402
from benchmarks import wrk as load_client  # noqa: E402
from publisher import build, config  # noqa: E402

CHEAP = "ASK { ?s a <https://w3id.org/samenleven/ns#Practice> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
UNLIMITED = ["--connections", "60000", "--query-rate", "100000", "--query-burst", "100000"]  # one address here


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def url_mix(root: str, pages: int) -> list[tuple[str, dict]]:
    """The mix: ``pages`` documents from the sitemap in HTML and Turtle, and one of each other kind of URL."""
    _, sitemap = fetch(root + "/sitemap.xml")
    docs = [urllib.parse.urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", sitemap.decode())
            if "/doc/" in u]
    docs = docs[::max(1, len(docs) // pages)][:pages]
    mix = [(d, {"Accept": "text/html"}) for d in docs] + [(d + ".ttl", {}) for d in docs]
    _, listing = fetch(root + "/tables/")
    tables = sorted(set(re.findall(r'href="(/tables/[^"]+\.csv)"', listing.decode())))
    _, canned = fetch(root + "/queries.json")
    apis = [urllib.parse.urlsplit(q["api"].get("json") or q["api"]["ttl"]).path for q in json.loads(canned)]
    apis = [path for path in apis if fetch(root + path)[0] == 200]  # the ones whose defaults need no value
    mix += [("/", {"Accept": "text/html"}), ("/sparql?query=" + urllib.parse.quote(CHEAP), {}),
            ("/catalog", {"Accept": "text/turtle"}), ("/ldes", {}), ("/dumps/graph.ttl", {"Range": "bytes=0-65535"})]
    mix += [(path, {}) for path in apis + tables]
    broken = [(path, status) for path, headers in mix if (status := fetch(root + path, headers)[0]) >= 300]
    if broken:
        sys.exit(f"these URLs of the mix do not answer 2xx: {broken}")
    return mix


def rss_mb(process: subprocess.Popen) -> float:
    """Memory of gunicorn, its workers and their query processes (resident, summed)."""
    return tree_rss_mb(process.pid)


def wrk(root: str, mix: list, seconds: int, connections: int, threads: int) -> dict:
    requests = [load_client.Request("GET", path, headers) for path, headers in mix]
    return load_client.run(root, requests, seconds, connections, threads)


def timed_query(root: str, query: str, client: int) -> tuple[float, int]:
    """Run a query from 127.0.0.``client``; return (seconds, status)."""
    parts = urllib.parse.urlsplit(root)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120,
                                            source_address=(f"127.0.0.{client}", 0))
    started = time.perf_counter()
    try:
        connection.request("GET", "/sparql?query=" + urllib.parse.quote(query),
                           headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - started, response.status
    finally:
        connection.close()


def beside_runaways(root: str, samples: int, runaways: int) -> dict:
    """The cheap query alone, then while ``runaways`` queries run from one address, then from one address each."""
    fresh = iter(range(10**9))  # a comment that differs every time: no cache serves the answer
    cheap = lambda: timed_query(root, f"{CHEAP} # {next(fresh)}", 2)  # noqa: E731
    cheap()
    idle = [cheap() for _ in range(samples)]
    idle_s = statistics.median(t for t, _ in idle)
    found = {"samples": samples, "runaways": runaways, "idle_median_ms": idle_s * 1000}
    for scenario, address in (("one address", lambda i: 10), ("one address each", lambda i: 10 + i)):
        stop, statuses = threading.Event(), []

        def runaway(client: int) -> None:
            while not stop.is_set():
                statuses.append(timed_query(root, f"{RUNAWAY} # {next(fresh)}", client)[1])

        with concurrent.futures.ThreadPoolExecutor(runaways) as pool:
            for i in range(runaways):
                pool.submit(runaway, address(i))
            time.sleep(1)
            loaded = [cheap() for _ in range(samples)]
            stop.set()
        loaded_s = statistics.median(t for t, _ in loaded)
        found[scenario] = {"loaded_median_ms": loaded_s * 1000, "ratio": loaded_s / idle_s,
                           "cheap_statuses": dict(Counter(s for _, s in loaded)),
                           "runaway_statuses": dict(Counter(statuses))}
    return found


def described() -> dict:
    found = machine.describe({"nginx": [nginx_binary(), "-v"]})
    return {"cores": found["cores"], "cpu": found["cpu"], "memory_gb": found["memory_gb"],
            "python": found["python"], "nginx": found["tools"]["nginx"], "system": found["kernel"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="Seconds of each wrk run.")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's worker processes.")
    parser.add_argument("--pages", type=int, default=20, help="Documents in the URL mix (each in two formats).")
    parser.add_argument("--samples", type=int, default=10, help="Cheap queries timed, idle and beside runaways.")
    parser.add_argument("--runaways", type=int, default=8)
    parser.add_argument("--cache", choices=["both", "on", "off"], default="both", help="nginx's cache.")
    parser.add_argument("--note", default="", help="Said in the results (the machine, what else ran).")
    args = parser.parse_args()
    settings = config.load()
    if build.current(settings) is None:
        print("no build yet: building", file=sys.stderr)
        build.build(settings)
    results = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": described(),
               "note": args.note, "settings": {k: str(settings[k]) for k in ("query_timeout", "query_workers")},
               "load_settings": ONE_ADDRESS, "options": vars(args), "runs": []}
    # The load: every wrk connection comes from one address, so nginx's and the server's limits per address are
    # raised, or the run would measure 429s. The runaways then run on a server with the settings as shipped.
    process, direct = start_server(settings["build_dir"], "--workers", str(args.workers), proxy_hops=1,
                                   **ONE_ADDRESS)
    try:
        for cache in [c for c in ("on", "off") if args.cache in (c, "both")]:
            nginx = Nginx(direct, *UNLIMITED, *([] if cache == "on" else ["--no-cache"]))
            try:
                mix = url_mix(nginx.url, args.pages)
                before = rss_mb(process)
                run = wrk(nginx.url, mix, args.duration, args.connections, args.threads)
                run.update(cache=cache, urls=len(mix), rss_before_mb=before, rss_after_mb=rss_mb(process))
                results["runs"].append(run)
            finally:
                nginx.stop()
    finally:
        stop_server(process)
    process, direct = start_server(settings["build_dir"], "--workers", str(args.workers), proxy_hops=1)
    try:
        nginx = Nginx(direct, "--no-cache")
        try:
            results["runaways"] = beside_runaways(nginx.url, args.samples, args.runaways)
        finally:
            nginx.stop()
    finally:
        stop_server(process)
    report(results)


def report(results: dict) -> None:
    options = results["options"]
    print(f"\n{results['machine']['cores']} cores ({results['machine']['cpu']}), gunicorn {options['workers']} "
          f"workers x 4 threads behind nginx; {options['connections']} connections, {options['duration']} s\n")
    print("| nginx cache | URLs | requests/s | p50 ms | p99 ms | errors | RSS before MB | RSS after MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in results["runs"]:
        errors = sum(run["errors"].values())
        print(f"| {run['cache']} | {run['urls']} | {run['requests_per_second']:.0f} | {run['p50_ms']:.1f} | "
              f"{run['p99_ms']:.1f} | {errors} | {run['rss_before_mb']:.0f} | {run['rss_after_mb']:.0f} |")
    if "runaways" in results:
        r = results["runaways"]
        print(f"\n| cheap query (of {r['samples']}) | median ms | ratio to idle | its answers | the runaways' answers |"
              f"\n| --- | ---: | ---: | --- | --- |\n| idle | {r['idle_median_ms']:.1f} | 1 | | |")
        for scenario in ("one address", "one address each"):
            s = r[scenario]
            print(f"| beside {r['runaways']} runaways from {scenario} | {s['loaded_median_ms']:.1f} | "
                  f"{s['ratio']:.1f} | {s['cheap_statuses']} | {s['runaway_statuses']} |")
    out = HERE / "results" / f"load-{results['when'][:10]}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
