"""The sitemap over real HTTP: what crawlers read, written by the build once (issue 14, sitemaps.org protocol 0.9).

The expected pages are ``tests/data/sitemap.txt``: the sitemap as it was served before the build wrote it (one
path a line; ``built`` where it gave a ``lastmod``, the day of the fixture's first build, when history first saw
the resource), checked by hand against the fixture graph: its 2 practices, 21 initiatives, 33 organisations and 7
programmes carry a date, the concepts, places and sources none. The 23 pages of the administrative arrondissements
were added after, where the served sitemap puts them, without a date like the other places.
"""

import gzip
import shutil
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import start_server, stop_server
from publisher import sitemap
from publisher.indexes import index

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EXPECTED = Path(__file__).parent / "data" / "sitemap.txt"
SERVED = 23  # the server's own pages (home, about the data, /ns, /sparql, /queries, statistics, lists, queries)
PART = 100  # URLs per file in the index case: the fixture's 838 pages make 9 parts of documents and 1 of pages
PARTS = -(-(len(EXPECTED.read_text().splitlines()) - SERVED) // PART) + 1


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def expected(base: str, manifest: dict) -> list[tuple[str, str | None]]:
    day = manifest["created"][:10]
    rows = [line.split("\t") for line in EXPECTED.read_text().splitlines()]
    return [(base + row[0], day if len(row) > 1 else None) for row in rows]


def urlset(body: bytes) -> list[tuple[str, str | None]]:
    """The (loc, lastmod) of a ``<urlset>``, checked against the protocol's structure on the way."""
    root = ET.fromstring(body)
    assert root.tag == NS + "urlset"
    found = []
    for entry in root:
        assert entry.tag == NS + "url"
        children = {child.tag: child.text for child in entry}
        assert set(children) <= {NS + "loc", NS + "lastmod"} and list(entry)[0].tag == NS + "loc"
        found.append((children[NS + "loc"], children.get(NS + "lastmod")))
    return found


def test_the_sitemap_is_one_urlset_of_every_page_with_its_date(server):
    url, manifest = server
    status, headers, body = fetch(url + "/sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    assert urlset(body) == expected(url, manifest)
    assert headers.get("ETag") and headers.get("Last-Modified")
    assert fetch(url + "/sitemap.xml", {"If-None-Match": headers["ETag"]})[0] == 304
    assert f"Sitemap: {url}/sitemap.xml" in fetch(url + "/robots.txt")[2].decode().splitlines()


@pytest.mark.parametrize("part", ["/sitemap-1.xml", "/sitemap-0.xml", "/sitemap-2.xml", "/sitemap-x.xml"])
def test_with_one_file_there_are_no_parts(server, part):
    assert fetch(server[0] + part)[0] == 404


def test_each_page_of_the_server_in_the_sitemap_answers(server):
    """The server's own pages are listed by their routes: each of them, and a document of each kind, is there."""
    url, _ = server
    locations = [loc for loc, _ in urlset(fetch(url + "/sitemap.xml")[2])]
    kinds = {}
    for loc in locations:
        kinds.setdefault(loc.split("/")[4] if "/doc/" in loc else loc, loc)
    for loc in kinds.values():
        assert fetch(loc, {"Accept": "text/html"})[0] == 200, loc


@pytest.fixture(scope="module")
def split(built, tmp_path_factory):
    """A copy of the fixture's build whose sitemap was written with ``PART`` URLs per file, served."""
    settings, manifest = built
    folder = tmp_path_factory.mktemp("split") / "var"
    shutil.copytree(settings["build_dir"], folder, symlinks=True)
    build = (folder / "current").resolve()
    with gzip.open(build / "graph.nt.gz") as dump:  # the build's triples, as the build indexes them
        indexed = index(quad.triple for quad in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES))
    sitemap.write(build, indexed, settings["base"], limit=PART)
    process, url = start_server(folder)
    yield url, manifest
    stop_server(process)


def test_past_the_limit_the_sitemap_is_an_index_of_parts_that_list_every_page_once(split):
    url, manifest = split
    status, headers, body = fetch(url + "/sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(body)
    assert root.tag == NS + "sitemapindex"
    assert all(entry.tag == NS + "sitemap" and [child.tag for child in entry] == [NS + "loc"] for entry in root)
    parts = [entry.find(NS + "loc").text for entry in root]
    want = expected(url, manifest)
    assert parts == [f"{url}/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert len(parts) == -(-(len(want) - SERVED) // PART) + 1  # the documents by 100, then the server's pages
    listed = []
    for part in parts:
        status, headers, body = fetch(part)
        assert status == 200 and headers.get("ETag") and headers.get("Last-Modified")
        entries = urlset(body)
        assert 0 < len(entries) <= PART
        listed += entries
    assert sorted(listed) == sorted(want) and len(set(listed)) == len(listed)


@pytest.mark.parametrize("number", [0, PARTS + 1, PARTS + 2, 1000])
def test_an_unknown_part_is_404(split, number):
    assert fetch(f"{split[0]}/sitemap-{number}.xml")[0] == 404


def test_a_part_names_the_address_the_server_answers_at(built):
    """The build writes the data's base; a server behind a proxy writes its public address in each part."""
    process, url = start_server(built[0]["build_dir"], proxy_hops=1, public_url="https://data.example.org/sl/")
    try:
        body = fetch(url + "/sitemap.xml")[2]
    finally:
        stop_server(process)
    locations = [loc for loc, _ in urlset(body)]
    assert "https://data.example.org/sl/doc/praktijk/sociale-cohesie" in locations
    assert all(loc.startswith("https://data.example.org/sl/") for loc in locations)
