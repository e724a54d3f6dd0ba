"""What views share: the representations of a document and its alternates, of a query's answer, and a build's
files.

Views import this module and the package's helpers (``publisher.views``), never each other, so that a view can
change or go without touching another (issue 11).
"""

import pyoxigraph as ox
from flask import Response, current_app, g, request, send_file

from publisher import context, formats, readable, selfdoc
from publisher import store as stores
from publisher.errors import NotAcceptable, Unavailable
from publisher.language import N_
from publisher.formats import GRAPHS, HTML, RESULTS
from publisher.views import get_store, local, page_language, serialize, settings
from publisher.vocab import PREFIXES

OFFERED = GRAPHS + (HTML,)  # a document's representations, in the server's order of preference


def negotiated(response: Response, fmt, url: str, suffix: str | None, description=None) -> Response:
    """Add the headers of a negotiated representation: Vary, Content-Location, and Link to the others."""
    page = description.page if description else 1
    query = f"?page={page}" if page > 1 else ""
    response.vary.add("Accept")
    if suffix is None and fmt is not HTML:
        response.vary.update(("Accept-Language", "Cookie"))  # the same URL gives a page to browsers
    response.headers["Content-Location"] = f"{url}.{fmt.name}{query}"
    links = [f'<{href}>; rel="alternate"; type="{media}"' for href, media, _ in alternates(url, fmt, page)]
    if description and description.pages > 1:
        if page < description.pages:
            links.append(f'<{url}?page={page + 1}>; rel="next"')
        if page > 1:
            links.append(f'<{url}{"?page=%d" % (page - 1) if page > 2 else ""}>; rel="prev"')
    response.headers["Link"] = ", ".join(links)
    return response


def alternates(url: str, chosen, page: int = 1) -> list[tuple[str, str, str]]:
    """The other representations of a document: (URL, media type, label)."""
    query = f"?page={page}" if page > 1 else ""
    return [(f"{url}.{fmt.name}{query}", fmt.media_type, fmt.label) for fmt in OFFERED if fmt is not chosen]


def offered(form: str | None) -> tuple:
    """The representations of an answer to a query of this form: its data formats, then the page."""
    return formats.for_form(form) + (HTML,)


RAN = "samenleven.ran"  # where ``publisher.shortcut`` leaves a query it ran that failed: (job, answer or error)


def execute(text: str, fmt: formats.Format, volatile: bool, bindings=None, operation=None):
    """Run a client's query within the limits and return its serialized answer (SPARQL JSON or N-Triples for
    HTML); ``volatile`` is its outline's (``sparql.outline``, read once per query, not again here)."""
    s = settings()
    job = client_job(text, fmt, s, bindings, operation)
    g.queried = True  # its answer, when kept, is refused as this is to a client past its share (answercache)
    g.volatile = volatile  # NOW(), RAND(), UUID(): not an answer of the build to keep (views._cache)
    ran = request.environ.pop(RAN, None)
    if ran is not None and ran[0] == job:  # run once already, before Flask: its outcome, not a second run
        get_store()
        if isinstance(ran[1], Exception):
            raise ran[1]
        answer = ran[1]
    else:
        answer = run(job, current_app.extensions["samenleven.shares"], request.remote_addr, get_store,
                     s["query_timeout"])
    answer = stores.checked(answer, job)
    if answer.error == "format":
        kinds = RESULTS if answer.form in ("select", "ask") else GRAPHS
        raise NotAcceptable(kinds, N_("een %(form)s-vraag heeft geen vorm %(format)s"),
                            {"form": answer.form.upper(), "format": fmt.label})
    return answer


def client_job(text: str, fmt: formats.Format, s: dict, bindings=None, operation=None) -> stores.Job:
    """The job of a client's query answered in ``fmt``, within the endpoint's row and size limits."""
    return stores.Job(text, *formats.media_types(fmt), max_rows=s["max_rows"], bindings=bindings or {},
                      prefixes=PREFIXES, default_graphs=operation.default_graphs if operation else None,
                      named_graphs=operation.named_graphs if operation else None, max_bytes=s["max_result_size"])


def run(job: stores.Job, shares, client: str | None, build, timeout: float) -> stores.Answer:
    """Run ``job`` on the graph of ``build()`` as one of ``client``'s share of queries, within ``timeout``.

    :raises HTTPProblem: 429 past the client's share, 503 at a limit of the query processes.
    """
    with shares.hold(client):
        return build().graph.run(job, timeout)


def respond(answer, fmt: formats.Format) -> Response:
    """The HTTP response for an answer: its media type, ``Vary``, and the truncation header when it was cut."""
    response = Response(answer.body, content_type=fmt.content_type, headers={"Vary": "Accept"})
    if answer.truncated:
        response.headers["Results-Truncated"] = f"max_rows={settings()['max_rows']}"
    return response


def table(answer, columns: dict | None = None) -> dict:
    """Turn an answer serialized for HTML into columns and rows of terms, and the cells a person reads
    (``publisher.readable``): titles from ``columns`` (a canned query's front matter), names of the dataset's IRIs
    from one ``labels`` call for the whole page."""
    if answer.form == "graph":
        rows = [(t.subject, t.predicate, t.object) for t in ox.parse(answer.body, ox.RdfFormat.N_TRIPLES)]
        found = {"columns": ["subject", "predicate", "object"], "rows": rows, "truncated": answer.truncated}
    else:
        result = ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QueryBoolean):
            return {"boolean": bool(result), "columns": [], "rows": []}
        names = [v.value for v in result.variables]
        found = {"columns": names, "rows": [tuple(row[c] for c in names) for row in result],
                 "truncated": answer.truncated}
    lang = page_language()
    found["titles"] = readable.titles(found["columns"], columns or {}, lang)
    found["cells"] = readable.cells(found["rows"], settings()["base"], get_store().labels, lang, local)
    return found


def from_build(name: str, mimetype: str | None = None):
    """Send a file of the build in use, with its ETag, Content-Length and range requests; 404 if it has none."""
    return send_file(get_store().file(name), mimetype=mimetype, conditional=True)


# --- JSON-LD with the build's context (``/context.jsonld``, ``publisher.context``) ---------------------------------

def jsonld_context() -> dict:
    """The JSON-LD context of the build in use, made from its ontology and shapes once per build."""
    store = get_store()
    return store.kept("context", lambda: context.make(store.ontology, store.shapes, selfdoc.TERMS))


def context_url() -> str:
    """Where this server serves the context: the address the request came to."""
    return request.url_root + context.NAME


def serialize_graph(triples, fmt) -> bytes:
    """Serialize a graph as ``views.serialize`` does, but JSON-LD compacted with the context, by reference."""
    if fmt.oxigraph != ox.RdfFormat.JSON_LD:
        return serialize(triples, fmt)
    return context.compact(triples, jsonld_context(), context_url(), indent=2)


def recompact(body: bytes) -> bytes:
    """Compact a JSON-LD answer (pyoxigraph's, with prefixes only) with the context, within ``max_result_size``."""
    compacted = context.recompact(body, jsonld_context(), context_url())
    if len(compacted) > settings()["max_result_size"]:
        raise Unavailable(f"the answer is longer than {settings()['max_result_size']} bytes, the limit of this "
                          "endpoint (max_result_size). Select fewer or shorter values, add a LIMIT, or download a "
                          "dump and query it locally.", limit="max_result_size")
    return compacted
