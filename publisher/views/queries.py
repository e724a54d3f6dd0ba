"""``/queries``: the canned queries as a list, as pages with a form, and as small APIs by suffix."""

from flask import Blueprint, current_app, make_response, render_template, request, url_for

from publisher import formats, linker, pickers, queries
from publisher.errors import BadRequest, HTTPProblem, NotFound
from publisher.formats import HTML, Format
from publisher.language import N_
from publisher.views import get_store, in_language, page_language, settings
from publisher.views.representation import execute, offered, recompact, respond, table

blueprint = Blueprint("queries", __name__)
LISTING = (Format("json", "application/json", None, (), "JSON"), HTML)


@blueprint.get("/queries")
@blueprint.get("/queries.<suffix>")
def listing(suffix=None):
    canned = _all()
    fmt = formats.negotiate(LISTING, request, suffix)
    if fmt is HTML:
        return in_language(make_response(render_template("queries.html", canned=canned), {"Vary": "Accept"}))
    return current_app.json.response([_summary(query) for query in canned.values()]), {"Vary": "Accept"}


@blueprint.get("/queries/<name>")
@blueprint.get("/queries/<name>.<suffix>")
def run(name, suffix=None):
    query = _all().get(name)
    if query is None:
        raise NotFound(N_("er is geen kant-en-klare vraag %(name)s; zie /queries"), values={"name": repr(name)})
    repeated = [p.name for p in query.parameters if len(request.args.getlist(p.name)) > 1]
    if repeated:
        raise BadRequest(N_("de parameter %(name)s staat meer dan eens in het verzoek; geef elke parameter één keer"),
                         values={"name": repeated[0]})
    fmt = formats.negotiate(_offered(query), request, suffix)
    store = get_store().graph
    if fmt is HTML:
        return _page(query, store)
    given, _, asked = _named(query)
    if asked:
        raise BadRequest(f"{pickers.name_field(asked[0].parameter)}={asked[0].text!r}: {asked[0].message}")
    bindings = queries.bind(query, given, store, settings()["base"])
    answer = execute(query.text, fmt, query.volatile, bindings)
    if fmt.name == "jsonld":  # compacted with /context.jsonld, as the documents are
        answer.body = recompact(answer.body)
    return respond(answer, fmt)


def _page(query: queries.Canned, store):
    given, linked, asked = _named(query)
    values = {p.name: given.get(p.name, p.default or "") for p in query.parameters}
    choices = {p.name: queries.allowed(p, store, settings()["base"], page_language()) for p in query.parameters}
    answer, problem, status = None, None, 400 if asked else 200
    missing = [p for p in query.parameters if p.required and not values[p.name]]
    try:
        if not missing and not asked:  # a first visit shows the form until every required value is filled in
            bindings = queries.bind(query, given, store, settings()["base"], choices)
            answer = table(execute(query.text, HTML, query.volatile, bindings), query.columns)
    except HTTPProblem as error:
        problem, status = error, error.status
    downloads = [(fmt, url_for("queries.run", name=query.name, suffix=fmt.name, **values))
                 for fmt in _offered(query)[:-1]]
    return in_language(make_response(render_template(
        "query.html", query=query, values=values, choices=choices, answer=answer, problem=problem,
        downloads=downloads, places=_municipalities(query), linked=linked, asked=asked,
        name_field=pickers.name_field), status, {"Vary": "Accept"}))


def _named(query: queries.Canned) -> tuple[dict, list, list]:
    """The form's values with each municipality typed by name linked to its NIS code: (values, what was linked as
    (name typed, NIS code, municipality), what must be asked back as ``pickers.Asked``)."""
    given, linked, asked = request.args.to_dict(), [], []
    for parameter in (p for p in query.parameters if p.municipality):
        typed = given.pop(pickers.name_field(parameter.name), "").strip()
        if typed:
            found = pickers.resolve(linker.for_graph(settings()["graph_dir"]), parameter.name, typed)
            if isinstance(found, pickers.Asked):
                asked.append(found)
            else:
                given[parameter.name] = found[0]
                linked.append((typed, *found))
    return given, linked, asked


def _municipalities(query: queries.Canned) -> list:
    """The municipalities by province for a query with a municipality parameter, listed once per build and language."""
    if not any(p.municipality for p in query.parameters):
        return []
    store, lang = get_store(), page_language()
    return store.kept(("municipality choices", lang), lambda: pickers.choices(store.graph, lang))


def _offered(query: queries.Canned) -> tuple:
    return offered(query.form)


def _all() -> dict:
    return current_app.extensions["samenleven.queries"]


def _summary(query: queries.Canned) -> dict:
    page = url_for("queries.run", name=query.name, _external=True)
    return {
        "name": query.name, "title": query.title, "description": query.description, "tags": query.tags,
        "form": query.form, "url": page,
        "api": {fmt.name: f"{page}.{fmt.name}" for fmt in _offered(query)[:-1]},
        "parameters": [{"name": p.name, "type": p.type, "default": p.default, "required": p.required,
                        "pattern": p.pattern, "values": p.values, "scheme": p.scheme, "description": p.description,
                        "municipality": p.municipality}
                       for p in query.parameters],
        "columns": query.columns,
        "query": query.text,
    }
