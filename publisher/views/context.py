"""``/context.jsonld``: the JSON-LD context of the build in use, and the JSON-LD answers compacted with it.

The context's URL stays the same from one ontology version to the next, and the context states the version it was
made from (``owl:versionInfo``, with ``dct:source`` the ontology's ``owl:versionIRI``). A versioned URL would have to
be served for every past version, or break the documents saved under it; the documents and dumps a build serves are
made with the context it serves, and a new context changes the ETag, so a client that revalidates sees it.
"""

import hashlib
import json

from flask import Blueprint, Response

from publisher import context
from publisher.views.representation import jsonld_context

blueprint = Blueprint("context", __name__)
MEDIA_TYPE = "application/ld+json"


@blueprint.get("/" + context.NAME)
def served():
    body = json.dumps(jsonld_context(), ensure_ascii=False, indent=2).encode()
    response = Response(body, content_type=MEDIA_TYPE)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])  # strong: the same bytes for the same build
    return response
