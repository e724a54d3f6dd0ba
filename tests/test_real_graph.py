"""The real graph/: what must hold for any data, whatever it holds.

The rest of the suite builds the fixture graph of ``tests/data/graph/``; this module alone builds the curated
data, and asserts nothing of what it says: it validates with no violation, every entity dereferences (303, then
200 in Turtle and in HTML), every canned query runs in every format it offers, and the catalogue has no violation
of its DCAT-AP profiles. ``SAMENLEVEN_TEST_GRAPH`` names another folder to check (a copy with a new practice).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
import rdflib

import test_catalog as catalog
import test_queries as canned
from conftest import PROJECT, start_server, stop_server
from publisher import config
from publisher import store as stores

REAL = Path(os.environ.get("SAMENLEVEN_TEST_GRAPH", PROJECT / "graph")).resolve()
ID = "https://w3id.org/samenleven/id/"
# Every practice, initiative, organisation, programme and source page; places are many, so a sample of them.
KINDS = ("Practice", "Initiative", "Organisation", "Programme", "SourceDocument")
PLACES = ("Municipality", "SubMunicipality", "District", "Neighbourhood", "Province", "Region")
PLACE_SAMPLE = 5  # of each kind of place and of ceased municipalities, the first by URI; and every place named


def samenleven(*args):
    return subprocess.run([sys.executable, "-m", "publisher", "--graph-dir", str(REAL), *map(str, args)],
                          capture_output=True, text=True, cwd=PROJECT)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Build the real graph with the real command and serve it; yield (url, store)."""
    var = tmp_path_factory.mktemp("real")
    done = samenleven("--build-dir", var, "build")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    store = stores.open_current(config.load({"build_dir": var, "graph_dir": REAL}))
    process, url = start_server(var)
    yield url, store
    stop_server(process)
    store.close()


def test_the_real_graph_validates_with_no_violation():
    done = samenleven("validate", "--format", "json")
    violations = [r for r in json.loads(done.stdout) if r["severity"] == "Violation"]
    assert done.returncode == 0 and violations == [], violations[:5]


def entities(store) -> list[str]:
    """The /id/ URIs to dereference, found by SELECT over the built store."""
    prefix = "PREFIX sl: <https://w3id.org/samenleven/ns#> "
    found = []
    for kind in KINDS:
        found += [str(row["x"].value) for row in store.graph.select(prefix + f"SELECT ?x {{ ?x a sl:{kind} }}")]
    for kind in PLACES:
        found += [str(row["x"].value) for row in store.graph.select(
            prefix + f"SELECT ?x {{ ?x a sl:{kind} }} ORDER BY STR(?x) LIMIT {PLACE_SAMPLE}")]
    found += [str(row["x"].value) for row in store.graph.select(
        prefix + f"SELECT ?x {{ ?x a sl:Municipality ; sl:validUntil ?d }} ORDER BY STR(?x) LIMIT {PLACE_SAMPLE}")]
    found += [str(row["p"].value) for row in store.graph.select(
        prefix + "SELECT DISTINCT ?p { ?i a sl:Initiative ; <http://purl.org/dc/terms/spatial> ?p }")]
    return sorted({uri for uri in found if uri.startswith(ID)})


def dereference(url: str, uri: str, accept: str, media_type: str) -> str | None:
    """Why ``uri`` does not answer 303 and then 200 in ``media_type``; None when it does."""
    status, headers, _ = catalog.get(url + "/id/" + uri[len(ID):], {"Accept": accept})  # no redirect followed
    if status != 303:
        return f"{uri}: {status} instead of 303 for {accept}"
    status, headers, body = catalog.get(urljoin(url + "/", headers["Location"]), {"Accept": accept})
    if status != 200 or headers.get_content_type() != media_type:
        return f"{uri}: {status} {headers.get_content_type()} for {accept}"
    if media_type == "text/turtle":
        graph = rdflib.Graph().parse(data=body, format="turtle")
        if (rdflib.URIRef(uri), None, None) not in graph:
            return f"{uri}: its Turtle document does not describe it"
    elif uri not in body.decode():
        return f"{uri}: its page does not name it"
    return None


def test_every_entity_dereferences_in_turtle_and_html(real):
    url, store = real
    uris = entities(store)
    assert any("/praktijk/" in uri for uri in uris) and any("/gemeente/" in uri for uri in uris)
    failures = [why for uri in uris for accept, media_type in (("text/turtle", "text/turtle"),
                                                               ("text/html", "text/html"))
                if (why := dereference(url, uri, accept, media_type))]
    assert failures == []


def test_every_canned_query_runs_in_every_format(real):
    url, _ = real
    failures = []
    for name, offered in canned.OFFERED.items():
        for fmt in offered:
            status, _, body = canned.get(f"{url}/queries/{name}.{fmt}", canned.EXAMPLES.get(name))
            if status != 200:
                failures.append(f"{name}.{fmt}: {status}")
                continue
            try:
                canned.parse(body, fmt, canned.QUERIES[name].form)
            except Exception as error:  # any parser's error is the failure to report
                failures.append(f"{name}.{fmt}: {type(error).__name__}: {error}")
    assert failures == []


@pytest.mark.parametrize("profile", catalog.SHAPES)
def test_the_catalogue_has_no_violation_of_its_profile(real, profile):
    assert catalog.violations(catalog.catalogue(real[0], f"?profile={profile}"), profile) == []
