"""The canned queries in ``queries/``: SPARQL files with a ``#+`` front matter that makes each a small API.

The front matter is YAML in comment lines at the top of the file, in the manner of grlc's decorators::

    #+ title: {nl: Praktijken in een gemeente, en: Practices in a municipality}
    #+ description: {nl: ..., en: ...}
    #+ tags: [gemeente]
    #+ parameters:
    #+   nis: {type: string, pattern: "[0-9]{5}", default: "44021", municipality: true, description: {nl: ..., en: ...}}
    #+ columns:
    #+   title: {nl: Titel, en: Title}

``columns`` gives the titles of a result table's columns by variable, in both languages (the HTML only; a
variable it does not name is titled by its name). A ``municipality`` parameter (a NIS code) is offered on the
query's page as a choice of municipalities by name, and a name typed there is linked (``publisher.pickers``).

A parameter's allowed ``values`` map each value to its label, a text or ``{nl: ..., en: ...}`` so that the form
offers it in the page's language. A parameter is a variable of the query, bound with pyoxigraph's substitutions (so the query must project it);
its value is checked against its type, pattern and allowed values first. An optional parameter left out stays
unbound; test it with ``FILTER(COALESCE(?x = ?param, true))``, not ``BOUND(?param)``, which pyoxigraph 0.5
evaluates before the substitution (always false). Types: ``string``, ``integer``,
``date``, ``iri``, and ``concept`` (a concept's notation in the ``scheme`` named, bound as a string).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import yaml

from publisher import language, sparql
from publisher.errors import BadRequest, InputError
from publisher.store.embedded import check_syntax
from publisher.vocab import XSD

# libyaml's safe loader where PyYAML has it (the same YAML, about ten times faster: the front matter of every
# canned query is read at each start), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KEYS = {"title", "description", "tags", "parameters", "columns"}
PARAMETER_KEYS = {"type", "description", "default", "required", "pattern", "values", "scheme", "municipality"}
TYPES = ("string", "integer", "date", "iri", "concept")
LANGUAGES = ("nl", "en")
NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass
class Parameter:
    name: str
    type: str
    description: dict
    default: str | None = None
    required: bool = False
    pattern: str | None = None
    values: dict | None = None  # allowed value -> its Dutch label
    scheme: str | None = None
    municipality: bool = False  # a NIS code: the form offers municipalities by name
    labels: dict = field(default_factory=dict)  # allowed value -> {language: label}, when the front matter has them

    def term(self, raw: str, allowed: dict | None = None):
        """Check a value given as text and return it as the RDF term bound to the variable.

        :param allowed: the allowed values when they come from the data (a concept scheme).
        :raises BadRequest: naming the parameter and what it accepts.
        """
        raw = raw.strip()
        allowed = allowed if allowed is not None else self.values
        if allowed is not None and raw not in allowed:
            raise BadRequest(f"parameter {self.name}={raw!r} is not one of: {', '.join(allowed)}")
        if self.pattern and not re.fullmatch(self.pattern, raw):
            raise BadRequest(f"parameter {self.name}={raw!r} does not match {self.pattern}")
        try:
            if self.type == "integer":
                return ox.Literal(str(int(raw)), datatype=XSD.integer)
            if self.type == "date":
                return ox.Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
            if self.type == "iri":
                return ox.NamedNode(raw)
        except ValueError:
            raise BadRequest(f"parameter {self.name}={raw!r} is not a valid {self.accepts}") from None
        return ox.Literal(raw)

    @property
    def accepts(self) -> str:
        return {"integer": "integer", "date": "date (YYYY-MM-DD)", "iri": "absolute IRI",
                "concept": "concept notation", "string": "text"}[self.type]


@dataclass
class Canned:
    """One canned query."""

    name: str
    path: Path
    text: str
    form: str
    title: dict
    description: dict
    tags: list = field(default_factory=list)
    parameters: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # variable -> {nl, en}: the titles of the result table's columns
    volatile: bool = False  # it calls NOW(), RAND() or UUID(): its answers are not kept (``sparql.outline``)

    def label(self, language: str = "nl") -> str:
        return self.title.get(language) or self.title["nl"]

    def text_in(self, key: str, language: str) -> str:
        """The query's ``title`` or ``description`` in ``language`` (the front matter gives both)."""
        texts = getattr(self, key)
        return texts.get(language) or texts["nl"]


def load(folder: Path) -> dict[str, Canned]:
    """Read every ``*.rq`` in ``folder``, by name; once per process while the files stay as they were (gunicorn's
    master reads them before it forks, so its workers start with them read).

    :raises InputError: a file with bad front matter or a query that does not parse, with its file and line.
    """
    paths = sorted(Path(folder).glob("*.rq"))
    seen = tuple((str(path.resolve()), path.stat().st_mtime_ns, path.stat().st_size) for path in paths)
    if seen not in _READ:
        _READ.clear()  # one folder's queries kept, the last read: a server reads one
        _READ[seen] = {canned.name: canned for canned in map(read, paths)}
    return dict(_READ[seen])


_READ: dict = {}  # the queries last read, by what their files were (path, modification time, size)


def read(path: Path) -> Canned:
    """Read one canned query file."""
    text = path.read_text(encoding="utf-8")
    if not NAME.fullmatch(path.stem):
        raise InputError("a query's file name must be lower-case letters, digits and hyphens", path)
    lines = text.splitlines()
    header = [line[2:] for line in _front(lines)]
    if not header:
        raise InputError("no front matter: the file must start with '#+ title: ...' lines", path, 1)
    try:
        meta = yaml.load("\n".join(header), Loader=_LOADER)
    except yaml.YAMLError:
        error = _pure_error("\n".join(header))  # PyYAML's own message and line: libyaml's point elsewhere
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"front matter is not valid YAML: {getattr(error, 'problem', error)}", path,
                         mark.line + 1 if mark else 1) from None
    _check_meta(meta, path, header)
    try:
        check_syntax(text)
    except SyntaxError as error:
        at = re.search(r"at (\d+):(\d+)", str(error))
        raise InputError(f"the query does not parse: {error}", path, *(map(int, at.groups()) if at else ())) from None
    parameters = [_parameter(name, spec or {}, path, header) for name, spec in (meta.get("parameters") or {}).items()]
    for parameter in parameters:
        if f"?{parameter.name}" not in text:
            raise InputError(f"parameter {parameter.name} is not a variable ?{parameter.name} of the query", path,
                             _line_of(header, parameter.name))
    columns = _columns(meta.get("columns"), text, path, header)
    shape = sparql.outline(text)
    return Canned(path.stem, path, text, shape.form, meta["title"], meta["description"],
                  [str(tag) for tag in meta.get("tags") or []], parameters, columns, shape.volatile)


def _pure_error(text: str) -> Exception:
    """The error PyYAML's own parser finds in ``text``, which libyaml refused."""
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as error:
        return error
    return yaml.YAMLError("libyaml refused it")


def _front(lines: list[str]) -> list[str]:
    front = []
    for line in lines:
        if not line.startswith("#+"):
            break
        front.append(line)
    return front


def _check_meta(meta, path: Path, header: list[str]) -> None:
    if not isinstance(meta, dict):
        raise InputError("front matter must be a mapping of title, description, tags, parameters", path, 1)
    for key in meta:
        if key not in KEYS:
            raise InputError(f"unknown front matter key {key!r}; known: {', '.join(sorted(KEYS))}", path,
                             _line_of(header, key))
    for key in ("title", "description"):
        value = meta.get(key)
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGUAGES):
            raise InputError(f"{key} must give nl and en texts, as {key}: {{nl: ..., en: ...}}", path,
                             _line_of(header, key))


def _columns(given, text: str, path: Path, header: list[str]) -> dict:
    """Check the ``columns`` of the front matter: each a variable of the query with its nl and en titles."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise InputError("columns must map variables to titles, as columns: {name: {nl: ..., en: ...}}", path,
                         _line_of(header, "columns"))
    for name, title in given.items():
        if not isinstance(title, dict) or any(not isinstance(title.get(lang), str) for lang in LANGUAGES):
            raise InputError(f"column {name} must give nl and en titles, as {name}: {{nl: ..., en: ...}}", path,
                             _line_of(header, str(name)))
        if not re.search(rf"\?{re.escape(str(name))}\b", text):
            raise InputError(f"column {name} is not a variable ?{name} of the query", path, _line_of(header, str(name)))
    return {str(name): {lang: title[lang] for lang in LANGUAGES} for name, title in given.items()}


def _parameter(name: str, spec: dict, path: Path, header: list[str]) -> Parameter:
    line = _line_of(header, name)
    if not isinstance(spec, dict) or set(spec) - PARAMETER_KEYS:
        raise InputError(f"parameter {name}: keys must be among {', '.join(sorted(PARAMETER_KEYS))}", path, line)
    if spec.get("type") not in TYPES:
        raise InputError(f"parameter {name}: type must be one of {', '.join(TYPES)}", path, line)
    if spec["type"] == "concept" and not spec.get("scheme"):
        raise InputError(f"parameter {name}: a concept parameter names its scheme", path, line)
    values = spec.get("values")
    if isinstance(values, list):
        values = {str(v): str(v) for v in values}
    # A value's label is a text, or {nl: ..., en: ...} for a label in each language of the pages.
    labels = {str(k): v if isinstance(v, dict) else {"nl": str(v)} for k, v in (values or {}).items()}
    if any(not isinstance(label.get("nl"), str) for label in labels.values()):
        raise InputError(f"parameter {name}: a value's label is a text or {{nl: ..., en: ...}}", path, line)
    parameter = Parameter(name, spec["type"], spec.get("description") or {}, _text(spec.get("default")),
                          bool(spec.get("required")), spec.get("pattern"),
                          {k: label["nl"] for k, label in labels.items()} if values else None, spec.get("scheme"),
                          bool(spec.get("municipality")), labels)
    if parameter.default is not None and parameter.type != "concept":
        try:
            parameter.term(parameter.default)
        except BadRequest as error:
            raise InputError(f"default: {error}", path, line) from None
    return parameter


def _text(value) -> str | None:
    return None if value is None else str(value)


def _line_of(header: list[str], key: str) -> int:
    """Return the file line where ``key`` is first written in the front matter (1 if it is not found)."""
    for number, line in enumerate(header, start=1):
        if re.match(rf"\s*{re.escape(key)}\s*:", line):
            return number
    return 1


SCHEME_NOTATIONS = (Path(__file__).parent / "scheme_notations.rq").read_text()


def allowed(parameter: Parameter, graph, base: str, lang: str = "nl") -> dict | None:
    """Return a parameter's allowed values (value -> label in ``lang``): its own list, or the notations of its
    scheme."""
    if parameter.type != "concept":
        if parameter.values is None:
            return None
        return {value: parameter.labels[value].get(lang) or label for value, label in parameter.values.items()}
    from publisher.uris import Minter
    scheme = ox.NamedNode(Minter(base).scheme(parameter.scheme))
    labels = {}
    for row in graph.select(SCHEME_NOTATIONS, scheme=scheme):
        labels.setdefault(row["notation"].value, []).append(row["label"])
    return {notation: language.pick(found, lang).value for notation, found in labels.items()}


def bind(canned: Canned, given, graph, base: str, choices: dict | None = None) -> dict:
    """Check the given values (a mapping of text) and return the bindings; unknown names are not parameters.

    ``choices`` are the allowed values by parameter name, when the caller has read them already.

    :raises BadRequest: a missing required parameter or a value its parameter does not accept.
    """
    bindings = {}
    for parameter in canned.parameters:
        raw = given.get(parameter.name) or parameter.default
        if raw is None or not str(raw).strip():
            if parameter.required:
                pattern = f" matching {parameter.pattern}" if parameter.pattern else ""
                raise BadRequest(f"parameter {parameter.name} is required: a {parameter.accepts}{pattern}")
            continue
        values = choices[parameter.name] if choices is not None else allowed(parameter, graph, base)
        bindings[parameter.name] = parameter.term(str(raw), values)
    return bindings


def markdown_table(canned: dict) -> str:
    """Return the canned queries as the Markdown table the README carries."""
    rows = ["| query | what it answers | parameters |", "| --- | --- | --- |"]
    for name, query in canned.items():
        parameters = ", ".join(f"`{p.name}`" + (f" ({p.default})" if p.default else "") for p in query.parameters)
        rows.append(f"| `{name}` ({query.form}) | {query.title['en']} | {parameters or '–'} |")
    return "\n".join(rows)
