"""Every text of the pages goes through the gettext catalogues, and the English catalogue translates every one.

The templates are read with Jinja2's own lexer and parser (the text a template writes as it is, and the strings
its expressions print), the code's texts with Babel's extractor as `make translations` runs it: no regular
expression over Python or Jinja syntax.
"""

import html
import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

from publisher import config

PROJECT = config.PROJECT_DIR
TEMPLATES = PROJECT / "publisher" / "templates"
CATALOGUES = PROJECT / "publisher" / "translations"
# Text that a page shows the same in both languages: names of the project, of standards and formats, symbols.
ALLOWED = ("Samenleven in diversiteit", "SPARQL 1.1", "SPARQL", "SHA-256", "VVSG", "VoID", "IRI", "API", "JSON",
           "Turtle", "Shape", "selected", "NIS")  # NIS: the code of Statbel's register, named so in both
# Attributes whose values a reader sees or hears (a tooltip, a placeholder, a label read aloud).
VISIBLE = re.compile(r"""\b(?:title|aria-label|placeholder|alt)\s*=\s*(["'])(.*?)\1""", re.S)
TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
HOLE = "\x00"  # where an expression or a statement stood


def catalogue(lang):
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang)


def template_text(source: str) -> list[str]:
    """The words a template writes as they are: its data tokens, tags removed, visible attributes kept."""
    stream = "".join(value if kind == "data" else HOLE if kind in ("variable_begin", "block_begin") else ""
                     for _, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(source))
    stream = re.sub(r"<(script|style)\b.*?</\1>", HOLE, stream, flags=re.S | re.I)
    shown = [value for _, value in VISIBLE.findall(stream)]
    shown.append(TAG.sub(HOLE, stream))
    return [piece for text in shown for piece in html.unescape(text).split(HOLE)]


def printed_strings(template) -> list[str]:
    """The string constants a template prints as they are (``{{ "ja" if x }}``), not through ``_()``."""
    def shown(node):
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, nodes.CondExpr):
            yield from shown(node.expr1)
            if node.expr2 is not None:
                yield from shown(node.expr2)
        elif isinstance(node, (nodes.Concat,)):
            for inner in node.nodes:
                yield from shown(inner)
        elif isinstance(node, nodes.Filter) and node.name in ("upper", "lower", "title", "capitalize", "e", "safe"):
            yield from shown(node.node)
    return [text for output in template.find_all(nodes.Output) for node in output.nodes
            if not isinstance(node, nodes.TemplateData) for text in shown(node)]


def untranslated(pieces) -> list[str]:
    """The pieces of text that hold a word once the allowed names are taken out."""
    found = []
    for piece in pieces:
        rest = piece
        for name in ALLOWED:
            rest = rest.replace(name, " ")
        if re.search(r"[^\W\d_]", rest):
            found.append(" ".join(piece.split()))
    return found


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.html")), ids=lambda path: path.name)
def test_a_template_writes_no_text_outside_the_catalogue(path):
    source = path.read_text(encoding="utf-8")
    parsed = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    found = untranslated(template_text(source)) + untranslated(printed_strings(parsed))
    assert not found, f"{path.name}: wrap these texts in {{{{ _(\"…\") }}}} and run `make translations`: {found}"


def test_the_scan_finds_a_bare_word_a_word_in_an_attribute_and_a_printed_string():
    source = ('<p>{{ _("Zoeken") }} Samenleven in diversiteit</p><p>Welkom</p>'
              '<nav aria-label="Menu">{{ "ja" if x }}</nav>{# een opmerking #}')
    parsed = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    assert untranslated(template_text(source)) == ["Menu", "Welkom"]
    assert untranslated(printed_strings(parsed)) == ["ja"]


def extracted() -> dict:
    """Every text of the templates and the code, extracted as `make translations` extracts it (its keywords)."""
    makefile = (PROJECT / "Makefile").read_text()
    keywords = {**DEFAULT_KEYWORDS,
                **parse_keywords(re.search(r"^KEYWORDS := (.*)$", makefile, re.M)[1].replace("-k ", "").split())}
    with (PROJECT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, lineno, message, _, _ in extract_from_dir(PROJECT, method_map, options_map, keywords):
        found.setdefault(message[0] if isinstance(message, tuple) else message, f"{filename}:{lineno}")
    return found


def test_every_text_of_the_templates_and_the_code_has_its_english():
    english = {message.id[0] if isinstance(message.id, tuple) else message.id: message
               for message in catalogue("en") if message.id}
    texts = extracted()
    assert len(texts) > 100  # the extractor still finds the texts
    missing = {text: where for text, where in texts.items() if text not in english or not english[text].string}
    assert not missing, f"run `make translations` and fill in the English of: {missing}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_catalogues_hold_what_the_pages_say_and_nothing_else(lang):
    held = {message.id[0] if isinstance(message.id, tuple) else message.id for message in catalogue(lang)
            if message.id}
    assert held == set(extracted()), "run `make translations` to bring the catalogues in line with the pages"


def test_the_english_catalogue_has_no_empty_or_fuzzy_entry_and_keeps_every_placeholder():
    english = catalogue("en")
    empty = [message.id for message in english if message.id and not all(
        message.string if isinstance(message.string, tuple) else (message.string,))]
    fuzzy = [message.id for message in english if message.id and message.fuzzy]
    wrong = [(message.id, [str(error) for error in errors]) for message, errors in english.check()]
    assert (empty, fuzzy, wrong) == ([], [], [])
