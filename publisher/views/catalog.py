"""``/catalog``: the DCAT-AP catalogue, for harvesting portals (RDF) and people (HTML), in the profile asked."""

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from publisher import catalog, csvw, dumps, formats, language, profiles, tables
from publisher import void as voids
from publisher.formats import GRAPHS, HTML
from publisher.indexes import index
from publisher.views import get_store, in_language, local, page_language, serialize, settings
from publisher.vocab import DCT, RDF
from publisher.views.representation import OFFERED, negotiated

blueprint = Blueprint("catalog", __name__)
FACTS = (Path(__file__).parents[1] / "catalog_facts.rq").read_text()
LDES = "https://w3id.org/ldes/specification"
FEED = {"nl": "Wijzigingen als Linked Data Event Stream", "en": "Changes as a Linked Data Event Stream"}
VOID_FACTS = (Path(__file__).parents[1] / "void_facts.rq").read_text()


@blueprint.get("/catalog")
@blueprint.get("/catalog.<suffix>")
def catalogue(suffix=None):
    fmt = formats.negotiate(OFFERED, request, suffix)
    url = local(settings()["base"] + "catalog")
    if profiles.asked_in_query(request.args) == profiles.LIST:
        return listed(url, fmt)
    profile = profiles.choose(catalog.PROFILES, request)
    triples = catalog.graph(settings(), get_store().manifest, request.url_root, facts(), distributions(),
                            profile.token)
    if fmt is HTML:
        links = [(where(url)(profile, f), f.media_type, f.label) for f in GRAPHS]
        body = render_template("catalog.html", catalogue=summary(triples), alternates=links, profile=profile,
                               profiles=catalog.PROFILES)
        response = in_language(Response(body, content_type=HTML.content_type))
    else:
        response = Response(serialize(triples, fmt), content_type=fmt.content_type)
    return by_profile(negotiated(response, fmt, url, suffix), profile, fmt, url)


def by_profile(response: Response, profile, fmt, url: str) -> Response:
    """Add the headers of content negotiation by profile: the profile answered and those offered."""
    response.headers["Content-Profile"] = profiles.header(profile)
    response.headers["Content-Location"] = where(url)(profile, fmt)
    response.headers["Link"] = ", ".join(profiles.links(catalog.PROFILES, profile, where(url), OFFERED, fmt))
    response.vary.add("Accept-Profile")
    return response


def listed(url: str, fmt) -> Response:
    """The "list profiles" answer to ``?profile=all``: the profiles offered and their formats, in JSON."""
    body = {"resource": url, "profiles": [
        {"token": p.token, "uri": p.uri, "title": p.title, "default": p is catalog.PROFILES[0],
         "media_types": [f.media_type for f in OFFERED]} for p in catalog.PROFILES]}
    response = current_app.json.response(body)
    # The body lists every format; the header each profile once, in the first, to stay small.
    response.headers["Link"] = ", ".join(profiles.links(catalog.PROFILES, None, where(url), OFFERED[:1], None))
    response.vary.update(("Accept", "Accept-Profile"))
    return response


def where(url: str):
    """Where the catalogue is served in a profile and a format: the default profile needs no query string."""
    return lambda profile, fmt: f"{url}.{fmt.name}" + (
        "" if profile is catalog.PROFILES[0] else f"?profile={profile.token}")


@blueprint.get("/.well-known/void")
def void():
    """The VoID description, in the RDF format asked for (Turtle by default)."""
    fmt = formats.negotiate(GRAPHS, request)
    store = get_store()
    example, links = store.kept(("void facts",), lambda: _void_facts(store.graph))
    triples = voids.graph(settings(), store.manifest, request.url_root, example, links)
    response = Response(serialize(triples, fmt), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def summary(triples) -> dict:
    """What the page shows of the catalogue: the dataset's texts and each distribution's facts."""
    about, lang = index(triples), page_language()

    def text(subject, predicate):
        found = language.pick(about.get(subject, {}).get(predicate, []), lang)
        return found.value if found else ""

    def one(subject, predicate):
        values = about.get(subject, {}).get(predicate, [])
        return values[0].value if values else ""

    dataset = next(s for s, p in about.items() if catalog.DCAT.Dataset in p.get(RDF.type, ()))
    shown = []
    for iri in about[dataset].get(catalog.DCAT.distribution, []):
        checksum = about.get(ox.NamedNode(one(iri, catalog.SPDX.checksum) or iri.value), {})
        shown.append({"title": text(iri, DCT.title), "url": one(iri, catalog.DCAT.downloadURL),
                      "media_type": one(iri, catalog.DCAT.mediaType).removeprefix(dumps.IANA),
                      "bytes": one(iri, catalog.DCAT.byteSize),
                      "sha256": checksum.get(catalog.SPDX.checksumValue, [ox.Literal("")])[0].value})
    return {"title": text(dataset, DCT.title), "description": text(dataset, DCT.description),
            "license": one(ox.NamedNode(settings()["base"] + "catalog"), DCT.license),
            "modified": one(dataset, DCT.modified), "distributions": shown}


def _void_facts(graph) -> tuple:
    row = next(iter(graph.select(VOID_FACTS)))
    return row["example"].value if row["example"] else None, int(row["links"].value)


def facts() -> dict:
    """What the catalogue reads from the graph, once per build: its MIN over every dct:issued grows with the data
    (issue 14), and the build does not change."""
    store = get_store()
    return store.kept(("catalogue facts",), lambda: _facts(store.graph))


def _facts(graph) -> dict:
    row = next(iter(graph.select(FACTS)))
    return {name: row[name] for name in ("issued", "start", "publisher", "publisher_name") if row[name]}


def distributions() -> list:
    """The build's downloads as the catalogue describes them, with the size and checksum the build recorded."""
    files, root = get_store().manifest.get("files", {}), request.url_root
    found = [catalog.Distribution(root + "dumps/" + dump.name, dump.media_type, dump.file_type, dump.title,
                                  files.get(dump.name), "application/gzip" if dump.gzip else None)
             for dump in dumps.DUMPS]
    for table in tables.of(get_store().kinds):
        data, metadata = table.files
        # The CSVW metadata is the schema each CSV conforms to (CSV on the Web, W3C).
        found.append(catalog.Distribution(root + data, "text/csv", "CSV", table.title, files.get(data),
                                          conforms_to=root + metadata))
    # One distribution for the table group rather than one per link table, which would bury the dumps and tables
    # among some twenty: the group names every table and link table, which a CSVW processor reads from it.
    group = f"{tables.FOLDER}/{tables.GROUP}"
    found.append(catalog.Distribution(root + group, "application/csvm+json", "JSON", csvw.GROUP_TITLE,
                                      files.get(group), conforms_to=csvw.STANDARD))
    found.append(catalog.Distribution(root + "ldes", "text/turtle", "RDF_TURTLE", FEED, conforms_to=LDES))
    return found
