"""Settings: one table from which the defaults, the environment variables, the CLI help and the README derive.

A setting's value comes from its default, then the environment variable ``SAMENLEVEN_{NAME}``, then the mapping
a caller (a test, the CLI) passes in. Paths are resolved against the project folder.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import PublisherError

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SAMENLEVEN_"


class SettingError(PublisherError, ValueError):
    """A setting's value is not of its type: the command stops with exit 2 before doing anything."""

    exit_code = 2


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    choices: tuple = ()  # the values allowed, when only a few are

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def convert(self, value):
        """Read ``value`` (text from the environment, or a value a caller gave) as this setting's type.

        >>> Setting("x", True, "").convert("no"), Setting("x", 3, "").convert("5")
        (False, 5)

        :raises SettingError: a value that is not of the setting's type, with the setting's name.
        """
        kind = type(self.default)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            converted = value
        else:
            try:
                converted = _boolean(value) if kind is bool else kind(value)
            except (TypeError, ValueError):
                raise SettingError(f"setting {self.name} ({self.env}) must be {_KINDS.get(kind, kind.__name__)}, "
                                   f"not {value!r}") from None
        if self.choices and converted not in self.choices:
            raise SettingError(f"setting {self.name} ({self.env}) must be one of {', '.join(self.choices)}, "
                               f"not {value!r}")
        return converted


SETTINGS = (
    Setting("base", "https://w3id.org/samenleven/",
            "Base of the instance URIs ({base}id/..., {base}doc/...). The ontology keeps its own namespace."),
    Setting("ontology_dir", "ontology", "Folder of the ontology and the SKOS concept schemes (Turtle)."),
    Setting("graph_dir", "graph", "Folder of the curated instance data (Turtle)."),
    Setting("shapes_dir", "shapes", "Folder of the SHACL shapes (Turtle)."),
    Setting("build_dir", "var", "Where builds are written; `current` in it points to the build in use."),
    Setting("keep_builds", 3, "How many complete builds to keep, the one in use included."),
    Setting("max_shrink", 0.2,
            "Largest share (0 to 1) of the practices, initiatives or organisations of the build in use that a new "
            "build may remove; past it the build is refused unless `samenleven build --allow-shrink`."),
    Setting("queries_dir", "queries", "Folder of the canned queries (`{name}.rq` with a `#+` front matter)."),
    Setting("query_timeout", 10.0,
            "Seconds a query may run; past it the process running it is killed and the client gets a 503."),
    Setting("max_rows", 10000, "Most result rows (or triples) a query returns; a truncated answer says so."),
    Setting("max_query_size", 65536, "Longest query accepted, in bytes (413 past it)."),
    Setting("query_workers", 2, "Processes per server process that run queries, each started when first needed."),
    Setting("query_memory", 1024,
            "MiB of memory a query process may allocate (RLIMIT_DATA); a query past it gets a 503 and the process "
            "is replaced."),
    Setting("query_queue_wait", 1.0,
            "Seconds a query waits for a free query process; after it, a 503 with Retry-After."),
    Setting("client_queries", 1,
            "Queries one client address may have running at once (per server process, after proxy_hops); "
            "past it, a 429 at once. Keep it below query_workers so that one client always leaves a process for "
            "the others."),
    Setting("max_result_size", 16777216,
            "Longest answer a query may return, in bytes as serialized (503 past it, in every format)."),
    Setting("proxy_hops", 0,
            "Reverse proxies in front of the server whose X-Forwarded-Proto/-Host/-Prefix headers are trusted, so "
            "that links name the public address; 0 when clients reach the server directly."),
    Setting("trusted_hosts", "127.0.0.1,localhost,[::1]",
            "Host names (comma-separated, any port; `.example.org` admits its subdomains) that the Host header, or "
            "X-Forwarded-Host behind proxy_hops, may name: links are made from it. Another host gets 400. Not "
            "used when public_url is set."),
    Setting("public_url", "",
            "The address clients reach the server at (`https://data.example.org/samenleven/`); when set, every "
            "link the server writes starts with it, whatever the Host and X-Forwarded-* headers say."),
    Setting("service_allow", "",
            "Hosts (comma-separated) that SERVICE may call; empty: federated queries are refused."),
    Setting("license", "http://publications.europa.eu/resource/authority/licence/CC0",
            "Licence of the data, as an EU licence URI (the catalogue states it); CC0 1.0 is the Flemish "
            "open-data default."),
    Setting("contact_email", "samenleven@vvsg.be", "E-mail address of the catalogue's contact point."),
    Setting("list_page_size", 50, "Things per page of the lists /praktijken, /initiatieven and /organisaties."),
    Setting("page_size", 100,
            "Resources that link to a resource listed per page of its document (the rest on next pages)."),
    Setting("cache_max_age", 300,
            "Seconds browsers and proxies may keep a response of the build without asking again "
            "(Cache-Control max-age); they revalidate with its ETag after that."),
    Setting("reconcile_max_queries", 100,
            "Most queries in one batch sent to /reconcile (and ids in one data extension request); more is a 400. "
            "OpenRefine sends 10 at a time by default."),
    Setting("reconcile_max_text", 500,
            "Longest text, in characters, of a /reconcile query, property value, id or suggest prefix; longer is "
            "a 400."),
    Setting("validator", "turbo",
            "SHACL engine of `build` and `validate`: `turbo` (pyshacl-turbo, in Rust) or `pyshacl` (pySHACL, the "
            "reference); both give the same report.", ("turbo", "pyshacl")),
    Setting("validation_part", 0,
            "Triples per part of a validation, or 0 to validate the data whole: each part holds the focus nodes of "
            "a few files and all they link to, two parts run at once, and the report is that of the whole. Slower "
            "at 10,000 practices (benchmarks/results/validation-2026-11-29.md)."),
    Setting("database_url", "",
            "The PostgreSQL database of the proposals and editors (`postgresql://user:password@host:5432/name`); "
            "empty: SQLite in `{build_dir}/proposals.sqlite`."),
    Setting("secret_key", "",
            "The key that signs the editors' session cookies, the forms' CSRF tokens and the contribution form's fill "
            "time; empty: a random key made "
            "once and kept in `{build_dir}/secret_key`, which every server process of the folder shares."),
    Setting("contribute_rate", "20 per hour; 5 per minute",
            "How many submissions to /bijdragen one client address may make (Flask-Limiter's notation, `;` between "
            "limits, over a moving window; counted in the proposals database, so shared by every server process); "
            "past it, a 429."),
    Setting("contribute_min_seconds", 5,
            "Fewest seconds between opening the form at /bijdragen and sending it; sooner is a program, refused with "
            "a 400 (the API in JSON-LD or Turtle is not timed)."),
    Setting("contribute_max_size", 262144,
            "Largest submission to /bijdragen in bytes, without its photo (413 past it)."),
    Setting("photo_max_size", 5242880,
            "Largest photo sent with a proposal, in bytes (JPEG, PNG or WebP; 5 MB)."),
    Setting("max_login_failures", 5,
            "Failed logins of one name from one client address after which that address waits before each next "
            "try of that name: 1 s, doubling with each failure, at most an hour; the editor's own address is not "
            "affected, so nobody can lock an editor out."),
    Setting("smtp", "",
            "The mail server (`host:port`, plain SMTP on 127.0.0.1 or a relay) that sends an editor's question to a "
            "contributor, from contact_email; empty: the page shows the text for the editor to send."),
    Setting("store", "",
            "The SPARQL 1.1 query endpoint of a remote store holding the graph (`http://127.0.0.1:7878/query`); "
            "empty: each build's own embedded store. The server then serves the build `samenleven load` last put "
            "there (`loaded` in build_dir); its other files still come from build_dir."),
    Setting("answer_cache_mb", 64,
            "MiB of finished answers of the build in use that each server process keeps and gives again without "
            "rendering or querying (least recently used out first; emptied when another build is served); 0: none."),
    Setting("login_rate", "10 per minute; 60 per hour",
            "How many logins at /redactie/login one client address may try, whatever the names (Flask-Limiter's "
            "notation, shared by every server process as contribute_rate); past it, the same answer as a wrong "
            "password."),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}
_KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}


def _boolean(value) -> bool:
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError(value)
_PATHS = {"ontology_dir", "graph_dir", "shapes_dir", "build_dir", "queries_dir"}


def load(overrides=None, environ=None) -> dict:
    """Return every setting: defaults, then environment variables, then ``overrides``.

    :raises KeyError: for an override that names no setting.
    :raises SettingError: for a value that is not of its setting's type (the message names the setting).
    """
    environ = os.environ if environ is None else environ
    values = {s.name: environ.get(s.env, s.default) for s in SETTINGS}
    for name, value in (overrides or {}).items():
        if name not in _BY_NAME:
            raise KeyError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}")
        if value is not None:
            values[name] = value
    for setting in SETTINGS:  # environment variables are text; each setting keeps its default's type
        values[setting.name] = setting.convert(values[setting.name])
    if not str(values["base"]).endswith("/"):
        values["base"] = str(values["base"]) + "/"
    for name in _PATHS:
        values[name] = (PROJECT_DIR / values[name]).resolve()
    return values


def markdown_table() -> str:
    """Return the settings as the Markdown table the README carries."""
    rows = ["| setting | environment variable | default | what it is |", "| --- | --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.env}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)
