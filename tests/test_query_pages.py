"""The canned queries as pages and as a listing, over real HTTP (their results are tested in test_queries.py)."""

import json
import urllib.error
import urllib.request

import pytest

from conftest import PROJECT
from publisher import queries

CANNED = queries.load(PROJECT / "queries")


def fetch(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_the_listing_in_json_describes_every_query_with_its_api(server):
    url, _ = server
    status, headers, body = fetch(f"{url}/queries", "application/json")
    listing = {entry["name"]: entry for entry in json.loads(body)}
    assert status == 200 and headers.get_content_type() == "application/json"
    assert set(listing) == set(CANNED)
    for name, entry in listing.items():
        assert entry["title"]["nl"] and entry["title"]["en"] and entry["query"] == CANNED[name].text
        api = entry["api"]["csv" if "csv" in entry["api"] else "ttl"]
        required = [p["name"] for p in entry["parameters"] if p["required"] and p["default"] is None]
        status, _, body = fetch(api)
        assert (status, required[0] in body) == (400, True) if required else status == 200


def test_the_listing_for_a_browser_links_every_query(server):
    url, _ = server
    status, headers, page = fetch(f"{url}/queries", "text/html")
    assert status == 200 and headers.get_content_type() == "text/html"
    for name, canned in CANNED.items():
        assert f'href="/queries/{name}"' in page and canned.label("nl").replace("'", "&#39;") in page


@pytest.mark.parametrize("name", sorted(CANNED))
def test_each_query_page_has_its_form_results_and_download_links(server, name):
    url, _ = server
    canned = CANNED[name]
    status, _, page = fetch(f"{url}/queries/{name}", "text/html")
    waits = any(p.required and p.default is None for p in canned.parameters)  # the form waits for a value
    assert status == 200 and ("Resultaat" in page) != waits
    for parameter in canned.parameters:
        assert f'name="{parameter.name}"' in page
    suffix = "ttl" if canned.form == "CONSTRUCT" else "csv"
    assert f"/queries/{name}.{suffix}" in page


def test_an_unknown_query_is_404_and_a_format_its_form_lacks_is_406(server):
    url, _ = server
    assert fetch(f"{url}/queries/bestaat-niet.json")[0] == 404
    select = next(name for name, canned in CANNED.items() if canned.form == "SELECT")
    status, _, body = fetch(f"{url}/queries/{select}.ttl")
    assert status == 406 and "text/csv" in body


def test_the_sparql_page_lists_the_canned_queries(server):
    url, _ = server
    _, _, page = fetch(f"{url}/sparql", "text/html")
    for name in CANNED:
        assert f'href="/queries/{name}"' in page
