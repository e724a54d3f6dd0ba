"""Write the build's full-text index: an SQLite FTS5 database, ``search.sqlite`` (``artefacts.SEARCH``).

One row per resource of a kind of the registry (``kinds.toml``) under ``{base}id/``, with these columns:

- ``title``: its names, by its kind's label properties, in every language;
- ``body``: its texts, by ``TEXTS`` (descriptions, abstracts, success factors, challenges, definitions);
- ``links``: the names of what it links to by ``LINKS`` (categories, goals, target groups, policy domains,
  organisations that run it or take part, programmes);
- ``places``: for a practice or initiative, the names and codes (NIS, postal) of the places it is placed on, of
  the municipality of today and the province they roll up to (``statistics_places.rq``, the one roll-up), and its
  ``dct:coverage``: so that "9000", "44021" and "Gent" find what is in Gent;
- ``codes``: its own identifiers, notations and postal codes;
- ``title_stems`` and ``body_stems``: the folded stems of title, and of body and links, each text stemmed in its
  own language (``publisher.words``);
- ``kind`` (its kind's URI segment) and ``uri``, not indexed.

Beside it, ``places`` maps the folded names, NIS codes and postal codes of every municipality to the municipality of
today (a ceased one to its successor), for the postcode box, and ``rows`` holds the kind and URI of each row of
``search`` by its rowid: what a server reads once, without reading every row's text. The tokenizer is ``unicode61 remove_diacritics 2``
(case and accents folded, FTS5 section 4.3.1); SQLite must have FTS5 compiled in, else the build stops.
"""

import sqlite3
from pathlib import Path

import pyoxigraph as ox

from publisher import words
from publisher.artefacts import SEARCH
from publisher.store import Graph
from publisher.errors import PublisherError
from publisher.indexes import index
from publisher.kinds import Registry
from publisher.vocab import DCT, RDF, SKOS, SL

TEXTS = (DCT.abstract, DCT.description, SL.successFactor, SL.challenge, SKOS.definition)
LINKS = (SL.category, SL.goal, SL.targetGroup, SL.policyDomain, SL.runBy, SL.partner, SL.programme)
CODES = (DCT.identifier, SKOS.notation, SL.postalCode)
COLUMNS = ("title", "body", "links", "places", "codes", "title_stems", "body_stems")
JOIN = " · "
MARKERS = "\ue000\ue001"  # what the reader marks matches with in snippets: never left in the indexed text
SCHEMA = f"""CREATE VIRTUAL TABLE search USING fts5({", ".join(COLUMNS)}, kind UNINDEXED, uri UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TABLE places (key TEXT NOT NULL, uri TEXT NOT NULL, PRIMARY KEY (key, uri)) WITHOUT ROWID;
CREATE TABLE rows (rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, uri TEXT NOT NULL);"""


class NoFullText(PublisherError):
    """This Python's SQLite has no FTS5, so the build cannot write its search index."""

    exit_code = 2


def write(folder: Path, graph: Graph, triples, base: str, registry: Registry, indexed: dict | None,
          placed: list) -> None:
    """Index the resources of ``triples`` into ``folder/search.sqlite``, rolling places up on ``graph``, the
    build's store.

    :param indexed: ``indexes.index(triples)``, when the caller has it already.
    :param placed: the rows of ``statistics.PLACES`` on ``graph``.
    :raises NoFullText: SQLite lacks FTS5.
    """
    rolled = {}
    for row in placed:
        for key in ("municipality", "area"):
            if row[key] is not None:
                rolled.setdefault(row["item"], []).append(row[key])
    described = index(triples) if indexed is None else indexed
    path = folder / SEARCH
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        try:
            connection.executescript(SCHEMA)
        except sqlite3.OperationalError as error:
            raise NoFullText(f"SQLite {sqlite3.sqlite_version} of this Python cannot make an FTS5 table ({error}): "
                             "the search index needs SQLite built with FTS5 (python.org's and Debian's are)") from None
        connection.executemany(f"INSERT INTO search ({', '.join(COLUMNS)}, kind, uri) VALUES "
                               f"({', '.join('?' * (len(COLUMNS) + 2))})",
                               documents(described, rolled, base, registry))
        connection.execute("INSERT INTO rows SELECT rowid, kind, uri FROM search")
        connection.executemany("INSERT OR IGNORE INTO places VALUES (?, ?)", gazetteer(described))
        connection.execute("INSERT INTO search (search) VALUES ('optimize')")
        connection.commit()
    finally:
        connection.close()


def documents(described: dict, rolled: dict, base: str, registry: Registry):
    """Yield a row of the index for each resource of a kind under ``{base}id/``, in the order of their URIs."""
    name_properties, named, placed = registry.labels, {}, {}

    def names(node) -> list:  # what many resources link to (concepts, places, organisations) is named once
        if node not in named:
            named[node] = _names(described, node, name_properties)
        return named[node]

    def place(node) -> tuple:
        if node not in placed:
            placed[node] = (*names(node), *_codes(described, node))
        return placed[node]
    for subject in sorted((s for s in described if isinstance(s, ox.NamedNode) and s.value.startswith(base + "id/")),
                          key=lambda s: s.value):
        own = described[subject]
        kind = registry.of(own.get(RDF.type, []))
        if kind is None:
            continue
        titles = _ordered(o for p in kind.labels for o in own.get(p, []))
        texts = _ordered(o for p in TEXTS for o in own.get(p, []))
        linked = _ordered(n for p in LINKS for o in own.get(p, []) for n in names(o))
        places = [n for o in dict.fromkeys([*own.get(DCT.spatial, []), *rolled.get(subject, [])]) for n in place(o)]
        places += [o for o in own.get(DCT.coverage, []) if isinstance(o, ox.Literal)]
        yield (_text(titles), _text(texts), _text(linked), _text(places), _text(_codes(described, subject)),
               _stemmed(titles), _stemmed(texts + linked), kind.segment, subject.value)


def gazetteer(described: dict):
    """Yield (key, municipality of today) for each name, NIS code and postal code of every municipality."""
    for subject, own in described.items():
        if SL.Municipality not in own.get(RDF.type, []):
            continue
        today, seen = subject, {subject}
        while (successor := next(iter(described.get(today, {}).get(DCT.isReplacedBy, [])), None)) and \
                successor not in seen:  # a ceased municipality to the one that replaced it, to the end
            today = successor
            seen.add(today)
        for term in (*own.get(SKOS.prefLabel, []), *own.get(SKOS.altLabel, []), *own.get(SKOS.hiddenLabel, []),
                     *_codes(described, subject)):
            key = " ".join(words.words(words.fold(term.value)))
            if key:
                yield key, today.value


def _names(described: dict, node, properties) -> list:
    return [o for p in properties for o in described.get(node, {}).get(p, []) if isinstance(o, ox.Literal)]


def _codes(described: dict, node) -> list:
    return [o for p in CODES for o in described.get(node, {}).get(p, []) if isinstance(o, ox.Literal)]


def _ordered(literals) -> list:
    """Literals, Dutch first, then English, then the others: a snippet then starts in the data's own language."""
    found = [o for o in dict.fromkeys(literals) if isinstance(o, ox.Literal)]
    return sorted(found, key=lambda o: {"nl": 0, "en": 1}.get(o.language or "", 2))


def _text(literals) -> str:
    return JOIN.join(dict.fromkeys(_clean(o.value) for o in literals))


def _stemmed(literals) -> str:
    # An untagged text is taken for Dutch, the data's language (ontology/README.md).
    return " ".join(words.stems(_clean(o.value), o.language or "nl") for o in literals)


def _clean(text: str) -> str:
    # Two replacements, not str.translate with a table: in C throughout, where a table is looked up per character
    # in Python objects (issue 14: ~10% of the search index's time at 1,000 practices). The same text.
    return text.replace(MARKERS[0], " ").replace(MARKERS[1], " ")
