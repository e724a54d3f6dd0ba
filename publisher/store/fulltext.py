"""Search a build's full-text index (``search.sqlite``, written by ``publisher.searchindex``).

What a person types is never handed to FTS5 as a query: it is split into words (``publisher.words``), each word
becomes a quoted string, and the expression made of them is bound as a parameter of ``MATCH``. So quotes, ``NEAR``,
``*``, ``-``, ``^``, column filters and parentheses are plain text to be searched for, never syntax.

**Matching.** Every word must match (AND). A word matches when it is in an exact column (``title``, ``body``,
``links``, ``places``, ``codes``; case and accents folded by the tokenizer), or when one of its stems (Dutch and
English, ``publisher.words``) is in a stemmed column. The last word also matches as a prefix (``taalca`` finds
``Taalcafé``, for type-ahead), unless the text ends in a space or the word is a number (``9000`` is a postal code,
not the start of one).

**Ranking.** BM25 (FTS5's ``bm25()``) over all the columns, weighted by ``WEIGHTS``: a name weighs ten times a
description. A word found as written counts in its exact column *and* in its stemmed one, a word found only through
its stem in the stemmed one alone, so an exact match ranks above a match of another form of the word. Ties are
broken by URI (by rowid: the build writes the rows in the order of their URIs), so that paging gives every hit once.

**Snippets.** FTS5's ``snippet()`` marks matches with two private-use characters that the index never holds
(``searchindex.MARKERS``); the text between them comes back as segments ``(text, matched)``, for the page to escape.
Snippets are taken with the stems of the words as prefixes too, so that ``jongeren`` also marks ``jongere``, in an
index in memory of the page's rows alone (``_snippets``).

**Cost.** For every hit only the index is read (its rowid; for BM25 its positions and its row's sizes), never its
text: the kind of each row comes from ``Index.kind``, read once per build and process (issue 14).
"""

import os
import sqlite3
import threading
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from publisher import words
from publisher.errors import BadRequest
from publisher.language import N_

WEIGHTS = {"title": 10.0, "body": 1.0, "links": 2.0, "places": 2.0, "codes": 10.0, "title_stems": 5.0,
           "body_stems": 0.5}  # in the order of the table's columns (searchindex.COLUMNS)
EXACT, STEMMED = ("title", "body", "links", "places", "codes"), ("title_stems", "body_stems")
SNIPPETS = ("body", "links", "places", "codes")  # where a snippet may come from, in order: stems are folded text
OPEN, CLOSE = "\ue000", "\ue001"
MAX_TEXT, MAX_WORDS = 500, 32
LANGUAGES = tuple(words.STEMMERS)
MMAP, CACHE = 2**30, -32768  # bytes of the index mapped; a page cache of 32 MiB (negative: KiB) per connection
NONE = 2**16 - 1  # the kind number of a rowid that is no row


@dataclass
class Hit:
    uri: str
    kind: str  # the URI segment of its kind
    score: float  # higher is better
    snippet: list = field(default_factory=list)  # [(text, matched)]


@dataclass
class Found:
    total: int  # hits of the kinds asked for (all kinds when none were)
    kinds: dict  # hits per kind segment, whatever kinds were asked for
    hits: list  # the page asked for
    places: list  # URIs of the municipalities of today the whole text names (a name, NIS or postal code)


def expression(text: str, stems: bool = False) -> str | None:
    """The FTS5 expression that finds ``text``; with ``stems``, also the stems as prefixes of exact words (to mark
    them in snippets). None when the text has no word.

    :raises BadRequest: a text longer than ``MAX_TEXT`` characters or of more than ``MAX_WORDS`` words.

    >>> for part in expression('Taalcafé "NEAR(x' + chr(0) + ')" -9000').split(" AND "): print(part)
    (({title body links places codes} : "Taalcafé") OR ({title_stems body_stems} : ("taalcaf")))
    (({title body links places codes} : "NEAR") OR ({title_stems body_stems} : ("near")))
    (({title body links places codes} : "x") OR ({title_stems body_stems} : ("x")))
    (({title body links places codes} : "9000") OR ({title_stems body_stems} : ("9000")))
    """
    if len(text) > MAX_TEXT:
        raise BadRequest(N_("q is %(length)s tekens lang; zoek met hoogstens %(most)s"),
                         values={"length": len(text), "most": MAX_TEXT})
    found = words.words(text)
    if len(found) > MAX_WORDS:
        raise BadRequest(N_("q heeft %(count)s woorden; zoek met hoogstens %(most)s"),
                         values={"count": len(found), "most": MAX_WORDS})
    parts = []
    for number, word in enumerate(found):
        prefix = number == len(found) - 1 and not text[-1:].isspace() and not word.isdigit() and len(word) > 1
        variants = list(dict.fromkeys(words.stem(words.fold(word), lang) for lang in LANGUAGES))
        exact = _quoted(word) + ("*" if prefix else "")
        part = f"({{{' '.join(EXACT)}}} : {exact}) OR ({{{' '.join(STEMMED)}}} : ({' OR '.join(map(_quoted, variants))}))"
        if stems:
            part += "".join(f" OR ({{{' '.join(EXACT)}}} : {_quoted(v)}*)" for v in variants if len(v) > 3)
        parts.append(part)
    # Each word in parentheses: FTS5 binds AND tighter than OR (section 3.7).
    return " AND ".join(f"({part})" for part in parts) or None


class Index:
    """A build's search index opened for reading: one connection per thread, and the kind of every row."""

    def __init__(self, path: Path):
        self.path, self.local = path, threading.local()
        # ``rows`` holds kind and uri apart from the texts; a build made before it had one is read in full.
        self.table = "rows" if self.connection().execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'rows'").fetchone() else "search"
        rows = self.connection().execute(f"SELECT rowid, kind FROM {self.table} ORDER BY rowid").fetchall()
        self.segments = sorted({kind for _, kind in rows})
        number = {segment: n for n, segment in enumerate(self.segments)}
        self.kind = array("H", [NONE]) * (rows[-1][0] + 1 if rows else 1)  # the kind's number by rowid
        for rowid, kind in rows:
            self.kind[rowid] = number[kind]

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3's may not cross threads), opened once per process."""
        connection = getattr(self.local, "connection", None)
        if connection is None or self.local.pid != os.getpid():  # an SQLite connection must not cross a fork
            self.local.pid = os.getpid()
            connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            # The index is read only and never changes: map it (the pages are the kernel's, shared by the
            # workers) and keep a larger page cache (https://sqlite.org/pragma.html#pragma_mmap_size).
            connection.execute(f"PRAGMA mmap_size = {MMAP}")
            connection.execute(f"PRAGMA cache_size = {CACHE}")
            self.local.connection = connection
        return connection

    def rows(self):
        """Yield (rowid, kind segment, uri) of every row, in the order of their rowids (and URIs)."""
        yield from self.connection().execute(f"SELECT rowid, kind, uri FROM {self.table} ORDER BY rowid")


def search(index: Index, text: str, kinds=(), page: int = 1, size: int = 20, narrow=None) -> Found:
    """Find ``text`` in ``index``: the hits of page ``page`` (of ``size``) of the kinds ``kinds`` (URI segments;
    none: all), best first, with their snippets, and the counts per kind.

    ``narrow``, given the rowids of every hit, returns the rowids to keep (the list facets of a search,
    ``publisher.hits``) or None to keep them all; the counts per kind are then those of the hits kept.

    Only the index's doclists are read for every hit (their rowids, and BM25 with the row's sizes); a row's own
    text is read for the hits of the page alone.
    """
    matching = expression(text)
    connection = index.connection()
    places = [uri for (uri,) in connection.execute("SELECT uri FROM places WHERE key = ? ORDER BY uri",
                                                   (" ".join(words.words(words.fold(text))),))]
    if matching is None:
        return Found(0, {}, [], places)
    matched = [rowid for (rowid,) in connection.execute("SELECT rowid FROM search WHERE search MATCH ?", (matching,))]
    kept = narrow(matched) if narrow else None
    counting = [0] * len(index.segments)
    for rowid in matched if kept is None else kept:
        counting[index.kind[rowid]] += 1
    counted = {index.segments[n]: count for n, count in enumerate(counting) if count}
    total = sum(n for kind, n in counted.items() if not kinds or kind in kinds)
    # Ties go by rowid, which is the order of the URIs (searchindex.documents writes them so).
    order = f"SELECT rowid, bm25(search, {', '.join(map(str, WEIGHTS.values()))}) AS rank " \
            "FROM search WHERE search MATCH ? ORDER BY rank, rowid"
    if kept is None and not kinds:
        ranked = connection.execute(f"{order} LIMIT ? OFFSET ?", (matching, size, (page - 1) * size)).fetchall()
    else:  # ranked in full, then kept: a page past any count of hits kept
        wanted = {n for n, segment in enumerate(index.segments) if not kinds or segment in kinds}
        ranked = [row for row in connection.execute(order, (matching,))
                  if index.kind[row[0]] in wanted and (kept is None or row[0] in kept)]
        ranked = ranked[(page - 1) * size:page * size]
    texts = _texts(connection, [rowid for rowid, _ in ranked]) if ranked else {}
    snipped = _snippets(connection, expression(text, stems=True), texts)
    hits = [Hit(texts[rowid][-1], texts[rowid][-2], round(-rank, 6), snipped.get(rowid, [])) for rowid, rank in ranked]
    return Found(total, counted, hits, places)


def _texts(connection, rowids: list) -> dict:
    """Every column of the rows ``rowids`` (the indexed ones, then kind and uri), by rowid."""
    found = connection.execute(f"SELECT rowid, * FROM search WHERE rowid IN ({', '.join('?' * len(rowids))})",
                               rowids)
    return {rowid: texts for rowid, *texts in found}


def _snippets(connection, matching: str, texts: dict) -> dict:
    """The snippet of each row: from the first column of ``SNIPPETS`` with a match, else the first with text.

    ``snippet()`` is taken in an index of these rows alone, made as the build's was: what it marks and where the
    fragment starts depend on the row's own tokens only (FTS5 section 5.1.2), and a prefix of the stems then
    expands over the terms of the page, not of the whole index.
    """
    if not texts:
        return {}
    (schema,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()
    page = sqlite3.connect(":memory:")
    try:
        page.execute(schema)
        page.executemany(f"INSERT INTO search (rowid, {', '.join(WEIGHTS)}, kind, uri) "
                         f"VALUES ({', '.join('?' * (len(WEIGHTS) + 3))})",
                         [(rowid, *row) for rowid, row in texts.items()])
        columns = ", ".join(f"snippet(search, {list(WEIGHTS).index(c)}, '{OPEN}', '{CLOSE}', '…', 24)"
                            for c in SNIPPETS)
        found = {}
        for rowid, *snippets in page.execute(f"SELECT rowid, {columns} FROM search WHERE search MATCH ?", (matching,)):
            chosen = next((t for t in snippets if OPEN in t), next((t for t in snippets if t), ""))
            found[rowid] = segments(chosen)
        return found
    finally:
        page.close()


def segments(text: str) -> list[tuple[str, bool]]:
    """Split a snippet at its markers into (text, matched) segments; a marker out of place is dropped.

    >>> segments("a \ue000b\ue001 c\ue001")
    [('a ', False), ('b', True), (' c', False)]
    """
    found, inside, current = [], False, ""
    for character in text:
        if character in (OPEN, CLOSE):
            if (character == OPEN) != inside:
                if current:
                    found.append((current, inside))
                current, inside = "", not inside
            continue
        current += character
    if current:
        found.append((current, inside))
    return found


def _quoted(word: str) -> str:
    """An FTS5 string (section 3.1): in double quotes, a double quote doubled; the words never hold one."""
    return '"' + word.replace('"', '""') + '"'
