"""The IRIs a proposal mints: its new practice's and its new initiatives', free in the served build, in the graph
folder and among the open proposals, so that accepting it never fails on a collision.

A title's slug is the key (``uris.slugify``, as the importer's); a key in use gets ``-2``, ``-3``, … The queue
keeps what each open proposal minted (``Queue.submit``, under a lock), so of two proposals sent at the same moment
with the same title, the second is minted again.
"""

from pathlib import Path

import pyoxigraph as ox
import rdflib

from publisher import uris
from publisher.contribute.record import INITIATIVES, Built
from publisher.moderation.queue import Queue

TAKEN = (Path(__file__).parent / "taken.rq").read_text()
MAX_SUFFIX = 1000  # keys tried per node before giving up: more proposals of one title than anyone sends


class Names:
    """Free IRIs of one proposal, checked against a build, a graph folder and a queue."""

    def __init__(self, store, settings: dict, queue: Queue):
        self.store, self.queue = store, queue
        self.mint, self.folder = uris.Minter(settings["base"]), Path(settings["graph_dir"])

    def minted(self, built: Built, subject: str | None) -> list:
        """The nodes of ``built`` whose IRIs this proposal minted: a new practice, and every initiative that is
        not one the changed practice has in the build already (those keep their IRIs)."""
        own = {row["initiative"].value for row in self.store.graph.select(
            INITIATIVES, practice=ox.NamedNode(subject))} if subject else set()
        nodes = [] if subject else [built.practice]
        return nodes + sorted(node for node, prefix in built.blocks.items()
                              if prefix.count(".") == 1 and str(node) not in own)

    def free(self, nodes: list) -> dict:
        """Map each of ``nodes`` to an IRI of its kind that nothing uses yet (itself, when it is free).

        :raises ValueError: no free key within ``MAX_SUFFIX`` tries.
        """
        chosen = {}
        for node in nodes:
            base, _, key = str(node).rpartition("/")
            for n in range(1, MAX_SUFFIX + 1):
                iri = f"{base}/{key if n == 1 else f'{key}-{n}'}"
                if iri not in chosen.values() and not self._used(iri):
                    chosen[node] = rdflib.URIRef(iri)
                    break
            else:
                raise ValueError(f"no free IRI for {node} after {MAX_SUFFIX} tries")
        return chosen

    def default(self, iri: str) -> str:
        """An IRI of the served base as the proposal's Turtle and ``graph/`` write it (``uris.DEFAULT_BASE``)."""
        return uris.DEFAULT_BASE + iri[len(self.mint.base):] if iri.startswith(self.mint.base) else iri

    def _used(self, iri: str) -> bool:
        key, practice = iri.rsplit("/", 1)[-1], self.mint.thing(uris.PRACTICE, "")
        return (self.store.graph.ask(TAKEN, thing=ox.NamedNode(iri))
                or iri.startswith(practice) and (self.folder / f"praktijk-{key}.ttl").exists()  # review._target
                or bool(self.queue.claimed({self.default(iri)})))


def renamed(graph: rdflib.Graph, names: dict) -> rdflib.Graph:
    """A copy of ``graph`` with the IRIs of ``names`` replaced."""
    out = rdflib.Graph()
    for triple in graph:
        out.add(tuple(names.get(term, term) for term in triple))
    return out
