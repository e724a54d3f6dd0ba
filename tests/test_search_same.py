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
