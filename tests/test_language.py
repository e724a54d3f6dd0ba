"""Every text of the pages has its English: the templates' ``_("…")`` and the code's ``translate("…")``."""

import re

import pytest

from publisher import config, language

PACKAGE = config.PROJECT_DIR / "publisher"
CALLS = re.compile(r"""(?:\b_|translate)\((["'])(.+?)\1""")


def _texts() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.html")) + sorted(PACKAGE.rglob("*.py")):
        found += [(path.name, match[1]) for match in CALLS.findall(path.read_text())]
    return found


def test_the_pages_have_texts_to_translate():
    assert len(_texts()) > 50  # the pattern still finds the calls


@pytest.mark.parametrize("where,text", _texts())
def test_every_text_of_the_pages_has_an_english_translation(where, text):
    assert text in language.MESSAGES, f"{where}: add an English translation of {text!r} to language.MESSAGES"
