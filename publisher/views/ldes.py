"""``/ldes``: the change feed as a Linked Data Event Stream, for harvesters that replicate the graph and keep up.

``/ldes`` is the stream with its view, ``/ldes/{n}`` its pages, ``/ldes/member/{n}`` one member and
``/ldes/shape`` the members' SHACL shape, in RDF by ``Accept`` or ``format`` (Turtle by default). Members, the
stream and the shape keep their ``{base}`` IRIs; nodes are named by this server's URLs, which a harvester fetches.
Every page is complete when a build writes it and never changes, and says so (``ldes:immutable``, and
``Cache-Control: public, max-age=31536000, immutable``: LDES Server Primer, Immutability and Caching), so a client
that kept it never fetches it again (the reference LDES client remembers pages served ``immutable``). The view is
the one document that changes, with each build: it is kept ``feed.POLL`` seconds, the ``ldes:pollingInterval`` it
states, and revalidated by its ``ETag`` (a ``304`` while no build has added a page).
"""

import hashlib
import logging

from flask import Blueprint, Response, request

from publisher import feed, formats
from publisher.errors import NotFound, Unavailable
from publisher.language import N_
from publisher.state import StateError
from publisher.formats import GRAPHS
from publisher.views import get_store, local, serialize, settings

blueprint = Blueprint("ldes", __name__)
log = logging.getLogger(__name__)
YEAR = 365 * 86400  # seconds


@blueprint.get("/ldes")
def stream():
    return graph(_stream().view(settings()["base"], local), feed.POLL)


@blueprint.get("/ldes/<int:number>")
def page(number):
    found = _stream()
    triples = found.page(number, settings()["base"], local)
    if triples is None:
        raise NotFound(N_("de stroom heeft geen pagina %(number)s; zijn pagina's zijn 1 tot %(last)s"),
                       values={"number": number, "last": found.last})
    return graph(triples, YEAR, immutable=True)


@blueprint.get("/ldes/member/<int:number>")
def member(number):
    found = _stream().member(number)
    if found is None:
        raise NotFound(N_("de stroom heeft geen lid %(number)s"), values={"number": number})
    return graph(found.triples(), YEAR, immutable=True)


@blueprint.get("/ldes/shape")
def shape():
    return graph(feed.shape(settings()["base"]), settings()["cache_max_age"])  # it may grow with a release


def _stream() -> feed.Stream:
    store = get_store()
    try:
        return store.feed()
    except StateError as error:  # the path and the way to recover are for the log, not for every client
        log.error("%s", error)
        raise Unavailable(N_("de wijzigingsstroom van build %(build)s is niet leesbaar"),
                          values={"build": store.manifest["id"]}) from None


def graph(triples, max_age: int, immutable: bool = False) -> Response:
    """Serialize in the negotiated format, to be kept ``max_age`` seconds (and never revalidated if immutable)."""
    fmt = formats.negotiate(GRAPHS, request)
    body = serialize(triples, fmt, feed.PREFIXES)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])  # the same bytes keep their ETag across builds
    response.cache_control.public, response.cache_control.max_age = True, max_age
    response.cache_control.immutable = immutable
    return response.make_conditional(request)
