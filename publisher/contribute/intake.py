"""The intake of a submission: the build's form, the proposal's graph with its source, the checks, the queue.

What a build gives the form (its fields, the shapes as rdflib, the linker) is made once per build and kept with
it. A proposal is queued only when it conforms; its Turtle is written with the default base, as the importer
writes ``graph/`` (the build rebases it).
"""

import re
import secrets
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS as DCT, RDF, XSD

from publisher import linker as linking
from publisher import uris
from publisher.contribute import checks, fields, naming, record
from publisher.contribute.record import SL
from publisher.errors import BadRequest, NotFound, Unavailable
from publisher.language import N_
from publisher.moderation.queue import Claimed, Proposal, QueueError, new_token, now

CHOICES = (Path(__file__).parent / "choices.rq").read_text()
NLD = rdflib.URIRef("http://publications.europa.eu/resource/authority/language/NLD")
PRACTICE_ASK = "ASK { ?thing a <https://w3id.org/samenleven/ns#Practice> }"
KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
EMAIL = re.compile(r"[^@\s:]+@[^@\s]+\.[^@\s]+")
# The contributor's fields: (key, label, required, HTML input type). Not data: they never reach the graph.
CONTRIBUTOR = (("name", N_("Je naam"), True, "text"), ("email", N_("Je e-mailadres"), True, "email"),
               ("organisation", N_("Je organisatie"), False, "text"))


def form(store) -> fields.Form:
    """The form of the build's shapes, with the choices of its schemes (kept per build)."""
    def choices(scheme) -> list:
        found = {}
        for row in store.graph.select(CHOICES, scheme=ox.NamedNode(scheme.value)):
            found.setdefault(row["concept"].value, []).append(row["label"])
        return list(found.items())
    return store.kept(("contribute", "form"), lambda: fields.read(store.shapes, choices))


def shapes(store) -> rdflib.Graph:
    """The build's shapes as an rdflib graph, for pySHACL (kept per build)."""
    def make():
        from publisher import validate
        return validate.to_rdflib(store.shapes)
    return store.kept(("contribute", "shapes"), make)


def practice(store, settings: dict, key: str) -> str:
    """The IRI of the build's practice of ``key``.

    :raises BadRequest: not a key; :raises NotFound: no such practice in the build.
    """
    if not KEY.fullmatch(key or "") or len(key) > 200:
        raise BadRequest(f"praktijk must be the key of a practice (lowercase letters, digits, hyphens), not {key!r}")
    uri = uris.Minter(settings["base"]).thing(uris.PRACTICE, key)
    if not store.graph.ask(PRACTICE_ASK, thing=ox.NamedNode(uri)):
        raise NotFound(f"the build has no practice {uri}, so there is nothing to propose a change to")
    return uri


def context(store, settings: dict, subject: str | None) -> record.Context:
    """What turning values into a proposal needs; its source is a new one, named by the day and a random part."""
    mint, day = uris.Minter(settings["base"]), date.today().isoformat()
    own = set()
    if subject:
        own = {row["initiative"].value for row in store.graph.select(record.INITIATIVES, practice=ox.NamedNode(subject))}
    source = rdflib.URIRef(mint.source(f"bijdrage-{day}-{secrets.token_hex(4)}"))
    return record.Context(mint, linking.for_graph(settings["graph_dir"]), day, source, subject, own)


def add_source(graph: rdflib.Graph, ctx: record.Context) -> None:
    """Describe the proposal's source: the contribution itself (who sent it stays out of the graph)."""
    graph.add((ctx.source, RDF.type, SL.SourceDocument))
    graph.add((ctx.source, DCT.identifier, rdflib.Literal(str(ctx.source).rsplit("/", 1)[-1])))
    graph.add((ctx.source, DCT.title, rdflib.Literal(f"Bijdrage via het formulier, {ctx.day}", lang="nl")))
    graph.add((ctx.source, DCT.language, NLD))


def carry(store, built: record.Built, shown: fields.Form, ctx: record.Context) -> None:
    """Keep, in a change, what the form does not show: the statements it leaves to the editors (organisations,
    programmes, sources, an accepted photo's ``schema:image``) and the texts in other languages than the Dutch it
    edits. A change proposes what the form shows, not to drop the rest: its file replaces the practice's."""
    for node, prefix in built.blocks.items():
        shape = shown.practice if prefix == "" else shown.initiative if prefix.count(".") == 1 else None
        if shape is None or str(node) not in {ctx.subject, *ctx.own}:
            continue
        for path, objects in record.statements(store.graph, str(node)).items():
            if path == str(SL.appliesPractice):
                continue
            left = path in shape.left
            for o in objects:
                if left or isinstance(o, ox.Literal) and o.language not in (None, "", "nl"):
                    _kept(built.graph, node, rdflib.URIRef(path), o)


def _kept(graph: rdflib.Graph, node, path, value) -> None:
    """Add a statement of the build to a proposal: a blank node's own statements (one level, as
    ``record.statements`` gives them) under a new blank node."""
    if isinstance(value, dict):
        blank = rdflib.BNode()
        graph.add((node, path, blank))
        for inner, objects in value.items():
            for o in objects:
                if not isinstance(o, (dict, ox.BlankNode)):
                    graph.add((blank, rdflib.URIRef(inner), _term(o)))
    elif not isinstance(value, ox.BlankNode):
        graph.add((node, path, _term(value)))


def _term(term):
    """An rdflib term of a pyoxigraph IRI or literal."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return rdflib.Literal(term.value)  # as the graph's files write a plain string
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def exists(store, built: record.Built) -> bool:
    """Whether a new proposal's practice is one the build has already (its title mints the same URI)."""
    return store.graph.ask(PRACTICE_ASK, thing=ox.NamedNode(str(built.practice)))


def contributor(values, errors: dict) -> dict:
    """The contributor's name, e-mail and organisation of the form; what is missing or wrong goes to ``errors``."""
    found = {}
    for key, _, required, _ in CONTRIBUTOR:
        text = " ".join((values.get(f"bijdrager.{key}") or "").split())[:254]
        found[key] = text
        if required and not text:
            errors.setdefault(f"bijdrager.{key}", []).append((N_("Vul dit in."), ""))
    if found["email"] and not EMAIL.fullmatch(found["email"]):
        errors.setdefault("bijdrager.email", []).append((N_("Dit is geen e-mailadres."), found["email"]))
    return found


def turtle(graph: rdflib.Graph, settings: dict) -> str:
    """The proposal as Turtle with the default base, as the importer writes ``graph/``."""
    from publisher import validate
    base = uris.Minter(settings["base"]).base
    out = validate.bind_prefixes(rdflib.Graph())
    for term in graph:
        out.add(tuple(rdflib.URIRef(uris.DEFAULT_BASE + t[len(base):]) if isinstance(t, rdflib.URIRef)
                      and base != uris.DEFAULT_BASE and t.startswith(base) else t for t in term))
    return out.serialize(format="turtle")


def queue_up(store, queue, settings: dict, built: record.Built, kind: str, subject: str | None, person: dict,
             photo: tuple | None, lang: str) -> str:
    """Queue a conforming proposal, with IRIs that nothing else uses (``naming``); return its token."""
    if kind not in ("new", "change"):
        raise BadRequest(f"unknown kind {kind!r}")
    data, media = photo or (None, None)
    names = naming.Names(store, settings, queue)
    nodes = names.minted(built, subject)
    for _ in range(5):  # another proposal may mint the same IRI between the check and the submit: mint again
        chosen = names.free(nodes)
        proposal = Proposal(token=new_token(), kind=kind, subject=names.default(subject) if subject else None,
                            turtle=turtle(naming.renamed(built.graph, chosen), settings), contributor=person,
                            status="received", created=now(), photo=data, photo_type=media, language=lang)
        try:
            return queue.submit(proposal, minted=[names.default(str(iri)) for iri in chosen.values()])
        except Claimed:
            continue
        except QueueError as error:
            raise BadRequest(f"the proposal cannot be kept: {error}") from None
    raise Unavailable("the proposal's IRIs were taken by others five times in a row: send it again")


def check(store, built: record.Built) -> checks.Checked:
    """Validate a proposal with the build's shapes, beside the facts of what it links to."""
    return checks.check(built.graph, shapes(store), checks.facts(store.graph, built.graph))


def field_names(shown: fields.Form) -> set:
    """The names of every field, without their block's prefix."""
    names = set()
    for shape in (shown.practice, shown.initiative):
        for found in shape.fields:
            names.add(found.name)
            names |= {inner.name for inner in (found.nested.fields if found.nested else ())}
    return names


def title_of(text: str) -> str:
    """The Dutch title of the practice a proposal's Turtle holds ("" if it has none)."""
    graph = rdflib.Graph().parse(data=text, format="turtle")
    for practice in graph.subjects(RDF.type, SL.Practice):
        for title in graph.objects(practice, DCT.title):
            if getattr(title, "language", None) == "nl":
                return str(title)
    return ""
