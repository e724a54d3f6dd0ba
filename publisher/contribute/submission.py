"""A submission sent as JSON-LD or Turtle: read without fetching anything, and cut down to one practice record.

The document holds one ``sl:Practice``, the ``sl:Initiative``s that apply it (``sl:appliesPractice``), the blank
nodes they lead to (contact points), and optionally the contributor as a ``schema:Person`` (``schema:name``,
``schema:email``, ``schema:affiliation``), who is taken out of the graph: contributors are not published. A
practice the build has already (its IRI) makes the proposal a change to it; otherwise the practice and its
initiatives get the URIs their Dutch titles mint, as the importer's. What the server sets (``prov:wasDerivedFrom``,
``dct:issued``, ``dct:modified``) is replaced. A statement about anything else is refused.
"""

import json
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from pyld import jsonld
from rdflib.namespace import DCTERMS as DCT, PROV, RDF

from publisher import context as contexts
from publisher import uris
from publisher.contribute.record import SL, Built, Context, MAX_INITIATIVES
from publisher.errors import BadRequest, HTTPProblem

MAX_DEPTH = 8  # blank nodes within blank nodes: a contact point's address is 2

SCHEMA = rdflib.Namespace("http://schema.org/")
STAMPED = (PROV.wasDerivedFrom, DCT.issued, DCT.modified)
PRACTICE_ASK = "ASK { ?thing a <https://w3id.org/samenleven/ns#Practice> }"
OWN = "SELECT ?practice ?initiative WHERE { ?initiative <https://w3id.org/samenleven/ns#appliesPractice> ?practice }"


class Unprocessable(HTTPProblem):
    """A submission that reads but is no practice record (RFC 9110, 15.5.21)."""

    status, title = 422, "Unprocessable content"


@dataclass
class Submitted:
    built: Built
    kind: str
    subject: str | None
    contributor: dict


def parse(body: bytes, media: str, context_url: str, context: dict) -> list:
    """Read the triples of a Turtle or JSON-LD body; a JSON-LD ``@context`` may only be the server's own.

    :raises BadRequest: a body that does not parse, or that names another context (nothing is fetched).
    """
    try:
        if media == "text/turtle":
            return list(ox.parse(body, format=ox.RdfFormat.TURTLE))
        document = json.loads(body)
        load = contexts.loader(context_url, context)
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": load})
        quads = list(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))  # pyld lets through what RDF refuses
    except (SyntaxError, ValueError) as error:
        raise BadRequest(f"the body is not {media}: {' '.join(str(error).split())[:300]}") from None
    except RecursionError:
        raise BadRequest(f"the body is not {media} this server reads: it nests too deep") from None
    except jsonld.JsonLdError as error:
        raise BadRequest(f"the JSON-LD cannot be read (only the context at {context_url} is read, nothing is "
                         f"fetched): {' '.join(str(error).split())[:300]}") from None
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise BadRequest("the JSON-LD holds named graphs; send the practice in the default graph")
    return [q.triple for q in quads]


def read(graph: rdflib.Graph, build_graph, context: Context) -> Submitted:
    """Cut a submitted graph down to the proposal of one practice record.

    :raises Unprocessable: no practice or several, or statements about something else.
    """
    contributor = _contributor(graph)
    practices = sorted(set(graph.subjects(RDF.type, SL.Practice)), key=str)
    if len(practices) != 1:
        raise Unprocessable(f"the submission holds {len(practices)} resources typed sl:Practice; send one")
    old = practices[0]
    subject = str(old) if isinstance(old, rdflib.URIRef) and build_graph.ask(
        PRACTICE_ASK, thing=ox.NamedNode(str(old))) else None
    title = next((str(t) for t in graph.objects(old, DCT.title) if getattr(t, "language", None) == "nl"), "")
    key = uris.slugify(title)[:80].strip("-") or "naamloos"
    practice = rdflib.URIRef(subject or context.mint.thing(uris.PRACTICE, key))
    own = {row["initiative"].value for row in build_graph.select(OWN, practice=ox.NamedNode(subject))} \
        if subject else set()
    renamed, blocks, taken = {old: practice}, {practice: ""}, set()
    for n, initiative in enumerate(sorted(set(graph.subjects(SL.appliesPractice, old)), key=str), start=1):
        if n > MAX_INITIATIVES:
            raise Unprocessable(f"the submission holds more than {MAX_INITIATIVES} initiatives")
        name = uris.slugify(next((str(t) for t in graph.objects(initiative, DCT.title)), ""))[:80].strip("-")
        name = name or f"{key}-{n}"
        uri = str(initiative) if str(initiative) in own else context.mint.thing(
            uris.INITIATIVE, name if name not in taken else f"{name}-{n}")
        taken.add(uri.rsplit("/", 1)[-1])
        renamed[initiative] = rdflib.URIRef(uri)
        blocks[renamed[initiative]] = f"i{n}."
    reached = _reached(graph, set(renamed))
    stray = sorted({str(s) for s in graph.subjects() if s not in reached})
    if stray:
        raise Unprocessable("the submission says something about resources that are neither its practice, nor an "
                            f"initiative that applies it, nor a blank node of theirs: {', '.join(stray[:5])}")
    out = rdflib.Graph()
    for s, p, o in graph:
        if p in STAMPED and s in renamed:
            continue
        out.add((renamed.get(s, s), p, renamed.get(o, o)))
    for node in renamed.values():
        out.add((node, PROV.wasDerivedFrom, context.source))
    return Submitted(Built(out, practice, blocks), "change" if subject else "new", subject, contributor)


def _reached(graph: rdflib.Graph, roots: set) -> set:
    """The roots and the blank nodes they lead to, at most ``MAX_DEPTH`` blank nodes deep.

    :raises Unprocessable: a deeper chain (no field nests so deep, and Turtle writers recurse on it).
    """
    seen, todo = set(roots), [(root, 0) for root in roots]
    while todo:
        node, depth = todo.pop()
        for o in graph.objects(node):
            if isinstance(o, rdflib.BNode) and o not in seen:
                if depth >= MAX_DEPTH:
                    raise Unprocessable(f"the submission nests blank nodes more than {MAX_DEPTH} deep")
                seen.add(o)
                todo.append((o, depth + 1))
    return seen


def _contributor(graph: rdflib.Graph) -> dict:
    """Take the contributor (a ``schema:Person``) out of the graph, and return their name, e-mail, organisation."""
    found = {"name": "", "email": "", "organisation": ""}
    for person in list(graph.subjects(RDF.type, SCHEMA.Person)):
        for key, prop in (("name", SCHEMA.name), ("email", SCHEMA.email), ("organisation", SCHEMA.affiliation)):
            value = graph.value(person, prop)
            if value is not None and not found[key]:
                found[key] = str(value).removeprefix("mailto:")[:254]
        graph.remove((person, None, None))
        graph.remove((None, None, person))
    return found
