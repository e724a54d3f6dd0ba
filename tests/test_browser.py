"""The pages in a real browser (issue 13, "browser check"): headless Chromium loads the main pages of the real
server in Dutch and English, takes a screenshot of each, and finds what a reader would notice: a server error, a
missing heading, the wrong language, an error in the console, a request to another host (a CDN); and it follows
facet links by clicking them, to lists that hold as many rows as the link announced.

The fixtures ``browser`` and ``chromium`` (tests/_browser.py) skip these tests, saying why, without Chromium.
``SAMENLEVEN_TEST_SCREENSHOTS=DIR`` keeps the screenshots in ``DIR``.
"""

import re
import subprocess
import urllib.parse

import pytest

from _browser import CHROMEDRIVER, CHROMIUM, elsewhere
from conftest import start_server, stop_server

LANGUAGES = ("nl", "en")
SELECT = "SELECT ?practice ?title WHERE { ?practice a <https://w3id.org/samenleven/ns#Practice> ; " \
         "<http://purl.org/dc/terms/title> ?title } ORDER BY ?title"
# Each page, with what it exists to show: the element a reader looks for, which must be there and visible.
PAGES = {
    "home": ("/", ".facet li a"),
    "filtered-list": ("/initiatieven?provincie=40000", "ol.results-list li a"),
    "search": ("/search?q=gent", "ol.results-list li"),
    "statistics": ("/statistieken", "svg.chart"),
    "municipality": ("/doc/gemeente/44021", "figure.map svg"),
    "query-result": ("/queries/initiatieven-in-gemeente?nis=44021", "table.results td"),
    "sparql-result": ("/sparql?" + urllib.parse.urlencode({"query": SELECT}), "table.results td"),
}
# What a page shows when the server failed (Python's traceback, Flask's and our own 500 page in either language,
# names from the stack); never part of a page that works.
FAILED = re.compile(r"Traceback \(most recent call last\)|Internal server error|Interne fout|jinja2\.|werkzeug\.",
                    re.IGNORECASE)


def test_the_browser_is_debians_own(chromium):
    """The driver is Debian's, given by its path (no Selenium Manager), and drives Debian's Chromium."""
    assert chromium.service.path == str(CHROMEDRIVER)
    installed = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=60).stdout
    assert chromium.capabilities["browserVersion"] in installed.split()


def with_language(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_a_page_loads_whole_in_the_browser(server, browser, name, lang):
    url, _ = server
    path, shows = PAGES[name]
    address = url + with_language(path, lang)
    browser.open(address)
    shot = browser.screenshot(f"{name}-{lang}")
    assert shot.stat().st_size > 0
    requested = browser.requests()
    answers = [status for each, status in requested if each == address]
    assert answers == [200], f"{address} answered {answers}"
    assert not FAILED.search(browser.text("body")), browser.text("body")[:2000]
    assert browser.text("h1"), f"{address} has no heading"
    assert browser.lang == lang
    assert any(element.is_displayed() for element in browser.css(shows)), f"{address} shows no {shows}"
    assert browser.console_errors() == []
    assert elsewhere([each for each, _ in requested], urllib.parse.urlsplit(url).netloc) == []


def test_the_check_sees_what_goes_wrong(server, browser):
    """The checks above can fail: a page that is not there, a script error, a request to a CDN are seen."""
    url, _ = server
    address = f"{url}/doc/praktijk/bestaat-niet"
    browser.open(address)
    assert [status for each, status in browser.requests() if each == address] == [404]
    browser.driver.execute_script("""console.error("broken");
        const s = document.createElement("script");
        s.src = "https://cdn.example.org/lib.js";
        document.head.append(s);""")
    assert any("broken" in message for message in browser.console_errors())
    assert elsewhere([each for each, _ in browser.requests()], urllib.parse.urlsplit(url).netloc) \
        == ["https://cdn.example.org/lib.js"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_name_typed_into_the_home_page_search_box_finds_its_municipality(server, browser, lang):
    url, _ = server
    browser.open(f"{url}/?lang={lang}")
    browser.fill('main form[role="search"]', {"q": "Gent"})
    browser.submit('main form[role="search"]')
    assert urllib.parse.urlsplit(browser.driver.current_url).path == "/search"
    assert browser.lang == lang and browser.text("h1")
    assert any(a.get_attribute("href").endswith("/gemeente/44021") for a in browser.css("main a"))
    assert browser.console_errors() == []
    browser.screenshot(f"home-search-{lang}")


def linked(browser, segment: str) -> bool:
    """Whether the results table links to the thing whose URI ends in ``segment``."""
    return any(a.get_attribute("href").endswith(segment) for a in browser.css("table.results a"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_canned_query_is_asked_with_its_form(server, browser, lang):
    """Picked from the list, Lochristi (44087) finds what was placed on its predecessor; typed, Ledeberg is Gent's."""
    url, _ = server
    form = 'main form[action$="/queries/initiatieven-in-gemeente"]'
    browser.open(f"{url}/queries/initiatieven-in-gemeente?lang={lang}")
    browser.fill(form, {"nis": "44087"})
    browser.submit(form)
    assert browser.lang == lang
    assert linked(browser, "/initiatief/lochristi-burenbuddies") and not linked(browser, "/initiatief/standaertsite")
    browser.fill(form, {"naam-nis": "Ledeberg"})
    browser.submit(form)
    assert linked(browser, "/initiatief/standaertsite") and not linked(browser, "/initiatief/lochristi-burenbuddies")
    assert browser.console_errors() == []
    browser.screenshot(f"query-form-{lang}")


@pytest.fixture(scope="module")
def paged(built):
    """The real server with one thing per list page, so that counting a list's rows crosses its pages."""
    settings, _ = built
    process, url = start_server(settings["build_dir"], list_page_size=1)
    yield url
    stop_server(process)


def number(text: str) -> int:
    """The count a page shows, however it groups its digits: "(1.234)" is 1234."""
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def facet_entries(browser, facets: str) -> list[tuple[str, int]]:
    """The links of the facets ``facets`` selects, each (its address, the count it announces)."""
    found = []
    for entry in browser.css(f"{facets} li"):
        links, counts = entry.find_elements("css selector", "a"), entry.find_elements("css selector", ".count")
        if links and counts:
            found.append((links[0].get_attribute("href"), number(counts[0].text)))
    return found


def click(browser, href: str) -> None:
    """Click the link to ``href`` on the page shown, as a reader would."""
    links = [a for a in browser.css("a") if a.get_attribute("href") == href]
    assert links, f"no link to {href} on {browser.driver.current_url}"
    browser.click(links[0])


def rows_over_pages(browser) -> list[str]:
    """Every row of the list shown, following its "next page" links by clicking them."""
    rows = []
    while True:
        rows += [a.get_attribute("href") for a in browser.css("ol.results-list > li > a")]
        following = browser.css('nav a[rel="next"]')
        if not following:
            return rows
        browser.click(following[0])


def follow(browser, start: str, href: str, announced: int, lang: str) -> None:
    browser.open(start)
    click(browser, href)
    assert browser.driver.current_url == href
    assert browser.lang == lang
    total = number(browser.text("h1 small"))
    rows = rows_over_pages(browser)
    assert len(rows) == len(set(rows)) == total == announced, (href, announced, total, rows)
    assert browser.console_errors() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_facet_link_of_the_home_page_leads_to_a_list_of_as_many_as_it_says(paged, browser, lang):
    home = f"{paged}/?lang={lang}"
    browser.open(home)
    entries = facet_entries(browser, "main .facet")
    assert len(entries) >= 3, "the home page offers no facets"
    for href, announced in entries:
        follow(browser, home, href, announced, lang)
    browser.screenshot(f"home-facets-{lang}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_province_of_the_list_of_initiatives_leads_to_a_list_of_as_many_as_it_says(paged, browser, lang):
    start = f"{paged}/initiatieven?lang={lang}"
    browser.open(start)
    entries = facet_entries(browser, '.facet[data-facet="provincie"]')
    assert sum(announced for _, announced in entries) >= number(browser.text("h1 small")) > 1
    for href, announced in entries:
        follow(browser, start, href, announced, lang)
