"""The labelled place names of tests/data/reconcile/names.csv, reconciled over HTTP as OpenRefine sends them:
at least 95% right at the first candidate, and never a candidate marked ``match: true`` that is wrong, that
answers a name meaning several places (labelled with no NIS code), or that reads a misspelling."""

import csv
import json
import urllib.parse
import urllib.request

from conftest import PROJECT

NAMES = PROJECT / "tests" / "data" / "reconcile" / "names.csv"


def test_labelled_names(server):
    url, _ = server
    with open(NAMES, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    labelled = [r for r in rows if r["nis"]]
    assert len(labelled) >= 150
    right, wrong_matches = 0, []
    for start in range(0, len(rows), 50):
        chunk = rows[start:start + 50]
        queries = {f"q{n}": {"query": r["name"], "type": "Municipality", "limit": 3,
                             **({"properties": [{"pid": "validOn", "v": r["on"]}]} if r["on"] else {})}
                   for n, r in enumerate(chunk)}
        data = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
        with urllib.request.urlopen(url + "/reconcile", data=data, timeout=60) as response:
            answer = json.load(response)
        for n, row in enumerate(chunk):
            found = answer[f"q{n}"]["result"]
            expected = f"gemeente/{row['nis']}" if row["nis"] else None
            right += bool(found and expected) and found[0]["id"] == expected
            wrong_matches += [(row, c["id"]) for c in found if c["match"] and (
                c["id"] != expected or row["kind"] == "misspelling")]
    assert right / len(labelled) >= 0.95, f"{right} of {len(labelled)} right at the first candidate"
    assert wrong_matches == []
