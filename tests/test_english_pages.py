"""With ``?lang=en`` every kind of page speaks English, over real HTTP; dates are written in the reader's language.

The interface text of a page is its text less the data it shows: what is marked in another language (``lang``
attributes, as the pages mark a Dutch title), code and query text, and the cells of a results table. No Dutch
text of the catalogue whose English differs may appear in it.
"""

import json
import re
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from conftest import PROJECT
from publisher import queries

CANNED = queries.load(PROJECT / "queries")
SKIPPED = {"script", "style", "code", "pre", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Written out here, not taken from Babel: the month names of each language (CLDR's long date format).
MONTHS = {"en": "January February March April May June July August September October November December".split(),
          "nl": "januari februari maart april mei juni juli augustus september oktober november december".split()}


def in_words(day: str, lang: str) -> str:
    """A date as a reader of ``lang`` writes it."""
    year, month, number = map(int, day[:10].split("-"))
    name = MONTHS[lang][month - 1]
    return f"{name} {number}, {year}" if lang == "en" else f"{number} {name} {year}"


def fetch(url, accept="text/html", lang=None):
    headers = {"Accept": accept, **({"Accept-Language": lang} if lang else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class Interface(HTMLParser):
    """Collect the text a reader of the page's language sees, less the data shown in another language."""

    def __init__(self, lang):
        super().__init__()
        self.lang, self.stack, self.texts = lang, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        outside = bool(self.stack and self.stack[-1])
        classes = (attrs.get("class") or "").split()
        # Data, not interface: text in another language, code, a results table, a search hit's snippet (a quote
        # of the data's own text, in whatever language the data has it).
        data = (tag in SKIPPED or (attrs.get("lang") not in (None, self.lang))
                or "results" in classes and tag == "table" or "snippet" in classes)
        if tag not in VOID:
            self.stack.append(outside or data)
        if not (outside or data):
            self.texts += [attrs[name] for name in ("title", "aria-label", "placeholder", "alt") if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.texts.append(" ".join(data.split()))


def dutch_texts() -> list[tuple[str, re.Pattern]]:
    """The Dutch texts of the catalogue whose English differs, each as the pattern it shows as."""
    with (PROJECT / "publisher" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        english = read_po(source, locale="en")
    found = []
    for message in english:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            if text and text not in strings:
                pieces = re.split(r"%\(\w+\)[sd]", text)
                # Whole words, not part of a name such as the query initiatieven-in-gemeente or praktijken.csv.
                shown = r".+?".join(map(re.escape, pieces))
                if len("".join(pieces).split()) == 1:
                    # One word ("Provincie", "Organisaties", "%(num)d praktijk") is also a word of the data's
                    # names and texts ("Provincie Antwerpen"): as interface it stands alone, a text node of its
                    # own (a heading, a label, a facet's name, a count), so that is where it is looked for.
                    alone = r"\S+".join(map(re.escape, pieces))
                    found.append((text, re.compile(r"^" + alone + r":?$", re.M)))
                    continue
                found.append((text, re.compile(r"(?<![\w-])" + shown + r"(?![\w-]|\.\w)")))
    return found


DUTCH = dutch_texts()


def one_of_each_kind(url) -> list[str]:
    """The document of one instance of every kind of ``ontology/kinds.toml``, found with the endpoint."""
    registry = tomllib.loads((PROJECT / "ontology" / "kinds.toml").read_text())
    found = []
    for kind in registry.values():
        query = (f"PREFIX sl: <https://w3id.org/samenleven/ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                 f"SELECT ?s WHERE {{ ?s a {kind['class']} }} ORDER BY ?s LIMIT 1")
        _, _, body = fetch(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}), "application/json")
        rows = json.loads(body)["results"]["bindings"]
        if rows:
            found.append(rows[0]["s"]["value"].replace("https://w3id.org/samenleven/id/", f"{url}/doc/"))
    return found


def pages(url) -> list[tuple[str, int]]:
    """Every kind of HTML page, with the status it answers."""
    canned = [(f"{url}/queries/{name}", 200) for name in CANNED]
    results = [(f"{url}/queries/initiatieven-in-gemeente?nis=44021", 200),
               (f"{url}/queries/gemeente-heeft-initiatieven?nis=44021", 200),
               (f"{url}/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}), 200)]
    return [(f"{url}/", 200), (f"{url}/ns", 200), (f"{url}/search?q=gent", 200), (f"{url}/search?q=zzzz", 200),
            (f"{url}/sparql", 200), (f"{url}/queries", 200), (f"{url}/catalog", 200), (f"{url}/tables/", 200),
            (f"{url}/statistieken", 200), (f"{url}/doc/praktijk/bestaat-niet", 404), (f"{url}/queries/nee", 404),
            (f"{url}/queries/initiatieven-in-gemeente?nis=abc", 400), (f"{url}/search?q=a&q=b", 400),
            (f"{url}/sparql?query=SELEC", 400), (f"{url}/doc/gemeente/11007", 200), (f"{url}/over-de-data", 200),
            (f"{url}/queries/initiatieven-in-gemeente?nis=&naam-nis=Deurne", 400), (f"{url}/praktijken", 200),
            (f"{url}/initiatieven?plaats=onbekend", 200), (f"{url}/organisaties?provincie=zonder", 200),
            (f"{url}/search?q=9000&doelgroep=ouderen", 200), (f"{url}/search?q=de&gemeente=zonder", 200),
            (f"{url}/search?q=de&doelgroep=nobody", 400),
            (f"{url}/bijdragen", 200), (f"{url}/bijdragen?praktijk=sociale-cohesie", 200),
            (f"{url}/bijdragen/onbekend", 404),
            (f"{url}/redactie/login", 200)] \
        + [(page, 200) for page in one_of_each_kind(url)] + canned + results


def test_every_kind_of_page_in_english_holds_no_dutch_interface_text(server):
    url, _ = server
    found, seen = {}, 0
    for page, status in pages(url):
        answered, headers, body = fetch(page + ("&" if "?" in page else "?") + "lang=en")
        assert answered == status, page
        assert headers["Content-Language"] == "en" and '<html lang="en">' in body, page
        reader = Interface("en")
        reader.feed(body)
        text = "\n".join(reader.texts)
        seen += 1
        dutch = [dutch for dutch, pattern in DUTCH if pattern.search(text)]
        if dutch:
            found[page] = dutch
    assert seen > 30 and not found, found


def test_the_check_finds_a_dutch_text_on_a_dutch_page(server):
    url, _ = server
    _, _, body = fetch(f"{url}/sparql?lang=nl")
    reader = Interface("nl")
    reader.feed(body)
    text = "\n".join(reader.texts)
    assert {"Uitvoeren", "Kant-en-klare vragen"} <= {dutch for dutch, pattern in DUTCH if pattern.search(text)}


def test_the_query_pages_show_their_titles_descriptions_and_choices_in_english(server):
    url, _ = server
    _, _, listing = fetch(f"{url}/queries?lang=en")
    for query in CANNED.values():
        assert query.title["en"] in listing and query.title["nl"] not in listing
    _, _, page = fetch(f"{url}/queries/initiatieven-in-provincie?lang=en")
    options = page.split('<select id="p-provincie"', 1)[1].split("</select>", 1)[0]
    assert "Province of East Flanders (40000)" in options and "Provincie Oost-Vlaanderen" not in options
    _, _, page = fetch(f"{url}/queries/initiatieven-in-provincie?lang=nl")
    assert "Provincie Oost-Vlaanderen (40000)" in page


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_dates_are_written_in_the_readers_language(server, lang):
    url, manifest = server
    _, _, about = fetch(f"{url}/over-de-data?lang={lang}")  # the build's date, moved there from the home page
    assert in_words(manifest["created"], lang) in about
    assert manifest["created"][:10] not in interface_text(about, lang)
    _, _, merged = fetch(f"{url}/doc/gemeente/11007?lang={lang}")  # Borsbeek, valid until 2024-12-31
    assert in_words("2024-12-31", lang) in merged and "2024-12-31" not in interface_text(merged, lang)
    _, _, catalogue = fetch(f"{url}/catalog?lang={lang}")
    modified = datetime.fromisoformat(manifest["created"].replace("Z", "+00:00"))
    assert in_words(modified.date().isoformat(), lang) in catalogue


def interface_text(body: str, lang: str) -> str:
    reader = Interface(lang)
    reader.feed(body)
    return "\n".join(reader.texts)


def test_a_refused_method_is_an_english_problem_page(server):
    url, _ = server
    request = urllib.request.Request(f"{url}/catalog?lang=en", data=b"", method="POST", headers={"Accept": "text/html"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    page = refused.value.read().decode()
    assert refused.value.code == 405 and "405 Method not allowed" in page and "To the home page" in page
    assert not [dutch for dutch, pattern in DUTCH if pattern.search(interface_text(page, "en"))]


def test_the_accept_language_header_chooses_english_pages_too(server):
    url, _ = server
    _, headers, page = fetch(f"{url}/queries/nee", lang="en-GB,en;q=0.9")
    assert headers["Content-Language"] == "en" and "Not found" in page and "Niet gevonden" not in page
