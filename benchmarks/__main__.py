"""Benchmark the publisher against Oxigraph server, rdflib-endpoint and nginx on the same generated data.

``python -m benchmarks`` (or ``make bench``) generates practices with ``samenleven generate`` (fixed seed) and
builds them with ``build --verbose``, unless ``--build-dir`` names a build; starts every contender on 127.0.0.1
(with ``--without-cache`` and ``--before`` the publisher again, without its answer cache and from another source
tree); checks that each answers each item; then measures with wrk, interleaved, in ``--rounds`` rounds: the query
mix on the SPARQL servers, resource pages on the publishers and nginx, each worker's start-up, memory after the
load; then, once, every canned query and the pages that show counts (``canned``) and where a unique /sparql
request's CPU time goes (``endpoint_profile``); and writes a Markdown table of ratios with their spread and the
machine to ``benchmarks/results/``. Nothing is asserted.
"""

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Iterator

from benchmarks import canned, contenders, endpoint_profile, items, machine, report, startup, wrk

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "benchmarks" / "results"
TOOLS = {"wrk": ["wrk", "--version"], "nginx": ["/usr/sbin/nginx", "-v"]}


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=10000, help="Practices to generate (without --build-dir).")
    parser.add_argument("--seed", type=int, default=14, help="Seed of `samenleven generate`.")
    parser.add_argument("--graph-dir", type=Path, help="A generated graph folder to build (else one is generated).")
    parser.add_argument("--build-dir", type=Path,
                        help="A build folder: served as it is when it holds a build, else the new build goes there.")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per item and contender.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's and nginx's worker processes.")
    parser.add_argument("--pages", type=int, default=200, help="Practices whose resource pages are asked for.")
    parser.add_argument("--skip", action="append", default=[], choices=["rdflib-endpoint", "nginx", "minimal"],
                        help="Leave a contender out (rdflib-endpoint parses the whole dump into memory first).")
    parser.add_argument("--without-cache", action="store_true",
                        help="Serve the publisher a second time with answer_cache_mb=0 and measure it beside.")
    parser.add_argument("--before", type=Path,
                        help="Another source tree of the publisher (git archive REV | tar -x -C DIR), measured beside.")
    parser.add_argument("--canned-repeat", type=int, default=3,
                        help="Requests per canned query and count page after the rounds (0: leave them out).")
    parser.add_argument("--queries-before", metavar="REV",
                        help="Time the canned queries of this git revision beside the work tree's.")
    parser.add_argument("--profile-requests", type=int, default=2000,
                        help="Unique /sparql requests profiled in-process after the rounds (0: no profile).")
    parser.add_argument("--out", type=Path, help="The Markdown file (default results/bench-{date}-{N}.md).")
    return parser.parse_args()


def samenleven(*arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "publisher", *arguments], cwd=PROJECT, check=True)


def prepare(args: argparse.Namespace, scratch: Path) -> tuple[Path, float | None]:
    """The build to serve, made now unless given; and the wall seconds of ``build --verbose`` if it ran."""
    build_dir = args.build_dir or scratch / "var"
    if (build_dir / "current" / "build.json").exists():
        return build_dir, None
    graph_dir = args.graph_dir
    if graph_dir is None:
        graph_dir = scratch / "graph"
        samenleven("generate", "--practices", str(args.practices), "--seed", str(args.seed), "--out", str(graph_dir))
    started = time.perf_counter()
    samenleven("--graph-dir", str(graph_dir), "--build-dir", str(build_dir), "build", "--verbose")
    return build_dir, time.perf_counter() - started


def measure(asked: list, servers: dict, args: argparse.Namespace) -> Iterator[int]:
    """Run wrk on each item and contender, interleaved (reversed every other round); yield after each round."""
    for item in asked:  # warm-up: the publisher's query processes start when first needed
        for who in item["requests"]:
            wrk.run(servers[who].url, item["requests"][who], max(2, args.duration // 5), args.connections,
                    args.threads, item["unique"], offset=10**6)
            servers[who].idle()
    for round_ in range(args.rounds):
        for item in asked:
            order = list(item["requests"])
            for who in order[::-1] if round_ % 2 else order:
                print(f"round {round_ + 1}: {item['name']} on {who}", file=sys.stderr)
                run = wrk.run(servers[who].url, item["requests"][who], args.duration, args.connections,
                              args.threads, item["unique"], offset=round_ * 997)
                run["settled_s"] = servers[who].idle()  # what it was still doing is no other contender's burden
                item["runs"][who].append(run)
        yield round_


def started(build_dir: Path, location: Path, workers: int, first: str) -> dict:
    """Start a fresh publisher and Oxigraph server (in the order given) and stop them: per path, the seconds from
    spawn to each publisher worker's first 200 on it (``startup``), and Oxigraph's to its first ``ASK {}``."""
    start = {"publisher": lambda: startup.measure(build_dir, workers),
             "Oxigraph": lambda: {"ASK": [oxigraph_started(location)]}}
    seconds = {}
    for who in sorted(start, key=lambda w: w != first):
        for path, times in start[who]().items():
            seconds[f"{who} {path}"] = times
    return seconds


def oxigraph_started(location: Path) -> float:
    server = contenders.oxigraph(location)
    server.stop()
    return server.startup


def publishers(build_dir: Path, args: argparse.Namespace) -> dict:
    """The publisher, and as asked the same without its answer cache and the one of another source tree."""
    found = {"publisher": contenders.publisher(build_dir, args.workers)}
    if args.without_cache:
        name = "publisher without cache"
        found[name] = contenders.publisher(build_dir, args.workers, name=name, answer_cache_mb=0)
    if args.before:
        found["publisher before"] = contenders.publisher(build_dir, args.workers, source=args.before.resolve(),
                                                         name="publisher before")
    return found


def once(build_dir: Path, scratch: Path, args: argparse.Namespace) -> dict:
    """What is measured once, after the rounds: the canned queries and count pages, and the profile."""
    found = {}
    if args.canned_repeat:
        sets = {"now": PROJECT / "queries"}
        if args.queries_before:
            sets = {args.queries_before: canned.revision_queries(args.queries_before, scratch / "queries-before"),
                    **sets}
        found["canned"] = canned.measure(build_dir, args.canned_repeat, sets)
    if args.profile_requests:
        found["profile"] = endpoint_profile.profile(str(build_dir), args.profile_requests)
    return found


def main() -> None:
    args = options()
    command = "python -m benchmarks " + shlex.join(sys.argv[1:])
    load_before = machine.load_average()
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        scratch = Path(folder)
        scratch.chmod(0o755)  # nginx's workers (nobody, when it starts as root) read the pages in it
        build_dir, build_wall = prepare(args, scratch)
        current = (build_dir / "current").resolve()
        manifest = json.loads((current / "build.json").read_text())
        location = scratch / "oxigraph"
        oxigraph_load = contenders.oxigraph_load(current / "graph.ttl", location)
        servers = {}
        try:
            servers.update(publishers(build_dir, args))
            servers["Oxigraph"] = contenders.oxigraph(location)
            if "minimal" not in args.skip:  # the bound: Flask and pyoxigraph alone (benchmarks/minimal.py)
                servers["minimal"] = contenders.minimal(current / "store", args.workers)
            if "rdflib-endpoint" not in args.skip:
                servers["rdflib-endpoint"] = contenders.rdflib_endpoint(current / "graph.ttl")
            found = items.discover(servers["publisher"].url, args.pages)
            types = items.mirror(servers["publisher"].url, found, scratch / "pages")
            if "nginx" not in args.skip:
                servers["nginx"] = contenders.nginx(scratch / "pages", types, found["pages"][0] + ".ttl", args.workers)
            urls = {who: server.url for who, server in servers.items()}
            triples = {who: items.rows_count(urls[who], path) for who, path in items.ENDPOINTS.items() if who in urls}
            asked = []
            for make in items.ITEMS:
                item = make(found)
                if item.group == "query" and "minimal" in servers:  # it answers the publisher's requests
                    item.requests["minimal"] = item.requests["publisher"]
                for alias in (w for w in servers if w.startswith("publisher ")):  # asked as the publisher is
                    if "publisher" in item.requests:
                        item.requests[alias] = item.requests["publisher"]
                item = item._replace(requests={w: r for w, r in item.requests.items() if w in servers})
                asked.append({**item._asdict(), "check": items.check(item, urls),
                              "runs": {who: [] for who in item.requests}})
            rss = {who: [] for who in servers}
            starts: dict = {}
            for round_ in measure(asked, servers, args):
                for who, server in servers.items():
                    rss[who].append(server.rss_mb())
                for who, seconds in started(build_dir, location, args.workers,
                                            "Oxigraph" if round_ % 2 else "publisher").items():
                    starts.setdefault(who, []).append(seconds)
            rdflib_start = servers["rdflib-endpoint"].startup if "rdflib-endpoint" in servers else None
        finally:
            for server in servers.values():
                server.stop()
        measured = once(build_dir, scratch, args)
    described = machine.describe(TOOLS)
    results = {"command": command, "date": date.today().isoformat(), "machine": described,
               "load_before": load_before, "load_after": described["load_average"], "options": vars(args),
               "one_address": contenders.ONE_ADDRESS, "build": manifest | {"phases": manifest.get("phases", [])},
               "build_wall": build_wall, "oxigraph_load": oxigraph_load, "triples": triples,
               "items": [{k: v for k, v in item.items() if k != "requests"} for item in asked],
               "startup": starts, "rdflib_start": rdflib_start, "rss": rss, **measured}
    text = report.markdown(results)
    out = args.out or RESULTS / f"bench-{results['date']}-{manifest['counts']['practices']}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str) + "\n")  # to draw it again
    print(text)
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
