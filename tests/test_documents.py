"""Documents that describe themselves, and JSON-LD people can use (issue 16), over real HTTP against the real server.

Every ``/doc/`` representation says what it is about (``foaf:primaryTopic``), which dataset it is part of (the
catalogue's, found in ``/catalog`` and ``/.well-known/void``), its licence (the ``license`` setting) and when it
changed; ``/context.jsonld`` gives short names to the terms; the documents, a canned query's JSON-LD and the dump are
compacted with it, and pyld (an independent JSON-LD processor) expands each back to the graph of the Turtle.
"""

import json
import subprocess
import sys

import pytest
import rdflib
from pyld import jsonld
from rdflib import RDF, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import PROJECT, http, start_server, stop_server

BASE = "https://w3id.org/samenleven/"
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
FOAF = rdflib.FOAF
SCHEMA = rdflib.Namespace("http://schema.org/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATE_TIME = rdflib.XSD.dateTime
PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml", "n3": "n3"}
# A tracked resource (dated by the build's history), places and concepts (dated by the build), a source page.
KEYS = ["praktijk/sociale-cohesie", "initiatief/bibambassadeurs", "gemeente/44021", "concept/doelgroep/ouderen",
        "bron/000_f828c39997d712d8"]
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC0"  # the setting's default (README)


@pytest.fixture(scope="module")
def url(server):
    return server[0]


@pytest.fixture(scope="module")
def dataset(url) -> URIRef:
    """The dataset as the catalogue and the VoID description name it (both must name the same one)."""
    catalogue = parse(get(url + "/catalog.ttl"), "turtle")
    void = parse(get(url + "/.well-known/void", {"Accept": "text/turtle"}), "turtle")
    found = set(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert len(found) == 1 and found <= set(void.subjects(RDF.type, VOID.Dataset))
    return found.pop()


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    return rdflib.Graph().parse(built[0]["build_dir"] / "current" / "graph.ttl", format="turtle")


@pytest.fixture(scope="module")
def other(built):
    """A server with another licence, and documents cut into pages of two links."""
    process, address = start_server(built[0]["build_dir"], license=CC_BY, page_size=2)
    yield address
    stop_server(process)


def get(address: str, headers: dict | None = None) -> bytes:
    status, _, body = http(address, headers=headers)
    assert status == 200, (address, status, body[:300])
    return body


def parse(body: bytes, kind: str) -> rdflib.Graph:
    # rdflib's JSON-LD parser fetches the @context the document names: this server's, on 127.0.0.1.
    return rdflib.Graph().parse(data=body, format=kind)


def expected_date(graph: rdflib.Graph, manifest: dict, key: str) -> Literal:
    """When a document last changed: its thing's dct:modified as the build dated it, else the build's time."""
    dated = graph.value(URIRef(BASE + "id/" + key), DCT.modified)
    return dated if dated is not None else Literal(manifest["created"], datatype=DATE_TIME)


def refusing_loader(served: dict):
    """A pyld document loader that gives the documents of ``served`` (URL: JSON) and refuses every other URL."""
    def load(address, options=None):
        if address not in served:
            raise jsonld.JsonLdError(f"not fetched: {address}", "jsonld.LoadDocumentError",
                                     code="loading document failed")
        return {"contextUrl": None, "documentUrl": address, "document": served[address]}
    return load


def expand(document: dict, served: dict) -> rdflib.Graph:
    """Expand a JSON-LD document with pyld into an rdflib graph."""
    quads = jsonld.to_rdf(document, {"documentLoader": refusing_loader(served), "format": "application/n-quads"})
    return rdflib.Graph().parse(data=quads, format="nt")


# --- Documents that describe themselves ------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", PARSERS)
@pytest.mark.parametrize("key", KEYS)
def test_every_document_format_says_what_it_is_about_where_it_belongs_and_its_licence(
        url, server, dataset, graph, key, suffix):
    served = parse(get(f"{url}/doc/{key}.{suffix}"), PARSERS[suffix])
    document, thing = URIRef(BASE + "doc/" + key), URIRef(BASE + "id/" + key)
    assert set(served.objects(document, FOAF.primaryTopic)) == {thing}
    assert set(served.objects(document, DCT.isPartOf)) == {dataset}
    assert set(served.objects(document, VOID.inDataset)) == {dataset}
    assert set(served.objects(document, DCT.license)) == {URIRef(DEFAULT_LICENCE)}
    assert set(served.objects(document, DCT.modified)) == {expected_date(graph, server[1], key)}


def test_the_catalogues_dataset_names_the_uri_space_of_the_things_documents_are_about(url, dataset):
    catalogue = parse(get(url + "/catalog.ttl"), "turtle")
    assert set(catalogue.objects(dataset, VOID.uriSpace)) == {Literal(BASE + "id/")}


def test_the_licence_is_the_setting_and_each_page_describes_itself(other):
    body = get(f"{other}/doc/gemeente/44021.ttl?page=2")
    served = parse(body, "turtle")
    page = URIRef(BASE + "doc/gemeente/44021?page=2")
    assert set(served.objects(page, FOAF.primaryTopic)) == {URIRef(BASE + "id/gemeente/44021")}
    assert set(served.objects(page, DCT.license)) == {URIRef(CC_BY)}


@pytest.mark.parametrize("key", KEYS[:4])
def test_the_page_says_the_same_in_the_words_of_search_engines(url, server, dataset, graph, key):
    page = get(f"{url}/doc/{key}.html").decode()
    assert f'<link rel="license" href="{DEFAULT_LICENCE}">' in page
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    # schema.org's own context maps every name to http://schema.org/ (its @vocab); a hand-written stand-in for it.
    data = expand(json.loads(script), {"https://schema.org": {"@context": {"@vocab": "http://schema.org/"}}})
    web_page = URIRef(f"{url}/doc/{key}")
    assert set(data.objects(web_page, SCHEMA.mainEntity)) == {URIRef(BASE + "id/" + key)}
    assert set(data.objects(web_page, SCHEMA.isPartOf)) == {dataset}
    assert {str(o) for o in data.objects(web_page, SCHEMA.license)} == {DEFAULT_LICENCE}
    dates = {Literal(str(o), datatype=DATE_TIME) for o in data.objects(web_page, SCHEMA.dateModified)}
    assert dates == {expected_date(graph, server[1], key)}


# --- The context -----------------------------------------------------------------------------------------------

def test_the_context_is_served_cacheable_and_states_the_ontology_version(url):
    status, headers, body = http(url + "/context.jsonld")
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    tag = headers["ETag"]
    assert tag and not tag.startswith("W/") and "public" in headers["Cache-Control"]
    assert http(url + "/context.jsonld", headers={"If-None-Match": tag})[0] == 304
    ontology = rdflib.Graph().parse(PROJECT / "ontology" / "samenleven.ttl", format="turtle")
    version = ontology.value(URIRef(BASE + "ns"), rdflib.OWL.versionInfo)
    described = expand(json.loads(body), {})  # the context document is itself JSON-LD about the context
    assert set(described.objects(None, rdflib.OWL.versionInfo)) == {version}


def test_the_context_names_every_term_of_the_ontology_by_its_local_name(url):
    terms = json.loads(get(url + "/context.jsonld"))["@context"]
    ontology = rdflib.Graph().parse(PROJECT / "ontology" / "samenleven.ttl", format="turtle")
    ours = {s for s in ontology.subjects(rdflib.RDFS.isDefinedBy, URIRef(BASE + "ns")) if "#" in s}
    assert len(ours) > 20
    for term in ours:
        definition = terms.get(term.split("#")[1])
        assert (definition if isinstance(definition, str) else definition["@id"]) == str(term), term


def test_people_can_write_json_ld_with_the_short_names(url):
    """JSON-LD written by hand with the context's names means the triples one would expect."""
    context_url = url + "/context.jsonld"
    written = {"@context": context_url, "id": BASE + "id/praktijk/x", "type": "Practice",
               "title": {"nl": "Samen", "en": "Together"}, "license": DEFAULT_LICENCE, "targetGroup": BASE + "id/c",
               "modified": "2026-01-02T03:04:05Z", "primaryTopic": BASE + "id/t", "prefLabel": {"nl": "x"}}
    found = expand(written, {context_url: json.loads(get(context_url))})
    x, sl = URIRef(BASE + "id/praktijk/x"), rdflib.Namespace(BASE + "ns#")
    assert set(found) == {
        (x, RDF.type, sl.Practice), (x, DCT.title, Literal("Samen", lang="nl")),
        (x, DCT.title, Literal("Together", lang="en")), (x, DCT.license, URIRef(DEFAULT_LICENCE)),
        (x, sl.targetGroup, URIRef(BASE + "id/c")),
        (x, DCT.modified, Literal("2026-01-02T03:04:05Z", datatype=DATE_TIME)),
        (x, FOAF.primaryTopic, URIRef(BASE + "id/t")),
        (x, rdflib.SKOS.prefLabel, Literal("x", lang="nl"))}


# --- JSON-LD compacted with it, and back -----------------------------------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_a_documents_json_ld_expands_to_the_graph_of_its_turtle(url, key):
    context_url = url + "/context.jsonld"
    document = json.loads(get(f"{url}/doc/{key}.jsonld"))
    assert document["@context"] == context_url, "the context by reference, at this server's address"
    keys = {name for node in document["@graph"] for name in node}
    assert {"id", "type", "primaryTopic", "license"} <= keys and not [k for k in keys if "://" in k], "short names"
    expanded = expand(document, {context_url: json.loads(get(context_url))})
    assert isomorphic(expanded, parse(get(f"{url}/doc/{key}.ttl"), "turtle"))


def test_a_canned_querys_json_ld_expands_to_the_graph_of_its_turtle(url):
    context_url = url + "/context.jsonld"
    document = json.loads(get(f"{url}/queries/linkset-gemeenten.jsonld"))
    assert document["@context"] == context_url
    expanded = expand(document, {context_url: json.loads(get(context_url))})
    assert len(expanded) > 10
    assert isomorphic(expanded, parse(get(f"{url}/queries/linkset-gemeenten.ttl"), "turtle"))


def test_the_command_answers_a_canned_query_in_json_ld_with_the_context_in_full(built, url):
    def run(fmt: str) -> bytes:
        done = subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(built[0]["build_dir"]), "query",
                               "linkset-gemeenten", "--format", fmt], capture_output=True, cwd=PROJECT, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout
    document = json.loads(run("jsonld"))
    assert document["@context"] == json.loads(get(url + "/context.jsonld"))["@context"]
    expanded = expand(document, {})  # no server to name: nothing may be fetched
    assert len(expanded) > 10 and isomorphic(expanded, parse(run("ttl"), "turtle"))


def test_the_json_ld_dump_holds_the_context_and_expands_to_the_turtle_dump(url):
    document = json.loads(get(f"{url}/dumps/graph.jsonld"))
    assert document["@context"] == json.loads(get(url + "/context.jsonld"))["@context"]
    expanded = expand(document, {})  # the dump needs no other file: nothing may be fetched
    assert isomorphic(expanded, parse(get(f"{url}/dumps/graph.ttl"), "turtle"))


def test_the_dump_compacted_in_parts_is_the_graph_compacted_whole(store):
    """Parts of two triples: every subject, blank node, list and language tag crosses a part's edge somewhere."""
    import pyoxigraph as ox
    from publisher import context
    made = context.of_build(str(store.folder))
    turtle = """@prefix ex: <http://example.org/> .
        ex:a ex:p "één"@nl, "one"@en ; ex:q [ ex:r [ ex:s 1 ] ] ; ex:l ( ex:b "twee" [ ex:t ex:c ] ) .
        ex:b ex:p ex:a ; ex:q [ ex:r ex:a ] .
        [ ex:p ex:a ] .
        ex:c ex:d "2026-11-29"^^<http://www.w3.org/2001/XMLSchema#date> ."""
    triples = sorted(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE), key=str)
    for size in (1, 2, 5, 10_000):
        document = json.loads(context.compact_parts(triples, made, size=size))
        assert document["@context"] == made["@context"]
        assert isomorphic(expand(document, {}), parse(turtle, "turtle")), size


ODD_VALUES = """@prefix dct: <http://purl.org/dc/terms/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:a a skos:Concept, ex:Other ; dct:title "plain", "één"@nl, "twee"@nl, "one"@en, "typed"^^xsd:token ;
        dct:audience "a text where an IRI is expected", ex:b ; skos:broadMatch ex:c, "a text" ;
        dct:created "2026-11-30"^^xsd:date, "not a dateTime"^^xsd:string ; ex:p [ ex:q ex:a ] ;
        skos:notation "1"^^xsd:integer ; dct:subject <http://purl.org/dc/terms/Other> .
    _:x dct:title "a blank node's"@nl ; skos:broader ex:a ."""


def test_the_dump_s_nodes_are_the_ones_pyld_compacts(store):
    """Every subject of the fixture graph, and values of every kind on terms meant for another kind, written as
    pyld (an independent JSON-LD processor) writes them when it compacts the whole graph."""
    import pyoxigraph as ox
    from publisher import context
    from publisher.compaction import Compactor
    made = context.of_build(str(store.folder))
    lists = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#first", "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"}
    # Without rdf:first and rdf:rest, which pyld turns into @list (the dump leaves the parts that have them to it),
    # the heads of the fixture's lists are blank nodes like any other.
    triples = [t for t in ox.parse(path=str(store.folder / "graph.ttl"), format=ox.RdfFormat.TURTLE)
               if t.predicate.value not in lists]
    triples += ox.parse(ODD_VALUES.encode(), format=ox.RdfFormat.TURTLE)
    triples.sort(key=str)
    fast = Compactor(made, context.loader(None, made))
    assert fast.can(triples)  # else the dump would leave them to pyld, and this would compare pyld with itself
    expected = json.loads(context.compact(triples, made))["@graph"]
    found = fast.nodes(triples)
    assert [node["id"] for node in found] == [node["id"] for node in expected]
    assert found == expected


def test_the_processor_fetches_nothing_but_our_context(store):
    from publisher import context
    made = context.of_build(str(store.folder))
    load = context.loader("http://127.0.0.1:9/context.jsonld", made)
    assert load("http://127.0.0.1:9/context.jsonld")["document"] is made
    for address in ("http://127.0.0.1:9/other.jsonld", "https://schema.org", "file:///etc/passwd"):
        with pytest.raises(jsonld.JsonLdError):
            load(address)
    hostile = {"@context": "https://example.org/context.jsonld", "@id": "urn:x", "urn:p": "v"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(hostile, {"documentLoader": load})
