"""Benchmark: precision and recall of ``/reconcile`` on the labelled place names, per kind of name.

Run a server (``make serve``), then: ``.venv/bin/python benchmarks/reconcile.py [--url http://127.0.0.1:8000]
[--type Municipality]``. It posts ``tests/data/reconcile/names.csv`` to the server in batches of 50 as OpenRefine
does (0.2 form) and reports, per kind of name and in total:
- top-1 precision: of the names that got a candidate, the share whose first candidate is the labelled place;
- top-1 recall: the share of all names whose first candidate is the labelled place;
- match precision: of the candidates marked ``match: true`` (what OpenRefine accepts without asking), the share
  that are right; match recall: the share of all names matched automatically and rightly.
Names labelled with no NIS code mean several places: any match on them is wrong, and top-1 does not apply.
"""

import argparse
import collections
import csv
import json
import urllib.parse
import urllib.request
from pathlib import Path

NAMES = Path(__file__).resolve().parent.parent / "tests" / "data" / "reconcile" / "names.csv"
BATCH = 50


def reconcile(url: str, rows: list, kind: str | None) -> list:
    """The first candidate (or None) of each row, in order."""
    found = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        queries = {f"q{n}": {"query": r["name"], "limit": 3, **({"type": kind} if kind else {}),
                             **({"properties": [{"pid": "validOn", "v": r["on"]}]} if r["on"] else {})}
                   for n, r in enumerate(chunk)}
        data = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
        with urllib.request.urlopen(url.rstrip("/") + "/reconcile", data=data, timeout=60) as response:
            answer = json.load(response)
        found += [(answer[f"q{n}"]["result"] or [None])[0] for n in range(len(chunk))]
    return found


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    –"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--type", default="Municipality", help="The type asked for; empty for none.")
    options = parser.parse_args()
    with open(NAMES, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    counts = collections.defaultdict(collections.Counter)
    for row, best in zip(rows, reconcile(options.url, rows, options.type or None)):
        right = best is not None and bool(row["nis"]) and best["id"] == f"gemeente/{row['nis']}"
        for kind in (row["kind"], "all"):
            c = counts[kind]
            c["names"] += 1
            c["labelled"] += bool(row["nis"])
            c["answered"] += best is not None and bool(row["nis"])
            c["right"] += right
            c["matched"] += bool(best and best["match"])
            c["matched right"] += bool(best and best["match"] and right)
    print(f"{'kind':<18}{'names':>6}  {'top-1 P':>8}{'top-1 R':>8}  {'match P':>8}{'match R':>8}")
    for kind, c in sorted(counts.items(), key=lambda item: (item[0] == "all", item[0])):
        print(f"{kind:<18}{c['names']:>6}  {share(c['right'], c['answered']):>8}{share(c['right'], c['labelled']):>8}"
              f"  {share(c['matched right'], c['matched']):>8}{share(c['matched right'], c['labelled']):>8}")


if __name__ == "__main__":
    main()
