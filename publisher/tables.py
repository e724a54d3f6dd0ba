"""Flat CSV tables of the graph for people who do not speak RDF, each with its CSV on the Web metadata (issue 5).

One table per tabled kind of thing (``kinds.toml``), one row per resource, sorted by URI: ``tables/{name}.csv`` is
UTF-8 (no byte-order mark) with a header row of the columns' names, commas and CRLF line ends (RFC 4180). Texts
are Dutch, else English, else untagged. A linked resource has a column of URIs (``gemeenten``) and one of names
(``gemeenten_namen``).

**Multi-valued cells** join their values with `` | `` (space, vertical bar, space): URIs sorted, their names in the
same order, other values sorted. ``cell.split(" | ")`` gives them back, as does a CSVW processor: the metadata sets
``"separator": " | "`` on exactly those columns. A value holding `` | `` itself stops the build.

**Formulas** (OWASP, CSV injection): a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return, so such a cell, and one that starts with ``'``, gets a ``'`` in front: a cell that starts with
``'`` loses its first character to give the value. A number in a numeric column stays as it is (no column is one).

**Link tables.** A column of several links (``doelen``: a path of one property to URIs) keeps its cells for
spreadsheets, and is also written long, one link a row: ``tables/{name}-{column}.csv`` with the row's ``uri``, the
linked URI and, if the column has one, its name. CSVW can turn only these into triples (``publisher.csvw``).

``tables/{name}.csv-metadata.json`` (W3C CSVW, ``publisher.csvw``) maps each column to the graph, and
``tables/csv-metadata.json`` is the table group of every table and link table.
"""

import csv
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from publisher import language
from publisher.csvw import GROUP, KEY, SEPARATOR, group_of, metadata_of
from publisher.errors import InputError
from publisher.indexes import index
from publisher.kinds import Kind, Registry, default
from publisher.vocab import BESLUIT, DCT, FOAF, ORG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, SL, XSD

FOLDER = "tables"
NIS_CODE = {"@id": SL.NisCode.value, "base": "string", "format": "[0-9]{5}"}
FORMULA, NUMBER, NUMERIC = ("=", "+", "-", "@", "\t", "\r", "'"), re.compile(r"[+-]?[0-9]+(\.[0-9]+)?"), (
    "integer", "decimal", "double", "float", "number")


@dataclass(frozen=True)
class Column:
    """A column: the property path from the row's resource to its values, and how they are written."""

    name: str  # snake_case ASCII: the CSV's header
    titles: dict  # {"nl": ..., "en": ...}
    path: tuple  # property IRIs from the row's resource; the last is the column's propertyUrl
    datatype: object = "string"  # a CSVW datatype; "anyURI" for a column of URIs
    many: bool = False
    required: bool = False
    kind: ox.NamedNode | None = None  # keep only the resources of this class at the path's first step
    of: str | None = None  # a names column: the column of the URIs it names


@dataclass(frozen=True)
class Table:
    name: str
    kind: ox.NamedNode  # the class: one row per resource of it
    title: dict
    description: dict
    columns: tuple
    main: str | None = None  # a link table: the name of the table whose column it writes long

    @property
    def files(self) -> tuple[str, str]:
        return f"{FOLDER}/{self.name}.csv", f"{FOLDER}/{self.name}.csv-metadata.json"

    @property
    def links(self) -> tuple["Table", ...]:
        """The link table of each column of several links: one row per link, with its name if the column has one."""
        found = []
        for column in self.columns:
            if column.many and column.datatype == "anyURI" and len(column.path) == 1:
                names = [replace(c, name=c.name.removesuffix("_namen") + "_naam", many=False, titles={
                    lang: text.replace(": namen", ": naam").replace(": names", ": name")
                    for lang, text in c.titles.items()}) for c in self.columns if c.of == column.name]
                title = {lang: f"{text}: {column.titles[lang].lower()}" for lang, text in self.title.items()}
                description = {"nl": f"Elke waarde van kolom {column.name} van {self.name}.csv, een per rij.",
                               "en": f"Each value of column {column.name} of {self.name}.csv, one a row."}
                found.append(Table(f"{self.name}-{column.name}", self.kind, title, description, (
                    URI, replace(column, many=False, required=True), *names), self.name))
        return tuple(found)


URI = Column(KEY, {"nl": "URI", "en": "URI"}, (RDF.type,), "anyURI", required=True)


def col(name, nl, en, *path, datatype="string", many=False, required=False) -> Column:
    return Column(name, {"nl": nl, "en": en}, path, datatype, many, required)


def link(name, nl, en, prop, label=SKOS.prefLabel, many=True, required=False, kind=None) -> tuple[Column, Column]:
    """The column of the URIs of linked resources, and the column of their names in the same order."""
    titles = {"nl": f"{nl}: {'namen' if many else 'naam'}", "en": f"{en}: {'names' if many else 'name'}"}
    names = Column(name + ("_namen" if many else "_naam"), titles, (prop, label), "string", many, required, kind, name)
    return Column(name, {"nl": nl, "en": en}, (prop,), "anyURI", many, required, kind), names


SOURCES = col("bronnen", "Bronnen", "Sources", PROV.wasDerivedFrom, datatype="anyURI", many=True, required=True)
DATES = (col("uitgegeven", "Eerst gepubliceerd", "First published", DCT.issued, datatype="dateTime"),
         col("gewijzigd", "Laatst gewijzigd", "Last modified", DCT.modified, datatype="dateTime"))
CONTACT = (col("contact_email", "Contact: e-mail", "Contact: email", SCHEMA.contactPoint, SCHEMA.email, many=True),
           col("contact_telefoon", "Contact: telefoon", "Contact: telephone", SCHEMA.contactPoint, SCHEMA.telephone,
               many=True),
           col("contact_webadres", "Contact: webadres", "Contact: web address", SCHEMA.contactPoint, SCHEMA.url,
               datatype="anyURI", many=True))
WEBSITE = col("website", "Website", "Website", FOAF.homepage, datatype="anyURI", many=True)
SCOPE = (*link("doelgroepen", "Doelgroepen", "Target groups", SL.targetGroup),
            *link("beleidsdomeinen", "Beleidsdomeinen", "Policy domains", SL.policyDomain),
            *link("programmas", "Programma's", "Programmes", SL.programme, DCT.title))

# The title, description and columns of the tables of some kinds, by class; which kinds are tabled, and under which
# name, is the registry's (``kinds.toml``). A tabled kind not here gets ``_generic`` columns.
WRITTEN = {
    SL.Practice: ({"nl": "Praktijken", "en": "Practices"}, {
        "nl": "Elke praktijk van de praktijkdatabank, met haar doelen, doelgroepen, beleidsdomeinen en programma's.",
        "en": "Every practice of the database, with its goals, target groups, policy domains and programmes."}, (
        URI, col("titel", "Titel", "Title", DCT.title, required=True),
        col("inleiding", "Inleiding", "Introduction", DCT.abstract),
        col("beschrijving", "Beschrijving", "Description", DCT.description, required=True),
        col("succesfactoren", "Succesfactoren", "Success factors", SL.successFactor, many=True),
        col("uitdagingen", "Uitdagingen", "Challenges", SL.challenge, many=True),
        *link("categorie", "Categorie", "Category", SL.category, many=False, required=True),
        *link("doelen", "Doelen", "Goals", SL.goal), *SCOPE,
        col("zie_ook", "Zie ook", "See also", RDFS.seeAlso, datatype="anyURI", many=True), SOURCES, *DATES)),
    SL.Initiative: ({"nl": "Initiatieven", "en": "Initiatives"}, {
        "nl": "Elk lokaal initiatief, met de praktijk die het toepast, waar het loopt en wie het draagt.",
        "en": "Every local initiative, with the practice it applies, where it runs and who runs it."}, (
        URI, col("titel", "Titel", "Title", DCT.title, required=True),
        col("beschrijving", "Beschrijving", "Description", DCT.description, required=True),
        *link("praktijken", "Past praktijk toe", "Applies practice", SL.appliesPractice, DCT.title, required=True),
        *link("gemeenten", "Gemeenten", "Municipalities", DCT.spatial, kind=SL.Municipality),
        *link("plaatsen", "Plaatsen in een gemeente", "Places in a municipality", DCT.spatial, kind=SL.Locality),
        col("spreiding", "Spreiding", "Coverage", DCT.coverage, many=True), *SCOPE,
        *link("gedragen_door", "Gedragen door", "Run by", SL.runBy),
        *link("partners", "Partners", "Partners", SL.partner), *CONTACT, WEBSITE, SOURCES, *DATES)),
    SL.Organisation: ({"nl": "Organisaties", "en": "Organisations"}, {
        "nl": "Elke organisatie die initiatieven draagt of programma's uitvoert of steunt.",
        "en": "Every organisation that runs initiatives or runs or supports programmes."}, (
        URI, col("naam", "Naam", "Name", SKOS.prefLabel, required=True),
        col("andere_namen", "Andere namen", "Other names", SKOS.altLabel, many=True),
        col("beschrijving", "Beschrijving", "Description", DCT.description),
        *link("werkingsgebied", "Werkingsgebied", "Area of operation", BESLUIT.werkingsgebied, many=False),
        *link("deel_van", "Deel van", "Part of", ORG.subOrganizationOf),
        WEBSITE, *CONTACT, SOURCES, *DATES)),
    SL.Municipality: ({"nl": "Gemeenten", "en": "Municipalities"}, {
        "nl": "Elke Belgische gemeente, ook wie in een fusie opging: die heeft 'vervangen door' en een einddatum.",
        "en": "Every Belgian municipality, also those merged into another: they have 'replaced by' and an end date."}, (
        URI, col("nis_code", "NIS-code", "NIS code", SKOS.notation, datatype=NIS_CODE, required=True),
        col("naam", "Naam", "Name", SKOS.prefLabel, required=True),
        *link("provincie", "Provincie", "Province", SL.province, many=False),
        *link("gewest", "Gewest", "Region", SL.region, many=False, required=True),
        col("gemeenteregister", "In het gemeenteregister (data.vlaanderen.be)",
            "In the municipality register (data.vlaanderen.be)", OWL.sameAs, datatype="anyURI", many=True),
        col("postcodes", "Postcodes", "Postal codes", SL.postalCode, many=True),
        col("geldig_vanaf", "Geldig vanaf", "Valid from", SL.validFrom, datatype="date"),
        col("geldig_tot_en_met", "Geldig tot en met", "Valid until", SL.validUntil, datatype="date"),
        *link("vervangen_door", "Vervangen door", "Replaced by", DCT.isReplacedBy),
        *link("vervangt", "Vervangt", "Replaces", DCT.replaces))),
}


def of(registry: Registry) -> tuple[Table, ...]:
    """The tables of the tabled kinds of a registry, in its order."""
    return tuple(Table(kind.table, kind.cls, *WRITTEN.get(kind.cls) or _generic(kind)) for kind in
                 registry.where("table"))


def every(registry: Registry) -> tuple[Table, ...]:
    """Each table followed by its link tables."""
    return tuple(found for table in of(registry) for found in (table, *table.links))


def files(registry: Registry) -> list[str]:
    """The names of every file of the tables, relative to the build: each CSV, its metadata, the table group."""
    return [name for table in every(registry) for name in table.files] + [f"{FOLDER}/{GROUP}"]


def _generic(kind: Kind) -> tuple:
    """The title, description and columns of a kind's table that this module gives no columns: its URI, its name
    (its first label property), its sources and its dates."""
    title = {"nl": kind.table.capitalize(), "en": kind.name.capitalize()}
    description = {"nl": f"Elke resource van klasse {kind.cls.value}, met haar naam, bronnen en data.",
                   "en": f"Every resource of class {kind.cls.value}, with its name, sources and dates."}
    name = col("naam", "Naam", "Name", kind.labels[0])
    return title, description, (URI, name, replace(SOURCES, required=False), *DATES)


def write(folder: Path, triples: list, base: str, registry: Registry | None = None, indexed: dict | None = None
          ) -> list[str]:
    """Write each table and its CSVW metadata into ``folder/tables``; return their names relative to ``folder``.

    :param registry: the kinds, of which the tabled ones get a table (default: the project's, ``kinds.default``).
    :param indexed: ``indexes.index(triples)``, when the caller has it already.

    :param base: unused: the graph's URIs carry it already, and the metadata names its table by a relative URL.
    :raises InputError: a value holds the separator, or a single-valued column has several values.
    """
    graph, registry, described = _Graph(triples, indexed), registry or default(), []
    (folder / FOLDER).mkdir(exist_ok=True)
    for main in of(registry):
        cells = graph.cells(main)
        for table in (main, *main.links):
            rows = _rows(table, cells)
            tags = {column.name: _tags(t for terms in rows for t in terms[i]) for i, column in enumerate(table.columns)}
            data, metadata = table.files
            with open(folder / data, "w", encoding="utf-8", newline="") as stream:
                csv.writer(stream).writerows([[column.name for column in table.columns], *(
                    [neutralise(SEPARATOR.join(term.value for term in terms), column.datatype)
                     for column, terms in zip(table.columns, row)] for row in rows)])
            described.append(metadata_of(table, tags))
            _write_json(folder / metadata, described[-1])
    _write_json(folder / FOLDER / GROUP, group_of(described))
    return files(registry)


def _write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _rows(table: Table, cells: list) -> list[list[list]]:
    """The terms of each cell of a table: a main table's as they are, a link table's one link a row."""
    if table.main is None:
        return [[found[column.name] for column in table.columns] for _, found in cells]
    link, *names = table.columns[1:]
    return [[[subject], [uri], *([found[n.of + "_namen"][i]] for n in names)]
            for subject, found in cells for i, uri in enumerate(found[link.name])]


def _tags(terms) -> set:
    """The language tags of a column's texts, ``""`` for a text without one (a names column's blank left out).

    >>> sorted(_tags([ox.Literal("Gent", language="nl"), ox.Literal("Gent"), ox.Literal(""),
    ...               ox.Literal("1", datatype=XSD.integer)]))
    ['', 'nl']
    """
    return {t.language or "" for t in terms if isinstance(t, ox.Literal) and t.value
            and t.datatype in (XSD.string, RDF.langString)}


class _Graph:
    """The triples indexed by subject and property, and the members of each class."""

    def __init__(self, triples, indexed: dict | None = None):
        self.out = index(triples) if indexed is None else indexed
        self.members = {}
        for subject, facts in self.out.items():
            for cls in facts.get(RDF.type, ()):
                self.members.setdefault(cls, set()).add(subject)

    def objects(self, subject, predicate) -> list:
        return self.out.get(subject, {}).get(predicate, [])

    def cells(self, table: Table) -> list[tuple[ox.NamedNode, dict]]:
        """Each resource of the table, sorted by URI, with the terms of each of its cells by column."""
        found = []
        for subject in sorted(self.members.get(table.kind, ()), key=lambda term: term.value):
            cells = {}
            for column in table.columns:
                terms = cells[column.name] = self.values(subject, column, cells)
                if len(terms) > 1 and not column.many or any(SEPARATOR in term.value for term in terms):
                    raise InputError(f"{subject.value}: column {column.name} of {table.name}.csv cannot hold "
                                     f"{[t.value for t in terms]} (one value only, or a value holds {SEPARATOR!r})")
            found.append((subject, cells))
        return found

    def values(self, subject, column: Column, cells: dict) -> list:
        """The terms of a cell: the row's URI, the names of another column's URIs, or what the path reaches."""
        if column is URI:
            return [subject]
        if column.of:  # an empty name keeps the order when a resource has none
            names = (_in_language(self.objects(uri, column.path[-1])) for uri in cells[column.of])
            return [min(found, key=lambda term: term.value, default=ox.Literal("")) for found in names]
        terms = [subject]
        for step, prop in enumerate(column.path):
            terms = [o for t in terms for o in self.objects(t, prop)]
            if step == 0 and column.kind is not None:
                terms = [t for t in terms if t in self.members.get(column.kind, ())]
        if column.datatype == "anyURI":
            return sorted({t for t in terms if isinstance(t, ox.NamedNode)}, key=lambda term: term.value)
        return sorted(_in_language([t for t in terms if isinstance(t, ox.Literal)]), key=lambda term: term.value)


def neutralise(cell: str, datatype="string") -> str:
    """Put ``'`` before a cell a spreadsheet would run as a formula; a number of a numeric column is left alone.

    >>> [neutralise(cell) for cell in ("=1+1", "@SUM(A1)", "-3", "+32 9 210 10 10", "'a", "Gent")]
    ["'=1+1", "'@SUM(A1)", "'-3", "'+32 9 210 10 10", "''a", 'Gent']
    >>> neutralise("-3", "integer"), neutralise("-3+cmd|' /C calc'!A0", "integer")
    ('-3', "'-3+cmd|' /C calc'!A0")
    """
    if not cell.startswith(FORMULA) or datatype in NUMERIC and NUMBER.fullmatch(cell):
        return cell
    return "'" + cell


def _in_language(literals: list) -> list:
    """The literals in the best language: Dutch, else English, else untagged, else the first tag.

    >>> [t.value for t in _in_language([ox.Literal("Gand", language="fr"), ox.Literal("Gent", language="nl")])]
    ['Gent']
    """
    present = {literal.language or "" for literal in literals}
    best = next((tag for tag in language.fallbacks("nl") if tag in present), min(present, default=""))
    return [literal for literal in literals if (literal.language or "") == best]
