"""The answers of ``/search.json`` on the fixture graph are those recorded before search was made fast (issue 14).

``tests/data/search-answers.json`` holds, for each query of ``QUERIES``, the JSON the server answered before the
rewrite of ``publisher/store/fulltext.py`` (commit 8f12f49 of branch ``searchfast``): hits, their order, scores and
snippets, every count, the places and the facets. It was read by hand against the fixture files (see
``tests/data/search-answers.md``). A faster engine must answer byte for byte the same JSON; to record it again (only
when the search is *meant* to answer otherwise), run ``.venv/bin/python tests/test_search_same.py``.
"""

import json
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import GRAPH, http, start_server, stop_server  # noqa: E402

ANSWERS = Path(__file__).resolve().parent / "data" / "search-answers.json"
QUERIES = [
    [("q", "jongeren")], [("q", "samen")], [("q", "buurt")], [("q", "de")], [("q", "de"), ("pagina", "2")],
    [("q", "de"), ("pagina", "3")], [("q", "taalca")], [("q", "Taalcafé")], [("q", "jongeren buurt")],
    [("q", "samen ouderen ")], [("q", "9000")], [("q", "44021")], [("q", "Gent")], [("q", "gent"), ("type", "praktijk")],
    [("q", "de"), ("type", "praktijk"), ("type", "initiatief")], [("q", "de"), ("type", "concept")],
    [("q", "de"), ("provincie", "40000"), ("beleidsdomein", "welzijn")],
    [("q", "buurt"), ("programma", "zorgzame-buurten"), ("provincie", "10000")],
    [("q", "de"), ("doelgroep", "ouderen"), ("pagina", "2")], [("q", "de"), ("lang", "en")],
    [("q", "zzzznietsdaarvan")], [("q", "NEAR(x) \"-\"")],
]


def address(query: list) -> str:
    return "/search.json?" + urllib.parse.urlencode(query)


def parsed(body: bytes):
    """The JSON of an answer, or its text when it is none (a refusal's page)."""
    try:
        return json.loads(body)
    except ValueError:
        return body.decode()


@pytest.fixture(scope="module")
def url(server):
    return server[0]


@pytest.mark.parametrize("query", QUERIES, ids=address)
def test_search_answers_as_recorded(url, query):
    expected = json.loads(ANSWERS.read_text())[address(query)]
    status, _, body = http(url + address(query))
    assert (status, parsed(body)) == (expected["status"], expected["body"])


def test_every_query_is_recorded():
    assert sorted(json.loads(ANSWERS.read_text())) == sorted(map(address, QUERIES))


def record() -> None:
    """Build the fixture graph, start the server and write every answer of ``QUERIES`` to ``ANSWERS``."""
    from publisher import build, config
    with tempfile.TemporaryDirectory() as folder:
        settings = config.load({"build_dir": Path(folder), "graph_dir": GRAPH})
        build.build(settings)
        process, url = start_server(settings["build_dir"])
        try:
            answers = {}
            for query in QUERIES:
                status, _, body = http(url + address(query))
                answers[address(query)] = {"status": status, "body": parsed(body)}
        finally:
            stop_server(process)
    ANSWERS.write_text(json.dumps(answers, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    record()


def test_a_build_made_before_the_rows_table_finds_the_same(built, tmp_path):
    """An index without ``rows`` (a build made before it) is read from its texts: same hits, order and counts as
    recorded."""
    import shutil
    import sqlite3

    from publisher.artefacts import SEARCH
    from publisher.store import fulltext
    copy = tmp_path / SEARCH
    shutil.copy(Path(built[0]["build_dir"]) / "current" / SEARCH, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("DROP TABLE rows")
    connection.close()
    index = fulltext.Index(copy)
    assert index.table == "search"
    for query in ([("q", "de"), ("pagina", "2")], [("q", "jongeren")]):
        expected = json.loads(ANSWERS.read_text())[address(query)]["body"]
        found = fulltext.search(index, dict(query)["q"], (), int(dict(query).get("pagina", 1)), 20)
        assert found.total == expected["total"]
        assert found.kinds == {t["type"]: t["count"] for t in expected["types"]}
        assert [(hit.uri, hit.score) for hit in found.hits] == [(r["uri"], r["score"]) for r in expected["results"]]
