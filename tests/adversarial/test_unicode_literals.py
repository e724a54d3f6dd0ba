"""Bad Unicode in literals: every character a literal may hold goes through the build and every output, and back.

A hostile copy of the fixture graph gives one initiative per case (line and paragraph separators, NEL, vertical tab
and form feed, NUL, astral characters, combining and directional marks, a byte-order mark, a very long literal). It
is built twice with the real command, so that the second build reads back the change feed and the record the first
wrote, then served by the real server. Each output is parsed as a client parses it and the title compared with what
the editor wrote. Escapes that cannot be a character (lone surrogates, past U+10FFFF) stop the build with exit 2 and
the file and line, never a traceback.
"""

import csv
import gzip
import html
import io
import json
import re
import urllib.parse
import urllib.request

import pytest
import rdflib
from rdflib.namespace import DCTERMS as DCT

from conftest import start_server, stop_server
from _buildfaults import hostile_graph, samenleven

BASE = "https://w3id.org/samenleven/"
CLASS = "bad Unicode in literals"
TREE = rdflib.Namespace("https://w3id.org/tree#")


def uri(key: str) -> rdflib.URIRef:
    return rdflib.URIRef(f"{BASE}id/initiatief/{key}")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Build the hostile graph twice (titles changed between), serve it; yield (url, folder, {key: title})."""
    folder = tmp_path_factory.mktemp("unicode")
    for version in ("eerste", "tweede"):
        titles = hostile_graph(folder / "graph", version)
        done = samenleven("--build-dir", folder / "var", "--graph-dir", folder / "graph", "build")
        assert done.returncode == 0, done.stderr[-2000:]
    process, url = start_server(folder / "var")
    yield url, folder / "var" / "current", titles
    stop_server(process)


def fetch(url: str, accept: str = "*/*") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=60) as response:
        assert response.status == 200
        return response.read()


def strings(value) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def titles_in(graph: rdflib.Graph, key: str) -> set:
    return {str(o) for o in graph.objects(uri(key), DCT.title)}


@pytest.mark.parametrize("suffix,parser", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"),
                                           (".rdf", "xml")])
def test_a_resource_document_gives_back_every_title_in_rdf(served, tally, suffix, parser):
    url, _, titles = served
    for key, title in titles.items():
        if parser == "xml" and re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", title):
            continue  # XML 1.0 cannot hold these characters (section 2.2): no RDF/XML of them is possible
        try:
            found = titles_in(rdflib.Graph().parse(data=fetch(f"{url}/doc/initiatief/{key}{suffix}"),
                                                   format=parser), key)
        except Exception as error:  # a 500 or a body no parser reads: the case failed
            found = {f"{type(error).__name__}: {error}"}
        assert tally(CLASS).case(f"{key} in /doc {suffix}", found == {title}), (key, found)


def test_a_resource_page_shows_every_title_as_text_and_in_its_json_ld(served, tally):
    url, _, titles = served
    for key, title in titles.items():
        page = fetch(f"{url}/doc/initiatief/{key}", "text/html").decode()
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        shown = heading is not None and html.unescape(heading.group(1)) == title
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        embedded = any(title in strings(json.loads(script)) for script in scripts)
        assert tally(CLASS).case(f"{key} in the HTML page and its JSON-LD", shown and embedded), key


def test_the_csv_table_gives_back_every_title(served, tally):
    url, _, titles = served
    text = fetch(f"{url}/tables/initiatieven.csv").decode("utf-8")
    rows = {row["uri"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    for key, title in titles.items():
        found = rows.get(str(uri(key)), {}).get("titel")
        assert tally(CLASS).case(f"{key} in /tables/initiatieven.csv", found == title), (key, found)


@pytest.mark.parametrize("name,parser", [("graph.ttl", "turtle"), ("graph.nt.gz", "nt"),
                                         ("graph.jsonld", "json-ld")])
def test_every_dump_gives_back_every_title(served, tally, name, parser):
    url, _, titles = served
    body = fetch(f"{url}/dumps/{name}")
    graph = rdflib.Graph().parse(data=gzip.decompress(body) if name.endswith(".gz") else body, format=parser)
    for key, title in titles.items():
        assert tally(CLASS).case(f"{key} in the dump {name}", titles_in(graph, key) == {title}), key


def test_the_sparql_endpoint_gives_back_every_title(served, tally):
    url, _, titles = served
    for key, title in titles.items():
        query = f"SELECT ?t WHERE {{ <{uri(key)}> <{DCT.title}> ?t }}"
        body = fetch(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}), "application/sparql-results+json")
        found = {b["t"]["value"] for b in json.loads(body)["results"]["bindings"]}
        assert tally(CLASS).case(f"{key} in SPARQL JSON results", found == {title}), key


def test_the_change_feed_holds_both_versions_of_every_title_after_the_second_build(served, tally):
    url, _, titles = served
    graph, pending, seen = rdflib.Graph(), [url + "/ldes"], set()
    while pending:  # every page, as a harvester walks them
        page = pending.pop()
        if page not in seen:
            seen.add(page)
            graph += rdflib.Graph().parse(data=fetch(page, "text/turtle"), format="turtle")
            pending += [str(node) for node in graph.objects(None, TREE.node)]
    for key, title in titles.items():
        versions = {str(t) for member in graph.subjects(DCT.isVersionOf, uri(key))
                    for t in graph.objects(member, DCT.title)}
        first = title.replace("tweede", "eerste")
        assert tally(CLASS).case(f"{key} in both versions in /ldes", versions == {first, title}), (key, versions)


def test_build_state_is_ascii_with_one_record_a_line(served):
    """What the next build reads back cannot be split by a character a title holds."""
    _, current, titles = served
    members = (current / "ldes" / "members.jsonl").read_bytes()
    assert members.isascii() and (current / "versions.json").read_bytes().isascii()
    lines = members.decode().split("\n")
    assert lines[-1] == "" and all(json.loads(line)["number"] == n for n, line in enumerate(lines[:-1], 1))


# Escapes that no literal can hold: the parser refuses them, and so must the build, with the file and line.
IMPOSSIBLE = {
    "lone high surrogate": b'"voor \\uD800 na"@nl',
    "lone low surrogate": b'"\\uDC00"@nl',
    "surrogate pair as two escapes": b'"\\uD83D\\uDE00"@nl',
    "past U+10FFFF": b'"\\U00110000"@nl',
    "surrogate encoded in UTF-8": b'"voor \xed\xa0\x80 na"@nl',
    "invalid UTF-8": b'"voor \xff\xfe na"@nl',
}


@pytest.mark.parametrize("case", IMPOSSIBLE)
def test_an_escape_that_is_no_character_stops_the_build_with_file_and_line(served, tmp_path, tally, case):
    folder, graph = served[1].parent, tmp_path / "graph"
    hostile_graph(graph, "tweede")
    in_use = (folder / "current").resolve()
    (graph / "kapot.ttl").write_bytes(b"@prefix dct: <http://purl.org/dc/terms/> .\n\n"
                                      b"<https://w3id.org/samenleven/id/initiatief/unicode-emoji>\n"
                                      b"    dct:alternative " + IMPOSSIBLE[case] + b" .\n")
    done = samenleven("--build-dir", folder, "--graph-dir", graph, "build")
    refused = (done.returncode == 2 and re.search(r"kapot\.ttl:4(:\d+)?: ", done.stderr) is not None
               and "Traceback" not in done.stderr and (folder / "current").resolve() == in_use)
    assert tally(CLASS).case(f"{case} in a Turtle literal", refused), done.stderr[-2000:]
