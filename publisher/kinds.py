"""The registry of the kinds of thing the graph holds: each declared once, in ``{ontology_dir}/kinds.toml``.

A kind is a class with what the publisher does with its instances: the URI segment they are minted under, the
properties that name them, whether the build counts them, dates them and puts them in the change feed, guards them
against shrinking, writes them into a CSV table, and which schema.org type their pages carry. The registry is
data beside the ontology and the shapes, so that adding a kind is one entry there plus its class and its shape;
the build publishes the file with the build (``artefacts.KINDS``), so the server reads the kinds of the build it
serves. Build, history, feed, shrink, tables, schema.org, search and the URI minter read it.
"""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from publisher.config import PROJECT_DIR
from publisher.errors import InputError
from publisher.vocab import PREFIXES, RDF

FILE = "kinds.toml"  # in ontology_dir, and in every build folder
FLAGS = ("counted", "tracked", "guarded")
TEXTS = ("segment", "table", "schema")


@dataclass(frozen=True)
class Kind:
    """One kind of thing: its class and what the publisher does with its instances."""

    name: str  # the plural noun the build counts it by: "practices"
    cls: ox.NamedNode
    segment: str  # {base}id/{segment}/{key}
    labels: tuple  # the properties that name an instance, the preferred first
    counted: bool = False
    tracked: bool = False  # dated across builds and in the change feed
    guarded: bool = False  # by the shrink guard
    table: str | None = None  # tables/{table}.csv
    schema: str | None = None  # the schema.org type


class Registry:
    """The kinds of a build, in their order of preference."""

    def __init__(self, kinds):
        self.kinds = tuple(kinds)
        self.by_class = {kind.cls: kind for kind in self.kinds}
        self.by_name = {kind.name: kind for kind in self.kinds}
        self.by_segment = {kind.segment: kind for kind in self.kinds}

    def __iter__(self):
        return iter(self.kinds)

    def __getitem__(self, cls: ox.NamedNode) -> Kind:
        return self.by_class[cls]

    def where(self, flag: str) -> tuple:
        """The kinds with ``flag`` (``counted``, ``tracked``, ``guarded``, ``table``, ``schema``) set."""
        return tuple(kind for kind in self.kinds if getattr(kind, flag))

    def of(self, classes) -> Kind | None:
        """The kind of a resource of ``classes``: the first in the registry's order, None for none."""
        return next((kind for kind in self.kinds if kind.cls in classes), None)

    def typed(self, triples, flag: str) -> dict:
        """The URI of each resource of a kind with ``flag`` set, by that kind (its first in the registry's order)."""
        classes, found = {kind.cls for kind in self.where(flag)}, {}
        for t in triples:
            if t.predicate == RDF.type and t.object in classes:
                found.setdefault(t.subject, set()).add(t.object)
        return {subject: self.of(types) for subject, types in found.items()}

    @property
    def labels(self) -> tuple:
        """Every label property of every kind, once, in order."""
        return tuple(dict.fromkeys(p for kind in self.kinds for p in kind.labels))

    def names(self, generic: tuple) -> tuple:
        """The properties a page names a resource by: ``generic`` ones first, then each kind's preferred label."""
        return tuple(dict.fromkeys((*generic, *(kind.labels[0] for kind in self.kinds))))

    def unregistered(self, triples, base: str) -> list[str]:
        """The resources under ``{base}id/`` whose URI's segment names no kind of theirs: of a class with no entry
        (a kind forgotten), or under another kind's segment. Each as ``URI (its classes)``, sorted."""
        types = {}
        for t in triples:
            if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(base + "id/"):
                found = types.setdefault(t.subject, set())
                if t.predicate == RDF.type:
                    found.add(t.object)
        wrong = [uri for uri, classes in types.items()
                 if (kind := self.segment(uri.value)) is None or kind.cls not in classes]
        return sorted(f"{uri.value} ({', '.join(sorted(c.value for c in types[uri])) or 'no class'})"
                      for uri in wrong)

    def segment(self, uri: str) -> Kind | None:
        """The kind a URI's type segment names (``{base}id/{segment}/{key}``), None for another URI.

        >>> default().segment("https://w3id.org/samenleven/id/praktijk/sociale-cohesie").name
        'practices'
        """
        parts = uri.split("/id/", 1)
        return self.by_segment.get(parts[1].split("/", 1)[0]) if len(parts) == 2 else None


def read(path: Path) -> Registry:
    """Read a registry file.

    :raises InputError: a file that cannot be read, or an entry without a class, segment or labels, with a value
        of the wrong type or a prefix ``vocab.PREFIXES`` does not know, or a class or segment given twice.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read the registry of kinds: {error.strerror}", path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"malformed TOML: {error}", path) from None
    kinds = [_kind(name, entry, path) for name, entry in data.items()]
    for attribute in ("cls", "segment", "table"):
        values = [getattr(kind, attribute) for kind in kinds if getattr(kind, attribute)]
        twice = sorted({str(v) for v in values if values.count(v) > 1})
        if twice:
            raise InputError(f"{attribute.replace('cls', 'class')} {', '.join(twice)} is given to two kinds", path)
    if not kinds:
        raise InputError("the registry declares no kind", path)
    return Registry(kinds)


def load(settings: dict) -> Registry:
    """The registry of the ontology folder a build reads.

    :raises InputError: see ``read``.
    """
    return read(Path(settings["ontology_dir"]) / FILE)


def of_build(folder: Path) -> Registry:
    """The registry a build published; the project's for a build made before builds carried one."""
    path = folder / FILE
    return read(path) if path.exists() else default()


@lru_cache(maxsize=1)
def default() -> Registry:
    """The project's own registry, ``ontology/kinds.toml``: the kinds the code that mints URIs relies on."""
    return read(PROJECT_DIR / "ontology" / FILE)


def _kind(name: str, entry, path: Path) -> Kind:
    """One entry of the file as a Kind."""
    def wrong(message):
        return InputError(f"[{name}]: {message}", path)

    if not isinstance(entry, dict):
        raise wrong("is not a table of settings")
    unknown = set(entry) - {"class", "labels", *FLAGS, *TEXTS}
    if unknown:
        raise wrong(f"unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("class", "segment", "labels"):
        if key not in entry:
            raise wrong(f"has no {key}")
    for key in FLAGS:
        if not isinstance(entry.get(key, False), bool):
            raise wrong(f"{key} must be true or false")
    for key in ("class", *TEXTS):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            raise wrong(f"{key} must be a text")
    if "/" in entry["segment"] or not isinstance(entry["labels"], list) or not entry["labels"]:
        raise wrong("segment must be one path segment (no /), labels a list of at least one property")
    try:
        return Kind(name, _iri(entry["class"]), entry["segment"], tuple(_iri(p) for p in entry["labels"]),
                    **{key: entry[key] for key in (*FLAGS, "table", "schema") if key in entry})
    except (ValueError, TypeError) as error:
        raise wrong(str(error)) from None


def _iri(text) -> ox.NamedNode:
    """A prefixed name of ``vocab.PREFIXES``, or ``<IRI>``, as a NamedNode.

    >>> _iri("sl:Practice"), _iri("<http://schema.org/Event>")
    (<NamedNode value=https://w3id.org/samenleven/ns#Practice>, <NamedNode value=http://schema.org/Event>)
    """
    if not isinstance(text, str):
        raise TypeError(f"{text!r} is not a prefixed name or <IRI>")
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    prefix, _, local = text.partition(":")
    if prefix not in PREFIXES or not local:
        raise ValueError(f"{text!r} is not <IRI> or a prefixed name of {', '.join(sorted(PREFIXES))}")
    return ox.NamedNode(PREFIXES[prefix] + local)
