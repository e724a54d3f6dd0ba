"""Benchmark: ``/search.json`` per kind of text, before and after a change, on the real server (issue 14).

Run on a build of generated data::

    .venv/bin/samenleven generate --practices 10000 --seed 14 --out /tmp/g10k
    .venv/bin/samenleven --graph-dir /tmp/g10k --build-dir /tmp/v10k build
    git archive 8f12f49 | tar -x -C /tmp/before      # the code to compare with
    .venv/bin/python benchmarks/search.py --build-dir /tmp/v10k --before /tmp/before [--rounds 3] [--out FILE]

It starts one ``samenleven serve --workers 1`` from this tree and one from ``--before`` (if given), the answer cache
off (``answer_cache_mb=0``: every request searches), and in each round sends each text of ``TEXTS`` to each server
in turn, one at a time (interleaved, so a busy moment of the shared machine weighs on both alike). Per text it reports whether
every answer of both was the same JSON byte for byte, and per server the median over the rounds of the wall time of a request and of the CPU seconds the server's
processes spent on it, and the load average before and after. No timing is asserted anywhere.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import psutil

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks import contenders, machine  # noqa: E402
from benchmarks.startup import _cpu  # noqa: E402

TEXTS = {"rare word": "Lochristi", "word of a thousand hits": "babbelbank", "common word": "jongeren", "common word 2": "samen", "common word 3": "buurt",
         "two words": "jongeren buurt", "prefix (type-ahead)": "buu", "postcode": "9000", "NIS code": "44021",
         "common word, page 10": "samen&pagina=10", "common word, a facet": "buurt&provincie=40000"}


def start(build_dir: Path, source: Path) -> tuple[subprocess.Popen, int]:
    """One worker of the publisher of ``source`` on the build, the answer cache off, ready at its first search."""
    port = contenders.free_port()
    command, env = contenders.serve(build_dir, port, 1, source, answer_cache_mb=0)
    server = contenders.Server(str(source), command, port, "/search.json?q=x", env, wait=120, cwd=source)
    return server.process, port


def ask(process: subprocess.Popen, port: int, text: str) -> tuple[float, float, bytes]:
    """Wall and server CPU seconds of one ``/search.json`` for ``text`` (which may carry more parameters), and the
    answer."""
    query, _, more = text.partition("&")
    path = "/search.json?" + urlencode({"q": query}) + (f"&{more}" if more else "")
    master = psutil.Process(process.pid)
    cpu, started = _cpu(master), time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", path)
    answer = connection.getresponse()
    body = answer.read()
    wall = time.perf_counter() - started
    if answer.status != 200:
        raise SystemExit(f"{path} answered {answer.status}")
    connection.close()
    return wall, _cpu(master) - cpu, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--before", type=Path, help="a tree of the code to compare with (git archive COMMIT)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    sources = {"after": PROJECT, **({"before": args.before.resolve()} if args.before else {})}
    load_before = machine.load_average()
    servers = {name: start(args.build_dir, source) for name, source in sources.items()}
    times = {(name, label): [] for name in servers for label in TEXTS}
    try:
        for _ in range(args.rounds):
            for label, text in TEXTS.items():
                for name, (process, port) in servers.items():
                    times[name, label].append(ask(process, port, text))
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(30)
    names = list(reversed(servers))
    lines = ["| text | q | " + " | ".join(f"{n}: wall s | {n}: CPU s" for n in names) + " | same JSON |",
             "|---|---|" + "---:|---:|" * len(names) + "---|"]
    for label, text in TEXTS.items():
        cells = []
        for name in names:
            walls, cpus, _ = zip(*times[name, label])
            cells += [f"{statistics.median(walls):.3f}", f"{statistics.median(cpus):.3f}"]
        same = len({body for name in names for _, _, body in times[name, label]}) == 1
        lines.append(f"| {label} | `{text}` | " + " | ".join(cells) + f" | {'yes' if same else 'NO'} |")
    described = machine.describe()
    report = "\n".join([f"# /search.json at {args.build_dir.name}, {date.today()}", "",
                        f"Medians of {args.rounds} rounds, one request at a time, servers interleaved, "
                        "`--workers 1`, answer cache off. The machine is shared with other work: wall times stretch "
                        "with its load; CPU seconds less so.", "",
                        *lines, "",
                        f"Load average before: {load_before}; after: {machine.load_average()}.", "",
                        f"Machine: {described['cores']} cores, {described['cpu']}, {described['memory_gb']} GB, "
                        f"{described['kernel']}, Python {described['python']}, "
                        f"SQLite {__import__('sqlite3').sqlite_version}.", ""])
    print(report)
    if args.out:
        args.out.write_text(report)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
