"""Read a practice page of the VVSG practice database into a ``Record``: the page's text, or the page saved as HTML.

The layout (``tests/fixtures/seeds/000_f828c39997d712d8.txt``): an optional title line, the image's file name and its
credit, a lead paragraph, then sections headed by a line of their own (``Categorie``, ``Doelen``, ``Doelgroep``,
``Beschrijving``, ``Succesfactoren``, ``Uitdagingen``, ``Deze praktijk in``, ``Nuttige links``,
``Beleidsdomeinen``, ``Partners``, ``Organisaties``, ``Contact``) holding paragraphs and bullets (``•``). Under
``Deze praktijk in`` a line naming places ("Antwerpen, Brussel en Gent", "Meer dan 30 gemeenten...") heads the
initiatives below it (one listed before any places line is kept in a block without places, with a warning); a
line or bullet that starts with ``Contact`` is a contact. HTML is flattened to the same lines first (``<h1>``
gives the title).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from publisher.errors import InputError

SECTIONS = ("Categorie", "Doelen", "Doelgroep", "Beschrijving", "Succesfactoren", "Uitdagingen",
            "Deze praktijk in", "Nuttige links", "Beleidsdomeinen", "Partners", "Organisaties", "Contact")
# The database's closing lines, the same on every record.
FOOTER = ("Staat jouw praktijk nog niet in de databank", "Deze databank bouwen we samen met jullie")
IMAGE = re.compile(r"\.(jpe?g|png|gif|webp|svg)\s*$", re.IGNORECASE)
BULLET = re.compile(r"^\s*[•·▪◦*-]\s+")
CONTACT = re.compile(r"^contact\s*:?\s*", re.IGNORECASE)


@dataclass
class Item:
    """A bullet or paragraph with the line it starts on, and contacts written below it."""

    line: int
    text: str
    contacts: list = field(default_factory=list)


@dataclass
class Block:
    """A "Deze praktijk in" block: the places line ("" before the first one) and the initiatives under it."""

    line: int
    places: str
    initiatives: list = field(default_factory=list)
    contacts: list = field(default_factory=list)


@dataclass
class Record:
    title: str
    image: str | None = None
    credit: str | None = None
    abstract: list = field(default_factory=list)
    sections: dict = field(default_factory=dict)  # section name -> list of Items
    blocks: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def parse(text: str, source: str, title: str | None = None) -> Record:
    """Parse a page's text; ``title`` stands in for a page that carries none.

    :raises InputError: the page has no title, or none of the sections of a practice record.
    """
    lines = [(number, line.rstrip()) for number, line in enumerate(text.splitlines(), 1)]
    headings = [i for i, (_, line) in enumerate(lines) if _heading(line)]
    if not headings:
        raise InputError(f"not a practice record: none of the sections {', '.join(SECTIONS)} was found", source)
    record = _header(lines[:headings[0]], source, title)
    for position, start in enumerate(headings):
        end = headings[position + 1] if position + 1 < len(headings) else len(lines)
        body = _until_footer(lines[start + 1:end])
        name = _heading(lines[start][1])
        unknown = _unknown_heading(body) if name != "Deze praktijk in" else None
        if unknown is not None:
            number, line = body[unknown]
            record.warnings.append((number, f"unknown section {line.strip()!r}: its content is not imported"))
            body = body[:unknown]
        if name == "Deze praktijk in":
            record.blocks = _blocks(body, record)
        else:
            record.sections[name] = _items(body)
    return record


def _heading(line: str) -> str | None:
    stripped = line.strip().rstrip(":")
    return next((s for s in SECTIONS if stripped.casefold() == s.casefold()), None)


def _unknown_heading(lines: list) -> int | None:
    """Return the index of a line that looks like a section heading the layout does not know: short, alone
    between blank lines, no bullet and no closing punctuation, and not the section's first content."""
    filled = [i for i, (_, line) in enumerate(lines) if line.strip()]
    for i in filled[1:]:
        line = lines[i][1].strip()
        alone = all(not lines[j][1].strip() for j in (i - 1, i + 1) if 0 <= j < len(lines))
        if alone and len(line) <= 40 and not BULLET.match(lines[i][1]) and not line.endswith((".", ":", ";", ",")) \
                and line[:1].isupper():
            return i
    return None


def _until_footer(lines: list) -> list:
    for i, (_, line) in enumerate(lines):
        if line.strip().startswith(FOOTER):
            return lines[:i]
    return lines


def _header(lines: list, source: str, title: str | None) -> Record:
    filled = [(n, re.sub(r"\s+", " ", line).strip()) for n, line in lines if line.strip()]
    image_at = next((i for i, (_, line) in enumerate(filled) if IMAGE.search(line)), None)
    if title is None and image_at == 1:
        title = filled[0][1]
    elif title is None and image_at is None and filled:
        title = filled.pop(0)[1]
    if not title:
        raise InputError("the page has no title: no title line before the image and no <h1> "
                         "(give one with --title)", source)
    record = Record(title=title)
    rest = filled
    if image_at is not None:
        record.image = filled[image_at][1]
        rest = filled[image_at + 1:]
        if rest and len(rest[0][1]) <= 60 and not rest[0][1].endswith("."):
            record.credit = rest.pop(0)[1]
    record.abstract = [Item(n, re.sub(r"\s+", " ", line)) for n, line in rest]
    return record


def _items(lines: list) -> list:
    """Bullets and paragraphs; an indented line continues the item above it, a ``Contact`` line is its contact."""
    items = []
    for number, line in lines:
        if not line.strip():
            continue
        text = re.sub(r"\s+", " ", BULLET.sub("", line)).strip()
        if items and not BULLET.match(line) and line[:1].isspace():
            if CONTACT.match(text):
                items[-1].contacts.append(CONTACT.sub("", text))
            else:
                items[-1].text += " " + text
        elif items and CONTACT.match(text) and not BULLET.match(line):
            items[-1].contacts.append(CONTACT.sub("", text))
        else:
            items.append(Item(number, text))
    return items


def _blocks(lines: list, record: Record) -> list:
    """Split "Deze praktijk in" into blocks headed by a places line."""
    blocks = []
    for item in _items(lines):
        bulleted = BULLET.match(dict(lines).get(item.line, ""))
        if not bulleted and ":" not in item.text and len(item.text) <= 80 and not CONTACT.match(item.text):
            blocks.append(Block(item.line, item.text.rstrip(". …")))
            continue
        if not blocks:  # issue 12: what the page says is kept, and the reviewer told
            blocks.append(Block(item.line, ""))
            if not CONTACT.match(item.text):
                record.warnings.append((item.line, "initiative before any places line, kept without a place: "
                                                   f"{item.text[:60]!r}"))
        if CONTACT.match(item.text):
            blocks[-1].contacts.append(CONTACT.sub("", item.text))
        else:
            blocks[-1].initiatives.append(item)
    return blocks


class _Flattener(HTMLParser):
    """Turn HTML into the text layout: one line per block element, ``• `` before list items, image alt texts
    as lines, and only the main content (``<main>`` or ``<article>`` where the page has one)."""

    BLOCKS = {"p", "div", "li", "ul", "ol", "section", "article", "main", "figure", "figcaption", "br",
              "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dd", "dt", "blockquote"}
    SKIPPED = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.skipping, self.title, self.in_title, self.in_h1 = [], [], 0, None, False, False
        self.page_title = None

    def _break(self):
        text = re.sub(r"\s+", " ", "".join(t for _, t in self.current)).strip()
        if text:
            self.lines.append((self.current[0][0], text))
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        if self.skipping:
            return
        if tag in self.BLOCKS:
            self._break()
        if tag == "li":
            self.current.append((self.getpos()[0], "• "))
        elif tag == "img" and dict(attrs).get("alt"):
            self._break()
            self.lines.append((self.getpos()[0], dict(attrs)["alt"]))
        self.in_title |= tag == "title"
        self.in_h1 |= tag == "h1"

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        if tag in self.BLOCKS and not self.skipping:
            self._break()
        self.in_title &= tag != "title"
        self.in_h1 &= tag != "h1"

    def handle_data(self, data):
        if self.in_title:
            self.page_title = (self.page_title or "") + data
        elif self.skipping:
            return
        elif self.in_h1:
            self.title = ((self.title or "") + data).strip()
        else:
            self.current.append((self.getpos()[0], data))


def flatten_html(html: str) -> tuple:
    """Return the page's title (its ``<h1>``) and its text in the layout ``parse`` reads.

    Blank lines pad the text so that each line keeps the number it has in the HTML file.

    >>> flatten_html("<h1>Titel</h1>\\n<h2>Doelen</h2>\\n<ul><li>Een</li></ul>")
    ('Titel', '\\nDoelen\\n• Een')
    """
    main = re.search(r"<(main|article)\b.*?</\1>", html, re.DOTALL | re.IGNORECASE)
    parser = _Flattener()
    parser.feed(main.group(0) if main else html)
    parser.close()
    parser._break()
    if main:  # keep line numbers those of the whole file
        offset = html[:main.start()].count("\n")
        parser.lines = [(n + offset, t) for n, t in parser.lines]
    text = []
    for number, line in parser.lines:
        while len(text) + 1 < number:
            text.append("")
        text.append(line)
    return parser.title, "\n".join(text)
