"""Problems (RFC 9457 JSON, the error page, plain text) in the reader's language, over real HTTP: Dutch by default
and with ``Accept-Language: nl``, English with ``?lang=en`` or ``Accept-Language: en``.

The expected words are written here by hand, in each language, for what a reader must be told: the status's title
and what was wrong (the parameter and the value, the page, what is offered).
"""

import json
import urllib.parse

import pytest

from conftest import http

# (address, status, {language: (title, words the detail must hold)})
PROBLEMS = [
    ("/nergens", 404, {"nl": ("Niet gevonden", ["op dit adres staat niets"]),
                       "en": ("Not found", ["nothing at this address"])}),
    ("/praktijken?pagina=999", 404, {"nl": ("Niet gevonden", ["pagina 999", "voorbij de laatste pagina"]),
                                     "en": ("Not found", ["page 999", "past the last page"])}),
    ("/praktijken?sorteer=willekeurig", 400, {"nl": ("Ongeldig verzoek", ["sorteer moet", "'willekeurig'"]),
                                             "en": ("Bad request", ["sorteer must be", "'willekeurig'"])}),
    ("/initiatieven?doelgroep=niemand", 400, {"nl": ("Ongeldig verzoek", ["doelgroep='niemand'", "noemt geen"]),
                                             "en": ("Bad request", ["doelgroep='niemand'", "names no doelgroep"])}),
    ("/doc/gemeente/44021.exe", 406, {"nl": ("Geen aanvaardbare vorm", ["exe wordt hier niet aangeboden",
                                                                         "Aangeboden:", "text/turtle"]),
                                      "en": ("Not acceptable", ["exe is not offered here", "Offered:",
                                                                "text/turtle"])}),
]
ASKED = {"nl": [({}, ""), ({"Accept-Language": "nl"}, "")],
         "en": [({}, "lang=en"), ({"Accept-Language": "en"}, ""), ({"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"}, "")]}
OTHER = {"nl": "en", "en": "nl"}
JSON = {"Accept": "application/problem+json, application/json;q=0.9"}  # a list answers JSON, its problem the RFC's


def address(url: str, path: str, query: str) -> str:
    if not query:
        return url + path
    return url + path + ("&" if "?" in path else "?") + query


@pytest.mark.parametrize("path, status, said", PROBLEMS, ids=[p[0] for p in PROBLEMS])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_problem_in_json_is_in_the_readers_language(server, path, status, said, lang):
    url, _ = server
    title, words = said[lang]
    for headers, query in ASKED[lang]:
        got, answered, body = http(address(url, path, query), headers={**JSON, **headers})
        problem = json.loads(body)
        assert got == status == problem["status"] and answered["Content-Language"] == lang
        assert problem["title"] == title, (headers, query, problem)
        assert all(word in problem["detail"] for word in words), (headers, query, problem)
        assert not [word for word in said[OTHER[lang]][1] if word not in words and word in problem["detail"]]


@pytest.mark.parametrize("path, status, said", PROBLEMS, ids=[p[0] for p in PROBLEMS])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_problem_page_and_its_text_are_in_the_readers_language(server, path, status, said, lang):
    url, _ = server
    title, words = said[lang]
    headers, query = ASKED[lang][-1]
    got, answered, body = http(address(url, path, query), headers={"Accept": "text/html", **headers})
    page = body.decode()
    assert got == status and answered["Content-Language"] == lang and f"{status} {title}" in page
    assert all(urllib.parse.unquote(word).replace("'", "&#39;") in page or word in page for word in words), page
    got, answered, body = http(address(url, path, query), headers={"Accept": "text/plain, */*;q=0.1", **headers})
    text = body.decode()
    assert got == status and text.startswith(f"{status} {title}: ") and all(word in text for word in words)


def test_the_dutch_and_english_details_differ_but_name_the_same_value(server):
    url, _ = server
    details = {}
    for lang, headers in (("nl", {}), ("en", {"Accept-Language": "en"})):
        _, _, body = http(f"{url}/praktijken.json?pagina=nul", headers={"Accept": "application/json", **headers})
        details[lang] = json.loads(body)["detail"]
    assert details["nl"] != details["en"] and all("'nul'" in detail for detail in details.values())
