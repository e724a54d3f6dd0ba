"""Where one unique /sparql request spends its CPU time, part by part, in the server's own code.

``python -m benchmarks`` calls ``profile`` after its rounds (``--profile-requests``). It makes the app as a
gunicorn worker does (``create_app``, the sandbox with its query processes, every guardrail on) and calls it as
WSGI, one request at a time, each for a different practice (``SELECT ?p ?o WHERE { <practice> ?p ?o }``, SPARQL
JSON). Besides the whole request it times each part alone, on the same queries:

- the lexer and the guardrails in front (``protocol.read``, ``sparql.outline``, ``mentions_service``);
- the engine: ``Store.query`` and reading every row, in this process;
- serialization: what ``answers.answer`` adds to the engine (the rows written in the asked format);
- the hop: what ``Sandbox.run`` adds to ``answers.answer`` (sending the job, waking the query process, the answer
  coming back);
- the after-request hooks (ETag, CORS, conditional);
- Flask and Werkzeug: the whole request less all of the above.

gunicorn's own part (the HTTP parser, its threads) is not here: the items measured over HTTP hold it. Given as CPU
milliseconds per request, the server process's and its query process's together (median of the rounds; CPU, not
wall time, since the machine is shared).
"""

import statistics
import time

from werkzeug.test import EnvironBuilder

PRACTICE = "https://w3id.org/samenleven/ns#Practice"
QUERY = "SELECT ?p ?o WHERE {{ <{}> ?p ?o }}"
ACCEPT = "application/sparql-results+json"


def practices(store_graph, limit: int = 10000) -> list[str]:
    """The IRIs of the build's practices, the subjects of the unique queries."""
    rows = store_graph.select(f"SELECT ?p WHERE {{ ?p a <{PRACTICE}> }} LIMIT {int(limit)}")
    return [row["p"].value for row in rows]


def _timed(run, items, others=lambda: 0.0) -> float:
    """CPU seconds per item of ``run(item)`` over ``items``: this process's, plus what ``others()`` counts (the
    query processes'). CPU time, not wall time: the machine is shared, and a wait for a core is not a cost of ours.
    """
    started, elsewhere = time.process_time(), others()
    for item in items:
        run(item)
    return (time.process_time() - started + others() - elsewhere) / len(items)


def _cpu(sandbox) -> float:
    """CPU seconds spent so far by the sandbox's query processes."""
    import psutil
    total = 0.0
    for worker in list(sandbox._idle):
        try:
            total += sum(psutil.Process(worker.process.pid).cpu_times()[:2])
        except psutil.Error:
            pass
    return total


def profile(build_dir: str, requests: int = 2000, rounds: int = 3) -> dict:
    """Milliseconds per request of each part (median over ``rounds``), keyed by part."""
    from publisher import protocol, sparql
    from publisher import store as stores
    from publisher.app import create_app
    from publisher.store import answers
    from publisher.views import _cache, _cors
    from publisher.vocab import PREFIXES

    # No answer cache: the requests are asked again in each round, and a kept answer would time nothing of these.
    app = create_app({"build_dir": build_dir, "client_queries": 8, "answer_cache_mb": 0})
    with app.app_context():
        build = app.extensions["samenleven.store"].require()
        settings = app.config["SAMENLEVEN"]
        iris = practices(build.graph)
    queries = [QUERY.format(iris[i % len(iris)]) for i in range(requests)]
    environs = [EnvironBuilder("/sparql", query_string={"query": q}, headers={"Accept": ACCEPT}).get_environ()
                for q in queries]
    jobs = [stores.Job(q, ACCEPT, None, max_rows=settings["max_rows"], prefixes=PREFIXES,
                       max_bytes=settings["max_result_size"]) for q in queries]
    store = build.graph._store  # the engine alone, in this process
    sandbox = build.graph.sandbox
    timeout = settings["query_timeout"]

    sandbox.run(jobs[0], timeout)  # one query process started and idle: its CPU time is counted from now

    def wsgi(environ):
        body = b"".join(app(dict(environ), lambda status, headers, exc_info=None: None))
        assert body.startswith(b"{"), body[:200]

    def lexer(environ):
        with app.test_request_context(environ_overrides=environ):
            from flask import request
            operation = protocol.read(request, settings["max_query_size"])
            sparql.outline(operation.query)
            sparql.mentions_service(operation.query)

    def request_only(environ):
        with app.test_request_context(environ_overrides=environ):
            pass

    def hooks(environ):
        with app.test_request_context(environ_overrides=environ):
            from flask import Response, g
            g.build = build
            _cors(_cache(Response(b"{}", content_type=ACCEPT)))

    parts = {"whole request": wsgi, "lexer and guardrails": lexer, "request context (for the two above)": request_only,
             "after-request hooks": hooks}
    found: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, run in parts.items():
            found.setdefault(name, []).append(_timed(run, environs, lambda: _cpu(sandbox)))
        found.setdefault("engine", []).append(_timed(lambda j: list(store.query(j.query)), jobs))
        found.setdefault("engine and serialization", []).append(_timed(lambda j: answers.answer(store, j), jobs))
        found.setdefault("sandbox.run (hop + engine + serialization)", []).append(
            _timed(lambda j: sandbox.run(j, timeout), jobs, lambda: _cpu(sandbox)))
    app.extensions["samenleven.store"].close()
    ms = {name: statistics.median(times) * 1000 for name, times in found.items()}
    context = ms["request context (for the two above)"]
    split = {
        "lexer and guardrails": ms["lexer and guardrails"] - context,
        "engine": ms["engine"],
        "serialization": ms["engine and serialization"] - ms["engine"],
        "hop to the query process and back": ms["sandbox.run (hop + engine + serialization)"]
        - ms["engine and serialization"],
        "after-request hooks": ms["after-request hooks"] - context,
    }
    split["Flask and Werkzeug (the rest)"] = ms["whole request"] - sum(split.values())
    split["whole request"] = ms["whole request"]
    return split
