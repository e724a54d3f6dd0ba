"""``/media/{name}``: the files a build publishes beside its graph, the accepted photos of practices (issue 15).

An accepted photo lies in ``graph/media/`` and the build copies it into the build it publishes, so it changes
with the build like everything else it serves. Only the image types a contribution may carry are served, each
with its own media type and ``nosniff``, so that no file is read as anything else.
"""

from flask import Blueprint, send_file

from publisher.artefacts import MEDIA
from publisher.errors import NotFound
from publisher.views import get_store

blueprint = Blueprint("media", __name__)
TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@blueprint.get("/media/<name>")
def file(name):
    suffix = name.rpartition(".")[2]
    if suffix not in TYPES:
        raise NotFound(f"no file {name} under /media/ (only .jpg, .png and .webp are published)")
    response = send_file(get_store().file(f"{MEDIA}/{name}"), mimetype=TYPES[suffix], conditional=False,
                         etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
