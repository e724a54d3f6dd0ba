"""Every URI dereferences: ``/id/…`` (the thing) answers 303 to ``/doc/…`` (the document about it), in HTML for
people and in RDF for machines.

This follows "Cool URIs for the Semantic Web" (W3C, section 4.3) and the Flemish URI standard. A document
negotiates on ``Accept``; a suffix (``.ttl``) or a ``format`` parameter picks one representation directly, and
``Content-Location`` and ``Link: rel="alternate"`` name the URL of each.
"""

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request, url_for

from publisher import browse, formats, maps, schemaorg, selfdoc
from publisher.errors import BadRequest, NotFound
from publisher.language import N_
from publisher.formats import HTML
from publisher.presentation import Presenter
from publisher.artefacts import MAP
from publisher.contribute.record import practice_key
from publisher.uris import Minter
from publisher.views import get_store, in_language, local, page_language, serialize, settings
from publisher.views.representation import OFFERED, alternates, negotiated, serialize_graph

blueprint = Blueprint("resources", __name__)


@blueprint.get("/id/<path:key>")
def thing(key):
    key, suffix = split(key)
    if not get_store().graph.exists(thing_uri(key)):
        return missing(formats.negotiate(OFFERED, request, suffix), key)
    target = url_for("resources.document", key=key + (f".{suffix}" if suffix else ""))
    query = request.query_string.decode()
    response = redirect(target + (f"?{query}" if query else ""), 303)
    response.vary.add("Accept")
    return response


@blueprint.get("/doc/<path:key>")
def document(key):
    key, suffix = split(key)
    fmt = formats.negotiate(OFFERED, request, suffix)
    page = page_number()
    store = get_store()
    description = store.graph.describe(thing_uri(key), page, settings()["page_size"], store.layout.supers)
    if not description.found:
        return missing(fmt, key)
    if page > description.pages:
        raise NotFound(N_("page %(page)s ligt voorbij de laatste pagina (%(pages)s) van dit document"),
                       values={"page": page, "pages": description.pages})
    iri = settings()["base"] + "doc/" + key
    if fmt is HTML:
        response = html(description, key)
    else:
        link = lambda n: iri + (f"?page={n}" if n > 1 else "")  # noqa: E731
        triples = description.graph(iri, link) + about_itself(description, link(page))
        response = Response(serialize_graph(triples, fmt), content_type=fmt.content_type)
    return negotiated(response, fmt, local(iri), suffix, description)


def html(description, key: str) -> Response:
    store, lang = get_store(), page_language()
    usage = browse.used(store, Minter(settings()["base"]), description.uri.value)  # a scheme's concepts, their use
    description.labels += store.labels(concept for concept, _, _ in usage)
    presenter = Presenter(store.layout, lang, local)
    page = presenter.page(description)
    url = local(settings()["base"] + "doc/" + key)
    data = schemaorg.document(description.triples + description.labels + description.links(),
                              description.uri.value, url, lang, store.kinds)
    data = selfdoc.page(data, settings()["base"], settings()["license"], changed(description))
    body = render_template("resource.html", page=page, description=description, jsonld=schemaorg.script(data),
                           alternates=alternates(url, HTML, description.page), url=url,
                           license=settings()["license"],
                           usage=[(presenter.value(c), p, i) for c, p, i in usage],
                           outline=outline(description.uri.value), placed=placed(description.uri.value),
                           change=practice_key(description.triples, description.uri, settings()["base"]))
    return in_language(Response(body, content_type=HTML.content_type))


def about_itself(description, document: str) -> list:
    """The document's statements about itself: its thing, its dataset, licence and date (``publisher.selfdoc``)."""
    return selfdoc.triples(document, description.uri, settings()["base"], settings()["license"], changed(description))


def changed(description):
    return selfdoc.modified(description.triples, description.uri, get_store().manifest["created"])



def missing(fmt, key: str):
    """A 404 in the negotiated format: an empty graph for RDF clients, a page with a search box for people."""
    detail = f"there is no resource {settings()['base']}id/{key} in this dataset"
    if fmt is HTML:
        words = key.rsplit("/", 1)[-1].replace("-", " ")
        body = render_template("missing.html", uri=f"{settings()['base']}id/{key}", words=words)
        response = in_language(Response(body, 404, content_type=HTML.content_type))
        response.vary.add("Accept")
        return response
    body = serialize([], fmt)
    if fmt.name in ("ttl", "nt", "n3"):
        body = f"# 404 Not Found: {detail}\n".encode() + body
    response = Response(body, 404, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def split(key: str) -> tuple[str, str | None]:
    """Split a file suffix off a key: keys never hold a dot, so ``praktijk/x.ttl`` asks for Turtle.

    >>> split("praktijk/x.ttl"), split("gemeente/44021")
    (('praktijk/x', 'ttl'), ('gemeente/44021', None))
    """
    head, _, last = key.rpartition("/")
    if "." in last:
        name, suffix = last.rsplit(".", 1)
        return (f"{head}/{name}" if head else name), suffix
    return key, None


def thing_uri(key: str) -> str:
    """Return the URI of the thing a key names; 404 when the key cannot be part of an IRI (RFC 3987)."""
    uri = settings()["base"] + "id/" + key
    try:
        ox.NamedNode(uri)
    except ValueError as error:
        raise NotFound(N_("%(key)s kan geen deel van een IRI zijn, dus geen bron heeft het (%(error)s)"),
                       values={"key": repr(key), "error": error}) from None
    return uri


def page_number() -> int:
    value = request.args.get("page", "1")
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1:
        raise BadRequest(N_("page moet een geheel getal vanaf 1 zijn, niet %(value)s"), values={"value": repr(value)})
    return int(value)


def placed(uri: str) -> tuple | None:
    """What the lists place in a municipality or province (``browse.where``); None for anything else."""
    return browse.where(get_store(), Minter(settings()["base"]), uri)


def outline(uri: str) -> str | None:
    """The map with the municipality ``uri`` highlighted, for its page; None for anything else."""
    prefix = Minter(settings()["base"]).municipality("")
    if not uri.startswith(prefix):
        return None
    return maps.page_outline(get_store().document(MAP), uri[len(prefix):], page_language())
