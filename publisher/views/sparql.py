"""``/sparql``: the SPARQL 1.1 Protocol endpoint, its service description, and the query page for browsers."""

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, make_response, render_template, request

from publisher import formats, protocol, service, sparql
from publisher.errors import Forbidden, HTTPProblem
from publisher.formats import GRAPHS, HTML
from publisher.views import get_store, in_language, settings
from publisher.views.representation import execute, offered, respond, table

blueprint = Blueprint("sparql", __name__)

EXAMPLE = """PREFIX sl: <https://w3id.org/samenleven/ns#>
PREFIX dct: <http://purl.org/dc/terms/>

# Every practice and the number of initiatives that apply it
SELECT ?practice ?title (COUNT(?initiative) AS ?initiatives) WHERE {
  ?practice a sl:Practice ; dct:title ?title .
  FILTER(LANG(?title) = "nl")
  OPTIONAL { ?initiative sl:appliesPractice ?practice }
}
GROUP BY ?practice ?title
ORDER BY DESC(?initiatives)
"""


@blueprint.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def endpoint():
    operation = protocol.read(request, settings()["max_query_size"])
    if operation.query is None:
        return describe()
    outline = sparql.outline(operation.query)
    refuse_services(outline, operation.query)
    fmt = formats.negotiate(offered(outline.form), request)
    if fmt is HTML:
        return page(operation.query, outline.form,
                    lambda: execute(operation.query, fmt, outline.volatile, operation=operation))
    return respond(execute(operation.query, fmt, outline.volatile, operation=operation), fmt)


def describe():
    """The service description in RDF, or the query page for a browser."""
    fmt = formats.negotiate(GRAPHS + (HTML,), request)
    if fmt is HTML:
        return page(EXAMPLE, "SELECT", None)
    root = request.url_root
    graph = service.description(root + "sparql", root, get_store().manifest,
                                current_app.extensions["samenleven.queries"], bool(allowed_hosts()))
    graph.sort(key=lambda t: str(t.subject))  # stable: one block per subject, in the order written
    body = ox.serialize(graph, format=fmt.oxigraph, prefixes=service.PREFIXES)
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})



def allowed_hosts() -> set[str]:
    return {host.strip().lower() for host in settings()["service_allow"].split(",") if host.strip()}


def refuse_services(outline: sparql.Outline, text: str) -> None:
    """Refuse a query that would make the server call a host not in the ``service_allow`` setting.

    Without an allow-list and without the network barrier (``publisher.isolation``), fail closed: any query that
    mentions SERVICE at all, in whatever spelling, is refused.
    """
    hosts = allowed_hosts()
    if not hosts and not current_app.extensions["samenleven.isolated"] and sparql.mentions_service(text):
        raise Forbidden("this server cannot shut its query processes off from the network (its log says why) and "
                        "its service_allow setting is empty, so it refuses every query that mentions SERVICE, even "
                        "in a string or a comment", limit="service_allow")
    refused = outline.refused_services(hosts)
    if refused:
        raise Forbidden(f"SERVICE calls to {', '.join(refused)} are not allowed: this endpoint calls only the hosts "
                        f"in its service_allow setting ({', '.join(sorted(hosts)) or 'none'})",
                        limit="service_allow")



def page(query: str, form: str | None, run):
    """The query page: the form, the downloads a query of ``form`` offers, and the results (or the error) of ``run``
    when there is one."""
    answer, problem, status = None, None, 200
    if run is not None:
        try:
            answer = table(run())
        except HTTPProblem as error:
            problem, status = error, error.status
    canned = current_app.extensions["samenleven.queries"]
    return in_language(make_response(render_template(
        "sparql.html", query=query, answer=answer, problem=problem, canned=canned,
        downloads=offered(form)[:-1]), status, {"Vary": "Accept"}))


