"""Show the terms of a query's answer as a person reads them: names, prefixed names, plain values (issue 13).

A results table on ``/sparql`` and on the canned-query pages shows an IRI of the dataset by its label, linked to its
page; any other IRI as a prefixed name (``skos:Concept``), linked only when it is http(s); a literal as its text,
without ``@nl`` or ``^^xsd:…``. What is left out is kept on hover (the cell's ``title``). The machine formats are
not made here and do not change.
"""

import re
from dataclasses import dataclass

import pyoxigraph as ox

from publisher import language
from publisher.indexes import index
from publisher.layout import prefixed

_WEB = re.compile(r"https?:", re.IGNORECASE)  # the only IRIs a results table links out to


@dataclass(frozen=True)
class Cell:
    text: str
    title: str | None = None  # what hovering shows: the full IRI, a literal's language or datatype
    href: str | None = None
    lang: str | None = None
    kind: str = "literal"  # "dataset" (a thing of this dataset), "iri", "literal" or "blank"


def cells(rows: list, base: str, labels, lang: str, local) -> list[list[Cell]]:
    """Turn rows of terms into rows of cells, naming the dataset's IRIs by the label triples of ``labels(nodes)``.

    ``labels`` is called once, with the dataset IRIs of all the rows (a page holds at most ``max_rows``).
    """
    ours = {term for row in rows for term in row if isinstance(term, ox.NamedNode) and term.value.startswith(base)}
    names = index(labels(sorted(ours, key=str))) if ours else {}
    return [[cell(term, base, names, lang, local) for term in row] for row in rows]


def cell(term, base: str, names: dict, lang: str, local) -> Cell | None:
    """Show one term; None for an unbound variable.

    >>> cell(ox.Literal("Gent", language="nl"), "https://x/", {}, "nl", str)
    Cell(text='Gent', title='@nl', href=None, lang='nl', kind='literal')
    >>> cell(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), "", {}, "nl", str)
    Cell(text='3', title='xsd:integer', href=None, lang=None, kind='literal')
    >>> cell(ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"), "https://x/", {}, "nl", str).text
    'skos:Concept'
    >>> cell(ox.NamedNode("urn:isbn:1"), "https://x/", {}, "nl", str).href is None
    True
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.language:
            return Cell(term.value, f"@{term.language}", lang=term.language)
        datatype = prefixed(term.datatype.value)
        return Cell(term.value, None if datatype == "xsd:string" else datatype)
    if isinstance(term, ox.NamedNode):
        iri = term.value
        link = local(iri) if _WEB.match(iri) else None
        if iri.startswith(base):
            label = language.pick([v for values in names.get(term, {}).values() for v in values], lang)
            return Cell(label.value if label else iri[len(base):], iri, link, label.language if label else None,
                        "dataset")
        return Cell(prefixed(iri), iri, link, kind="iri")
    return Cell(str(term), kind="blank")


def titles(columns: list, given: dict, lang: str) -> list[str]:
    """The column titles: the query's own (front matter ``columns``) in ``lang`` where it gives them, else the
    variable's name.

    >>> titles(["n", "x"], {"n": {"nl": "Aantal", "en": "Number"}}, "en")
    ['Number', 'x']
    """
    return [(given.get(column) or {}).get(lang) or (given.get(column) or {}).get("nl") or column
            for column in columns]
