"""Benchmark: `samenleven link --csv` on a generated spreadsheet, reported in rows per second.

Run: ``.venv/bin/python benchmarks/link_csv.py [--rows 10000] [--misspelt 7] [--seed 12]``. The names are those
of the vendored sub-municipality table (graph/gazetteer/), one in ``--misspelt`` with its last letter dropped
(those go through the fuzzy matcher), each row with a date of its own when ``--dated`` is given. It runs the real
command in a subprocess, as a user would, and reports the wall time, the rows per second and the command's own
summary. No timing is asserted anywhere; this only reports.
"""

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TABLE = PROJECT / "graph" / "gazetteer" / "deelgemeenten-2025.csv"


def generate(path: Path, rows: int, misspelt: int, seed: int, dated: bool) -> None:
    with open(TABLE, encoding="utf-8") as stream:
        names = [row["naam"] for row in csv.DictReader(stream) if not row["deelgemeente"].endswith(("ONB", "ONBE"))]
    chosen = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "plaats", "datum"])
        for i in range(rows):
            name = chosen.choice(names)
            day = f"{chosen.randint(2015, 2026)}-{chosen.randint(1, 12):02d}-{chosen.randint(1, 28):02d}"
            writer.writerow([i, name[:-1] if misspelt and i % misspelt == 0 else name, day if dated else ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--misspelt", type=int, default=7, help="One row in N is misspelt (0: none).")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--dated", action="store_true", help="Give each row a date of its own (--on-column).")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "rows.csv"
        generate(source, options.rows, options.misspelt, options.seed, options.dated)
        command = [sys.executable, "-m", "publisher", "link", "--csv", str(source), "--column", "plaats",
                   "--output", str(Path(folder) / "linked.csv")]
        if options.dated:
            command += ["--on-column", "datum"]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT)
        seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"the command failed ({done.returncode}): {done.stderr}")
    print(f"{options.rows} rows in {seconds:.2f} s: {options.rows / seconds:,.0f} rows/s "
          f"(start-up of the command and the index included)")
    print(done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
