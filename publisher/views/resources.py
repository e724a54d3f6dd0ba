"""Every URI dereferences: ``/id/…`` (the thing) answers 303 to ``/doc/…`` (the document about it), in HTML for
people and in RDF for machines.

This follows "Cool URIs for the Semantic Web" (W3C, section 4.3) and the Flemish URI standard. A document
negotiates on ``Accept``; a suffix (``.ttl``) or a ``format`` parameter picks one representation directly, and
``Content-Location`` and ``Link: rel="alternate"`` name the URL of each.
"""

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request, url_for

from publisher import formats, schemaorg, selfdoc
from publisher.errors import BadRequest, NotFound
from publisher.formats import GRAPHS, HTML
from publisher.presentation import Presenter
from publisher.views import context as contexts
from publisher.views import get_store, in_language, local, page_language, serialize, settings

blueprint = Blueprint("resources", __name__)
OFFERED = GRAPHS + (HTML,)


@blueprint.get("/id/<path:key>")
def thing(key):
    key, suffix = split(key)
    if not get_store().exists(thing_uri(key)):
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
    description = get_store().describe(thing_uri(key), page, settings()["page_size"])
    if not description.found:
        return missing(fmt, key)
    if page > description.pages:
        raise NotFound(f"page {page} is past the last page ({description.pages}) of this document")
    iri = settings()["base"] + "doc/" + key
    if fmt is HTML:
        response = html(description, key)
    else:
        link = lambda n: iri + (f"?page={n}" if n > 1 else "")  # noqa: E731
        triples = description.graph(iri, link) + about_itself(description, link(page))
        response = Response(contexts.serialize(triples, fmt), content_type=fmt.content_type)
    return negotiated(response, fmt, local(iri), suffix, description)


def html(description, key: str) -> Response:
    store, lang = get_store(), page_language()
    usage = store.usage(description.uri.value)  # a concept scheme lists its concepts with their use
    description.labels += store.labels(concept for concept, _, _ in usage)
    presenter = Presenter(store.layout, lang, local)
    page = presenter.page(description)
    url = local(settings()["base"] + "doc/" + key)
    data = schemaorg.document(description.triples + description.labels + description.links(),
                              description.uri.value, url, lang)
    data = selfdoc.page(data, settings()["base"], settings()["license"], changed(description))
    body = render_template("resource.html", page=page, description=description, jsonld=schemaorg.script(data),
                           alternates=alternates(url, HTML, description.page), url=url,
                           license=settings()["license"],
                           usage=[(presenter.value(c), p, i) for c, p, i in usage])
    return in_language(Response(body, content_type=HTML.content_type))


def about_itself(description, document: str) -> list:
    """The document's statements about itself: its thing, its dataset, licence and date (``publisher.selfdoc``)."""
    return selfdoc.triples(document, description.uri, settings()["base"], settings()["license"], changed(description))


def changed(description):
    return selfdoc.modified(description.triples, description.uri, get_store().manifest["created"])


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


def missing(fmt, key: str):
    """A 404 in the negotiated format: an empty graph for RDF clients, a page with a search box for people."""
    detail = f"there is no resource {settings()['base']}id/{key} in this dataset"
    if fmt is HTML:
        words = key.rsplit("/", 1)[-1].replace("-", " ")
        body = render_template("missing.html", detail=detail, words=words)
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
        raise NotFound(f"{key!r} cannot be part of an IRI, so no resource has it ({error})") from None
    return uri


def page_number() -> int:
    value = request.args.get("page", "1")
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1:
        raise BadRequest(f"page must be a whole number from 1, not {value!r}")
    return int(value)
