"""The history of the graph across builds: when each resource of a tracked kind (``kinds.toml``: practices,
initiatives, organisations, programmes) was first published and last changed.

A build compares each resource's description (its concise bounded description, blank nodes canonicalised) with
the one the previous build recorded in ``versions.json``: an unchanged resource keeps its dates, a changed or new
one gets the build's time as ``dct:modified``. Removed resources are remembered with the time they went. The dates
are published as ``dct:issued`` and ``dct:modified``; the change feed (issue 5) builds on the same record.
"""

import hashlib
from pathlib import Path

import pyoxigraph as ox

from publisher import state
from publisher.indexes import bounded, index, outgoing
from publisher.kinds import Registry
from publisher.vocab import DCT, XSD

VERSIONS = "versions.json"
RECOVERY = ("remove this file to start the record anew (every resource is then dated by the next build), or copy "
            f"{VERSIONS} from an older build in builds/ over it")


def digests(triples, registry: Registry) -> dict[str, str]:
    """Return the SHA-256 of the description of each resource of a tracked kind, by URI."""
    triples_of = outgoing(index(triples))
    found = {}
    for subject in registry.typed(triples, "tracked"):
        described = bounded(subject, triples_of)
        if any(isinstance(t.object, ox.BlankNode) for t in described):
            dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in described)
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            lines = sorted(str(quad) for quad in dataset)
        else:  # RDFC-1.0 relabels blank nodes only: without one, the canonical form is the set of its triples
            lines = sorted({str(t) for t in described})
        found[subject.value] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return found


def kinds(triples, registry: Registry) -> dict[str, str]:
    """Return the kind of each resource of a tracked kind (``practices``, ...), by URI."""
    return {subject.value: kind.name for subject, kind in registry.typed(triples, "tracked").items()}


def versions(current: dict[str, str], previous: dict, now: str, kinds: dict | None = None) -> dict:
    """Carry the previous record forward: new and changed resources get ``now``, removed ones are noted.

    Each resource keeps its kind (``kinds``), so that the next build can tell what a removal takes away.
    """
    before, kinds = previous.get("resources", {}), kinds or {}
    resources = {}
    for uri, digest in sorted(current.items()):
        old = before.get(uri)
        if old and old["sha256"] == digest:
            resources[uri] = dict(old)
        else:
            resources[uri] = {"sha256": digest, "issued": old["issued"] if old else now, "modified": now}
        if uri in kinds:
            resources[uri]["kind"] = kinds[uri]
    removed = {uri: when for uri, when in previous.get("removed", {}).items() if uri not in resources}
    removed.update({uri: now for uri in before if uri not in resources})
    return {"resources": resources, "removed": dict(sorted(removed.items()))}


def read(folder: Path | None) -> dict:
    """Return the record a build left, or an empty one (first build, or a build from before the record).

    :raises StateError: a record that cannot be read or is not of its shape.
    """
    path = folder / VERSIONS if folder else None
    if not path or not path.exists():
        return {}
    record = state.read_json(path, RECOVERY)
    resources, removed = record.get("resources"), record.get("removed", {})
    if not isinstance(resources, dict) or not isinstance(removed, dict) or not all(
            isinstance(v, dict) and {"sha256", "issued", "modified"} <= set(v) for v in resources.values()):
        raise state.StateError(path, "is not a record of versions (resources with sha256, issued, modified)",
                               RECOVERY)
    return record


def write(folder: Path, record: dict) -> None:
    """Write the record into a build folder."""
    state.write_json(folder / VERSIONS, record)


def triples(record: dict) -> list[ox.Triple]:
    """The dates as triples: ``dct:issued`` and ``dct:modified`` of each resource."""
    found = []
    for uri, version in record["resources"].items():
        for prop, key in ((DCT.issued, "issued"), (DCT.modified, "modified")):
            found.append(ox.Triple(ox.NamedNode(uri), prop, ox.Literal(version[key], datatype=XSD.dateTime)))
    return found
