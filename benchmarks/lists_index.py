"""Benchmark: one filtered page of a list and its facet counts (``publisher.browse``) at 10k and 100k things.

Run: ``.venv/bin/python benchmarks/lists_index.py [--things 10000 100000] [--seed 13]``. It generates the index a
build would write (``lists.json``: per facet value the positions of the things that have it; 565 municipalities,
12 areas, about 40 concepts, 10 programmes, each thing with one to three values per facet, a tenth with no
place), then times, in the server's own code, the first request (turning the postings into bitmaps, once per
build) and then filtered pages with their counts, unfiltered and with two and three facets chosen. No timing is
asserted anywhere; this only reports.
"""

import argparse
import random
import statistics
import time

from werkzeug.datastructures import MultiDict

from publisher import browse

FACETS = {"categorie": 7, "beleidsdomein": 12, "doelgroep": 13, "doel": 10, "programma": 10, "gemeente": 565,
          "provincie": 12}


def generate(things: int, seed: int) -> dict:
    chosen, postings = random.Random(seed), {facet: {} for facet in FACETS}
    for n in range(things):
        for facet, size in FACETS.items():
            values = {f"v{chosen.randrange(size)}" for _ in range(chosen.randint(1, 3))}
            if facet in ("gemeente", "provincie") and n % 10 == 0:
                values = {"zonder"}
            for value in values:
                postings[facet].setdefault(value, []).append(n)
    items = [{"uri": f"http://example.org/{n}", "title": {"nl": f"t{n}", "en": f"t{n}"}, "modified": None}
             for n in range(things)]
    values = {facet: {f"v{i}": {"uri": f"http://example.org/{facet}/v{i}", "label": {"nl": "", "en": ""}}
                      for i in range(size)} for facet, size in FACETS.items()}
    return {"items": items, "changed": list(range(things)), "postings": postings}, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--things", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--seed", type=int, default=13)
    options = parser.parse_args()
    asks = {"no filter": [], "two facets": [("doelgroep", "v1"), ("provincie", "v2")],
            "three facets, OR within one": [("doelgroep", "v1"), ("doelgroep", "v3"), ("gemeente", "v7"),
                                            ("beleidsdomein", "v4")],
            "sorted by date changed": [("sorteer", "gewijzigd"), ("provincie", "v2")]}
    for things in options.things:
        found, values = generate(things, options.seed)
        started = time.perf_counter()
        listed = browse.Index("practices", found, values, {})
        print(f"{things} things: bitmaps made once per build in {time.perf_counter() - started:.3f} s")
        for name, pairs in asks.items():
            times = []
            for _ in range(5):
                started = time.perf_counter()
                shown = browse.view(listed, MultiDict(pairs), 50)
                times.append(time.perf_counter() - started)
            print(f"  {name}: {shown.total} rows, page and counts in {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
