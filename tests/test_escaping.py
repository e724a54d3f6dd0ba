"""A hostile title cannot break a page: it shows as text, and the embedded JSON-LD still parses to the same title.

The practice's Dutch title in a copy of graph/ is replaced by one holding ``</script>``, a script element, an
ampersand and markup; the real server serves a build of that copy.
"""

import json
import urllib.request
from html.parser import HTMLParser

import pytest

from conftest import start_server, stop_server
from publisher import build, config

HOSTILE = "Sociale cohesie </script><script>alert('xss')</script> & <b>vet</b> <!--"


class Page(HTMLParser):
    """Collect what a browser would see: the h1 text, and each script element's type and content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.h1, self.scripts, self.bold = "", [], 0
        self._in = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "script"):
            self._in = tag
            if tag == "script":
                self.scripts.append([dict(attrs).get("type"), ""])
        self.bold += tag == "b"

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "h1":
            self.h1 += data
        elif self._in == "script":
            self.scripts[-1][1] += data


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    graph = tmp_path_factory.mktemp("graph")
    for path in config.PROJECT_DIR.joinpath("graph").glob("*.ttl"):
        graph.joinpath(path.name).write_text(path.read_text())
    practice = graph / "praktijk-sociale-cohesie.ttl"
    practice.write_text(practice.read_text().replace('"Sociale cohesie"@nl', f'"{HOSTILE}"@nl', 1))
    settings = config.load({"build_dir": tmp_path_factory.mktemp("var"), "graph_dir": graph})
    build.build(settings)
    process, url = start_server(settings["build_dir"], graph_dir=graph)
    yield url
    stop_server(process)


def _page(url: str) -> tuple[str, Page]:
    request = urllib.request.Request(url + "/doc/praktijk/sociale-cohesie", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request) as response:
        html = response.read().decode()
    page = Page()
    page.feed(html)
    return html, page


def test_a_title_with_a_script_tag_shows_as_text(hostile_server):
    html, page = _page(hostile_server)
    assert page.h1.strip() == HOSTILE
    assert page.bold == 0  # the <b> of the title is text, not markup
    assert [kind for kind, _ in page.scripts] == ["application/ld+json"]  # no script of the title runs
    assert "<script>alert" not in html


def test_the_embedded_json_ld_parses_to_the_same_title(hostile_server):
    _, page = _page(hostile_server)
    data = json.loads(page.scripts[0][1])
    assert data["name"] == HOSTILE


def test_the_title_is_escaped_on_the_search_page_too(hostile_server):
    request = urllib.request.Request(hostile_server + "/search?q=" + urllib.parse.quote("</script>"))
    with urllib.request.urlopen(request) as response:
        page = Page()
        page.feed(response.read().decode())
    assert page.scripts == [] and page.bold == 0
