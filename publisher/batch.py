"""Link a column of place names in a CSV file and write every row back with what it links to (issue 12).

Nothing of the input changes: the same rows in the same order, the same columns and values, the same delimiter
(sniffed among , ; tab |), line ending and encoding (UTF-8, with its byte-order mark if it had one, else
Windows-1252 as Excel writes it in Belgium). Five columns are added at the end: ``nis``, ``uri`` and ``name`` of
the municipality, ``match`` (exact, fuzzy, ambiguous or none) and a ``note``; when the input has a column of one
of those names already, the added ones are called ``link_nis`` and so on. Quoting is the csv module's minimal
quoting, so a value quoted without need comes back unquoted (the same value). A row shorter than the header is
padded with empty cells so that the added columns line up.
"""

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from publisher.errors import InputError, LinkError
from publisher.linker import Linker

ADDED = ("nis", "uri", "name", "match", "note")
_AS_READ = "samenleven-as-read"


def _as_read(error: UnicodeEncodeError):
    """Write an escaped undefined byte back as itself; a character of an added column the encoding lacks as ?."""
    chunk = error.object[error.start:error.end]
    if all(0xDC80 <= ord(char) <= 0xDCFF for char in chunk):
        return bytes(ord(char) - 0xDC00 for char in chunk), error.end
    return "?" * len(chunk), error.end


codecs.register_error(_AS_READ, _as_read)
MATCHES = ("exact", "fuzzy", "ambiguous", "none")
DATES = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
BOM = b"\xef\xbb\xbf"


@dataclass
class Table:
    """A CSV file as read: its rows (the header first) and how to write it back the same way."""

    rows: list
    delimiter: str
    lineterminator: str
    encoding: str

    def encode(self) -> bytes:
        """The rows in the input's encoding and dialect; a byte Windows-1252 leaves undefined comes back as it was."""
        text = io.StringIO(newline="")
        csv.writer(text, delimiter=self.delimiter, lineterminator=self.lineterminator).writerows(self.rows)
        return text.getvalue().encode(self.encoding, errors=_AS_READ)


def read(path: Path) -> Table:
    """Read a CSV file, finding its encoding, delimiter and line ending.

    :raises InputError: the file is empty or has no header.
    """
    raw = Path(path).read_bytes()
    try:
        encoding = "utf-8-sig" if raw.startswith(BOM) else "utf-8"
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        # The five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are kept as escapes and
        # written back as the same bytes, so that nothing of the input changes.
        encoding, text = "cp1252", raw.decode("cp1252", errors="surrogateescape")
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","  # one column: any delimiter reads it the same
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise InputError("the file is empty: a header row is needed", path)
    return Table(rows, delimiter, "\r\n" if "\r\n" in sample else "\n", encoding)


def _day(value: str, default: date | None) -> date | None:
    """Read a date as spreadsheets write it; an empty cell is the default.

    >>> _day("31/12/2024", None)
    datetime.date(2024, 12, 31)
    """
    if not value.strip():
        return default
    for layout in DATES:
        try:
            return datetime.strptime(value.strip(), layout).date()
        except ValueError:
            pass
    raise ValueError(f"unreadable date {value!r} (write YYYY-MM-DD or DD/MM/YYYY)")


def link_cell(linker: Linker, text: str, day: date | None) -> tuple:
    """Return the added cells for one name: nis, uri, name, match and note."""
    if not text.strip():
        return "", "", "", "none", "no place name in this row"
    try:
        found = linker.link(text, day, fuzzy=True)
    except LinkError as error:
        return "", "", "", "ambiguous" if str(error).startswith("ambiguous") else "none", str(error)
    via = f"via {found.locality_name} <{found.locality}>" if found.locality else ""
    later = f"later replaced by {', '.join(found.replaced_by)}" if found.replaced_by else ""
    return found.nis, found.municipality, found.municipality_name, found.match, "; ".join(
        n for n in (via, found.note, later) if n)


def link_table(linker: Linker, table: Table, column: str, on_column: str | None = None,
               on: date | None = None, progress=lambda rows: rows) -> dict:
    """Add the linked columns to every row of a table; return the count of each kind of match.

    :raises InputError: a column named is not in the header.
    """
    header = table.rows[0]
    for name in filter(None, (column, on_column)):
        if name not in header:
            raise InputError(f"no column {name!r}; the columns are: {', '.join(map(repr, header))}")
    names, dates = header.index(column), header.index(on_column) if on_column else None
    prefix = "link_" if set(ADDED) & set(header) else ""
    width, counts, seen = len(header), dict.fromkeys(MATCHES, 0), {}
    table.rows[0] = header + [prefix + name for name in ADDED]
    for row in progress(table.rows[1:]):
        row += [""] * (width - len(row))
        try:
            day = _day(row[dates], on) if dates is not None else on
        except ValueError as error:
            added = ("", "", "", "none", f"{on_column}: {error}")
        else:
            key = (row[names], day)
            added = seen[key] if key in seen else seen.setdefault(key, link_cell(linker, row[names], day))
        counts[added[3]] += 1
        row += added
    return counts
