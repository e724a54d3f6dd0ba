"""The change feed at ``/ldes``, read over real HTTP as a harvester reads it, across builds of a changing graph.

One module fixture builds four times into one folder while the server runs: the graph as it is; with one practice
retitled; with one organisation removed; unchanged. After each build it harvests the stream, from its first page
and from the last timestamp the previous harvest saw. Pages hold 20 members, so the first build fills several.
"""

import re
import shutil
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

import pyshacl
import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS as DCT

from conftest import GRAPH, start_server, stop_server
from publisher import build, config, feed

TREE = Namespace("https://w3id.org/tree#")
LDES = Namespace("https://w3id.org/ldes#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
SL = Namespace("https://w3id.org/samenleven/ns#")
BASE = "https://w3id.org/samenleven/"
PRACTICE = URIRef(BASE + "id/praktijk/sociale-cohesie")
ORGANISATION = URIRef(BASE + "id/organisatie/stad-brussel")  # nothing links to it: the graph conforms without it
NEW_TITLE = "Sociale cohesie (herzien)"
PAGE_SIZE = 20


def fetch(url: str, accept: str = "text/turtle"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request) as response:
        return response.read(), response.headers


def parse(url: str) -> rdflib.Graph:
    body, headers = fetch(url)
    assert headers["Content-Type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=body, format="turtle")


def harvest(url: str, since: datetime | None = None, known=()) -> tuple[dict, list[str]]:
    """Read the stream from ``/ldes``: follow each ``tree:relation`` whose ``tree:value`` is from ``since`` on
    (every one without ``since``) and keep the members not ``known``. Return ({member: its graph}, pages fetched).
    """
    pending, fetched, members = [url + "/ldes"], [], {}
    while pending:
        page = pending.pop(0)
        if page in fetched:
            continue
        fetched.append(page)
        graph = parse(page)
        for relation in graph.objects(URIRef(page), TREE.relation):
            if since is None or graph.value(relation, TREE.value).toPython() >= since:
                pending.append(str(graph.value(relation, TREE.node)))
        for member in graph.objects(None, TREE.member):
            if member not in known:
                members[member] = graph.cbd(member)
    return members, fetched


def modified(members: dict, member) -> datetime:
    return members[member].value(member, DCT.modified).toPython()


def newest(members: dict) -> datetime:
    return max(modified(members, m) for m in members)


def tracked(folder) -> set:
    """The practices, initiatives, organisations and programmes of a build, read from its Turtle dump."""
    graph = rdflib.Graph().parse(folder / "graph.ttl", format="turtle")
    classes = (SL.Practice, SL.Initiative, SL.Organisation, SL.Programme)
    return {subject for cls in classes for subject in graph.subjects(RDF.type, cls)}


def next_second(manifest: dict) -> None:
    """Wait until the clock has left the second of the last build, so that the next one is stamped later."""
    while datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z") <= manifest["created"]:
        time.sleep(0.05)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Build four times with the server running; yield (url, what was seen after each build)."""
    folder = tmp_path_factory.mktemp("feed")
    graph = folder / "graph"
    shutil.copytree(GRAPH, graph)
    settings = config.load({"build_dir": folder / "var", "graph_dir": graph})
    seen = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(feed, "PAGE_SIZE", PAGE_SIZE)
        manifest = build.build(settings)
        seen["tracked"] = tracked(build.current(settings))
        process, url = start_server(settings["build_dir"])
        try:
            seen["first"] = harvest(url)
            seen["page 1"] = fetch(url + "/ldes/1")
            next_second(manifest)
            practice = graph / "praktijk-sociale-cohesie.ttl"
            practice.write_text(practice.read_text().replace('"Sociale cohesie"@nl', f'"{NEW_TITLE}"@nl', 1))
            manifest = build.build(settings)
            seen["second"] = harvest(url)
            seen["since first"] = harvest(url, newest(seen["first"][0]), seen["first"][0])
            next_second(manifest)
            organisations = graph / "organisaties.ttl"
            text, count = re.subn(r"organisatie:stad-brussel a .*?\.\n\n", "", organisations.read_text(), flags=re.S)
            assert count == 1
            organisations.write_text(text)
            manifest = build.build(settings)
            seen["third"] = harvest(url)
            seen["since second"] = harvest(url, newest(seen["second"][0]), seen["second"][0])
            next_second(manifest)
            build.build(settings)
            seen["fourth"] = harvest(url)
            yield url, seen
        finally:
            stop_server(process)


def test_the_first_build_makes_one_member_per_tracked_resource(history):
    _, seen = history
    members, _ = seen["first"]
    versions = [graph.value(m, DCT.isVersionOf) for m, graph in members.items()]
    assert len(members) == len(seen["tracked"]) > PAGE_SIZE
    assert sorted(versions) == sorted(seen["tracked"])  # each resource once


def test_the_second_build_adds_exactly_one_version_of_the_changed_practice(history):
    _, seen = history
    first, _ = seen["first"]
    second, _ = seen["second"]
    added = set(second) - set(first)
    assert set(first) <= set(second) and len(added) == 1
    member = added.pop()
    version = second[member]
    assert version.value(member, DCT.isVersionOf) == PRACTICE
    assert Literal(NEW_TITLE, lang="nl") in set(version.objects(member, DCT.title))
    assert modified(second, member) > newest(first)
    assert (member, RDF.type, SL.Practice) in version


def test_a_harvester_that_read_the_first_build_gets_only_the_change(history):
    _, seen = history
    members, _ = seen["since first"]
    assert [graph.value(m, DCT.isVersionOf) for m, graph in members.items()] == [PRACTICE]


def test_a_removed_organisation_is_a_deletion_and_an_up_to_date_harvester_skips_old_pages(history):
    url, seen = history
    members, fetched = seen["since second"]
    assert len(members) == 1
    member, graph = members.popitem()
    assert (member, RDF.type, AS.Delete) in graph and graph.value(member, DCT.isVersionOf) == ORGANISATION
    first_pages = set(seen["first"][1]) - {url + "/ldes"}
    assert len(first_pages) > 1 and not first_pages & set(fetched)


def test_a_build_without_changes_adds_no_member(history):
    _, seen = history
    assert set(seen["fourth"][0]) == set(seen["third"][0])
    assert len(seen["third"][0]) == len(seen["tracked"]) + 2


def test_every_page_is_immutable_and_the_view_is_kept_as_long_as_its_polling_interval(history):
    url, seen = history
    pages = sorted(page for page in seen["fourth"][1] if page != url + "/ldes")
    assert len(pages) > 2
    for page in pages:  # LDES Server Primer, Immutability and Caching
        _, headers = fetch(page)
        assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
        assert (URIRef(page), LDES.immutable, Literal(True)) in parse(page)
    body, headers = fetch(url + "/ldes")
    view = rdflib.Graph().parse(data=body, format="turtle")
    interval = view.value(view.value(None, RDF.type, LDES.EventStream), LDES.pollingInterval)
    assert isinstance(interval.toPython(), int) and interval.toPython() > 0  # xsd:integer seconds
    assert "immutable" not in headers["Cache-Control"] and f"max-age={interval}" in headers["Cache-Control"]
    body, headers = fetch(url + "/ldes/1")
    assert (body, headers["ETag"]) == (seen["page 1"][0], seen["page 1"][1]["ETag"])  # three builds later


def test_the_view_bounds_every_page_by_its_first_and_last_time_and_no_page_links_to_another(history):
    url, seen = history
    view = parse(url + "/ldes")
    bounds = {}
    for relation in view.objects(URIRef(url + "/ldes"), TREE.relation):
        assert view.value(relation, TREE.path) == DCT.modified
        kind = view.value(relation, RDF.type)
        bounds.setdefault(str(view.value(relation, TREE.node)), {})[kind] = view.value(relation, TREE.value).toPython()
    times = []
    for page in sorted(bounds, key=lambda page: int(page.rsplit("/", 1)[1])):
        graph = parse(page)
        assert not list(graph.objects(None, TREE.relation))  # TREE: only the root node has several nodes into it
        on_page = sorted(graph.value(m, DCT.modified).toPython() for m in graph.objects(None, TREE.member))
        assert on_page[0] == bounds[page][TREE.GreaterThanOrEqualToRelation]
        assert on_page[-1] == bounds[page][TREE.LessThanOrEqualToRelation]
        assert not times or on_page[0] >= times[-1]
        times += on_page
    assert len(times) == len(seen["fourth"][0])


def test_the_view_states_that_every_member_is_kept(history):
    """LDES, Retention policies: a policy with no version amount and no duration, from the first member on."""
    url, seen = history
    view = parse(url + "/ldes")
    policies = list(view.objects(URIRef(url + "/ldes"), LDES.retentionPolicy))
    assert len(policies) == 1 and isinstance(policies[0], URIRef)  # Server Primer: 0..1, an IRI
    policy = policies[0]
    assert (policy, RDF.type, LDES.RetentionPolicy) in view
    limits = (LDES.versionAmount, LDES.versionDuration, LDES.versionDeleteDuration, LDES.fullLogDuration,
              LDES.amount, TREE.value, LDES.pointInTime)
    assert not [p for p in limits if view.value(policy, p) is not None]
    assert view.value(policy, LDES.startingFrom).toPython() <= min(modified(seen["fourth"][0], m)
                                                                  for m in seen["fourth"][0])
    assert {literal.language for literal in view.objects(policy, RDFS.comment)} == {"nl", "en"}


def test_the_stream_declares_its_paths_and_its_shape_and_every_member_conforms(history):
    url, seen = history
    view = parse(url + "/ldes")
    stream = view.value(None, RDF.type, LDES.EventStream)
    assert view.value(stream, LDES.timestampPath) == DCT.modified
    assert view.value(stream, LDES.versionOfPath) == DCT.isVersionOf
    assert view.value(stream, LDES.versionDeletePath) == RDF.type
    assert view.value(stream, LDES.versionDeleteObject) == AS.Delete
    assert view.value(stream, TREE.view) == URIRef(url + "/ldes")
    shape = view.value(stream, TREE.shape)
    shapes = parse(url + "/" + str(shape).removeprefix(BASE))
    members = rdflib.Graph()
    for graph in seen["fourth"][0].values():
        members += graph
    focus = list(seen["fourth"][0])

    def conforms(data):
        return pyshacl.validate(data, shacl_graph=shapes, focus_nodes=focus, use_shapes=[shape])[0]

    assert conforms(members)
    members.remove((focus[0], DCT.modified, None))
    assert not conforms(members)


def test_a_member_dereferences_to_its_version_for_good(history):
    url, seen = history
    member, graph = next(iter(seen["first"][0].items()))
    body, headers = fetch(url + "/" + str(member).removeprefix(BASE), "application/ld+json")
    assert headers["Content-Type"] == "application/ld+json" and "immutable" in headers["Cache-Control"]
    assert isomorphic(rdflib.Graph().parse(data=body, format="json-ld"), graph)


@pytest.mark.parametrize("path", ["/ldes/0", "/ldes/99", "/ldes/member/0", "/ldes/member/9999"])
def test_what_the_stream_does_not_hold_is_not_found(history, path):
    url, _ = history
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(url + path)
    assert error.value.code == 404
