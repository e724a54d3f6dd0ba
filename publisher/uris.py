"""The one place URIs are minted: a key goes in, the URI of the thing (or of the document about it) comes out.

Things live under ``{base}id/{type}/{key}`` and documents about them under ``{base}doc/{type}/{key}`` (the
Flemish URI standard); the ontology keeps the namespace ``NS`` whatever the base. Turtle in ``graph/`` is written
with ``DEFAULT_BASE``; the build rebases it when the configured base differs.
"""

import re
import unicodedata

from publisher import kinds
from publisher.vocab import NS, ONTOLOGY, SKOS, SL  # noqa: F401 (uris.NS, uris.ONTOLOGY)

DEFAULT_BASE = "https://w3id.org/samenleven/"



def segment(cls) -> str:
    """The type segment of a kind of the project's registry (``ontology/kinds.toml``): the Dutch type names of
    data.vlaanderen.be.

    >>> segment(SL.Practice)
    'praktijk'
    """
    return kinds.default()[cls].segment


# The kinds the importer, the gazetteer and the municipalities mint URIs of.
PRACTICE, INITIATIVE, ORGANISATION, PROGRAMME = (segment(SL[c]) for c in ("Practice", "Initiative", "Organisation",
                                                                          "Programme"))
MUNICIPALITY, PROVINCE, REGION, LOCALITY, SOURCE = (segment(SL[c]) for c in ("Municipality", "Province", "Region",
                                                                             "Locality", "SourceDocument"))
CONCEPT, SCHEME = segment(SKOS.Concept), segment(SKOS.ConceptScheme)
ARRONDISSEMENT = segment(SL.Arrondissement)


def slugify(text: str) -> str:
    """Turn a name into a stable, readable key: lowercase ASCII words joined by hyphens.

    >>> slugify("Curant - Cohousing project")
    'curant-cohousing-project'
    >>> slugify("Ontmoeting & participatie")
    'ontmoeting-en-participatie'
    >>> slugify("D'raamatherapie: één")
    'draamatherapie-een'
    """
    text = text.replace("&", " en ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class Minter:
    """Mint the URIs of one base."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith("/") else base + "/"

    def thing(self, kind: str, key: str) -> str:
        return f"{self.base}id/{kind}/{key}"

    def document(self, kind: str, key: str) -> str:
        return f"{self.base}doc/{kind}/{key}"

    def municipality(self, nis: str) -> str:
        return self.thing(MUNICIPALITY, nis)

    def province(self, nis: str) -> str:
        return self.thing(PROVINCE, nis)

    def arrondissement(self, nis: str) -> str:
        return self.thing(ARRONDISSEMENT, nis)

    def region(self, nis: str) -> str:
        return self.thing(REGION, nis)

    def concept(self, scheme: str, code: str) -> str:
        return self.thing(f"{CONCEPT}/{scheme}", code)

    def scheme(self, name: str) -> str:
        return self.thing(SCHEME, name)

    def source(self, name: str) -> str:
        return self.thing(SOURCE, name)

    def media(self, name: str) -> str:
        """The address of a published file, such as an accepted photo (``/media/{name}``)."""
        return f"{self.base}media/{name}"

    def rebase(self, uri: str) -> str:
        """Move a URI minted with ``DEFAULT_BASE`` to this base; leave every other URI as it is.

        >>> Minter("http://example.org/sl/").rebase("https://w3id.org/samenleven/id/gemeente/44021")
        'http://example.org/sl/id/gemeente/44021'
        >>> Minter("http://example.org/sl/").rebase("https://w3id.org/samenleven/ns#Practice")
        'https://w3id.org/samenleven/ns#Practice'
        """
        for part in ("id/", "doc/", "media/"):
            if uri.startswith(DEFAULT_BASE + part):
                return self.base + uri[len(DEFAULT_BASE):]
        return uri


def registry_municipality(nis: str) -> str:
    """Return the Flemish registry URI of a municipality (Flemish and Brussels ones only)."""
    return f"https://data.vlaanderen.be/id/gemeente/{nis}"
