"""Every table read back by a CSV on the Web processor gives triples of the graph (issue 16).

The processor is PyPI's ``csvw`` (4.x): it fetches each table's metadata and CSV from the real server on
127.0.0.1, checks the cells against the metadata (``validate=True``: datatypes, formats, required cells), splits
lists on their ``separator``, parses each value by its datatype and expands the ``aboutUrl``, ``propertyUrl`` and
``valueUrl`` templates. It has no RDF writer (its JSON conversion turns a list cell into one string), so the
triples are made here from what it parsed, step by step as W3C "Generating RDF from Tabular Data on the Web"
(csv2rdf, section 4.6.8, "Generating RDF") says: a cell with a value URL gives that one node; a list cell gives one
literal per value; a literal has the cell's datatype (its ``@id`` if it has one, else ``xsd:{base}``), and a string
the column's language, if any (section "Interpreting datatypes"). Minimal mode: only the cells' triples.

Literals match the graph's as RDF values (an ``xsd:dateTime`` written ``+00:00`` is the one written ``Z``). One
mapping is the consumer's: csv2rdf gives a cell one value URL, so a column of several links is a list of
``xsd:anyURI`` literals, each read as the IRI it holds.
"""

import csv
import io
import socket
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from csvw.metadata import CSVW
from rdflib.namespace import RDF

XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")

NAMES = ["praktijken", "initiatieven", "organisaties", "gemeenten"]


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    settings, _ = built
    return rdflib.Graph().parse(Path(settings["build_dir"]) / "current" / "graph.ttl", format="turtle")


@pytest.fixture
def local_only(monkeypatch):
    """Refuse to resolve any host but 127.0.0.1: the processor must need nothing from the network."""
    resolve = socket.getaddrinfo

    def only_here(host, *args, **kwargs):
        if host not in ("127.0.0.1", b"127.0.0.1"):
            raise OSError(f"the CSVW processor tried to reach {host!r}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", only_here)


def literal(value, column) -> rdflib.Literal:
    """A cell value as csv2rdf writes it: the datatype's @id, else xsd:{base}; a string in the column's language."""
    datatype = column.datatype
    if datatype.base == "string" and "id" not in datatype.at_props:
        language = column.inherit("lang")
        return rdflib.Literal(str(value), lang=None if language in (None, "und") else language)
    lexical = value if isinstance(value, str) else datatype.formatted(value)
    return rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype.at_props.get("id", XSD[datatype.base])))


def convert(url: str) -> tuple[list[tuple], dict, int, list]:
    """The triples of a table, each with the name of the column that gave it; its columns, rows and warnings."""
    processor = CSVW(url, validate=True)
    (table,) = processor.tables
    found, columns = [], {column.name: column for column in table.tableSchema.columns}
    for number, row in enumerate(table.iterdicts(strict=False), 1):
        for name, column in columns.items():
            value = row[name]
            if column.suppressOutput or column.virtual or value in (None, "", []):
                continue
            about = rdflib.URIRef(table.expand(column.inherit("aboutUrl"), row, _row=number, _name=name))
            prop = rdflib.URIRef(table.expand(column.inherit("propertyUrl"), row, _row=number, _name=name))
            if column.inherit("valueUrl") is not None:
                objects = [rdflib.URIRef(table.expand(column.inherit("valueUrl"), row, _row=number, _name=name))]
            else:
                objects = [literal(v, column) for v in (value if isinstance(value, list) else [value])]
            found += [(name, (about, prop, o)) for o in objects]
    return found, columns, number, processor.warnings


def in_graph(graph: rdflib.Graph, triple, listed: bool) -> bool:
    """Whether the graph holds the triple: the same IRI, or a literal of the same value, datatype and language."""
    s, p, o = triple
    if isinstance(o, rdflib.URIRef):
        return triple in graph
    if listed and o.datatype == XSD.anyURI:  # a link of a multi-valued column (see above)
        return (s, p, rdflib.URIRef(o)) in graph
    return any(isinstance(held, rdflib.Literal) and (held.datatype, held.language) == (o.datatype, o.language)
               and held.eq(o) for held in graph.objects(s, p))


@pytest.mark.parametrize("name", NAMES)
def test_a_csvw_processor_turns_the_table_into_triples_of_the_graph(server, graph, local_only, name):
    url, _ = server
    triples, columns, rows, warnings = convert(f"{url}/tables/{name}.csv-metadata.json")
    assert not warnings, [str(w.message) for w in warnings]
    missing = [(column, triple) for column, triple in triples
               if not in_graph(graph, triple, columns[column].separator is not None)]
    assert not missing, missing[:10]
    # Nothing is lost: one triple per value of each cell that is not suppressed, and each row typed by its class.
    with urllib.request.urlopen(f"{url}/tables/{name}.csv") as response:
        cells = list(csv.DictReader(io.TextIOWrapper(response, encoding="utf-8", newline="")))
    values = Counter({column: sum(len(row[column].split(" | ")) for row in cells if row[column]) for column in columns
                      if not columns[column].suppressOutput})
    assert Counter(column for column, _ in triples) == +values
    assert len({s for _, (s, p, _) in triples if p == RDF.type}) == rows > 0
