"""``/reconcile`` as OpenRefine and a 1.0-draft client use it, over real HTTP, every answer checked by the spec's
JSON Schemas (tests/conformance/reconciliation/)."""

import csv
import json
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest

from _reconcile_schemas import errors
from conftest import PROJECT

NAMES = PROJECT / "tests" / "data" / "reconcile" / "names.csv"


def call(url, data=None, body=None, accept="application/json"):
    """(status, content type, text) of a GET, a form POST (``data``) or a JSON POST (``body``)."""
    headers, payload = {"Accept": accept}, None
    if data is not None:
        payload = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if body is not None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=payload, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode()


def valid(version, schema, text):
    document = json.loads(text)
    assert errors(version, schema, document) == []
    return document


def test_manifest_02_as_openrefine_reads_it(server):
    url, _ = server
    status, kind, text = call(url + "/reconcile")
    assert (status, kind) == (200, "application/json")
    manifest = valid("0.2", "manifest", text)
    assert manifest["versions"] == ["0.2", "1.0-draft"]
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Municipality"}
    # The view template leads to the thing's page, which the server serves.
    page = manifest["view"]["url"].replace("{{id}}", "gemeente/44021")
    assert page == url + "/id/gemeente/44021"
    assert call(page)[0] == 200
    preview = manifest["preview"]["url"].replace("{{id}}", "gemeente/44021")
    assert "Gent" in call(preview)[2]
    suggest = manifest["suggest"]["entity"]
    assert "Gent" in call(suggest["service_url"] + suggest["service_path"] + "?prefix=Gen")[2]


def test_manifest_10_draft(server):
    url, _ = server
    manifest = valid("1.0-draft", "manifest", call(url + "/reconcile?version=1.0-draft")[2])
    assert manifest["view"]["url"] == url + "/id/{id}"
    assert call(url + "/reconcile?version=2.0")[0] == 400


def batch_02(rows):
    return {f"q{n}": {"query": r["name"], "type": "Municipality", "type_strict": "should", "limit": 3,
                      **({"properties": [{"pid": "validOn", "v": r["on"]}]} if r["on"] else {})}
            for n, r in enumerate(rows)}


def names(count=None):
    with open(NAMES, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return rows[:count] if count else rows


def test_batch_of_50_in_the_02_form(server):
    url, _ = server
    rows = names()[::3][:50]
    assert len(rows) == 50
    queries = batch_02(rows)
    assert errors("0.2", "reconciliation-query-batch", queries) == []
    status, _, text = call(url + "/reconcile", data={"queries": json.dumps(queries)})  # as OpenRefine posts
    assert status == 200
    results = valid("0.2", "reconciliation-result-batch", text)
    assert sorted(results) == sorted(queries)
    for n, row in enumerate(rows):
        assert results[f"q{n}"]["result"][0]["id"] == f"gemeente/{row['nis']}", row


def test_batch_of_50_in_the_10_form(server):
    url, _ = server
    rows = names()[1::3][:50]
    batch = {"queries": [{"type": "Municipality", "limit": 3, "conditions": [
        {"matchType": "name", "propertyValue": r["name"]},
        *([{"matchType": "property", "propertyId": "validOn", "propertyValue": r["on"]}] if r["on"] else [])]}
        for r in rows]}
    assert errors("1.0-draft", "reconciliation-query-batch", batch) == []
    for path in ("/reconcile", "/reconcile/match"):
        status, _, text = call(url + path, body=batch)
        assert status == 200
        results = valid("1.0-draft", "reconciliation-result-batch", text)["results"]
        assert [r["candidates"][0]["id"] for r in results] == [f"gemeente/{r['nis']}" for r in rows]


@pytest.mark.parametrize("query, expected, match", [
    ({"query": "Heverlee"}, "gemeente/24062", True),
    ({"query": "Sint-Amandsberg"}, "gemeente/44021", True),
    ({"query": "Ghent"}, "gemeente/44021", True),
    ({"query": "Melle"}, "gemeente/44088", True),
    ({"query": "Melle", "properties": [{"pid": "validOn", "v": "2020-01-01"}]}, "gemeente/44040", True),
    ({"query": "Sint-Pieters-Woluwe / Woluwe-Saint-Pierre"}, "gemeente/21019", True),
    ({"query": "Heverlee", "properties": [{"pid": "postalCode", "v": "3001"}]}, "gemeente/24062", True),
    ({"query": "", "properties": [{"pid": "nis", "v": "44021"}]}, "gemeente/44021", True),
    ({"query": "Aalst", "properties": [{"pid": "province", "v": "Oost-Vlaanderen"}]}, "gemeente/41002", True),
    ({"query": "Aalst", "properties": [{"pid": "province", "v": "Limburg"}]}, "gemeente/71053", True),
    ({"query": "Deurne", "properties": [{"pid": "province", "v": "Vlaams-Brabant"}]}, "gemeente/24020", True),
    ({"query": "Gnet", "type": "Municipality"}, "gemeente/44021", False),  # a misspelling is never certain
    ({"query": "Oost-Vlaanderen", "type": "Province"}, "provincie/40000", True),
    ({"query": "VVSG", "type": "Organisation"}, "organisatie/vvsg", True),
    ({"query": "VVSG", "properties": [{"pid": "type", "v": "Organisation"}]}, "organisatie/vvsg", True),
    ({"query": "ouderen", "type": "Concept"}, "concept/doelgroep/ouderen", True),
])
def test_query_properties_and_types(server, query, expected, match):
    url, _ = server
    text = call(url + "/reconcile", data={"queries": json.dumps({"q0": query})})[2]
    best = valid("0.2", "reconciliation-result-batch", text)["q0"]["result"][0]
    assert (best["id"], best["match"]) == (expected, match)
    assert 0 <= best["score"] <= 100


def test_ambiguous_name_is_no_match(server):
    url, _ = server
    text = call(url + "/reconcile", data={"queries": json.dumps({"q0": {"query": "Deurne"}})})[2]
    found = valid("0.2", "reconciliation-result-batch", text)["q0"]["result"]
    assert {c["id"] for c in found[:2]} == {"gemeente/11002", "gemeente/24020"}
    assert not any(c["match"] for c in found)


def test_jsonp(server):
    url, _ = server
    query = urllib.parse.urlencode({"queries": json.dumps({"q0": {"query": "Gent"}}), "callback": "jQuery_1.cb$"})
    status, kind, text = call(f"{url}/reconcile?{query}")
    assert (status, kind) == (200, "application/javascript")
    assert text.startswith("/**/jQuery_1.cb$(") and text.endswith(");")
    valid("0.2", "reconciliation-result-batch", text[len("/**/jQuery_1.cb$("):-2])
    for bad in ("alert(1)//", "a b", "1abc", "x" * 65, "cb;evil", "</script>", "cb\u00e9", "\u0661"):
        status, _, text = call(f"{url}/reconcile?" + urllib.parse.urlencode({"callback": bad}))
        assert status == 400 and "callback" in text


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags = [], []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_preview_card(server):
    url, _ = server
    status, kind, text = call(url + "/reconcile/preview?id=gemeente/44021")
    assert (status, kind) == (200, "text/html")
    card = _Text()
    card.feed(text)
    shown = " ".join(card.text)
    assert "Gent" in shown and "44021" in shown and "Oost-Vlaanderen" in shown
    status, kind, text = call(url + "/reconcile/preview?id=" + urllib.parse.quote("<script>alert(1)</script>"),
                              accept="text/html")
    assert (status, kind) == (404, "text/html")
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)" in text


@pytest.mark.parametrize("version", ["0.2", "1.0-draft"])
def test_suggest(server, version):
    url, _ = server
    found = valid(version, "suggest-entities-response", call(url + "/reconcile/suggest/entity?prefix=Heverl")[2])
    assert found["result"][0]["id"] == "gemeente/24062"
    types = valid(version, "suggest-types-response", call(url + "/reconcile/suggest/type?prefix=prov")[2])
    assert [t["id"] for t in types["result"]] == ["Province"]
    props = valid(version, "suggest-properties-response", call(url + "/reconcile/suggest/property?prefix=post")[2])
    assert [p["id"] for p in props["result"]] == ["postalCode"]


def canned_count(url, nis, column="initiative"):
    """How many initiatives (or practices) of a municipality the canned query lists: the extension's yardstick."""
    text = call(f"{url}/queries/initiatieven-in-gemeente.json?nis={nis}")[2]
    return len({b[column]["value"] for b in json.loads(text)["results"]["bindings"] if column in b})


EXTEND = {"ids": ["gemeente/44040", "gemeente/44021", "organisatie/vvsg"],
          "properties": [{"id": "nis"}, {"id": "uri"}, {"id": "province"}, {"id": "region"},
                         {"id": "successor", "settings": {"on": "2025-06-01"}}, {"id": "initiatives"},
                         {"id": "practices"}, {"id": "registry"}]}


def test_extend_02(server):
    url, _ = server
    proposal = call(url + "/reconcile/propose_properties?type=Municipality")[2]
    assert {p["id"] for p in valid("0.2", "data-extension-property-proposal", proposal)["properties"]} >= \
        {p["id"] for p in EXTEND["properties"]}
    assert errors("0.2", "data-extension-query", EXTEND) == []
    status, _, text = call(url + "/reconcile", data={"extend": json.dumps(EXTEND)})
    rows = valid("0.2", "data-extension-response", text)["rows"]
    melle = rows["gemeente/44040"]
    assert melle["nis"] == [{"str": "44040"}]
    assert melle["successor"][0]["id"] == "gemeente/44088"
    assert melle["registry"] == [{"str": "https://data.vlaanderen.be/id/gemeente/44040"}]
    assert rows["gemeente/44021"]["province"][0]["id"] == "provincie/40000"
    assert rows["gemeente/44021"]["region"][0]["id"] == "gewest/02000"
    assert rows["gemeente/44021"]["initiatives"] == [{"int": canned_count(url, "44021")}]
    assert rows["gemeente/44021"]["uri"] == [{"str": "https://w3id.org/samenleven/id/gemeente/44021"}]
    assert rows["organisatie/vvsg"]["nis"] == []


def test_extend_10(server):
    url, _ = server
    assert errors("1.0-draft", "data-extension-query", EXTEND) == []
    proposal = call(url + "/reconcile/extend/propose?type=Municipality")[2]
    valid("1.0-draft", "data-extension-property-proposal", proposal)
    status, _, text = call(url + "/reconcile/extend", body=EXTEND)
    rows = valid("1.0-draft", "data-extension-response", text)["rows"]
    assert [r["id"] for r in rows] == EXTEND["ids"]
    values = {p["id"]: p["values"] for p in rows[1]["properties"]}
    assert values["practices"] == [{"int": canned_count(url, "44021", "practice")}]
    assert values["nis"] == [{"str": "44021"}]


HOSTILE = [
    ({"queries": "{not json"}, "not JSON"),
    ({"queries": "[" * 5000}, "not JSON"),
    ({"queries": "[]"}, "JSON object"),
    ({"queries": json.dumps({f"q{n}": {"query": "Gent"} for n in range(101)})}, "reconcile_max_queries"),
    ({"queries": json.dumps({"q0": {"query": "G" * 501}})}, "reconcile_max_text"),
    ({"queries": json.dumps({"q0": {"query": ["Gent"]}})}, "q0.query must be text"),
    ({"queries": json.dumps({"q0": {"query": "Gent", "type": "Cat"}})}, "unknown type"),
    ({"queries": json.dumps({"q0": {"query": "Gent", "type": "Province",
                                    "properties": [{"pid": "type", "v": "Concept"}]}})}, "given twice"),
    ({"queries": json.dumps({"q0": {"query": "Gent", "limit": "all"}})}, "limit"),
    ({"queries": json.dumps({"q0": {"query": "Gent", "properties": [{"pid": "colour", "v": "red"}]}})},
     "unknown property"),
    ({"queries": json.dumps({"q0": {"query": "Gent", "properties": [{"pid": "validOn", "v": "yesterday"}]}})},
     "validOn"),
    ({"queries": json.dumps({"q0": {"query": "Gent", "properties": {"pid": "nis"}}})}, "properties"),
    ({"extend": json.dumps({"ids": "gemeente/44021", "properties": []})}, "extend must be"),
    ({"extend": json.dumps({"ids": ["gemeente/44021"], "properties": [{"id": "colour"}]})}, "unknown property"),
    ({"extend": json.dumps({"ids": ["gemeente/44021"],
                            "properties": [{"id": "successor", "settings": {"on": "soon"}}]})}, "YYYY-MM-DD"),
]


@pytest.mark.parametrize("data, said", HOSTILE, ids=[str(n) for n in range(len(HOSTILE))])
def test_hostile_form_requests_are_clear_400s(server, data, said):
    url, _ = server
    status, _, text = call(url + "/reconcile", data=data)
    assert status == 400 and said in text, text


@pytest.mark.parametrize("body, said", [
    (b"{", "not JSON"), (b"[]", "queries"), (json.dumps({"queries": [{"conditions": []}]}).encode(), "conditions"),
    (json.dumps({"queries": [{"conditions": [{"matchType": "smell", "propertyValue": "x"}]}]}).encode(),
     "matchType"),
    (json.dumps({"queries": [{"conditions": [{"matchType": "name", "propertyValue": None}]}]}).encode(), "text"),
])
def test_hostile_json_requests_are_clear_400s(server, body, said):
    url, _ = server
    status, _, text = call(url + "/reconcile/match", body=body)
    assert status == 400 and said in text, text


@pytest.mark.parametrize("body", [b"5", b'"queries"', b"null", b"\xff\xfe", b"[" * 3000])
def test_json_that_is_no_request_is_a_400(server, body):
    url, _ = server
    assert call(url + "/reconcile", body=body)[0] == 400


def test_another_base_keeps_the_ids_and_names_its_uris(tmp_path):
    from conftest import start_server, stop_server
    from publisher import build, config
    base = "http://data.example.org/sl/"
    settings = config.load({"build_dir": tmp_path / "var", "base": base})
    build.build(settings)
    process, url = start_server(settings["build_dir"], base=base)
    try:
        manifest = valid("0.2", "manifest", call(url + "/reconcile")[2])
        assert manifest["identifierSpace"] == base + "id/"
        text = call(url + "/reconcile", data={"queries": json.dumps({"q0": {"query": "Heverlee"}})})[2]
        assert valid("0.2", "reconciliation-result-batch", text)["q0"]["result"][0]["id"] == "gemeente/24062"
        extend = {"ids": ["gemeente/44021"], "properties": [{"id": "uri"}, {"id": "province"}]}
        text = call(url + "/reconcile", data={"extend": json.dumps(extend)})[2]
        rows = valid("0.2", "data-extension-response", text)
        assert rows["rows"]["gemeente/44021"]["uri"] == [{"str": base + "id/gemeente/44021"}]
        assert rows["rows"]["gemeente/44021"]["province"][0]["id"] == "provincie/40000"
    finally:
        stop_server(process)
