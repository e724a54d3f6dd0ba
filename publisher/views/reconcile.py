"""``/reconcile``: the W3C Entity Reconciliation Community Group's API, for OpenRefine and its kin.

Version 0.2 (OpenRefine 3.x): GET or form-POST ``queries`` (a JSON object ``{"q0": {...}}``) or ``extend``, with
an optional JSONP ``callback``; the manifest at ``/reconcile``. Version 1.0-draft: JSON bodies (``{"queries":
[...]}``) to ``/reconcile`` or ``/reconcile/match``, ``/reconcile/extend``; its manifest at
``/reconcile?version=1.0-draft`` (the two versions' manifests differ on ``suggest``, so one cannot be both).
Hostile input gets a 400 saying what and where, never a 500: batches are bounded by ``reconcile_max_queries``,
texts by ``reconcile_max_text``.
"""

import json
import re

from flask import Blueprint, Response, current_app, request
from markupsafe import Markup

from publisher import extension, linker
from publisher import reconcile_protocol as shapes
from publisher.errors import BadRequest, NotFound
from publisher.reconciliation import Reconciler
from publisher.views import get_store, settings

blueprint = Blueprint("reconcile", __name__)
# A JSONP callback is pasted into JavaScript: only a plain (dotted) identifier may be.
CALLBACK = re.compile(r"[A-Za-z_$][\w$.]{0,63}", re.ASCII)
CARD = Markup('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{name}</title></head>'
              '<body style="font-family:sans-serif;margin:0.5em"><p><strong>'
              '<a href="{page}" target="_blank" rel="noopener">{name}</a></strong> <small>{kind}</small></p>'
              '<p>{lines}</p></body></html>')


@blueprint.route("/reconcile", methods=["GET", "POST"])
def service():
    if _is_json():  # 1.0-draft: a batch of queries, or a data extension request
        body = _json_body()
        return match_v1() if isinstance(body, dict) and "queries" in body else extend_v1()
    queries, extend = _field("queries"), _field("extend")
    if queries is not None:
        batch = shapes.read_v02(_parse("queries", queries), _limits())
        return _answer(shapes.results_v02(_reconciler(), batch))
    if extend is not None:
        ids, wanted = shapes.read_extend(_parse("extend", extend), _limits())
        rows = extension.extend(_reconciler(), get_store().graph, ids, wanted)
        return _answer({"meta": _meta(wanted), "rows": rows})
    version = request.args.get("version", "0.2")
    if version not in shapes.VERSIONS:
        raise BadRequest(f"version must be one of {', '.join(shapes.VERSIONS)}, not {version!r}")
    get_store()
    return _answer(shapes.manifest(version, request.url_root, settings()["base"]))


@blueprint.post("/reconcile/match")
def match_v1():
    batch = shapes.read_v1(_json_body(), _limits())
    return _answer(shapes.results_v1(_reconciler(), batch))


@blueprint.post("/reconcile/extend")
def extend_v1():
    ids, wanted = shapes.read_extend(_json_body(), _limits())
    rows = extension.extend(_reconciler(), get_store().graph, ids, wanted)
    return _answer({"meta": _meta(wanted), "rows": [
        {"id": key, "properties": [{"id": p, "values": v} for p, v in values.items()]}
        for key, values in rows.items()]})


@blueprint.get("/reconcile/propose_properties")
@blueprint.get("/reconcile/extend/propose")
def propose():
    kind = request.args.get("type")
    return _answer({"type": kind or "", "properties": extension.propose(kind)})


@blueprint.get("/reconcile/suggest/<any(entity, type, property):what>")
def suggest(what):
    prefix = _text(request.args.get("prefix", ""), "prefix")
    limit = shapes.limit_of(request.args.get("limit", "10"), "limit")
    kind = request.args.get("type") if what == "entity" else None
    return _answer({"result": extension.suggest(_reconciler(), what, prefix, kind or None, limit)})


@blueprint.get("/reconcile/preview")
def preview():
    key = _text(request.args.get("id", ""), "id")
    facts = extension.card(_reconciler(), key)
    if facts is None:
        raise NotFound(f"no thing with id {key!r} in this build")
    body = CARD.format(name=facts["name"], kind=facts["type"], lines=Markup("<br>").join(facts["lines"]),
                       page=facts["uri"].replace(settings()["base"], request.url_root, 1))
    return Response(str(body), content_type="text/html; charset=utf-8")


def _reconciler() -> Reconciler:
    """The reconciler of the build in use, made once per build and server process."""
    store = get_store()
    held = current_app.extensions.get("samenleven.reconciler")
    if held is None or held[0] != store.manifest["id"]:
        places = linker.for_graph(settings()["graph_dir"])
        held = (store.manifest["id"], Reconciler(store.graph, places, settings()["base"]))
        current_app.extensions["samenleven.reconciler"] = held
    return held[1]


def _limits() -> shapes.Limits:
    return shapes.Limits(settings()["reconcile_max_queries"], settings()["reconcile_max_text"])


def _meta(wanted: list) -> list:
    return [{"id": p["id"], "name": extension.EXTEND[p["id"]]} for p in wanted]


def _field(name: str) -> str | None:
    """A form or query-string field, given once at most."""
    values = request.args.getlist(name) + (request.form.getlist(name) if request.method == "POST" else [])
    if len(values) > 1:
        raise BadRequest(f"the parameter {name} is given {len(values)} times; give it once")
    return values[0] if values else None


def _is_json() -> bool:
    return request.method == "POST" and request.mimetype.endswith("json")


def _json_body():
    """The JSON body of a 1.0-draft request."""
    if not _is_json():
        raise BadRequest("send the request as a JSON body (Content-Type: application/json)")
    return _parse("the body", request.get_data(as_text=False))


def _parse(where: str, text):
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"{where} is not JSON: {error}") from None


def _text(value: str, name: str) -> str:
    if len(value) > settings()["reconcile_max_text"]:
        raise BadRequest(f"{name} is longer than {settings()['reconcile_max_text']} characters",
                         limit="reconcile_max_text")
    return value


def _answer(data) -> Response:
    """JSON, or JSONP when a valid ``callback`` is given (0.2)."""
    body = json.dumps(data, ensure_ascii=False)
    callback = _field("callback")
    if callback is None:
        return Response(body, content_type="application/json; charset=utf-8")
    if not CALLBACK.fullmatch(callback):
        raise BadRequest("callback must be a JavaScript name: a letter, _ or $ then up to 63 letters, digits, "
                         "_, $ or dots")
    return Response(f"/**/{callback}({body});", content_type="application/javascript; charset=utf-8")

