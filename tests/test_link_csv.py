"""`samenleven link --csv`: a spreadsheet's column of place names linked, nothing of the input changed (issue 12)."""

import csv
import io
import random
import subprocess
import sys

import pytest

from conftest import PROJECT

B = "https://w3id.org/samenleven/id/"
ADDED = ["nis", "uri", "name", "match", "note"]


def link_csv(path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", "link", "--csv", str(path), *args],
                          capture_output=True, cwd=PROJECT)


def parse(data: bytes, encoding: str, delimiter: str) -> list:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))


# Each row: the name as a spreadsheet writes it, its date, and what it must become (nis, match, a word of note).
ROWS = [
    ("Heverlee", "", "24062", "exact", "Heverlee"),
    ("Sint-Amandsberg", "", "44021", "exact", "Sint-Amandsberg"),
    ("Ghent", "", "44021", "exact", ""),
    ("Melle", "", "44088", "exact", "44040"),
    ("Melle", "2020-01-01", "44040", "exact", "44088"),
    ("Melle", "01/01/2020", "44040", "exact", "44088"),
    ("Sint-Pieters-Woluwe / Woluwe-Saint-Pierre", "", "21019", "exact", ""),
    ("Sint-Amandsbreg", "", "44021", "fuzzy", "read as Sint-Amandsberg in Gent (44021)"),
    ("Deurne", "", "", "ambiguous", "`Deurne (Antwerpen)` or `Deurne (Diest)`"),
    ("Atlantis", "", "", "none", "unknown place"),
    ("", "", "", "none", "no place name"),
    ("Gent", "gisteren", "", "none", "unreadable date"),
]


@pytest.mark.parametrize("encoding, delimiter, newline", [
    ("utf-8", ",", "\n"), ("utf-8-sig", ";", "\r\n"), ("cp1252", ";", "\r\n"), ("utf-8", "\t", "\n"),
])
def test_every_row_comes_back_unchanged_with_its_link(tmp_path, encoding, delimiter, newline):
    source = tmp_path / "projecten.csv"
    header = ["nr", "Gemeente", "datum", "omschrijving"]
    rows = [[str(i), name, day, f"project in {name or '?'}; é, \"quoted\""] for i, (name, day, *_) in enumerate(ROWS)]
    with open(source, "w", encoding=encoding, newline="") as stream:
        csv.writer(stream, delimiter=delimiter, lineterminator=newline).writerows([header, *rows])
    done = link_csv(source, "--column", "Gemeente", "--on-column", "datum")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert (b"\r\n" in out) == (newline == "\r\n")
    table = parse(out, "utf-8-sig" if encoding.startswith("utf-8") else encoding, delimiter)
    assert table[0] == header + ADDED
    assert [row[:4] for row in table[1:]] == rows  # same rows, order, columns and values
    for row, (_, _, nis, match, note) in zip(table[1:], ROWS):
        assert (row[4], row[7]) == (nis, match)
        assert row[5] == (f"{B}gemeente/{nis}" if nis else "")
        assert note in row[8]
    summary = done.stderr.decode()
    expected = {match: sum(row[3] == match for row in ROWS) for match in ("exact", "fuzzy", "ambiguous", "none")}
    assert f"linked {len(ROWS)} rows: " + ", ".join(f"{n} {match}" for match, n in expected.items()) in summary


def test_output_goes_to_a_file_and_added_columns_never_overwrite_the_input_s(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("name,nis\nGhent,onbekend\n", encoding="utf-8")
    done = link_csv(source, "--column", "name", "--output", str(target))
    assert done.returncode == 0 and done.stdout == b""
    assert parse(target.read_bytes(), "utf-8", ",") == [
        ["name", "nis", *(f"link_{name}" for name in ADDED)],
        ["Ghent", "onbekend", "44021", f"{B}gemeente/44021", "Gent", "exact", ""]]


@pytest.mark.parametrize("args, says", [
    (["--column", "plaats"], "no column 'plaats'; the columns are: 'name', 'nis'"),
    (["--column", "name", "--on-column", "dag"], "no column 'dag'"),
    ([], "--column"),
])
def test_a_column_that_is_not_there_is_an_error_naming_the_columns(tmp_path, args, says):
    source = tmp_path / "in.csv"
    source.write_text("name,nis\nGhent,1\n", encoding="utf-8")
    done = link_csv(source, *args)
    assert done.returncode == 2 and says in done.stderr.decode() and done.stdout == b""


def test_ten_thousand_rows_finish_with_a_progress_bar_and_a_summary(tmp_path):
    """Names from the vendored sub-municipality table, one in seven with its last letter dropped."""
    with open(PROJECT / "graph" / "gazetteer" / "deelgemeenten-2025.csv", encoding="utf-8") as stream:
        names = [row["naam"] for row in csv.DictReader(stream) if not row["deelgemeente"].endswith(("ONB", "ONBE"))]
    chosen = random.Random(12)
    source = tmp_path / "groot.csv"
    with open(source, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "deelgemeente"])
        for i in range(10_000):
            name = chosen.choice(names)
            writer.writerow([i, name[:-1] if i % 7 == 0 else name])
    done = link_csv(source, "--column", "deelgemeente")
    assert done.returncode == 0
    table = parse(done.stdout, "utf-8", ",")
    assert len(table) == 10_001 and [row[0] for row in table[1:]] == [str(i) for i in range(10_000)]
    counts = {match: sum(row[5] == match for row in table[1:]) for match in ("exact", "fuzzy", "ambiguous", "none")}
    stderr = done.stderr.decode()
    assert "linking groot.csv" in stderr  # the progress bar's label (the bar itself is drawn on a terminal only)
    assert f"linked 10000 rows: {counts['exact']} exact, {counts['fuzzy']} fuzzy, {counts['ambiguous']} " \
           f"ambiguous, {counts['none']} none" in stderr
    exact = [row for i, row in enumerate(table[1:]) if i % 7]
    assert all(row[5] == "exact" and row[2] for row in exact)  # every name of the table links exactly


def test_on_is_the_day_of_every_row_without_a_date_column(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("plaats\nMelle\nHasselt\n", encoding="utf-8")
    done = link_csv(source, "--column", "plaats", "--on", "2020-01-01")
    assert done.returncode == 0
    assert [row[1] for row in parse(done.stdout, "utf-8", ",")[1:]] == ["44040", "71022"]  # before the 2025 mergers


def test_bytes_windows_1252_leaves_undefined_come_back_as_they_were(tmp_path):
    """Excel in Belgium writes Windows-1252; five of its bytes have no character, and they must survive too."""
    source, output = tmp_path / "projecten.csv", tmp_path / "gelinkt.csv"
    odd = b"\x81\x8d\x8f\x90\x9d"
    source.write_bytes(b"nr;Gemeente;omschrijving\r\n1;Gent;caf\xe9 " + odd + b"\r\n2;Heverlee;x\r\n")
    done = link_csv(source, "--column", "Gemeente", "--output", output)
    assert done.returncode == 0, done.stderr
    lines = output.read_bytes().split(b"\r\n")
    assert lines[0] == b"nr;Gemeente;omschrijving;nis;uri;name;match;note"
    assert lines[1].startswith(b"1;Gent;caf\xe9 " + odd + b";44021;")
    assert lines[2].startswith(b"2;Heverlee;x;24062;")
