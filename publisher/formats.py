"""The representations the server offers, in order of preference, and the one `negotiate()` that picks one.

Two tables, one for query results (SELECT, ASK) and one for graphs (CONSTRUCT, DESCRIBE, resource descriptions,
the service description), each built on the formats pyoxigraph reads and writes. HTML is offered last, so that
``*/*`` (curl, most libraries) gets data and only a client that names ``text/html`` gets a page.
"""

from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from publisher.errors import NotAcceptable
from publisher.language import N_


@dataclass(frozen=True)
class Format:
    """One representation: its short name (the ``format`` parameter and file suffix), media type and writer."""

    name: str
    media_type: str
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat | None
    aliases: tuple[str, ...] = ()  # other names and media types that select it
    label: str = ""

    @property
    def iri(self) -> str:
        """The format's IRI in the W3C registry https://www.w3.org/ns/formats/."""
        return _IRI_FIXES.get(self.name) or self.oxigraph.iri

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")


# pyoxigraph 0.5 names JSON-LD by the registry's newer "data/" IRI; SPARQL service descriptions use this one.
_IRI_FIXES = {"jsonld": "http://www.w3.org/ns/formats/JSON-LD"}

RESULTS = (
    Format("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON,
           ("application/json", "srj"), "SPARQL JSON"),
    Format("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML,
           ("application/xml", "text/xml", "srx"), "SPARQL XML"),
    Format("csv", "text/csv", ox.QueryResultsFormat.CSV, (), "CSV"),
    Format("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV, (), "TSV"),
)
GRAPHS = (
    Format("ttl", "text/turtle", ox.RdfFormat.TURTLE, ("turtle", "application/x-turtle", "application/turtle"),
           "Turtle"),
    Format("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, ("ntriples", "n-triples", "text/plain"),
           "N-Triples"),
    Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD,
           ("json-ld", "json", "application/json", "application/x-json+ld"), "JSON-LD"),
    Format("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML, ("rdfxml", "rdf+xml", "xml", "application/xml"),
           "RDF/XML"),
    Format("n3", "text/n3", ox.RdfFormat.N3, ("text/rdf+n3", "application/n3"), "N3"),
)
HTML = Format("html", "text/html", None, ("application/xhtml+xml",), "HTML")


def for_form(form: str | None) -> tuple:
    """The data formats a query of this form is answered in; all of them while its form is unknown.

    >>> for_form("ASK") == RESULTS, for_form("DESCRIBE") == GRAPHS
    (True, True)
    """
    if form in ("SELECT", "ASK"):
        return RESULTS
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPHS
    return RESULTS + GRAPHS


def media_types(fmt: Format) -> tuple[str | None, str | None]:
    """The media types (for results, for graphs) a query answered in ``fmt`` is serialized in.

    HTML tables are made from SPARQL JSON or N-Triples.

    >>> media_types(HTML)
    ('application/sparql-results+json', 'application/n-triples')
    """
    if fmt is HTML:
        return RESULTS[0].media_type, GRAPHS[1].media_type
    return (fmt.media_type if fmt in RESULTS else None), (fmt.media_type if fmt in GRAPHS else None)


def by_name(offered, name: str) -> Format | None:
    """Return the offered format a ``format`` value or suffix names (case-insensitive), or None.

    >>> by_name(GRAPHS, "json").name, by_name(RESULTS, "JSON").name, by_name(RESULTS, "ttl")
    ('jsonld', 'json', None)
    """
    name = name.strip().lower()
    for fmt in offered:
        if name == fmt.name or name == fmt.media_type or name in fmt.aliases:
            return fmt
    return None


_CHOSEN: dict = {}  # (offered, Accept) -> the format chosen
_UNSEEN = object()  # not yet chosen (None is a choice: nothing offered fits)


def pick(offered, values: list[str], accept: str) -> Format | None:
    """The format the first ``format`` or ``output`` value naming one offered names, else the one ``Accept``
    prefers; None when none fits."""
    for value in (part for value in values for part in value.split(",")):
        chosen = by_name(offered, value)
        if chosen:
            return chosen
    return by_accept(offered, accept)


def negotiate(offered, request, name: str | None = None) -> Format:
    """Pick the representation: ``name`` (a suffix), else the ``format`` (or ``output``) parameter, else ``Accept``.

    A suffix that names nothing offered is refused. A ``format`` value that names nothing offered falls back to
    ``Accept``: SPARQLWrapper, for one, sends several values (``format=rdf+xml&format=application/rdf+xml``) and
    the same ones whatever the query's form.

    :raises NotAcceptable: when nothing offered matches, listing what is offered.
    """
    if name:
        chosen = by_name(offered, name)
        if chosen is None:
            raise NotAcceptable(offered, N_("%(name)s wordt hier niet aangeboden"), {"name": name})
        return chosen
    values = request.values.getlist("format") + request.values.getlist("output")
    best = pick(offered, values, request.headers.get("Accept", ""))
    if best is None:
        if values:
            raise NotAcceptable(offered, N_("niets van wat hier aangeboden wordt past bij format=%(format)s of bij "
                                            "Accept: %(accept)s"),
                                {"format": values[0], "accept": request.headers.get("Accept")})
        raise NotAcceptable(offered, N_("niets van wat hier aangeboden wordt past bij Accept: %(accept)s"),
                            {"accept": request.headers.get("Accept")})
    return best


def by_accept(offered, accept: str) -> Format | None:
    """Return the offered format an ``Accept`` value prefers (the first offered when it is empty), or None.

    >>> by_accept(GRAPHS, "text/turtle;q=0.5, application/n-triples").name, by_accept(RESULTS, "").name
    ('nt', 'json')
    >>> by_accept(RESULTS, "image/png") is None
    True
    """
    key = (offered, accept)
    # Clients send few distinct Accept headers: each is parsed once (issue 14's profile). Read into a local: another
    # thread of the worker may empty the dict between a test and a lookup.
    best = _CHOSEN.get(key, _UNSEEN)
    if best is _UNSEEN:
        if len(_CHOSEN) > 1024:
            _CHOSEN.clear()
        types = [fmt.media_type for fmt in offered] + [a for fmt in offered for a in fmt.aliases if "/" in a]
        parsed = parse_accept_header(accept, MIMEAccept)
        chosen = parsed.best_match(types) if parsed else types[0]
        best = None if chosen is None else next(fmt for fmt in offered if chosen == fmt.media_type
                                                or chosen in fmt.aliases)
        _CHOSEN[key] = best
    return best
