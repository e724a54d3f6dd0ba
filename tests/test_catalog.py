"""The catalogue a harvesting portal reads: valid in each profile, every distribution downloadable and as stated,
the profile chosen by content negotiation by profile, and VoID.

The shapes are the official ones vendored in ``tests/conformance/`` (SEMIC's DCAT-AP releases, Digitaal Vlaanderen's
DCAT-AP-VL), run with pySHACL.
"""

import gzip
import hashlib
import http.client
import io
import json
import re
from urllib.parse import quote, urlsplit

import pyshacl
import pytest
import rdflib
from rdflib import RDF

from conftest import PROJECT

CONFORMANCE = PROJECT / "tests" / "conformance"  # vendored; tests/conformance/README.md gives the sources
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VL_SHAPES = "dcat-ap-vl/DCAT-AP-VL-SHACL.normalised.ttl"
# Per profile: the shapes that must report no violation, the recommended ones (warnings).
SHAPES = {
    "dcat-ap-3.0": (("dcat-ap-3.0.0/shapes.ttl", "dcat-ap-3.0.0/range.ttl"), ("dcat-ap-3.0.0/shapes_recommended.ttl",)),
    "dcat-ap-2.1.1": (("dcat-ap-2.1.1/dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap-2.1.1/dcat-ap_2.1.1_shacl_range.ttl"),
                      ("dcat-ap-2.1.1/dcat-ap_2.1.1_shacl_shapes_recommended.ttl",)),
    "dcat-ap-vl": ((VL_SHAPES,), ()),
}
# The profiles' URIs, from their publishers: DCAT-AP 3.0's release address (its specification's edDraftURI),
# 2.1.1's release page on Joinup, DCAT-AP-VL's the recognised standard its shapes are named under (in the file).
VL_TEXT = (CONFORMANCE / VL_SHAPES).read_text()
URIS = {"dcat-ap-3.0": "https://semiceu.github.io/DCAT-AP/releases/3.0.0/",
        "dcat-ap-2.1.1": "https://joinup.ec.europa.eu/collection/semic-support-centre/solution/"
                         "dcat-application-profile-data-portals-europe/release/211",
        "dcat-ap-vl": re.search(r"<(https://data\.vlaanderen\.be/doc/applicatieprofiel/DCAT-AP-VL/[^#>]+)#CatalogusShape>",
                                VL_TEXT).group(1)}
# The Flemish CC0 URI, as DCAT-AP-VL's usage note on the catalogue's licence gives it; the EU one (the default
# setting) from the EU licence table.
FLEMISH_CC0 = re.search(r"https://data\.vlaanderen\.be/id/licentie/[^\s\"<]+", VL_TEXT).group(0).rstrip(".")
EU_CC0 = "http://publications.europa.eu/resource/authority/licence/CC0"
# The recommended properties the catalogue leaves empty, each for a reason the data cannot change:
ACCEPTED_WARNINGS = {
    # The graph holds no geometry, and a bounding box or centre made up here would be a guess.
    "http://www.w3.org/ns/dcat#bbox", "http://www.w3.org/ns/dcat#centroid",
    # The database is ongoing: its coverage has a start (the earliest programme) but no end.
    "http://www.w3.org/ns/dcat#endDate",
}


def get(url: str, headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def catalogue(url: str, query: str = "") -> rdflib.Graph:
    status, _, body = get(url + "/catalog" + query, {"Accept": "text/turtle"})
    assert status == 200
    return rdflib.Graph().parse(data=body, format="turtle")


def results(data: rdflib.Graph, files) -> list[tuple[str, str, str]]:
    """Validate with the shapes ``files``; return (severity, focus node, path) per result."""
    shapes = rdflib.Graph()
    for name in files:
        shapes.parse(CONFORMANCE / name, format="turtle")
    # DCAT-AP-VL's shapes say "any IRI" as sh:class rdfs:Resource: RDFS inference, as their README says.
    inference = "rdfs" if VL_SHAPES in files else "none"
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference=inference, allow_warnings=True)
    return [(str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1], str(report.value(r, SH.focusNode)),
             str(report.value(r, SH.resultPath))) for r in report.subjects(RDF.type, SH.ValidationResult)]


def violations(data: rdflib.Graph, profile: str) -> list[tuple[str, str, str]]:
    return [r for r in results(data, SHAPES[profile][0]) if r[0] == "Violation"]


# How the catalogue is asked for, and the profile whose shapes it must pass. The default passes DCAT-AP-VL too, so
# that a Flemish harvester that asks for no profile gets a catalogue it takes.
VALIDATED = [("?profile=dcat-ap-vl", "dcat-ap-vl"), ("?profile=dcat-ap-3.0", "dcat-ap-3.0"),
             ("?profile=dcat-ap-2.1.1", "dcat-ap-2.1.1"), ("", "dcat-ap-3.0"), ("", "dcat-ap-vl")]


@pytest.mark.parametrize("query, profile", VALIDATED, ids=[f"{q or 'default'}-{p}" for q, p in VALIDATED])
def test_the_catalogue_has_no_violation_of_its_profile(server, query, profile):
    assert violations(catalogue(server[0], query), profile) == []


@pytest.mark.parametrize("profile", [name for name, (_, recommended) in SHAPES.items() if recommended])
def test_the_only_recommendations_left_are_those_the_data_cannot_fill(server, profile):
    _, recommended = SHAPES[profile]
    found = results(catalogue(server[0], f"?profile={profile}"), recommended)
    assert {path for _, _, path in found} <= ACCEPTED_WARNINGS, found


def test_the_default_catalogue_differs_from_dcat_ap_2_1_1_only_in_its_sha_256_checksums(server):
    # DCAT-AP 2.1.1 allows only SHA-1 (its Checksum_Shape); the issue asks for SHA-256, which 3.0 allows. So the
    # default catalogue states SHA-256 and ?profile=dcat-ap-2.1.1 the same catalogue with SHA-1.
    found = results(catalogue(server[0]), SHAPES["dcat-ap-2.1.1"][0])
    assert found and {path for severity, _, path in found} == {str(SPDX.algorithm)}


def _distributions(data: rdflib.Graph) -> list:
    dataset = next(data.subjects(RDF.type, DCAT.Dataset))
    return list(data.objects(dataset, DCAT.distribution))


def test_the_catalogue_lists_the_dumps_with_media_type_format_licence_and_status(server):
    data = catalogue(server[0])
    distributions = _distributions(data)
    assert len(distributions) >= 3
    for distribution in distributions:
        for predicate in (DCAT.accessURL, DCAT.downloadURL, DCAT.mediaType, DCT["format"], DCT.license,
                          rdflib.URIRef("http://www.w3.org/ns/adms#status"), DCT.identifier):
            assert data.value(distribution, predicate) is not None, (distribution, predicate)


def _parse(name: str, body: bytes):
    if name.endswith(".gz"):
        body = gzip.decompress(body)
        name = name[:-3]
    if name.endswith((".ttl", ".nt", ".jsonld")):
        formats = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
        return len(rdflib.Graph().parse(data=body, format=formats[name[name.rindex("."):]]))
    if name.endswith(".json"):
        return len(json.loads(body))
    import csv
    return len(list(csv.reader(io.StringIO(body.decode("utf-8")))))


def test_every_distribution_downloads_as_stated_and_parses(server):
    url, manifest = server
    data = catalogue(url)
    for distribution in _distributions(data):
        download = str(data.value(distribution, DCAT.downloadURL))
        assert download.startswith(url + "/")  # this server's address, not a placeholder
        status, headers, body = get(download)
        assert status == 200, download
        assert get(str(data.value(distribution, DCAT.accessURL)))[0] == 200
        size = data.value(distribution, DCAT.byteSize)
        if size is None:
            continue  # a stream (the change feed) has no fixed size
        assert size.datatype == rdflib.XSD.decimal and int(size) == len(body) == int(headers["Content-Length"])
        checksum = data.value(distribution, SPDX.checksum)
        assert data.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(data.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert _parse(download, body) > 0


def test_a_dump_resumes_with_a_range_request_and_is_immutable(server):
    url, _ = server
    status, headers, whole = get(url + "/dumps/graph.ttl")
    assert "immutable" in headers["Cache-Control"] and headers["ETag"]
    status, headers, part = get(url + "/dumps/graph.ttl", {"Range": "bytes=100-"})
    assert status == 206 and part == whole[100:]
    assert headers["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"


def test_void_states_the_builds_statistics_and_the_registry_linkset(server, built):
    url, manifest = server
    status, _, body = get(url + "/.well-known/void", {"Accept": "text/turtle"})
    assert status == 200
    data = rdflib.Graph().parse(data=body, format="turtle")
    dataset = next(data.subjects(VOID.sparqlEndpoint, None))  # ours; the registry is a void:Dataset too
    assert (dataset, RDF.type, VOID.Dataset) in data
    stats = manifest["statistics"]
    assert int(data.value(dataset, VOID.triples)) == stats["triples"]
    assert int(data.value(dataset, VOID.distinctSubjects)) == stats["distinct_subjects"]
    assert str(data.value(dataset, VOID.sparqlEndpoint)) == url + "/sparql"
    partitions = {str(data.value(p, VOID["class"])): int(data.value(p, VOID.entities))
                  for p in data.objects(dataset, VOID.classPartition)}
    assert partitions == stats["classes"]
    graph = rdflib.Graph().parse(built[0]["build_dir"] / "current" / "graph.ttl", format="turtle")
    links = sum(1 for o in graph.objects(None, rdflib.OWL.sameAs)
                if str(o).startswith("https://data.vlaanderen.be/id/gemeente/"))
    linkset = next(data.subjects(RDF.type, VOID.Linkset))
    assert int(data.value(linkset, VOID.triples)) == links >= 285 + 19  # at least every Flemish and Brussels one
    assert data.value(dataset, VOID.exampleResource) is not None
    for dump in data.objects(dataset, VOID.dataDump):
        assert get(str(dump))[0] == 200


def test_the_catalogue_page_lists_the_downloads_for_people(server):
    status, headers, body = get(server[0] + "/catalog", {"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"/dumps/graph.ttl" in body and b"SHA-256" in body


# Content negotiation by profile (W3C, https://www.w3.org/TR/dx-prof-conneg/).

def links(header: str) -> list[dict]:
    """Read a Link header (RFC 8288): one dict per link, its target under "href"."""
    found = []
    for target, params in re.findall(r'<([^>]*)>((?:\s*;\s*[\w*-]+\s*=\s*(?:"[^"]*"|[^;,]*))*)', header or ""):
        link = {"href": target}
        for key, value in re.findall(r';\s*([\w*-]+)\s*=\s*("[^"]*"|[^;,]*)', params):
            link[key.lower()] = value.strip().strip('"')
        found.append(link)
    return found


VL, EU30, EU211 = URIS["dcat-ap-vl"], URIS["dcat-ap-3.0"], URIS["dcat-ap-2.1.1"]
# The query string and Accept-Profile sent, and the profile the answer must be in.
NEGOTIATED = [
    ("", {}, "dcat-ap-3.0"),  # no preference: the default
    ("?profile=dcat-ap-vl", {}, "dcat-ap-vl"),  # a token
    ("?profile=" + quote(f"<{VL}>", safe=""), {}, "dcat-ap-vl"),  # a URI in angle brackets, as the spec writes it
    ("?profile=" + quote(VL, safe=""), {}, "dcat-ap-vl"),  # a bare URI
    ("?_profile=dcat-ap-2.1.1", {}, "dcat-ap-2.1.1"),  # the QSA functional profile's own key
    ("?profile=urn%3Aunknown,dcat-ap-vl", {}, "dcat-ap-vl"),  # a list in order of preference
    ("", {"Accept-Profile": f"<{VL}>"}, "dcat-ap-vl"),
    ("", {"Accept-Profile": f"<urn:unknown>, <{EU211}>;q=0.5"}, "dcat-ap-2.1.1"),
    ("", {"Accept-Profile": f"<{VL}>;q=0.2, <{EU211}>;q=0.9"}, "dcat-ap-2.1.1"),  # q-values rank
    ("", {"Accept-Profile": "dcat-ap-vl"}, "dcat-ap-vl"),  # a token
    ("", {"Accept-Profile": "<urn:unknown>"}, "dcat-ap-3.0"),  # nothing offered: the default, as the spec says
    ("?profile=dcat-ap-2.1.1", {"Accept-Profile": f"<{VL}>"}, "dcat-ap-2.1.1"),  # the query string wins
]


@pytest.mark.parametrize("query, headers, profile", NEGOTIATED)
def test_the_profile_asked_decides_the_answer_and_is_named_in_it(server, query, headers, profile):
    status, answer, body = get(server[0] + "/catalog" + query, {"Accept": "text/turtle", **headers})
    assert status == 200
    assert answer["Content-Profile"] == f"<{URIS[profile]}>"
    found = links(answer["Link"])
    assert {"href": URIS[profile], "rel": "profile"} in found
    assert "accept-profile" in answer["Vary"].lower()
    data = rdflib.Graph().parse(data=body, format="turtle")
    assert rdflib.URIRef(URIS[profile]) in set(data.objects(next(data.subjects(RDF.type, DCAT.Catalog)), DCT.conformsTo))
    # Where the profiles differ, the answer is the profile's: SHA-1 for 2.1.1, the Flemish licence for DCAT-AP-VL.
    algorithms = set(data.objects(None, SPDX.algorithm))
    assert algorithms == {SPDX.checksumAlgorithm_sha1 if profile == "dcat-ap-2.1.1" else SPDX.checksumAlgorithm_sha256}
    licences = {str(data.value(d, DCT.license)) for d in _distributions(data)}
    assert licences == {FLEMISH_CC0 if profile == "dcat-ap-vl" else EU_CC0}


@pytest.mark.parametrize("query", ["?profile=dcat-ap-9", "?profile=" + quote("<urn:x>"), "?_profile=", "?profile=,"])
def test_an_unknown_profile_in_the_query_string_is_a_400_naming_the_offered_ones(server, query):
    status, _, body = get(server[0] + "/catalog" + query, {"Accept": "text/plain"})
    assert status == 400
    for token, uri in URIS.items():
        assert token.encode() in body and uri.encode() in body


def test_the_profile_given_twice_is_a_400(server):
    assert get(server[0] + "/catalog?profile=dcat-ap-vl&_profile=dcat-ap-3.0")[0] == 400


def test_every_alternate_listed_is_served_in_its_profile_and_media_type(server):
    # "list profiles" (section 7.1.1): the Link header of a GET or HEAD lists the other representations.
    status, answer, _ = get(server[0] + "/catalog.ttl")
    alternates = [link for link in links(answer["Link"]) if link.get("rel") in ("self", "alternate")]
    assert {link["profile"] for link in alternates} == set(URIS.values())
    assert {link["type"] for link in alternates} >= {"text/turtle", "application/ld+json", "text/html"}
    for link in alternates:
        status, headers, _ = get(link["href"])
        assert status == 200, link
        assert headers["Content-Profile"] == f"<{link['profile']}>"
        assert headers["Content-Type"].split(";")[0] == link["type"]
    # Each token is mapped to its profile URI (section "Token mappings").
    tokens = {link["token"]: link["anchor"] for link in links(answer["Link"]) if link.get("rel") == "type"}
    assert tokens == URIS


def test_the_list_of_profiles_names_each_token_uri_and_format(server):
    status, answer, body = get(server[0] + "/catalog?profile=all")
    assert status == 200 and answer["Content-Type"].startswith("application/json")
    listed = json.loads(body)["profiles"]
    assert {p["token"]: p["uri"] for p in listed} == URIS
    assert all("text/turtle" in p["media_types"] for p in listed)
    assert [p["token"] for p in listed if p["default"]] == ["dcat-ap-3.0"]


def test_a_cache_never_answers_one_profile_with_another(server):
    url = server[0] + "/catalog.ttl"
    _, default, _ = get(url)
    _, flemish, _ = get(url, {"Accept-Profile": f"<{VL}>"})
    assert default["ETag"] != flemish["ETag"]
    status, answer, body = get(url, {"Accept-Profile": f"<{VL}>", "If-None-Match": default["ETag"]})
    assert status == 200 and answer["Content-Profile"] == f"<{VL}>" and body


# What Flemish harvesters look for.

def test_the_dataset_states_the_eu_and_the_flemish_cc0_licence(server):
    for profile in URIS:
        data = catalogue(server[0], f"?profile={profile}")
        dataset = next(data.subjects(RDF.type, DCAT.Dataset))
        assert {str(o) for o in data.objects(dataset, DCT.license)} == {EU_CC0, FLEMISH_CC0}, profile


def test_the_endpoint_description_is_the_service_description_of_the_endpoint(server):
    data = catalogue(server[0], "?profile=dcat-ap-vl")
    service = next(data.subjects(RDF.type, DCAT.DataService))
    endpoint, description = data.value(service, DCAT.endpointURL), data.value(service, DCAT.endpointDescription)
    assert description != endpoint
    # Even a browser, which gets the query page at the endpoint's URL, gets the Service Description there.
    status, headers, body = get(str(description), {"Accept": "text/html"})
    assert status == 200
    described = rdflib.Graph().parse(data=body, format=headers["Content-Type"].split(";")[0])
    assert (None, SD.endpoint, endpoint) in described


def test_the_dataset_links_to_the_uri_space_of_its_things(server, built):
    data = catalogue(server[0], "?profile=dcat-ap-vl")
    space = str(data.value(next(data.subjects(RDF.type, DCAT.Dataset)), VOID.uriSpace))
    graph = rdflib.Graph().parse(built[0]["build_dir"] / "current" / "graph.ttl", format="turtle")
    things = set(graph.subjects(RDF.type, rdflib.URIRef("https://w3id.org/samenleven/ns#Practice")))
    assert things and all(str(thing).startswith(space) for thing in things)
    assert space == built[0]["base"] + "id/"  # the Flemish URI standard's /id/ for things
