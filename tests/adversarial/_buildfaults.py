"""Helpers of the build-fault and Unicode tests: the real command, and a hostile copy of the fixture graph."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import GRAPH, PROJECT

# Characters a literal may hold that trip naive code: line separators that str.splitlines() splits on, control
# characters, what JSON and HTML escape, astral planes, combining and directional marks, a byte-order mark.
HOSTILE = {
    "line-separator": "voor\u2028na",
    "paragraph-separator": "voor\u2029na",
    "next-line": "voor\u0085na",
    "vertical-tab-form-feed": "voor\u000bmidden\u000cna",
    "nul": "voor\u0000na",
    "carriage-return-newline": "voor\r\nna\rnog",
    "emoji": "feest \U0001F600 \U0001F389",
    "last-code-point": "einde \U0010FFFF",
    "noncharacters": "\uFFFE\uFFFF",
    "combining-marks": "Ame\u0301lie Z\u0351\u0364a\u0336lgo",
    "rtl-marks": "\u202Eabc\u202C \u200F\u05E9\u05DC\u05D5\u05DD\u200E",
    "byte-order-mark": "\uFEFFbegin",
    "json-and-html": "</script><b>\"'&amp;\\u2028",
    "very-long": "lang " + "ẞ𝔘\u2028" * 40000,
}
# The same characters written as they are in the Turtle file, not as escapes (Turtle long strings allow it).
RAW = {
    "raw-separators": "a\u2028b\u2029c\u0085d\u000be\u000cf\u001cg\u001dh\u001ei",
    "raw-nul-and-controls": "a\u0000b\u0001c\u007fd\u009fe",
    "raw-newlines": "regel een\nregel twee\tmet tab",
}


def turtle_string(text: str, raw: bool = False) -> str:
    r"""Write ``text`` as a Turtle long string: quotes, backslashes and control characters as escapes.

    >>> print(turtle_string('a"b\u2028\x00'))
    '''a\"b\u2028\u0000'''
    """
    out = []
    for ch in text:
        if ch in "'\"\\":
            out.append("\\" + ch)
        elif not raw and (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029"):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "'''" + "".join(out) + "'''"


def hostile_graph(target: Path, suffix: str = "") -> dict[str, str]:
    """Copy the fixture graph to ``target`` and add one initiative per hostile case; return {key: title}."""
    shutil.copytree(GRAPH, target, dirs_exist_ok=True)
    titles, lines = {}, [
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix sl: <https://w3id.org/samenleven/ns#> .",
        "@prefix initiatief: <https://w3id.org/samenleven/id/initiatief/> .",
        "@prefix praktijk: <https://w3id.org/samenleven/id/praktijk/> .",
        "@prefix gemeente: <https://w3id.org/samenleven/id/gemeente/> .",
        "@prefix bron: <https://w3id.org/samenleven/id/bron/> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .", ""]
    for name, text in {**HOSTILE, **RAW}.items():
        key, raw = f"unicode-{name}", name in RAW
        titles[key] = f"{text} {suffix}".strip()
        lines += [f"initiatief:{key} a sl:Initiative ;",
                  f"    dct:title {turtle_string(titles[key], raw)}@nl ;",
                  f"    dct:description {turtle_string('beschrijving ' + text, raw)}@nl ;",
                  "    dct:spatial gemeente:44021 ;",
                  "    prov:wasDerivedFrom bron:000_f828c39997d712d8 ;",
                  "    sl:appliesPractice praktijk:sociale-cohesie .", ""]
    (target / "unicode.ttl").write_text("\n".join(lines), encoding="utf-8")
    return titles


def samenleven(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    """Run the real command (``python -m publisher``) in the project folder, on the fixture graph unless told."""
    return subprocess.run([sys.executable, "-m", "publisher", *map(str, args)], capture_output=True, text=True,
                          cwd=PROJECT, env={**os.environ, "SAMENLEVEN_GRAPH_DIR": str(GRAPH), **(env or {})},
                          timeout=timeout)
