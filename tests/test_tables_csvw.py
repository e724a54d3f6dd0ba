"""Every table read back by a CSV on the Web processor gives exactly triples of the graph, and loses none (issue 16).

The processor is PyPI's ``csvw`` (4.x): it fetches the metadata and CSV from the real server on 127.0.0.1, checks
the cells against the metadata (``validate=True``: datatypes, formats, required cells, primary keys), splits lists
on their ``separator``, parses each value by its datatype and expands the ``aboutUrl``, ``propertyUrl`` and
``valueUrl`` templates. It has no RDF writer (its JSON conversion turns a list cell into one string), so the
triples are made here from what it parsed, step by step as W3C "Generating RDF from Tabular Data on the Web"
(csv2rdf, section 4.6.8, "Generating RDF") says: a cell with a value URL gives that one node (csv2rdf expands the
template once per cell); a list cell without one gives one literal per value; a literal has the cell's datatype
(its ``@id`` if it has one, else ``xsd:{base}``), and a string the column's language, if any (section
"Interpreting datatypes"). Minimal mode: only the cells' triples.

A triple matches the graph's exactly: an IRI the same IRI, a literal the same value, datatype and language (an
``xsd:dateTime`` written ``+00:00`` is the one written ``Z``). No allowance: a link given as an ``xsd:anyURI``
literal is not the graph's link.
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
SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
# The main tables and the class of their rows, written out here rather than read from publisher.tables.
CLASSES = {"praktijken": SL.Practice, "initiatieven": SL.Initiative, "organisaties": SL.Organisation,
           "gemeenten": SL.Municipality}
GROUP = "csv-metadata.json"  # CSVW, "Locating metadata" 5.3: the default metadata of a folder's CSV files


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


@pytest.fixture(scope="module")
def group(server, graph) -> dict:
    """What the processor makes of the table group: per table's URL, its triples, columns, rows and warnings."""
    url, _ = server
    return convert(f"{url}/tables/{GROUP}")


def literal(value, column) -> rdflib.Literal:
    """A cell value as csv2rdf writes it: the datatype's @id, else xsd:{base}; a string in the column's language."""
    datatype = column.datatype
    if datatype.base == "string" and "id" not in datatype.at_props:
        language = column.inherit("lang")
        return rdflib.Literal(str(value), lang=None if language in (None, "und") else language)
    lexical = value if isinstance(value, str) else datatype.formatted(value)
    return rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype.at_props.get("id", XSD[datatype.base])))


def convert(url: str) -> dict:
    """Per table of the metadata at ``url``: its triples (each with its column's name), columns, rows, warnings."""
    processor, found = CSVW(url, validate=True), {}
    for table in processor.tables:
        triples, columns, number = [], {column.name: column for column in table.tableSchema.columns}, 0
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
                triples += [(name, (about, prop, o)) for o in objects]
        found[str(table.url.resolve(table.base))] = (triples, columns, number, processor.warnings)
    return found


def in_graph(graph: rdflib.Graph, triple) -> bool:
    """Whether the graph holds the triple: the same IRI, or a literal of the same value, datatype and language."""
    s, p, o = triple
    if isinstance(o, rdflib.URIRef):
        return triple in graph
    return any(isinstance(held, rdflib.Literal) and (held.datatype, held.language) == (o.datatype, o.language)
               and held.eq(o) for held in graph.objects(s, p))


def cells(url: str) -> list[dict]:
    with urllib.request.urlopen(url) as response:
        return list(csv.DictReader(io.TextIOWrapper(response, encoding="utf-8", newline="")))


def test_the_table_group_lists_every_table_of_the_folder(server, group, built):
    settings, _ = built
    url, _ = server
    written = sorted(path.name for path in (Path(settings["build_dir"]) / "current" / "tables").glob("*.csv"))
    assert sorted(name.rsplit("/", 1)[1] for name in group) == written
    assert {f"{name}.csv" for name in CLASSES} < set(written) and len(written) > 2 * len(CLASSES)


def test_every_triple_of_every_table_is_a_triple_of_the_graph(group, graph, local_only):
    """Main tables and link tables, read through the table group: an IRI as an IRI, a literal as the graph has it."""
    for url, (triples, columns, rows, warnings) in group.items():
        assert not warnings, [str(w.message) for w in warnings]
        missing = [(column, triple) for column, triple in triples if not in_graph(graph, triple)]
        assert not missing, (url, missing[:10])
        assert rows > 0 or "-" in url.rsplit("/", 1)[1], url  # a link table can be empty (no practice in a programme)
    assert sum(rows for url, (_, _, rows, _) in group.items() if "-" in url.rsplit("/", 1)[1]) > 0


def test_no_value_of_a_cell_is_lost_to_csvw_but_those_the_metadata_suppresses(group):
    """One triple per value of each cell that is not suppressed: a list split on the column's separator."""
    for url, (triples, columns, _, _) in group.items():
        values = Counter({name: sum(len(row[name].split(column.separator) if column.separator else [row[name]])
                                    for row in cells(url) if row[name])
                          for name, column in columns.items() if not column.suppressOutput})
        assert Counter(name for name, _ in triples) == +values, url


def test_the_tables_together_give_every_triple_of_each_property_they_map(group, graph):
    """Nothing is lost: for each column of a main table about the row's resource, every triple of the graph with
    that property and one of the table's resources as subject (texts in Dutch or without a language: the tables
    are Dutch) comes out of some table, link tables included."""
    union = {triple for triples, *_ in group.values() for _, triple in triples}
    union_literals = {(s, p, (o.datatype, o.language, o.toPython())) for s, p, o in union
                      if isinstance(o, rdflib.Literal)}
    checked = Counter()
    for url, (triples, columns, _, _) in group.items():
        name = url.rsplit("/", 1)[1].removesuffix(".csv")
        if name not in CLASSES:
            continue
        things = {rdflib.URIRef(row["uri"]) for row in cells(url)}
        assert things == set(graph.subjects(RDF.type, CLASSES[name]))
        assert {(s, RDF.type, CLASSES[name]) for s in things} <= union
        for column in columns.values():
            if column.name == "uri" or column.aboutUrl is not None:
                continue  # the row's class (checked above); the names of linked resources
            prop = rdflib.URIRef(str(column.propertyUrl))
            for s in things:
                for o in graph.objects(s, prop):
                    if isinstance(o, rdflib.Literal):
                        if o.language not in (None, "nl"):
                            continue
                        assert (s, prop, (o.datatype, o.language, o.toPython())) in union_literals, (name, s, prop, o)
                    else:
                        assert (s, prop, o) in union, (name, column.name, s, prop, o)
                    checked[name, column.name] += 1
    assert all(checked[name, link] for name, link in [("praktijken", "doelen"), ("initiatieven", "gemeenten"),
                                                       ("initiatieven", "plaatsen"), ("gemeenten", "vervangt")])


@pytest.mark.parametrize("name", list(CLASSES))
def test_each_tables_own_metadata_gives_the_triples_the_group_gives(server, group, local_only, name):
    """A processor pointed at one table's metadata, or at a link table's, gets what the group gives for it."""
    url, _ = server
    alone = convert(f"{url}/tables/{name}.csv-metadata.json")
    links = [table for table in group if table.rsplit("/", 1)[1].startswith(f"{name}-")]
    for table in links:
        alone.update(convert(f"{table}-metadata.json"))
    assert links and set(alone) == {f"{url}/tables/{name}.csv", *links}
    for table, (triples, _, _, warnings) in alone.items():
        assert not warnings and sorted(triples) == sorted(group[table][0]), table
