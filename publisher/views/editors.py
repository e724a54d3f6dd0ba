"""``/redactie``: the editors' side of contributions (issue 15): log in, the queue, a proposal's diff, the actions.

Every URL here but the login needs a session of an editor whose account is enabled and has had no new password
since the session began: a browser is sent to the login, a program (that prefers JSON) gets 401. A login that
fails for any reason (an unknown name, a wrong password, a disabled account, too many tries from this address)
gets the one answer ``WRONG`` with 401 (OWASP Authentication Cheat Sheet, "Authentication and Error Messages"). Every POST carries the form's CSRF token (Flask-WTF), checked after
the session. Responses are never stored by a cache (``no-store``), not framed by another site, and send no
Referer (a proposal's URL holds its token).
"""

import threading

from flask import (Blueprint, Response, current_app, g, jsonify, redirect, render_template, request, session,
                   url_for)

from publisher.errors import Conflict, NotFound, Unauthorized, Unprocessable
from publisher.formats import HTML
from publisher.language import N_, translate
from publisher.moderation import diff, editors as accounts, queue as queues, review, throttle
from publisher.views import in_language, page_language, settings

blueprint = Blueprint("editors", __name__, url_prefix="/redactie")
PUBLIC = {"editors.login"}
_opening = threading.Lock()
WRONG = N_("Aanmelden lukt niet: de naam of het wachtwoord klopt niet, of er kwamen van hier te veel pogingen na "
           "elkaar. Wacht even en probeer het opnieuw.")
NAMES = {"received": N_("ontvangen"), "asked": N_("gevraagd"), "accepted": N_("aanvaard"),
         "declined": N_("geweigerd"), "accept": N_("aanvaard"), "decline": N_("geweigerd"), "ask": N_("gevraagd"),
         "accept-failed": N_("aanvaarden mislukt")}  # statuses and logged actions, as a page names them



@blueprint.record_once
def _read_limits(state) -> None:
    """Read ``login_rate`` when the app is made: one that is no limit stops the server (exit 2), naming it."""
    throttle.limits(state.app.config["SAMENLEVEN"]["login_rate"], "login_rate")


def queue() -> queues.Queue:
    """The proposals database, opened (and its schema brought up to date) at the first request that needs it."""
    with _opening:
        if "samenleven.queue" not in current_app.extensions:
            current_app.extensions["samenleven.queue"] = queues.open_queue(settings())
    return current_app.extensions["samenleven.queue"]


def editors() -> accounts.Editors:
    return accounts.Editors(queue(), settings()["max_login_failures"])


def client() -> str:
    """This request's client address, as the keyed hash the database keeps (``throttle.client``)."""
    return throttle.client(current_app.secret_key, request.remote_addr or "")


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@blueprint.before_request
def guard():
    """Refuse a request without an editor's session; then check the CSRF token of a POST."""
    if request.endpoint not in PUBLIC:
        name = session.get("editor")
        if not (name and editors().active(name, session.get("generation"))):
            session.pop("editor", None)
            if not wants_json() and request.method in ("GET", "HEAD"):
                return redirect(url_for("editors.login", next=request.path))
            raise Unauthorized("this is the editors' side: log in at /redactie/login first",
                               headers={"WWW-Authenticate": 'Cookie realm="redactie"'})
        g.editor = name
    if request.method == "POST":
        current_app.extensions["samenleven.csrf"].protect()


@blueprint.after_request
def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.vary.add("Cookie")
    return response


def page(template: str, status: int = 200, headers=None, **values) -> Response:
    return in_language(Response(render_template(template, names=NAMES, **values), status, headers,
                                content_type=HTML.content_type))


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    target = request.args.get("next", "")
    target = target if target.startswith("/redactie") and "//" not in target and "\\" not in target else ""
    if request.method != "POST":
        return page("editors_login.html", next=target)
    name = request.form.get("name", "").strip()
    tries = throttle.Throttle(queue(), "login", throttle.limits(settings()["login_rate"], "login_rate"))
    # Past login_rate no password is checked (a flood costs no argon2 hashing); the answer is a wrong password's.
    found = editors().login(name, request.form.get("password", ""), client()) \
        if tries.admit(client()) is None else accounts.Login(None)
    if found.editor:
        session.clear()
        session["editor"], session["generation"], session.permanent = found.editor, found.generation, True
        return redirect(target or url_for("editors.listing"), 303)
    return page("editors_login.html", 401, {"WWW-Authenticate": 'Cookie realm="redactie"'}, next=target,
                message=translate(WRONG, page_language()), name=request.form.get("name", ""))


@blueprint.post("/afmelden")
def logout():
    session.clear()
    return redirect(url_for("editors.login"), 303)


@blueprint.get("")
def listing():
    status = request.args.get("status") or None
    if status not in (None, *queues.STATUSES):
        raise Unprocessable(f"status must be one of {', '.join(queues.STATUSES)}, not {status!r}")
    last, lang = queue().last_actions(), page_language()
    rows = [{"token": p.token, "kind": p.kind, "subject": p.subject, "title": diff.title(p.turtle, lang),
             "status": p.status, "created": p.created, "contributor": p.contributor.get("name", ""),
             "conforms": last.get(p.token) != "accept-failed" or p.status not in queues.OPEN,
             "url": url_for("editors.proposal", token=p.token, _external=True)} for p in queue().listing(status)]
    if wants_json():
        return jsonify(rows)
    return page("editors_queue.html", rows=rows, status=status, statuses=queues.STATUSES)


@blueprint.get("/<token>")
def proposal(token, status=200, **shown):
    found = queue().get(token)
    if found is None:
        raise NotFound(f"no proposal {token}")
    build = current_app.extensions["samenleven.store"].require()  # not get_store(): no cacheable build response
    things = diff.compare(build, found.turtle, found.subject if found.kind == "change" else None, page_language())
    actions = queue().actions(token)
    if wants_json():
        fields = {k: v for k, v in found.__dict__.items() if k != "photo"}
        return jsonify({**fields, "actions": [a.__dict__ for a in actions], "diff": [
            {"iri": t.iri, "kind": t.kind, "rows": [r.__dict__ for r in t.rows]} for t in things]}), status
    return page("editors_proposal.html", status, proposal=found, things=things, actions=actions,
                title=diff.title(found.turtle, page_language()), open=found.status in queues.OPEN, **shown)


@blueprint.get("/<token>/foto")
def photo(token):
    found = queue().get(token)
    if found is None or not found.photo:
        raise NotFound(f"proposal {token} has no photo")
    return Response(found.photo, content_type=found.photo_type, headers={"X-Content-Type-Options": "nosniff"})


@blueprint.post("/<token>/aanvaarden")
def accept(token):
    try:
        review.accept(settings(), queue(), token, g.editor)
    except review.ReviewError as error:
        return _refused(token, error)
    return redirect(url_for("editors.proposal", token=token), 303)


@blueprint.post("/<token>/weigeren")
def decline(token):
    try:
        review.decline(settings(), queue(), token, g.editor, request.form.get("reason", ""))
    except review.ReviewError as error:
        return _refused(token, error)
    return redirect(url_for("editors.proposal", token=token), 303)


@blueprint.post("/<token>/vragen")
def ask(token):
    link = request.url_root + "bijdragen/" + token  # the contributor's page of the proposal (issue 15, the seam)
    try:
        question = review.ask(settings(), queue(), token, g.editor, request.form.get("message", ""), link)
    except review.ReviewError as error:
        return _refused(token, error)
    return proposal(token, question=question)


def _refused(token: str, error: review.ReviewError):
    """The proposal's page again with why the action was refused (and a build's report), or the problem."""
    if error.status == 404:
        raise NotFound(str(error))
    if wants_json():
        raise (Conflict if error.status == 409 else Unprocessable)(str(error) + ("\n" + error.report
                                                                                  if error.report else ""))
    return proposal(token, status=error.status, error=str(error), report=error.report)
