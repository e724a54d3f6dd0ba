"""``/context.jsonld``: the JSON-LD context of the build in use, and the JSON-LD answers compacted with it.

The context's URL stays the same from one ontology version to the next, and the context states the version it was
made from (``owl:versionInfo``, with ``dct:source`` the ontology's ``owl:versionIRI``). A versioned URL would have to
be served for every past version, or break the documents saved under it; the documents and dumps a build serves are
made with the context it serves, and a new context changes the ETag, so a client that revalidates sees it.
"""

import hashlib
import json

import pyoxigraph as ox
from flask import Blueprint, Response, request

from publisher import context, selfdoc
from publisher.formats import Format
from publisher.errors import Unavailable
from publisher.views import get_store, settings, serialize as rdf

blueprint = Blueprint("context", __name__)
MEDIA_TYPE = "application/ld+json"


@blueprint.get("/" + context.NAME)
def served():
    body = json.dumps(current(), ensure_ascii=False, indent=2).encode()
    response = Response(body, content_type=MEDIA_TYPE)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])  # strong: the same bytes for the same build
    return response


def current() -> dict:
    """The context of the build in use (made from its ontology and shapes)."""
    return context.of_build(str(get_store().folder), tuple(selfdoc.TERMS.items()))


def url() -> str:
    """Where this server serves the context: the address the request came to."""
    return request.url_root + context.NAME


def serialize(triples, fmt: Format) -> bytes:
    """Serialize a graph as ``views.serialize`` does, but JSON-LD compacted with the context, by reference."""
    if fmt.oxigraph != ox.RdfFormat.JSON_LD:
        return rdf(triples, fmt)
    return context.compact(triples, current(), url(), indent=2)


def recompact(body: bytes) -> bytes:
    """Compact a JSON-LD answer (pyoxigraph's, with prefixes only) with the context, within ``max_result_size``."""
    compacted = context.recompact(body, current(), url())
    if len(compacted) > settings()["max_result_size"]:
        raise Unavailable(f"the answer is longer than {settings()['max_result_size']} bytes, the limit of this "
                          "endpoint (max_result_size). Select fewer or shorter values, add a LIMIT, or download a "
                          "dump and query it locally.", limit="max_result_size")
    return compacted
