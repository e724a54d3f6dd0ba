"""A harvester replays the change feed to the current build: the reference LDES client, run with Node, against the
real server, across two builds of a changing graph.

The client is npm's ``ldes-client`` (the successor of ``@treecg/actor-init-ldes-client``), pinned in
``tests/ldes/package-lock.json`` and installed by ``make test`` (``npm ci``); ``tests/ldes/replicate.mjs`` prints
each member it emits, with the entity and the time it read through the stream's ``ldes:versionOfPath`` and
``ldes:timestampPath``, and refuses any fetch that leaves the server's origin (127.0.0.1). The tests skip, saying
why, when Node or the client is missing.

Replaying is what the LDES specification asks of a consumer: per entity, the member with the latest timestamp is its
state, unless it is the ``ldes:versionDeleteObject``; that state, with the member's IRI read as the entity's, must be
the entity's description in the build's own dump, and the entities exactly the build's practices, initiatives,
organisations and programmes.
"""

import json
import re
import shutil
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS as DCT

from conftest import GRAPH, start_server, stop_server
from publisher import build, config

CLIENT = Path(__file__).parent / "ldes"
SL = Namespace("https://w3id.org/samenleven/ns#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
BASE = "https://w3id.org/samenleven/"
PRACTICE = URIRef(BASE + "id/praktijk/sociale-cohesie")
ORGANISATION = URIRef(BASE + "id/organisatie/stad-brussel")  # nothing links to it: the graph conforms without it
NEW_TITLE = "Sociale cohesie (herzien)"


def replicate(url: str, state: Path) -> tuple[list[dict], list[str]]:
    """Run the LDES client on ``url``/ldes, saving and resuming its state in ``state``: (members, URLs fetched)."""
    node = shutil.which("node")
    if node is None or not (CLIENT / "node_modules" / "ldes-client").is_dir():
        pytest.skip("the LDES client needs Node and `npm ci` in tests/ldes (make test installs both)")
    run = subprocess.run([node, "replicate.mjs", url + "/ldes", str(state)], cwd=CLIENT, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    fetched = re.search(r"^fetched: (.*)$", run.stderr, re.M).group(1).split()
    return [json.loads(line) for line in run.stdout.splitlines()], fetched


def replay(members: list[dict]) -> dict[URIRef, rdflib.Graph]:
    """Each entity's state: its latest member by timestamp, read as the entity; deleted entities left out."""
    latest = {}
    for member in members:
        entity, when = URIRef(member["isVersionOf"]), datetime.fromisoformat(member["timestamp"])
        if entity not in latest or when > latest[entity][0]:
            latest[entity] = (when, member)
    state = {}
    for entity, (_, member) in latest.items():
        version, graph, iri = rdflib.Graph(), rdflib.Graph(), URIRef(member["id"])
        version.parse(data=member["ntriples"], format="nt")
        if (iri, RDF.type, AS.Delete) in version:
            continue
        for s, p, o in version:
            if (s, p) != (iri, DCT.isVersionOf):
                graph.add((entity if s == iri else s, p, o))
        state[entity] = graph
    return state


def first_seen(members: list[dict]) -> dict[URIRef, datetime]:
    found = {}
    for member in members:
        entity, when = URIRef(member["isVersionOf"]), datetime.fromisoformat(member["timestamp"])
        found[entity] = min(when, found.get(entity, when))
    return found


def dump(folder: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "graph.ttl", format="turtle")


def tracked(graph: rdflib.Graph) -> set:
    classes = (SL.Practice, SL.Initiative, SL.Organisation, SL.Programme)
    return {subject for cls in classes for subject in graph.subjects(RDF.type, cls)}


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    """Build, replicate; change a practice and remove an organisation, build, replicate again from the saved state."""
    folder = tmp_path_factory.mktemp("replication")
    graph, state = folder / "graph", folder / "client-state"
    shutil.copytree(GRAPH, graph)
    settings = config.load({"build_dir": folder / "var", "graph_dir": graph})
    manifest = build.build(settings)
    process, url = start_server(settings["build_dir"])
    seen = {"url": url}
    try:
        seen["first"] = (*replicate(url, state), dump(build.current(settings)))
        while datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z") <= manifest["created"]:
            time.sleep(0.05)  # the next build must be stamped later than this one
        practice = graph / "praktijk-sociale-cohesie.ttl"
        practice.write_text(practice.read_text().replace('"Sociale cohesie"@nl', f'"{NEW_TITLE}"@nl', 1))
        organisations = graph / "organisaties.ttl"
        text, count = re.subn(r"organisatie:stad-brussel a .*?\.\n\n", "", organisations.read_text(), flags=re.S)
        assert count == 1
        organisations.write_text(text)
        build.build(settings)
        seen["second"] = (*replicate(url, state), dump(build.current(settings)))
        yield seen
    finally:
        stop_server(process)


@pytest.mark.parametrize("after", ["first", "second"])
def test_replaying_the_feed_gives_exactly_the_builds_tracked_resources_as_described(replicated, after):
    members = replicated["first"][0] + (replicated["second"][0] if after == "second" else [])
    build_graph = replicated[after][2]
    state = replay(members)
    assert set(state) == tracked(build_graph) and state
    issued = first_seen(members)
    for entity, graph in state.items():
        expected = build_graph.cbd(entity)
        # A version carries the entity's description and its time (dct:modified); the first version's time is the
        # entity's dct:issued, which the build adds to the description.
        assert build_graph.value(entity, DCT.issued).toPython() == issued[entity], entity
        expected.remove((entity, DCT.issued, None))
        assert isomorphic(graph, expected), (entity, sorted(graph ^ expected))


def test_the_second_run_gets_the_new_version_and_the_deletion_and_fetches_no_page_it_has(replicated):
    url = replicated["url"]
    first, first_fetched, _ = replicated["first"]
    second, second_fetched, second_build = replicated["second"]
    assert sorted(member["isVersionOf"] for member in second) == sorted([str(PRACTICE), str(ORGANISATION)])
    assert (PRACTICE, DCT.title, rdflib.Literal(NEW_TITLE, lang="nl")) in replay(first + second)[PRACTICE]
    assert ORGANISATION not in replay(first + second) and ORGANISATION in replay(first)
    pages = {page for page in first_fetched if page != url + "/ldes"}
    assert len(pages) > 1 and not pages & set(second_fetched)  # pages served immutable are never fetched again
    assert all(page.startswith(url + "/") for page in first_fetched + second_fetched)
