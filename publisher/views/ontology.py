"""``/ns``: the ontology document, HTML documentation for people and RDF for machines.

The ontology's terms are hash URIs (``{ns}#Practice``), so a client dereferences the document ``/ns`` and finds
the term at its anchor. The document is the build's ``ontology.ttl``, so an unbuilt edit of ``ontology/`` is never
served.
"""

from flask import Blueprint, Response, render_template, request

from publisher import formats, uris, vocabulary
from publisher.formats import HTML
from publisher.views import get_store, in_language, local, page_language, serialize
from publisher.views.representation import OFFERED, alternates, negotiated

blueprint = Blueprint("ontology", __name__)


@blueprint.get("/ns")
@blueprint.get("/ns.<suffix>")
def ontology(suffix=None):
    fmt = formats.negotiate(OFFERED, request, suffix)
    store, url = get_store(), local(uris.ONTOLOGY)
    if fmt is HTML:
        terms = vocabulary.read(store.ontology, store.shapes, page_language())
        body = render_template("ontology.html", vocabulary=terms, alternates=alternates(url, HTML))
        response = in_language(Response(body, content_type=HTML.content_type))
    else:
        response = Response(serialize(store.ontology, fmt), content_type=fmt.content_type)
    return negotiated(response, fmt, url, suffix)
