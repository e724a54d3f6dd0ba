"""A new kind of thing flows everywhere from one entry in ``kinds.toml`` plus its class and its shape.

The module copies the ontology, the shapes and the fixture graph into a temporary folder and adds a kind the
project does not have: an event (``sl:Event``, named by ``schema:name``), its shape, one instance and one entry in
the copy of ``ontology/kinds.toml``. It builds with the real ``samenleven build`` and serves with ``samenleven
serve``, and then reads, as a client would, every place a kind shows up: the counts of the build and of VoID, the
event's URI, its dates and its member of the change feed, its CSV table, the schema.org script of its page, the
search box, and the shrink guard.
"""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from conftest import GRAPH, PROJECT, http, start_server, stop_server

SL = Namespace("https://w3id.org/samenleven/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
TREE = Namespace("https://w3id.org/tree#")
BASE = "https://w3id.org/samenleven/"
EVENT = URIRef(BASE + "id/evenement/buurtfeest-ledeberg")
NAME = "Zomers buurtfeest op het Ledebergplein"  # only in schema:name, which no other kind names by

ENTRY = """
[events]
class = "sl:Event"
segment = "evenement"
labels = ["schema:name"]
counted = true
tracked = true
guarded = true
table = "evenementen"
schema = "Event"
"""
CLASS = """@prefix sl: <https://w3id.org/samenleven/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
sl:Event a owl:Class ;
    rdfs:label "Evenement"@nl, "Event"@en ;
    skos:definition "Een activiteit op een dag en een plaats."@nl, "An activity on a day in a place."@en ;
    rdfs:isDefinedBy <https://w3id.org/samenleven/ns> .
"""
SHAPE = """@prefix sl: <https://w3id.org/samenleven/ns#> .
@prefix sls: <https://w3id.org/samenleven/shapes#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
sls:Event_Shape a sh:NodeShape ;
    sh:targetClass sl:Event ;
    rdfs:label "Evenement"@nl, "Event"@en ;
    sh:property [
        sh:path schema:name ; sh:name "naam"@nl, "name"@en ; sh:order 1 ;
        sh:minCount 1 ; sh:datatype rdf:langString ;
    ] .
"""
INSTANCE = f"""@prefix sl: <https://w3id.org/samenleven/ns#> .
@prefix schema: <http://schema.org/> .
<{EVENT}> a sl:Event ; schema:name "{NAME}"@nl .
"""


def samenleven(folders: dict, *arguments) -> subprocess.CompletedProcess:
    """Run the real command on the copied folders."""
    env = dict(os.environ, SAMENLEVEN_ONTOLOGY_DIR=str(folders["ontology"]),
               SAMENLEVEN_SHAPES_DIR=str(folders["shapes"]))
    return subprocess.run([sys.executable, "-m", "publisher", "--build-dir", str(folders["var"]), "--graph-dir",
                           str(folders["graph"]), *arguments], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict:
    """The project's ontology and shapes and the fixture graph, copied, with the event kind added."""
    root = tmp_path_factory.mktemp("kinds")
    found = {"var": root / "var"}
    for name, source in (("ontology", PROJECT / "ontology"), ("shapes", PROJECT / "shapes"), ("graph", GRAPH)):
        found[name] = root / name
        shutil.copytree(source, found[name])
    with open(found["ontology"] / "kinds.toml", "a", encoding="utf-8") as registry:
        registry.write(ENTRY)
    (found["ontology"] / "evenement.ttl").write_text(CLASS, encoding="utf-8")
    (found["shapes"] / "evenement.ttl").write_text(SHAPE, encoding="utf-8")
    (found["graph"] / "evenementen.ttl").write_text(INSTANCE, encoding="utf-8")
    return found


@pytest.fixture(scope="module")
def served(folders):
    """Build the copy with ``samenleven build`` and serve it; yield the server's URL."""
    done = samenleven(folders, "build")
    assert done.returncode == 0, done.stdout + done.stderr
    process, url = start_server(folders["var"])
    yield url
    stop_server(process)


def turtle(url: str) -> rdflib.Graph:
    status, headers, body = http(url, headers={"Accept": "text/turtle"})
    assert status == 200, (url, status, body[:300])
    return rdflib.Graph().parse(data=body, format="turtle")


def test_the_build_and_void_count_the_new_kind(served, folders):
    manifest = json.loads((folders["var"] / "current" / "build.json").read_text())
    assert manifest["counts"]["events"] == 1
    void = turtle(served + "/.well-known/void")
    partitions = [p for p in void.subjects(VOID["class"], SL.Event)]
    assert [void.value(p, VOID.entities).toPython() for p in partitions] == [1]


def test_its_uri_dereferences_with_its_dates(served):
    status, headers, _ = http(str(EVENT).replace(BASE, served + "/"), headers={"Accept": "text/turtle"})
    assert status == 200  # urllib followed the 303 to the document
    graph = turtle(served + "/doc/evenement/buurtfeest-ledeberg")
    assert (EVENT, RDF.type, SL.Event) in graph
    assert (EVENT, URIRef("http://schema.org/name"), Literal(NAME, lang="nl")) in graph
    # Tracked: dated by the history of builds.
    assert graph.value(EVENT, DCTERMS.issued) is not None and graph.value(EVENT, DCTERMS.modified) is not None


def test_it_is_a_member_of_the_change_feed(served):
    pending, seen, versions = [served + "/ldes"], set(), []
    while pending:
        page = pending.pop()
        if page in seen:
            continue
        seen.add(page)
        graph = turtle(page)
        pending += [str(graph.value(r, TREE.node)) for r in graph.objects(URIRef(page), TREE.relation)]
        versions += [m for m in graph.subjects(DCTERMS.isVersionOf, EVENT)]
    assert len(versions) == 1


def test_it_has_its_table(served):
    status, headers, body = http(served + "/tables/evenementen.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert [(row["uri"], row["naam"]) for row in rows] == [(str(EVENT), NAME)]
    status, _, body = http(served + "/tables/evenementen.csv-metadata.json")
    assert status == 200 and json.loads(body)["url"] == "evenementen.csv"
    _, _, listing = http(served + "/tables/", headers={"Accept": "text/html"})
    assert b"evenementen.csv" in listing


def test_its_page_carries_its_schema_org_form(served):
    status, _, body = http(served + "/doc/evenement/buurtfeest-ledeberg", headers={"Accept": "text/html"})
    assert status == 200
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body.decode(), re.S)
    data = json.loads(script.group(1))
    assert (data["@type"], data["@id"], data["name"]) == ("Event", str(EVENT), NAME)
    assert re.search(r"<h1[^>]*>\s*" + re.escape(NAME), body.decode())  # the page is headed by its name


def test_search_finds_it_by_its_label_property(served):
    status, _, body = http(served + "/search?" + urllib.parse.urlencode({"q": "buurtfeest op het"}),
                           headers={"Accept": "text/html"})
    assert status == 200
    assert "/id/evenement/buurtfeest-ledeberg" in body.decode()


def test_the_shrink_guard_keeps_it(served, folders):
    (folders["graph"] / "evenementen.ttl").rename(folders["graph"] / "evenementen.ttl.removed")
    try:
        done = samenleven(folders, "build")
    finally:
        (folders["graph"] / "evenementen.ttl.removed").rename(folders["graph"] / "evenementen.ttl")
    assert done.returncode == 1
    assert "events: 1 of 1" in done.stderr + done.stdout and str(EVENT) in done.stderr + done.stdout


@pytest.mark.parametrize("entry, says", [
    ('[events]\nclass = "sl:Event"\nlabels = ["schema:name"]\n', "[events]: has no segment"),
    ('[events]\nclass = "ex:Event"\nsegment = "evenement"\nlabels = ["schema:name"]\n', "'ex:Event' is not"),
    ('[events]\nclass = "sl:Event"\nsegment = "praktijk"\nlabels = ["schema:name"]\n', "segment praktijk is given"),
    ('[events]\nclass = "sl:Event"\nsegment = "evenement"\nlabels = ["schema:name"]\ncounted = "yes"\n',
     "counted must be true or false"),
    ('[events\n', "malformed TOML"),
], ids=["no segment", "unknown prefix", "segment twice", "flag not a boolean", "not TOML"])
def test_a_registry_entry_that_is_wrong_stops_the_build_naming_the_file(folders, tmp_path, entry, says):
    ontology = tmp_path / "ontology"
    shutil.copytree(folders["ontology"], ontology)
    (ontology / "kinds.toml").write_text((PROJECT / "ontology" / "kinds.toml").read_text() + entry)
    done = samenleven({**folders, "ontology": ontology, "var": tmp_path / "var"}, "build")
    assert done.returncode == 2
    assert says in done.stderr and str(Path(ontology / "kinds.toml")) in done.stderr
    assert not (tmp_path / "var" / "current").exists()


@pytest.mark.parametrize("forgotten, uri", [
    (True, str(EVENT)),  # the class, its shape and an instance, but no entry
    (False, BASE + "id/praktijk/buurtfeest-ledeberg"),  # an event under the segment of practices
], ids=["kind without its entry", "resource under another kind's segment"])
def test_a_resource_of_no_kind_stops_the_build_naming_it(folders, tmp_path, forgotten, uri):
    ontology, graph = tmp_path / "ontology", tmp_path / "graph"
    shutil.copytree(folders["ontology"], ontology)
    shutil.copytree(folders["graph"], graph)
    if forgotten:
        shutil.copyfile(PROJECT / "ontology" / "kinds.toml", ontology / "kinds.toml")
    (graph / "evenementen.ttl").write_text(INSTANCE.replace(str(EVENT), uri), encoding="utf-8")
    done = samenleven({**folders, "ontology": ontology, "graph": graph, "var": tmp_path / "var"}, "build")
    assert done.returncode == 2
    assert f"{uri} ({SL.Event})" in done.stderr and str(ontology / "kinds.toml") in done.stderr
    assert not (tmp_path / "var" / "current").exists()
