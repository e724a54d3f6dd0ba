"""Read and write the two versions of the reconciliation protocol: 0.2 (OpenRefine 3.x) and 1.0-draft.

Requests are read strictly: a batch or a text past its limit, a value of the wrong JSON type, an unknown type or
property is a ``BadRequest`` naming the query (``q3``, ``queries[3]``) and what was wrong, so that a client never
gets a 500 or a silent guess. Specifications: https://reconciliation-api.github.io/specs/0.2/ and /draft/.
"""

from dataclasses import dataclass

from publisher import extension, uris
from publisher.errors import BadRequest
from publisher.reconciliation import TYPES, Query, Reconciler

VERSIONS = ("0.2", "1.0-draft")
NAME = "Samenleven in diversiteit: gemeenten, praktijken en initiatieven"
MOST = 25  # candidates one query may ask for
PREVIEW = {"width": 400, "height": 160}


@dataclass(frozen=True)
class Limits:
    queries: int  # queries in a batch, ids in an extension request
    text: int  # characters of a query's text or a property value


def limit_of(value, where: str) -> int:
    """Read a query's ``limit``: a whole number from 1, at most ``MOST``."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequest(f"{where}: limit must be a whole number from 1, not {value!r}")
    return min(value, MOST)


def read_v02(batch, limits: Limits) -> dict:
    """Read a 0.2 batch ``{"q0": {"query": ..., "type": ..., "limit": ..., "properties": [...]}}``."""
    if not isinstance(batch, dict) or not batch:
        raise BadRequest("queries must be a JSON object of queries, such as {\"q0\": {\"query\": \"Gent\"}}")
    _count(len(batch), limits)
    read = {}
    for key, item in batch.items():
        if not isinstance(item, dict):
            raise BadRequest(f"{key}: a query must be a JSON object")
        query = Query(_string(item.get("query", ""), f"{key}.query", limits), _type(item.get("type"), key),
                      limit_of(item.get("limit", 5), key))
        properties = item.get("properties", [])
        if not isinstance(properties, list):
            raise BadRequest(f"{key}: properties must be a list of {{\"pid\": ..., \"v\": ...}}")
        for prop in properties:
            pid = prop.get("pid", prop.get("p")) if isinstance(prop, dict) else None
            if not isinstance(pid, str):
                raise BadRequest(f"{key}: each property needs a pid (one of {', '.join(extension.PROPERTIES)})")
            query.properties[pid] = _value(prop.get("v"), f"{key}.{pid}", limits)
        read[key] = query
    return read


def read_v1(body, limits: Limits) -> list:
    """Read a 1.0-draft batch ``{"queries": [{"type": ..., "conditions": [...]}]}``."""
    items = body.get("queries") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise BadRequest("the body must be {\"queries\": [...]}, a JSON list of queries")
    _count(len(items), limits)
    read = []
    for n, item in enumerate(items):
        where = f"queries[{n}]"
        conditions = item.get("conditions") if isinstance(item, dict) else None
        if not isinstance(conditions, list) or not conditions:
            raise BadRequest(f"{where}: a query needs a non-empty list of conditions")
        query = Query(type=_type(item.get("type"), where), limit=limit_of(item.get("limit", 5), where))
        for c, condition in enumerate(conditions):
            at = f"{where}.conditions[{c}]"
            kind = condition.get("matchType") if isinstance(condition, dict) else None
            value = _value(condition.get("propertyValue") if kind else None, at, limits)
            if kind == "name":
                query.text = value
            elif kind == "id":
                query.properties["@id"] = value
            elif kind == "property" and isinstance(condition.get("propertyId"), str):
                query.properties[condition["propertyId"]] = value
            else:
                raise BadRequest(f"{at}: matchType must be name, id or property (with a propertyId)")
        read.append(query)
    return read


def read_extend(body, limits: Limits) -> tuple:
    """Read a data extension request ``{"ids": [...], "properties": [{"id": ..., "settings": {...}}]}``."""
    ids = body.get("ids") if isinstance(body, dict) else None
    wanted = body.get("properties") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(wanted, list) \
            or not all(isinstance(p, dict) and isinstance(p.get("settings", {}), dict) for p in wanted):
        raise BadRequest("extend must be {\"ids\": [text, ...], \"properties\": [{\"id\": text}, ...]}")
    _count(len(ids), limits)
    return [_string(i, "ids", limits) for i in ids], wanted


def _reconcile(reconciler: Reconciler, query: Query) -> list:
    key = query.properties.pop("@id", None)
    return reconciler.identified(key) if key is not None and not query.text else reconciler.match(query)


def results_v02(reconciler: Reconciler, batch: dict) -> dict:
    out = {}
    for key, query in batch.items():
        found = _where(key, lambda: _reconcile(reconciler, query))
        out[key] = {"result": [{"id": r.id, "name": r.name, "description": r.description, "score": r.score,
                                "match": r.match, "type": [{"id": r.type, "name": r.type}]} for r in found]}
    return out


def results_v1(reconciler: Reconciler, batch: list) -> dict:
    results = []
    for n, query in enumerate(batch):
        found = _where(f"queries[{n}]", lambda: _reconcile(reconciler, query))
        results.append({"candidates": [{"id": r.id, "name": r.name, "description": r.description,
                                        "score": r.score, "match": r.match,
                                        "type": [{"id": r.type, "name": r.type}]} for r in found]})
    return {"results": results}


def manifest(version: str, root: str, base: str) -> dict:
    """The service manifest of a version, its URLs on ``root`` (the address the client reached)."""
    common = {"versions": list(VERSIONS), "name": NAME, "identifierSpace": f"{base}id/", "schemaSpace": uris.NS,
              "defaultTypes": [{"id": "Municipality", "name": TYPES["Municipality"]}]}
    if version == "1.0-draft":
        setting = extension.SETTING_ON
        return {**common, "view": {"url": f"{root}id/{{id}}"}, "preview": PREVIEW,
                "suggest": {"entity": True, "type": True, "property": True},
                "extend": {"proposeProperties": True, "propertySettings": [
                    {"type": "text", "default": "", "id": "on", "name": setting["label"],
                     "helpText": setting["help_text"]}]}}
    service = root.rstrip("/")
    return {**common, "view": {"url": f"{root}id/{{{{id}}}}"},
            "preview": {"url": f"{root}reconcile/preview?id={{{{id}}}}", **PREVIEW},
            "suggest": {what: {"service_url": service, "service_path": f"/reconcile/suggest/{what}"}
                        for what in ("entity", "type", "property")},
            "extend": {"propose_properties": {"service_url": service, "service_path": "/reconcile/propose_properties"},
                       "property_settings": [extension.SETTING_ON]}}


def _where(where: str, run):
    try:
        return run()
    except BadRequest as error:
        raise BadRequest(f"{where}: {error.detail}") from None


def _count(n: int, limits: Limits) -> None:
    if n > limits.queries:
        raise BadRequest(f"a batch of {n} is more than reconcile_max_queries ({limits.queries}); send smaller "
                         "batches", limit="reconcile_max_queries")


def _type(value, where: str):
    if value is None or value == "" or isinstance(value, str):
        return value or None
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    raise BadRequest(f"{where}: type must be one type id, one of {', '.join(TYPES)}")


def _string(value, where: str, limits: Limits) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{where} must be text, not {type(value).__name__}")
    if len(value) > limits.text:
        raise BadRequest(f"{where} is longer than reconcile_max_text ({limits.text} characters)",
                         limit="reconcile_max_text")
    return value


def _value(value, where: str, limits: Limits) -> str:
    """A property value as text: a string, a number, an entity ``{"id": ...}``, or the first of a list."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return _string(value, where, limits)
