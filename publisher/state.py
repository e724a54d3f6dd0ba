"""The state a build carries to the next: JSON files that what editors type can never corrupt.

A literal may hold any character, and some of them end a line for one reader and not for another: Python's
``str.splitlines()`` splits on U+2028, U+2029, U+0085, U+000B, U+000C and U+001C-U+001E, which JSON leaves
unescaped inside strings when it writes non-ASCII as is. So state is written as ASCII JSON (every character
beyond ASCII, and every control character, as a ``\\u`` escape; RFC 8259, section 7), one record per line
ended by ``\\n`` and split on ``\\n`` alone, into a temporary file renamed over the old one (an interrupted write
leaves the old file or none, never half of one). A file that cannot be read is a ``StateError`` that names it and
says how to recover.
"""

import json
import os
from pathlib import Path

from publisher.errors import PublisherError


class StateError(PublisherError):
    """A state file of a build that cannot be read: its path, what is wrong, and how to recover."""

    exit_code = 2

    def __init__(self, path: Path, problem: str, recovery: str):
        self.path = path
        super().__init__(f"{path}: {problem}; {recovery}")


def dumps(value) -> str:
    r"""Write ``value`` as one line of ASCII JSON.

    >>> dumps({"title": "a\u2028b\x00"})
    '{"title": "a\\u2028b\\u0000"}'
    """
    return json.dumps(value, ensure_ascii=True)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="ascii", newline="\n") as stream:
        stream.write(text)
    os.replace(temporary, path)


def write_json(path: Path, value, indent: int | None = 1) -> None:
    """Write ``value`` to ``path`` as ASCII JSON."""
    write_text(path, json.dumps(value, indent=indent, ensure_ascii=True) + "\n")


def write_lines(path: Path, records) -> None:
    """Write ``records`` to ``path`` as JSON Lines: one ASCII JSON value per ``\\n``-terminated line."""
    write_text(path, "".join(dumps(record) + "\n" for record in records))


def read_json(path: Path, recovery: str, kind: type = dict):
    """Read a JSON file written by ``write_json``, which must hold a value of type ``kind``.

    :raises StateError: a file that cannot be read, is not JSON or holds another type.
    """
    value = _parse(path, _read(path, recovery), recovery)
    if not isinstance(value, kind):
        raise StateError(path, f"holds a JSON {type(value).__name__}, not a {kind.__name__}", recovery)
    return value


def read_lines(path: Path, recovery: str) -> list:
    """Read a file written by ``write_lines``: each ``\\n``-terminated line one JSON value.

    Lines are split on ``\\n`` alone, so files written before this module (non-ASCII as is) read too.

    :raises StateError: a file that cannot be read, a line that is not JSON, or a last line cut short.
    """
    text = _read(path, recovery)
    if text and not text.endswith("\n"):
        raise StateError(path, "its last line is cut short (the file is truncated)", recovery)
    return [_parse(path, line, recovery, number) for number, line in enumerate(text.split("\n")[:-1], 1)]


def _read(path: Path, recovery: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise StateError(path, f"is not UTF-8 text (byte {error.start})", recovery) from None
    except OSError as error:
        raise StateError(path, f"cannot be read ({error.strerror})", recovery) from None


def _parse(path: Path, text: str, recovery: str, line: int | None = None):
    try:
        return json.loads(text)
    except ValueError as error:
        where = f"line {line}" if line else f"line {error.lineno}" if hasattr(error, "lineno") else "it"
        raise StateError(path, f"is not valid JSON at {where}", recovery) from None
