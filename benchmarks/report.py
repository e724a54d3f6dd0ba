"""Write the benchmark's results as Markdown: ratios with their spread over rounds, and the machine they ran on."""

import statistics

PEERS = {"query": ("Oxigraph", "minimal", "rdflib-endpoint"), "page": ("nginx",)}


def spread(values: list[float], digits: int | None = 0) -> str:
    """The median and, over several rounds, the lowest and highest value; ``digits=None`` for a ratio, which
    keeps two significant digits below 0.1.

    >>> spread([3.0, 1.0, 2.0], 1)
    '2.0 (1.0–3.0)'
    >>> spread([5.0])
    '5'
    >>> spread([0.002, 0.0034], None)
    '0.0027 (0.002–0.0034)'
    """
    if not values:
        return "–"
    show = (lambda v: f"{v:.2f}" if v >= 0.1 else f"{v:.2g}") if digits is None else (lambda v: f"{v:.{digits}f}")
    middle = show(statistics.median(values))
    return middle if len(values) == 1 else f"{middle} ({show(min(values))}–{show(max(values))})"


def ratios(mine: list[float], theirs: list[float]) -> list[float]:
    """Round by round, a ratio where both sides answered."""
    return [a / b for a, b in zip(mine, theirs) if a and b]


def errors(runs: list[dict]) -> int:
    return sum(sum(run["errors"].values()) for run in runs)


def others(items: list[dict], group: str) -> tuple:
    """The publisher's other runs (``--without-cache``, ``--before``) that answered this group's items."""
    return tuple(dict.fromkeys(w for i in items if i["group"] == group for w in i["runs"] if w.startswith("publisher ")))


def throughput(items: list[dict], group: str) -> list[str]:
    peers = (*others(items, group), *PEERS[group])
    who = ("publisher", *peers)
    lines = ["| item | text | " + " | ".join(f"{w} req/s" for w in who) + " | "
             + " | ".join(f"publisher / {p}" for p in peers) + " | checked (rows or bytes) |",
             "| --- | --- |" + " ---: |" * (len(who) + len(peers)) + " --- |"]
    for item in (i for i in items if i["group"] == group):
        runs = {w: item["runs"].get(w, []) for w in who}  # a contender left out (--skip) has none
        rate = {w: [run["requests_per_second"] for run in runs[w]] for w in who}
        cells = [(spread(rate[w]) if any(rate[w]) or not rate[w] else "none answered")
                 + (f" ⚠ {errors(runs[w])} errors" if errors(runs[w]) else "") for w in who]
        cells += [spread(ratios(rate["publisher"], rate[p]), None) for p in peers]
        checked = ", ".join(f"{w} {n}" for w, n in item["check"].items())
        lines.append(f"| {item['name']} | {'unique' if item['unique'] else 'repeated'} | " + " | ".join(cells)
                     + f" | {checked} |")
    return lines


def latency(items: list[dict], group: str) -> list[str]:
    who = ("publisher", *others(items, group), *PEERS[group])
    lines = ["| item | " + " | ".join(f"{w} p50 ms | {w} p99 ms" for w in who) + " |",
             "| --- |" + " ---: |" * (2 * len(who))]
    for item in (i for i in items if i["group"] == group):
        answered = {w: [run for run in item["runs"].get(w, []) if run["requests"]] for w in who}
        cells = [spread([run[key] for run in answered[w]], 1) for w in who for key in ("p50_ms", "p99_ms")]
        lines.append(f"| {item['name']} | " + " | ".join(cells) + " |")
    return lines


def startup_table(started: dict) -> list[str]:
    """Per server and path, the seconds to the first and to the last worker's first 200, over the rounds."""
    lines = ["| server and path | first worker | last worker |", "| --- | ---: | ---: |"]
    for what, rounds in started.items():
        what = what.replace(" cpu", ": CPU seconds of all its processes by then") if what.endswith(" cpu") else what
        lines.append(f"| {what} | {spread([r[0] for r in rounds], 2)} | {spread([r[-1] for r in rounds], 2)} |")
    return lines


def once(results: dict) -> list[str]:
    """The sections measured once, after the rounds, when they were."""
    lines = []
    if results.get("canned"):
        from benchmarks import canned
        lines += ["## Canned queries and the pages that show counts, one request at a time", "",
                  "On a fresh publisher (one gunicorn worker) per set of query texts: the median of the requests "
                  "and the rows of the last (a 503 is the query limit); each page's first request after start (what "
                  "a process makes once per build) and the median of the next.", "", *canned.table(results["canned"]),
                  ""]
    if results.get("profile"):
        lines += ["## Where a unique /sparql request's CPU time goes (in-process, `endpoint_profile`)", "",
                  "| part | CPU ms per request |", "| --- | ---: |",
                  *[f"| {part} | {ms:.3f} |" for part, ms in results["profile"].items()], ""]
    return lines


def build_table(build: dict) -> list[str]:
    lines = ["| phase | seconds | peak memory MB |", "| --- | ---: | ---: |"]
    lines += [f"| {p['name']} | {p['seconds']:.1f} | {p['peak_memory_mb']} |" for p in build["phases"]]
    total = sum(p["seconds"] for p in build["phases"])
    lines.append(f"| **all phases** | **{total:.1f}** | **{build.get('peak_memory_mb', '')}** |")
    return lines


def markdown(results: dict) -> str:
    """The whole results page."""
    m, o, b = results["machine"], results["options"], results["build"]
    counts = b["counts"]
    out = [f"# Benchmark, {results['date']}, {counts['practices']:,} practices", "",
           f"Made by `{results['command']}`.", "",
           f"**Machine**: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, {m['kernel']}, Python "
           f"{m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + "; "
           + ", ".join(f"{v}" for v in m["tools"].values()) + ".",
           f"**Load average** (1, 5, 15 min) before: {results['load_before']}, after: {results['load_after']}. "
           "The machine is shared with other sessions' builds and tests, so the absolute figures are lower than "
           "an idle machine gives; the contenders are measured interleaved (each item on every contender in turn, "
           "the order reversed in every other round), so a busy moment weighs on all of them, and the ratios are "
           "what to read.", "",
           f"**Data**: build `{b['id']}` of generated data (`samenleven generate`"
           + (f", seed {o['seed']}" if results["build_wall"] else ", given with `--build-dir`") + "): "
           f"{counts['practices']:,} practices, {counts['initiatives']:,} initiatives, {counts['triples']:,} "
           "triples. Triples each SPARQL contender counts in its default graph: "
           + ", ".join(f"{k} {v:,}" for k, v in results["triples"].items()) + ".", "",
           "**Contenders**, all on 127.0.0.1: the publisher, `samenleven serve --workers "
           f"{o['workers']}` (gunicorn, its settings as shipped except the per-client-address limits, raised to "
           f"{results['one_address']} because every wrk connection comes from the one address 127.0.0.1); Oxigraph "
           "server (`oxigraph serve-read-only` on a database `oxigraph load` made from the build's `graph.ttl`); "
           "rdflib-endpoint (`rdflib-endpoint serve graph.ttl`, rdflib's in-memory store, one uvicorn process); "
           "*minimal*, the bound of a Python server on this engine: a Flask app of a few lines "
           "(`benchmarks/minimal.py`) that runs each query on the build's own store in its process and writes the "
           "answer with pyoxigraph's writers, without any guardrail (no sandbox process, time limit, row or size "
           "cap, refusal, negotiation, ETag or access log), under gunicorn with the publisher's worker class, "
           f"workers ({o['workers']}) and threads (4); "
           f"nginx ({o['workers']} workers) serving the bytes the publisher gave for the same resource pages, with "
           "the publisher's content types."
           + ("" if not o.get("without_cache") else " `publisher without cache`: the same publisher with "
              "`answer_cache_mb=0` (every request renders).")
           + ("" if not o.get("before") else f" `publisher before`: the publisher of the source tree `{o['before']}`, "
              "on the same build."), "",
           f"**Load**: wrk, {o['connections']} connections, {o['threads']} threads, {o['duration']} s per item and "
           f"contender, {o['rounds']} rounds, after a warm-up. Figures are the median over the rounds with the "
           "lowest and highest round in brackets. A ratio above 1: the publisher answers more requests a second. "
           "*unique*: a SPARQL comment that differs per request ends every query (no answer cache can serve it); "
           "*repeated*: the same text every time. Before timing, each contender's answer to each item is checked "
           "to be a 200 and not empty, and the publisher's row count to be Oxigraph's (last column). Errors "
           "(non-2xx answers, timeouts after 30 s, broken connections) are marked ⚠. *none answered*: no answer came "
           "back within the run (wrk counts only answered requests). After each run, the next waits until the "
           "contender that ran has finished what it still had in hand.", "",
           "## The query mix: requests per second", "", *throughput(results["items"], "query"), "",
           "Latency, milliseconds:", "", *latency(results["items"], "query"), "",
           "## Resource pages: requests per second", "", *throughput(results["items"], "page"), "",
           "Latency, milliseconds:", "", *latency(results["items"], "page"), "",
           "## Start-up: spawn to each worker's first 200, seconds", "",
           "Each round, a fresh publisher (`samenleven serve --workers N`) is asked each path on new connections "
           "until every gunicorn worker has answered it (which worker answered is read off the connection, "
           "`startup.py`), and a fresh Oxigraph server `ASK {}`.", "",
           *startup_table(results["startup"]), "",
           (f"rdflib-endpoint parses the whole dump before it answers: {results['rdflib_start']:.0f} s, once."
            if results["rdflib_start"] else "rdflib-endpoint was left out (`--skip`)."), "",
           "## Memory after the load: resident set of each process tree, MB", "",
           "| " + " | ".join(results["rss"]) + " |", "|" + " ---: |" * len(results["rss"]),
           "| " + " | ".join(spread(v) for v in results["rss"].values()) + " |", "",
           "The publisher's figure sums gunicorn, its workers and their query processes; nginx's its master and "
           "workers.", "",
           *once(results),
           "## Build: time and peak memory per phase (`build --verbose`, `build.json` `phases`)", "",
           *build_table(b), "",
           f"For comparison: `oxigraph load` of the same `graph.ttl` took {results['oxigraph_load']:.1f} s. "
           + (f"This build's `build --verbose` took {results['build_wall']:.0f} s wall." if results.get("build_wall")
              else "The build was given (`--build-dir`): its phases are those it recorded when it was made.")]
    return "\n".join(out) + "\n"
