"""The change feed: a Linked Data Event Stream of every version of each resource of a tracked kind (``kinds.toml``:
practices, initiatives, organisations, programmes), carried from build to build (issue 5; LDES 1.0.0-alpha on
TREE, deletions from the LDES working draft).

Each build reads the previous build's members and appends one for each tracked resource whose description is new
or changed since (its SHA-256 in ``versions.json`` differs from its newest member's), and a deletion marker for
each one removed. A member is a version object: ``{base}ldes/member/{n}`` with ``dct:isVersionOf`` the resource,
``dct:modified`` the build that saw the change, and the resource's concise bounded description with the member in
its place (blank nodes relabelled per member). A deletion is typed ``as:Delete`` (Activity Streams), which the
stream declares as its ``ldes:versionDeleteObject`` on ``ldes:versionDeletePath rdf:type``.

Pages are numbered from 1 in time order and hold at most ``PAGE_SIZE`` members of one build: a build starts a new
page, so a page is complete when it is written and never changes (``ldes:immutable``). The view (``/ldes``) is the
root node and the one document that changes: it links to every page with a ``tree:GreaterThanOrEqualToRelation``
and a ``tree:LessThanOrEqualToRelation`` on ``dct:modified`` (the page's first and last timestamp; TREE combines
relations to one node with AND), so a harvester that saw timestamp T fetches only the pages that end at T or later.
No page links to another: TREE lets only the root node have more than one node linking into it (TREE, Definitions),
and the LDES Server Primer advises one root node with links to the member pages (Paginating Your Event Stream).

The view also says what a client may rely on (LDES, Retention policies; Server Primer, Context Information): its
``ldes:retentionPolicy`` keeps every member from the first on (``ldes:startingFrom`` the first timestamp, and no
``ldes:versionAmount`` or duration: every version and every deletion stays), and the stream's ``ldes:pollingInterval``
is ``POLL`` seconds, the view's ``max-age``: polling sooner only finds the copy a cache may keep. Node IRIs are given
by the caller (the server's URLs: TREE expects ``tree:node`` to be fetched).
"""

from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from publisher import state
from publisher.indexes import bounded, index, outgoing
from publisher.vocab import AS, DCT, LDES, RDF, RDFS, SH, TREE, XSD

PREFIXES = {"tree": TREE.iri, "ldes": LDES.iri, "as": AS.iri, "sh": SH.iri}
MEMBERS = "ldes/members.jsonl"  # in the build folder: one member a line, in time order
PAGE_SIZE = 50
POLL = 60  # seconds: the ldes:pollingInterval and the max-age of the view, the one document that changes
SHAPE = Path(__file__).with_name("feed.ttl")  # the members' SHACL shape; ``<shape>`` is relative to ``{base}ldes/``
KEPT = {"nl": "Alles blijft: elke versie en elke verwijdering sinds het begin van de stroom.",
        "en": "Everything is kept: every version and every deletion since the stream began."}
RECOVERY = ("remove this file to start the change feed anew (harvesters then read every resource again), or copy "
            f"{MEMBERS} from an older build in builds/ over it")


def stream_iri(base: str) -> str:
    return base + "ldes#stream"


def node_iri(base: str, page: int = 0) -> str:
    """The view (page 0) or a page of the stream, as a ``{base}`` IRI (the server maps it to its own URL).

    >>> node_iri("https://w3id.org/samenleven/"), node_iri("https://w3id.org/samenleven/", 2)
    ('https://w3id.org/samenleven/ldes', 'https://w3id.org/samenleven/ldes/2')
    """
    return base + "ldes" + (f"/{page}" if page else "")


def member_iri(base: str, number: int) -> str:
    return f"{base}ldes/member/{number}"


def retention_iri(base: str) -> str:
    return base + "ldes#retention"


def shape_iri(base: str) -> str:
    return base + "ldes/shape"


@dataclass(frozen=True)
class Member:
    """One immutable member: its number, page, resource, timestamp, description digest (None: a deletion)."""

    number: int
    page: int
    resource: str
    modified: str
    sha256: str | None
    ntriples: str

    @property
    def deleted(self) -> bool:
        return self.sha256 is None

    def triples(self) -> list[ox.Triple]:
        return list(ox.parse(self.ntriples.encode(), format=ox.RdfFormat.N_TRIPLES))


_FIELDS = {f.name for f in fields(Member)}


def write(folder: Path, previous: list[Member], record: dict, triples: list, base: str) -> list[str]:
    """Write the ``previous`` members (``read``) and those this build adds; return the file written, relative to
    ``folder``.

    :param record: this build's history (``history.versions``), computed on ``triples``.
    """
    members = previous + additions(previous, record, triples, base)
    path = folder / MEMBERS
    path.parent.mkdir(exist_ok=True)
    state.write_lines(path, (asdict(m) for m in members))
    return [MEMBERS]


def read(folder: Path | None) -> list[Member]:
    """The members a build wrote; none before the first build (or for a build from before the feed).

    :raises StateError: a members file that cannot be read, or a member out of place or of the wrong shape.
    """
    path = folder / MEMBERS if folder else None
    if not path or not path.exists():
        return []
    members = []
    for number, record in enumerate(state.read_lines(path, RECOVERY), 1):
        if not isinstance(record, dict) or set(record) != _FIELDS:
            raise state.StateError(path, f"line {number} is not a member ({', '.join(sorted(_FIELDS))})", RECOVERY)
        member = Member(**record)
        if member.number != number or not all(isinstance(getattr(member, f), str) for f in ("resource", "modified")):
            raise state.StateError(path, f"line {number} holds member {member.number!r} out of place", RECOVERY)
        members.append(member)
    return members


def additions(members: list[Member], record: dict, triples: list, base: str) -> list[Member]:
    """The members a build adds: a version of each new or changed resource, a deletion of each removed one.

    Timestamps never go back (LDES): a member is stamped with the record's time or the newest published one,
    whichever is later, so a harvester that remembers a timestamp misses nothing published after it.
    """
    newest = {m.resource: m for m in members}  # later members overwrite earlier ones
    last = members[-1].modified if members else ""
    changes = [(max(version["modified"], last), uri, version["sha256"])
               for uri, version in record["resources"].items()
               if uri not in newest or newest[uri].sha256 != version["sha256"]]
    changes += [(max(when, last), uri, None) for uri, when in record.get("removed", {}).items()
                if uri in newest and not newest[uri].deleted]
    triples_of = outgoing(index(triples))
    number, page = len(members), members[-1].page if members else 0
    added = []
    for i, (stamp, uri, digest) in enumerate(sorted(changes)):
        number, page = number + 1, page + (i % PAGE_SIZE == 0)
        described = None if digest is None else bounded(ox.NamedNode(uri), triples_of)
        version = _version(member_iri(base, number), uri, stamp, described, f"m{number}b")
        added.append(Member(number, page, uri, stamp, digest,
                            ox.serialize(version, format=ox.RdfFormat.N_TRIPLES).decode()))
    return added


def _version(iri: str, resource: str, stamp: str, described: list | None, prefix: str) -> list[ox.Triple]:
    """The version object: the resource's description with the member as subject, or a deletion marker."""
    member, labels = ox.NamedNode(iri), {}

    def term(node):
        if isinstance(node, ox.BlankNode):  # two versions on one page must not share a blank node
            return labels.setdefault(node, ox.BlankNode(f"{prefix}{len(labels)}"))
        return node

    found = [ox.Triple(member, DCT.isVersionOf, ox.NamedNode(resource)),
             ox.Triple(member, DCT.modified, ox.Literal(stamp, datatype=XSD.dateTime))]
    if described is None:
        return found + [ox.Triple(member, RDF.type, AS.Delete)]
    subject = ox.NamedNode(resource)
    return found + [ox.Triple(member if t.subject == subject else term(t.subject), t.predicate, term(t.object))
                    for t in described]


class Stream:
    """The members of one build, by page, and the documents that serve them."""

    def __init__(self, members: list[Member]):
        self.members = members
        self.pages: dict[int, list[Member]] = {}
        for m in members:
            self.pages.setdefault(m.page, []).append(m)
        self.last = max(self.pages, default=0)

    def view(self, base: str, url) -> list[ox.Triple]:
        """The root node: the stream, what it keeps, how often to poll, a lower and an upper bound to every page.

        ``url`` maps a node's IRI to where it is fetched.
        """
        node, stream = ox.NamedNode(url(node_iri(base))), ox.NamedNode(stream_iri(base))
        poll = ox.Literal(str(POLL), datatype=XSD.integer)
        found = self.described(base, url) + [ox.Triple(node, RDF.type, TREE.Node),
                                             ox.Triple(stream, LDES.pollingInterval, poll)]
        found += self._retention(node, base)
        for page in sorted(self.pages):
            found += self._relations(node, page, base, url)
        return found

    def page(self, number: int, base: str, url) -> list[ox.Triple] | None:
        """One page: its members, complete for good; None past the last page."""
        if number not in self.pages:
            return None
        node, stream = ox.NamedNode(url(node_iri(base, number))), ox.NamedNode(stream_iri(base))
        # LDES Server Primer, Immutability and Caching: re-fetching this node never gives new members or relations.
        found = self.described(base, url) + [ox.Triple(node, RDF.type, TREE.Node),
                                             ox.Triple(node, LDES.immutable, ox.Literal("true", datatype=XSD.boolean))]
        for m in self.pages[number]:
            found.append(ox.Triple(stream, TREE.member, ox.NamedNode(member_iri(base, m.number))))
            found += m.triples()
        return found

    def member(self, number: int) -> Member | None:
        return self.members[number - 1] if 0 < number <= len(self.members) else None

    def described(self, base: str, url) -> list[ox.Triple]:
        """What every document of the stream says of it: its paths, its deletion marker, its shape and view."""
        stream = ox.NamedNode(stream_iri(base))
        return [ox.Triple(stream, p, o) for p, o in (
            (RDF.type, LDES.EventStream), (LDES.timestampPath, DCT.modified), (LDES.versionOfPath, DCT.isVersionOf),
            (LDES.versionDeletePath, RDF.type), (LDES.versionDeleteObject, AS.Delete),
            (TREE.shape, ox.NamedNode(shape_iri(base))), (TREE.view, ox.NamedNode(url(node_iri(base)))))]

    def _retention(self, node, base: str) -> list[ox.Triple]:
        """The retention policy: every member is kept, from the first timestamp on (LDES, Retention policies)."""
        policy = ox.NamedNode(retention_iri(base))
        found = [ox.Triple(node, LDES.retentionPolicy, policy), ox.Triple(policy, RDF.type, LDES.RetentionPolicy)]
        found += [ox.Triple(policy, RDFS.comment, ox.Literal(text, language=lang)) for lang, text in KEPT.items()]
        if self.members:
            first = ox.Literal(self.members[0].modified, datatype=XSD.dateTime)
            found.append(ox.Triple(policy, LDES.startingFrom, first))
        return found

    def _relations(self, node, page: int, base: str, url) -> list[ox.Triple]:
        """Two relations to ``page``: its members are modified at or after its first and at or before its last."""
        members, target = self.pages[page], ox.NamedNode(url(node_iri(base, page)))
        found = []
        for kind, bound, label in ((TREE.GreaterThanOrEqualToRelation, members[0].modified, f"from{page}"),
                                   (TREE.LessThanOrEqualToRelation, members[-1].modified, f"until{page}")):
            relation = ox.BlankNode(label)
            found += [ox.Triple(node, TREE.relation, relation), ox.Triple(relation, RDF.type, kind),
                      ox.Triple(relation, TREE.path, DCT.modified),
                      ox.Triple(relation, TREE.value, ox.Literal(bound, datatype=XSD.dateTime)),
                      ox.Triple(relation, TREE.node, target)]
        return found


@lru_cache(maxsize=4)
def load(folder: Path) -> Stream:
    """The stream of a build folder (builds never change, so it is read once per folder)."""
    return Stream(read(folder))


@lru_cache(maxsize=4)
def shape(base: str) -> list[ox.Triple]:
    """The SHACL shape every member conforms to (``tree:shape``), named ``{base}ldes/shape``."""
    return list(ox.parse(path=SHAPE, format=ox.RdfFormat.TURTLE, base_iri=base + "ldes/"))
