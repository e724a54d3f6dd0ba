"""Split, fold and stem words the same way for the search index and for a query: one analysis, two sides.

Folding drops case and diacritics (``Taalcafé`` → ``taalcafe``), as FTS5's ``unicode61 remove_diacritics 2``
tokenizer does for the exact columns. Stemming uses the Snowball stemmers of ``snowballstemmer``: Dutch texts with
the classic Snowball Dutch algorithm (``dutch_porter``; the newer ``dutch`` strips ``ge-`` so that ``gemeente``
becomes ``meen`` and ``gezin`` ``zin``), English texts with Snowball English (Porter 2); other languages are folded,
not stemmed.
"""

import functools
import re
import threading
import unicodedata

import snowballstemmer

STEMMERS = {"nl": "dutch_porter", "en": "english"}
WORD = re.compile(r"[^\W_]+")  # letters and digits: what unicode61 keeps as token characters
MARKS = ("Mn", "Me")  # combining marks, dropped by folding
_DOUBLED = re.compile(r"([bcdfghjklmnpqrstvwxz])\1$")


def fold(text: str) -> str:
    """Lower-case ``text`` and drop its diacritics.

    >>> fold("Taalcafé Ŝ ÆSCHYLUS raampoëzie"), fold("Gent 9000")
    ('taalcafe s aeschylus raampoezie', 'gent 9000')
    """
    if text.isascii():  # no mark to drop, nothing to compose: most texts, and a third of the search index's time
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) not in MARKS)) \
        .replace("æ", "ae").replace("œ", "oe").replace("ø", "o").replace("ł", "l")


def words(text: str) -> list[str]:
    """The words of ``text`` as written: runs of letters and digits.

    >>> words('"NEAR(a b)" -x *y {title}: 9000\\x00Gent')
    ['NEAR', 'a', 'b', 'x', 'y', 'title', '9000', 'Gent']
    """
    return WORD.findall(text)


# A corpus has far fewer distinct words than words (Zipf): stemming each (word, language) once made the stems of
# graph/'s texts 11.5 times faster (CPU time, in one run), and the search index phase was 93% stemming.
@functools.lru_cache(maxsize=1 << 16)
def stem(word: str, lang: str | None) -> str:
    """The stem of a folded word in ``lang`` (``nl`` or ``en``; any other language: the word itself).

    Dutch stems also lose a final doubled consonant and end in ``f``/``s`` where the plural has ``v``/``z``
    (Dutch spelling: ``gezin``/``gezinnen``, ``brief``/``brieven``, ``huis``/``huizen``), which the Porter-style
    algorithm leaves apart.

    >>> [stem(w, "nl") for w in ("jongeren", "jongere", "initiatieven", "initiatief", "gezinnen", "gezin")]
    ['jonger', 'jonger', 'initiatief', 'initiatief', 'gezin', 'gezin']
    >>> stem("ambassadors", "en"), stem("gand", "fr")
    ('ambassador', 'gand')
    """
    name = STEMMERS.get(lang or "")
    if name is None:
        return word
    found = _stemmer(name).stemWord(word)
    if lang == "nl" and len(found) > 3:
        found = _DOUBLED.sub(r"\1", found)
        found = found[:-1] + {"v": "f", "z": "s"}.get(found[-1], found[-1])
    return found


def stems(text: str, lang: str | None) -> str:
    """The stems of the words of ``text``, folded, separated by spaces.

    >>> stems("Jongeren in de Buurten", "nl")
    'jonger in de buurt'
    """
    known = _KNOWN.get(lang)
    if known is None or len(known) >= KNOWN:  # a new language, or a full memo: started anew (queries add words)
        known = _KNOWN[lang] = {}
    found = words(fold(text))
    try:
        return " ".join([known[word] for word in found])
    except KeyError:
        for word in found:
            if word not in known:
                known[word] = stem(word, lang)
        return " ".join([known[word] for word in found])


# The stem of each word met, per language: a dictionary look-up per word, where a call of the memoised ``stem`` per
# word cost more than the stemming of a 10,000-practice build's few thousand distinct words (issue 14). At most
# ``KNOWN`` words a language, so that the search box's queries cannot grow it without end.
KNOWN = 1 << 16
_KNOWN: dict = {}


_LOCAL = threading.local()  # a Snowball stemmer keeps state while it stems: one per thread


def _stemmer(name: str):
    kept = _LOCAL.__dict__.setdefault("stemmers", {})
    if name not in kept:
        kept[name] = snowballstemmer.stemmer(name)
    return kept[name]
