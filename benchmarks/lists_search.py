"""Benchmark: a filtered list and a search against a plain resource page, on the real server, and what the facet
counts cost a request.

Run on a build of generated data (issue 14: ``samenleven generate``)::

    .venv/bin/samenleven generate --practices 10000 --out /tmp/g10k
    .venv/bin/samenleven --graph-dir /tmp/g10k --build-dir /tmp/v10k build
    .venv/bin/python benchmarks/lists_search.py --build-dir /tmp/v10k [--rounds 3] [--requests 60] [--workers 2]

It starts ``samenleven serve --workers N`` (gunicorn) on 127.0.0.1 and sends, one at a time over one kept-alive
connection, in each round and for each request number, one request of each kind in turn (interleaved, so a busy
moment of the machine weighs on every kind alike): a practice's page ``/doc/praktijk/…`` in HTML (the yardstick),
``/praktijken`` unfiltered, ``/praktijken`` with two facets (a target group and a policy domain), and
``/search?q=…``, each time another practice, pair of values or word. It reports per kind the median time of each
round, the median over the rounds with their spread (the lowest and highest round), and the ratio to the
resource page. Then, in this process, on the same build: the time of ``browse.view`` (the page and every facet's
counts) and of the counts alone, for the same two-facet lists: what the counts add to a request. No timing is
asserted anywhere; ``--out FILE`` also writes the tables as Markdown with the machine's description.
"""

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote, urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from werkzeug.datastructures import MultiDict  # noqa: E402

from publisher import browse, config  # noqa: E402
from publisher.artefacts import LISTS  # noqa: E402
from publisher.store import builds  # noqa: E402

WORDS = ["taalcafé", "jongeren", "buurtmoestuin", "Gent", "9000", "44021", "ouderen", "repaircafe", "nieuwkomers",
         "babbelbank", "huiswerkbegeleiding", "Antwerpen", "vrijwilligers", "speelstraat", "Lochristi"]
KINDS = ("resource page", "list, unfiltered", "list, two facets", "search")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(build_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "publisher", "--build-dir", str(build_dir), "serve", "--port",
                                str(port), "--workers", str(workers)], cwd=PROJECT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not answer within 60 s")


def paths(found: dict, requests: int) -> dict:
    """For each kind, ``requests`` paths, each another practice, pair of facet values or word."""
    items = found["lists"]["practices"]["items"]
    practices = [item["uri"].split("/id/", 1)[1] for item in items[:: max(1, len(items) // requests)]]
    groups, domains = sorted(found["values"]["doelgroep"]), sorted(found["values"]["beleidsdomein"])
    pairs = [(groups[n % len(groups)], domains[(n * 7) % len(domains)]) for n in range(requests)]
    return {"resource page": [f"/doc/{key}" for key in practices][:requests],
            "list, unfiltered": [f"/praktijken?{urlencode({'pagina': 1 + n % 3})}" for n in range(requests)],
            "list, two facets": [f"/praktijken?{urlencode({'doelgroep': g, 'beleidsdomein': d})}" for g, d in pairs],
            "search": [f"/search?q={quote(WORDS[n % len(WORDS)])}" for n in range(requests)]}


def over_http(port: int, asked: dict, rounds: int, requests: int) -> dict:
    """Per kind, the median milliseconds of each round, the kinds interleaved request by request."""
    connection, medians = http.client.HTTPConnection("127.0.0.1", port, timeout=60), {kind: [] for kind in KINDS}
    for _ in range(rounds):
        times = {kind: [] for kind in KINDS}
        for n in range(requests):
            for kind in KINDS:
                started = time.perf_counter()
                connection.request("GET", asked[kind][n % len(asked[kind])], headers={"Accept": "text/html"})
                answer = connection.getresponse()
                answer.read()
                times[kind].append((time.perf_counter() - started) * 1000)
                if answer.status != 200:
                    raise SystemExit(f"{asked[kind][n]} answered {answer.status}")
        for kind in KINDS:
            medians[kind].append(statistics.median(times[kind]))
    return medians


def in_process(build_dir: Path, found: dict, asked: list, repeat: int = 20) -> tuple[float, float]:
    """Median milliseconds of a page with its counts (``browse.view``), and of the counts alone."""
    built = builds.open_build((build_dir / "current").resolve(), config.load({"build_dir": build_dir}))
    listed = browse.index(built, "practices")
    whole, counts = [], []
    for _ in range(repeat):
        for path in asked:
            args = MultiDict([tuple(pair.split("=")) for pair in path.split("?", 1)[1].split("&")])
            started = time.perf_counter()
            shown = browse.view(listed, args, 50)
            whole.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            listed.counts(shown.chosen)
            counts.append((time.perf_counter() - started) * 1000)
    return statistics.median(whole), statistics.median(counts)


def machine() -> str:
    memory = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), {int(memory) // 1024 ** 2} GB "
            f"RAM, Python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, load average at the "
            f"start {load[0]:.1f} (other sessions' work shares the machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    current = (options.build_dir / "current").resolve()
    found, manifest = (json.loads((current / name).read_text()) for name in (LISTS, "build.json"))
    asked = paths(found, options.requests)
    described = machine()
    process, port = start(options.build_dir, options.workers)
    try:
        over_http(port, asked, 1, 5)  # warm: each worker reads the build's lists and search index once
        medians = over_http(port, asked, options.rounds, options.requests)
    finally:
        process.terminate()
        process.wait(10)
    whole, counts = in_process(options.build_dir, found, asked["list, two facets"])
    base = medians["resource page"]
    lines = [f"Build {manifest['id']}: {manifest['counts']['practices']} practices, "
             f"{manifest['counts']['initiatives']} initiatives, {manifest['counts']['triples']} triples. "
             f"{described}. gunicorn x{options.workers}, one client, {options.rounds} rounds of "
             f"{options.requests} requests of each kind, interleaved.", "",
             "| request | median ms (rounds' range) | ratio to a resource page (rounds' range) |",
             "| --- | ---: | ---: |"]
    for kind in KINDS:
        ratios = [m / b for m, b in zip(medians[kind], base)]
        lines.append(f"| {kind} (`{asked[kind][0]}`) | {statistics.median(medians[kind]):.1f} "
                     f"({min(medians[kind]):.1f}–{max(medians[kind]):.1f}) | {statistics.median(ratios):.2f} "
                     f"({min(ratios):.2f}–{max(ratios):.2f}) |")
    lines += ["", "| in the server's code, a two-facet list | median ms |", "| --- | ---: |",
              f"| `browse.view`: the page and every facet's counts | {whole:.2f} |",
              f"| the counts alone (`Index.counts`) | {counts:.2f} |",
              f"| the counts' share of the HTTP request above | "
              f"{counts / statistics.median(medians['list, two facets']):.1%} |"]
    text = "\n".join(lines)
    print(text)
    if options.out:
        options.out.write_text(f"# Lists and search against a resource page, {date.today()}\n\n"
                               f"`benchmarks/lists_search.py --build-dir … --rounds {options.rounds} --requests "
                               f"{options.requests} --workers {options.workers}`\n\n{text}\n")


if __name__ == "__main__":
    main()
