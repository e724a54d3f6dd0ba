"""``/bijdragen``: the form to propose a practice (or a change to one), its API, and the proposal's own page.

``GET /bijdragen`` is the form made from the shapes (``publisher.contribute.fields``); ``?praktijk=KEY`` fills it
from the build to propose a change. ``POST /bijdragen`` takes the form (with its CSRF token, honeypot and signed
fill time), or JSON-LD or Turtle (an API: no token). A proposal that conforms to the build's shapes is queued
(``publisher.moderation.queue``) and answered with 303 (a browser) or 202 and its URL; one that does not, with the
form again, each message beside its field and every value kept, or 422 and the SHACL report. Nothing is
published: the editors review the queue. ``/contribute`` leads to the form in English.
"""

import re

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf, validate_csrf
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from publisher import context as contexts
from publisher.contribute import checks, guard, intake, photos, record, submission
from publisher.errors import BadRequest, NotFound, PayloadTooLarge, TooManyRequests, UnsupportedMediaType
from publisher.language import N_, pick, translate
from publisher.moderation import throttle
from publisher.moderation.queue import open_queue
from publisher.views import in_language, page_language, settings

blueprint = Blueprint("contribute", __name__)
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
GRAPHS = ("application/ld+json", "text/turtle")
ANSWERS = ("text/html", "application/json", "application/problem+json", "text/turtle", "application/ld+json")
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")  # secrets.token_urlsafe(24) is 32 of these
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@blueprint.record_once
def _read_limits(state) -> None:
    """Read ``contribute_rate`` when the app is made: one that is no limit stops the server (exit 2), naming it."""
    throttle.limits(state.app.config["SAMENLEVEN"]["contribute_rate"], "contribute_rate")


def _store():
    # Not views.get_store: these answers hold a CSRF token or a proposal, and must never be cached as the build's.
    return current_app.extensions["samenleven.store"].require()


def _queue():
    app = current_app._get_current_object()
    if "samenleven.queue" not in app.extensions:
        app.extensions["samenleven.queue"] = open_queue(settings())
    return app.extensions["samenleven.queue"]


@blueprint.get("/contribute")
def english():
    """Send the English address to the form in English."""
    kept = {name: value for name, value in request.args.items() if name != "lang" and not name.startswith("_")}
    return redirect(url_for("contribute.form", **kept, lang="en"), 301)


@blueprint.get("/bijdragen")
def form():
    store = _store()
    subject, values = None, MultiDict()
    if "praktijk" in request.args:
        subject = intake.practice(store, settings(), request.args["praktijk"])
        values = MultiDict([(k, v) for k, vs in record.from_build(
            intake.form(store), store.graph, subject, intake.context(store, settings(), None).linker).items()
            for v in vs])
    return page(store, values, {}, {}, subject, 200)


@blueprint.post("/bijdragen")
def submit():
    s = settings()
    request.max_content_length = s["contribute_max_size"] + s["photo_max_size"]
    if request.mimetype in FORMS and request.form.get("meer"):
        return more(_store(), s)  # nothing is sent yet, so it does not count against the limit
    if request.mimetype in FORMS + GRAPHS:
        # Counted in the queue's database, which every server process shares (moderation.throttle).
        tries = throttle.Throttle(_queue(), "contribute", throttle.limits(s["contribute_rate"], "contribute_rate"))
        past = tries.admit(throttle.client(current_app.secret_key, request.remote_addr or ""))
        if past is not None:
            raise TooManyRequests(f"this address has sent its share of proposals ({past}; the setting "
                                  "contribute_rate): send the next one later", limit="contribute_rate",
                                  headers={"Retry-After": str(past.get_expiry())})
        return from_form(_store(), s) if request.mimetype in FORMS else from_graph(_store(), s)
    raise UnsupportedMediaType(f"send the form ({', '.join(FORMS)}) or a practice record as {' or '.join(GRAPHS)}, "
                               f"not {request.mimetype or 'a body without a type'}")


def checked_form(store, s: dict) -> str | None:
    """Check the form's CSRF token, honeypot and fill time; return the practice a change is about, if any."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        raise BadRequest(f"the form's CSRF token is not right ({error}): open the form again and send it from "
                         "there") from None
    guard.check(request.form, current_app.secret_key, s["contribute_min_seconds"])
    subject = request.form.get("onderwerp") or None
    return intake.practice(store, s, subject.rsplit("/", 1)[-1]) if subject is not None else None


def more(store, s: dict):
    """The same form with one more initiative; nothing is checked or sent yet."""
    return page(store, request.form, {}, {}, checked_form(store, s), 200, extra=1)


def from_form(store, s: dict):
    subject = checked_form(store, s)
    ctx = intake.context(store, s, subject)
    built = record.to_graph(intake.form(store), request.form, ctx)
    intake.add_source(built.graph, ctx)
    if subject:
        intake.carry(store, built, intake.form(store), ctx)
    errors = dict(built.errors)
    person = intake.contributor(request.form, errors)
    photo = None
    upload = request.files.get("foto")
    if upload is not None and upload.filename:
        try:
            photo = photos.clean(upload.read(s["photo_max_size"] + 1), s["photo_max_size"])
        except photos.PhotoError as error:
            errors.setdefault("foto", []).append((error.message, error.detail))
    if subject is None and intake.exists(store, built):
        errors.setdefault("dct:title", []).append((N_("Er is al een praktijk met deze titel: stel daar een "
                                                             "wijziging voor."), str(built.practice)))
    checked = intake.check(store, built)
    names = intake.field_names(intake.form(store))
    for name, said in checks.on_fields(checked, intake.shapes(store), built.blocks, names, page_language()).items():
        errors.setdefault(name, []).extend(said)
    if errors:
        return page(store, request.form, errors, built.ambiguous, subject, 422)
    token = intake.queue_up(store, _queue(), s, built, "change" if subject else "new", subject, person, photo,
                            page_language())
    return accepted(token)


def from_graph(store, s: dict):
    if request.content_length is None or request.content_length > s["contribute_max_size"]:
        raise PayloadTooLarge(f"a submission in {request.mimetype} is at most {s['contribute_max_size']} bytes "
                              "(contribute_max_size), with its Content-Length", limit="contribute_max_size")
    own = store.kept(("contribute", "context"), lambda: contexts.of_build(str(store.folder)))
    triples = submission.parse(request.get_data(), request.mimetype, request.url_root + contexts.NAME, own)
    from publisher import validate
    ctx = intake.context(store, s, None)
    submitted = submission.read(validate.to_rdflib(triples), store.graph, ctx)
    intake.add_source(submitted.built.graph, ctx)
    checked = intake.check(store, submitted.built)
    if not checked.conforms:
        return report(checked)
    if not intake.EMAIL.fullmatch(submitted.contributor["email"]):
        raise submission.Unprocessable("say who you are: a schema:Person with schema:name and schema:email")
    token = intake.queue_up(store, _queue(), s, submitted.built, submitted.kind, submitted.subject,
                            submitted.contributor, None, page_language())
    return accepted(token)


def accepted(token: str):
    """303 to the proposal's page for a browser; 202 with its URL for a program (RFC 9110, 15.3.3)."""
    url = url_for("contribute.proposal", token=token, _external=True)
    if request.accept_mimetypes.best_match(ANSWERS[:2]) == "text/html" and request.mimetype in FORMS:
        return redirect(url, 303)
    body = current_app.json.response({"proposal": url, "status": "received"})
    return body, 202, {"Location": url, **PRIVATE}


def report(checked: checks.Checked):
    """422 with the violations: the SHACL report in Turtle or JSON-LD, or a problem in JSON."""
    kind = request.accept_mimetypes.best_match(ANSWERS[1:], default="application/problem+json")
    if kind in ("text/turtle", "application/ld+json"):
        body = checked.graph.serialize(format="turtle" if kind == "text/turtle" else "json-ld")
        return Response(body, 422, content_type=f"{kind}; charset=utf-8", headers=PRIVATE)
    body = {"type": "about:blank", "title": "Unprocessable content", "status": 422,
            "detail": f"the proposal does not conform to the shapes: {len(checked.results)} violation(s)",
            "violations": checks.problems(checked)}
    return current_app.json.response(body), 422, {"Content-Type": "application/problem+json", **PRIVATE}


def page(store, values, errors: dict, ambiguous: dict, subject, status: int, extra: int = 0) -> Response:
    """The form, with ``values`` filled in and each message of ``errors`` beside its field."""
    lang, shown = page_language(), intake.form(store)
    filled = [n for n in range(1, record.MAX_INITIATIVES + 1) if record.values_in(values, f"i{n}.", shown.initiative)]
    count = min(max(filled, default=0) + extra, record.MAX_INITIATIVES) or 1
    said = {name: [(translate(m, lang), d) for m, d in found] for name, found in errors.items()}
    body = render_template("contribute.html", form=shown, values=values, errors=said, ambiguous=ambiguous,
                           subject=subject, initiatives=count, groups=shown.practice.groups(shown.groups),
                           initiative_groups=shown.initiative.groups(shown.groups), contributor=intake.CONTRIBUTOR,
                           csrf=generate_csrf(), started=guard.stamp(current_app.secret_key),
                           honeypot=guard.HONEYPOT, nested=nested_count, text=lambda found: _text(found, lang),
                           choices=lambda found: _choices(found, lang),
                           max_photo=settings()["photo_max_size"] // 1048576, record=record)
    return in_language(Response(body, status, content_type="text/html; charset=utf-8", headers=PRIVATE))


def nested_count(values, name: str, shape) -> int:
    """How many blocks a nested field shows: those filled in, and one empty."""
    filled = [k for k in range(1, record.MAX_NESTED + 1) if record.values_in(values, f"{name}.{k}.", shape)]
    return min(max(filled, default=0) + 1, record.MAX_NESTED)


def _choices(found, lang: str) -> list:
    """A field's choices as (IRI, label, the label's language), by label in the reader's language."""
    labelled = [(iri, pick(labels, lang)) for iri, labels in found.choices]
    return sorted(((iri, label.value if label else iri, label.language if label else None) for iri, label in labelled),
                  key=lambda choice: choice[1].casefold())


def _text(literals, lang: str) -> str:
    found = pick(literals, lang)
    return found.value if found else ""


@blueprint.get("/bijdragen/<token>")
def proposal(token: str):
    found = _queue().get(token) if TOKEN.fullmatch(token) else None  # no database is asked about garbage
    if found is None:
        raise NotFound("there is no proposal at this address; check that you copied all of it")
    title = intake.title_of(found.turtle)
    if request.accept_mimetypes.best_match(ANSWERS[:2]) == "application/json":
        body = {"status": found.status, "kind": found.kind, "title": title, "created": found.created,
                "reason": found.reason, "published": found.published}
        return current_app.json.response(body), 200, PRIVATE
    body = render_template("proposal.html", proposal=found, title=title)
    return in_language(Response(body, content_type="text/html; charset=utf-8", headers=PRIVATE))
