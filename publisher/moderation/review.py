"""What an editor's decision does: accept writes the reviewed file into ``graph/`` and builds; decline and ask
answer the contributor. The same for the pages of ``/redactie`` and for ``samenleven proposals``.

Accepting publishes only through a validated build, as ``samenleven import`` does: the proposal's Turtle is
written as the importer writes a file (``importer.write``), the real ``samenleven build`` runs (its lock keeps it
the only one), and when the build refuses, the file is taken out again, nothing is published, and the editor gets
the build's report. No submitted value becomes a path: the file is named after the practice's key, which must be
a slug as ``uris.slugify`` makes it.
"""

import fcntl
import os
import smtplib
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import rdflib
from rdflib.namespace import RDF

from publisher import config, importer, uris
from publisher.artefacts import MEDIA  # graph/media/: the accepted photos, which the build copies
from publisher.errors import PublisherError
from publisher.moderation.queue import OPEN, Proposal, Queue, QueueError

SL, SCHEMA = importer.SL, importer.SCHEMA
SUFFIXES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
ACCEPT_LOCK = "accept.lock"  # in build_dir
REPORT_SIZE = 20000  # characters of a build's report kept in the log of actions


class ReviewError(PublisherError):
    """An action the proposal's state or content does not allow, or a build that refused it (``report``)."""

    def __init__(self, message: str, report: str = "", status: int = 409):
        self.report, self.status = report, status
        super().__init__(message)


@dataclass(frozen=True)
class Question:
    """A question to a contributor: sent by mail, or the text for the editor to send."""

    to: str
    subject: str
    text: str
    sent: bool


def open_proposal(queue: Queue, token: str) -> Proposal:
    """Return a proposal an editor can still act on.

    :raises ReviewError: no such proposal (404), or it is accepted or declined already (409).
    """
    proposal = queue.get(token)
    if proposal is None:
        raise ReviewError(f"no proposal {token}", status=404)
    if proposal.status not in OPEN:
        raise ReviewError(f"proposal {token} is {proposal.status} already")
    return proposal


def accept(settings: dict, queue: Queue, token: str, editor: str, build=None) -> str:
    """Write the proposal into ``graph/``, build, and mark it accepted; return the published practice's IRI.

    One accept at a time (a lock on ``{build_dir}/accept.lock``, across server processes and the command), so that
    no accept builds, or puts back, the files of another.

    :raises ReviewError: the proposal cannot be accepted, or the build refused it (its report attached; the
        graph folder is as it was).
    """
    with _decisions(settings):
        return _accept(settings, queue, token, editor, build)


@contextmanager
def _decisions(settings: dict):
    """Hold the lock under which every decision on a proposal is taken, across server processes and the command:
    a decline or a question waits for an accept's build, and then finds the proposal closed."""
    folder = Path(settings["build_dir"])
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ACCEPT_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        yield


def _accept(settings: dict, queue: Queue, token: str, editor: str, build) -> str:
    proposal = open_proposal(queue, token)
    graph = importer.bound(rdflib.Graph())
    try:
        graph.parse(data=proposal.turtle, format="turtle", publicID=uris.DEFAULT_BASE)
    except Exception as error:  # rdflib raises many kinds for bad Turtle
        raise ReviewError(f"the proposal's Turtle does not parse: {error}", status=422) from None
    practice = practice_of(graph, proposal)
    key = practice.rsplit("/", 1)[-1]
    path = _target(Path(settings["graph_dir"]), proposal, practice, key)
    saved = {path: _read(path)}
    try:
        if proposal.photo:
            photo = Path(settings["graph_dir"]) / MEDIA / f"{key}.{SUFFIXES[proposal.photo_type]}"
            saved[photo] = _read(photo)
            _picture(graph, practice, proposal, photo.name, settings)
            photo.parent.mkdir(parents=True, exist_ok=True)
            photo.write_bytes(proposal.photo)
        header = (f"# Proposed on {proposal.created} through the contribution form, accepted by {editor}.\n"
                  "# Reviewed in /redactie; `samenleven proposals show` gives the proposal and its log.\n\n")
        importer.write(importer.Imported(graph, path), path, force=True, header=header)
        code, output = (build or run_build)(settings)
    except BaseException:  # a failed spawn, a killed worker: the next build must not publish it unreviewed
        _restore(saved)
        raise
    if code != 0:
        _restore(saved)
        queue.log(token, editor, "accept-failed", output[-REPORT_SIZE:])
        what = "another build is running; try again in a moment" if code == 3 else "the build refused it"
        raise ReviewError(f"not published: {what}", report=output, status=503 if code == 3 else 422)
    published = uris.Minter(settings["base"]).rebase(str(practice))
    with _refusal():
        queue.accept(token, editor, published)
    return published


def practice_of(graph: rdflib.Graph, proposal: Proposal) -> rdflib.URIRef:
    """The one practice a proposal describes, the one it changes for a change.

    :raises ReviewError: none, several, a key that is not a slug, or another practice than the change's subject.
    """
    found = [s for s in set(graph.subjects(RDF.type, SL.Practice)) if isinstance(s, rdflib.URIRef)]
    if len(found) != 1:
        raise ReviewError(f"the proposal describes {len(found)} practices; it must describe one", status=422)
    practice = found[0]
    key = practice.rsplit("/", 1)[-1]
    if str(practice) != uris.Minter().thing(uris.PRACTICE, key) or not key or uris.slugify(key) != key:
        raise ReviewError(f"the practice's IRI {practice} is not {uris.DEFAULT_BASE}id/{uris.PRACTICE}/ "
                          "followed by a slug", status=422)
    if proposal.kind == "change" and _default_base(proposal.subject) != str(practice):
        raise ReviewError(f"the change is about {proposal.subject} but describes {practice}", status=422)
    return practice


def _default_base(iri: str | None) -> str:
    """An IRI of any base as the files of ``graph/`` write it (``DEFAULT_BASE``)."""
    iri = str(iri or "")
    marker = iri.find(f"/id/{uris.PRACTICE}/")
    return uris.DEFAULT_BASE + iri[marker + 1:] if marker >= 0 else iri


def _target(graph_dir: Path, proposal: Proposal, practice, key: str) -> Path:
    """The file a proposal goes to: a new ``praktijk-{key}.ttl``, or the file that defines the changed practice."""
    if proposal.kind == "new":
        path = graph_dir / f"praktijk-{key}.ttl"
        if path.exists():
            raise ReviewError(f"{path.name} exists already in the graph folder: a practice of this title is "
                              "published; propose a change to it instead")
        return path
    for path in sorted(graph_dir.glob("*.ttl")):
        defined = rdflib.Graph().parse(path, format="turtle", publicID=uris.DEFAULT_BASE)
        if (practice, RDF.type, SL.Practice) in defined:
            others = set(defined.subjects(RDF.type, SL.Practice)) - {practice}
            if others:  # the file is rewritten whole: it may hold no other practice
                raise ReviewError(f"{path.name} defines {len(others)} other practice(s) as well; apply this "
                                  "change by hand", status=422)
            return path
    raise ReviewError(f"no file of the graph folder defines {practice}, which the change is about", status=422)


def _picture(graph, practice, proposal: Proposal, name: str, settings: dict) -> None:
    """Link the photo, published at ``/media/{name}``, with its credit and licence (schema.org ImageObject)."""
    image = next(iter(graph.objects(practice, SCHEMA.image)), None)
    if image is None:
        image = rdflib.BNode()
        graph.add((practice, SCHEMA.image, image))
    graph.add((image, RDF.type, SCHEMA.ImageObject))
    graph.set((image, SCHEMA.contentUrl, rdflib.URIRef(uris.Minter().media(name))))
    graph.set((image, SCHEMA.encodingFormat, rdflib.Literal(proposal.photo_type)))
    if graph.value(image, SCHEMA.creditText) is None:
        who = proposal.contributor
        credit = ", ".join(filter(None, (who.get("name"), who.get("organisation"))))
        graph.add((image, SCHEMA.creditText, rdflib.Literal(credit or "onbekend")))
    if graph.value(image, SCHEMA.license) is None:
        graph.add((image, SCHEMA.license, rdflib.URIRef(settings["license"])))


def _restore(saved: dict) -> None:
    """Put ``graph/`` back as it was: nothing of a proposal that was not published stays."""
    for file, content in saved.items():
        file.unlink(missing_ok=True) if content is None else file.write_bytes(content)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def run_build(settings: dict) -> tuple[int, str]:
    """Run ``samenleven build`` with these settings in its own process; return its exit code and output."""
    environment = dict(os.environ, **{s.env: str(settings[s.name]) for s in config.SETTINGS})
    done = subprocess.run([sys.executable, "-m", "publisher", "build"], env=environment, cwd=config.PROJECT_DIR,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return done.returncode, (done.stdout + done.stderr).strip()


def decline(settings: dict, queue: Queue, token: str, editor: str, reason: str) -> None:
    """Decline with the reason the contributor reads on the proposal's page.

    :raises ReviewError: no reason, or a proposal that cannot be declined.
    """
    if not str(reason or "").strip():
        raise ReviewError("a decline needs a reason, for the contributor to read", status=422)
    with _decisions(settings):
        open_proposal(queue, token)
        with _refusal():
            queue.decline(token, editor, reason)


def ask(settings: dict, queue: Queue, token: str, editor: str, message: str, link: str) -> Question:
    """Store a question to the contributor and send it by mail when ``smtp`` names a server; return it.

    :raises ReviewError: no text, a proposal that is closed, or a mail server that refused it (nothing stored).
    """
    if not str(message or "").strip():
        raise ReviewError("a question needs a text", status=422)
    with _decisions(settings):
        return _ask(settings, queue, token, editor, message, link)


def _ask(settings: dict, queue: Queue, token: str, editor: str, message: str, link: str) -> Question:
    proposal = open_proposal(queue, token)
    question = Question(to=proposal.contributor.get("email", ""), subject="Je voorstel aan Samenleven in diversiteit",
                        text=f"{message.strip()}\n\n{link}\n", sent=False)
    if settings["smtp"].strip() and question.to:
        host, _, port = settings["smtp"].strip().rpartition(":")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = settings["contact_email"], question.to, question.subject
        mail.set_content(question.text)
        try:
            with smtplib.SMTP(host or port, int(port) if host else 25, timeout=30) as server:
                server.send_message(mail)
        except (OSError, smtplib.SMTPException) as error:
            raise ReviewError(f"the mail server {settings['smtp']} did not take the message: {error}",
                              status=502) from None
        question = Question(question.to, question.subject, question.text, sent=True)
    with _refusal():
        queue.ask(token, editor, message)
    return question


@contextmanager
def _refusal():
    """Turn the queue's refusal (another editor acted on the proposal a moment ago) into a review's."""
    try:
        yield
    except QueueError as error:
        raise ReviewError(str(error)) from None
