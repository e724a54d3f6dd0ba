"""The flat CSV tables and their CSVW metadata: what a spreadsheet user or a CSVW processor gets from a build."""

import csv
import gzip
import hashlib
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, SH, SKOS

from publisher import kinds, tables
from publisher.errors import InputError

SL = rdflib.Namespace("https://w3id.org/samenleven/ns#")
SEPARATOR = " | "
# Which resources each table lists, written out here rather than read from publisher.tables.
CLASSES = {"praktijken": SL.Practice, "initiatieven": SL.Initiative, "organisaties": SL.Organisation,
           "gemeenten": SL.Municipality}
NAMES = list(CLASSES)


@pytest.fixture(scope="module")
def folder(built) -> Path:
    settings, _ = built
    return Path(settings["build_dir"]) / "current"


@pytest.fixture(scope="module")
def graph(folder) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "graph.ttl", format="turtle")


@pytest.fixture(scope="module")
def base(built) -> str:
    return built[0]["base"]


def read(folder: Path, name: str) -> list[dict]:
    with open(folder / "tables" / f"{name}.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def metadata(folder: Path, name: str) -> dict:
    return json.loads((folder / "tables" / f"{name}.csv-metadata.json").read_text(encoding="utf-8"))


def split(cell: str) -> list[str]:
    return cell.split(SEPARATOR) if cell else []


def dutch(graph, subject, predicate) -> str:
    """The Dutch value of a property, else English, else untagged: how the tables choose a text."""
    found = {o.language or "": str(o) for o in graph.objects(subject, predicate)}
    return next((found[tag] for tag in ("nl", "en", "") if tag in found), "")


def by_uri(rows) -> dict:
    return {row["uri"]: row for row in rows}


@pytest.mark.parametrize("name", NAMES)
def test_a_table_loads_with_the_csv_module_one_row_per_resource_sorted_by_uri(folder, graph, name):
    raw = (folder / "tables" / f"{name}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark: the first header is "uri", not "\ufeffuri"
    rows = read(folder, name)
    header = raw.decode("utf-8").split("\r\n", 1)[0].split(",")
    assert header[0] == "uri" and len(header) == len(set(header)) > 5
    assert list(rows[0]) == header
    expected = {str(s) for s in graph.subjects(RDF.type, CLASSES[name]) if isinstance(s, rdflib.URIRef)}
    uris = [row["uri"] for row in rows]
    assert len(uris) == len(expected) > 0 and set(uris) == expected
    assert uris == sorted(uris)


# RFC 4180, section 2, ABNF: field = escaped / non-escaped; escaped = DQUOTE *(TEXTDATA / COMMA / CR / LF /
# 2DQUOTE) DQUOTE; non-escaped = *TEXTDATA, TEXTDATA being any character but comma, double quote, CR and LF (here
# any Unicode character, as the RFC's IANA registration allows with charset=utf-8). Records end with CRLF.
_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^",\r\n]*)')


def rfc_4180(text: str) -> list[list[str]]:
    """Read a CSV file strictly by RFC 4180, independently of the csv module; raise ValueError where it breaks."""
    records, at = [], 0
    while at < len(text):
        record = []
        while True:
            match = _FIELD.match(text, at)
            record.append(match.group(1).replace('""', '"') if match.group(1) is not None else match.group(2))
            at = match.end()
            if text.startswith(",", at):
                at += 1
                continue
            if text.startswith("\r\n", at):
                at += 2
                break
            raise ValueError(f"character {at}: expected a comma or CRLF, found {text[at:at + 10]!r}")
        records.append(record)
    return records


EXAMPLE = """
@prefix sl: <https://w3id.org/samenleven/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://w3id.org/samenleven/id/organisatie/de-brug> a sl:Organisation ;
    skos:prefLabel "Buurtwerk \\"De Brug\\", Gent"@nl ; skos:altLabel "Buurthuis"@nl, "Brug"@nl ;
    dct:description "Eerste regel\\ntweede regel; € en é"@nl ; foaf:homepage <https://brug.example/> .
"""


def test_a_table_is_written_byte_for_byte_as_rfc_4180_says(tmp_path):
    """Quotes, commas, a line break and non-ASCII text in the cells, against a file written by hand."""
    triples = list(ox.parse(EXAMPLE.encode(), format=ox.RdfFormat.TURTLE))
    tables.write(tmp_path, triples, "https://w3id.org/samenleven/")
    expected = Path(__file__).parent / "data" / "tables" / "organisaties.csv"
    assert (tmp_path / "tables" / "organisaties.csv").read_bytes() == expected.read_bytes()


def written(folder: Path) -> list[str]:
    """The names of the files the build wrote in ``tables/``, as the folder has them."""
    return sorted(path.name for path in (folder / "tables").iterdir())


def test_every_table_and_link_table_of_the_build_reads_as_strict_rfc_4180_with_a_full_row_each(folder):
    names = [name.removesuffix(".csv") for name in written(folder) if name.endswith(".csv")]
    assert set(NAMES) < set(names) and len(names) > 2 * len(NAMES)
    for name in names:
        records = rfc_4180((folder / "tables" / f"{name}.csv").read_bytes().decode("utf-8"))
        assert len(records) >= 1 and {len(record) for record in records} == {len(records[0])}, name
        assert [dict(zip(records[0], record)) for record in records[1:]] == read(folder, name)


def test_a_current_and_a_merged_municipality_with_their_uris_and_dutch_names(folder, base):
    rows = by_uri(read(folder, "gemeenten"))
    gent = rows[base + "id/gemeente/44021"]
    assert (gent["nis_code"], gent["naam"], gent["provincie_naam"], gent["gewest_naam"]) == \
        ("44021", "Gent", "Provincie Oost-Vlaanderen", "Vlaams Gewest")
    assert gent["provincie"] == base + "id/provincie/40000" and gent["gewest"] == base + "id/gewest/02000"
    assert gent["gemeenteregister"] == "https://data.vlaanderen.be/id/gemeente/44021"
    assert "9000" in split(gent["postcodes"]) and gent["vervangen_door"] == gent["geldig_tot_en_met"] == ""
    lochristi = rows[base + "id/gemeente/44034"]
    assert (lochristi["naam"], lochristi["geldig_tot_en_met"]) == ("Lochristi", "2024-12-31")
    assert (lochristi["vervangen_door"], lochristi["vervangen_door_namen"]) == (base + "id/gemeente/44087", "Lochristi")
    merged = rows[base + "id/gemeente/44087"]
    assert split(merged["vervangt"]) == [base + "id/gemeente/44034", base + "id/gemeente/44073"]
    assert split(merged["vervangt_namen"]) == ["Lochristi", "Wachtebeke"]
    assert merged["geldig_vanaf"] == "2025-01-01"


def test_a_known_practice_and_initiative_with_their_links_and_dutch_titles(folder, graph, base):
    practice = by_uri(read(folder, "praktijken"))[base + "id/praktijk/sociale-cohesie"]
    assert practice["titel"] == "Sociale cohesie"  # the Dutch title, not "Social cohesion"
    assert practice["categorie"] == base + "id/concept/categorie/sociale-cohesie"
    assert len(split(practice["succesfactoren"])) == 4
    initiative = by_uri(read(folder, "initiatieven"))[base + "id/initiatief/pleinpatrons"]
    assert initiative["titel"] == "PleinPatrons" and initiative["praktijken_namen"] == "Sociale cohesie"
    assert split(initiative["gemeenten_namen"]) == ["Antwerpen", "Brussel", "Gent"]
    standaert = by_uri(read(folder, "initiatieven"))[base + "id/initiatief/standaertsite"]
    assert standaert["gemeenten"] == base + "id/gemeente/44021"  # a locality is no municipality
    assert standaert["plaatsen"] == base + "id/plaats/gent-ledeberg" and standaert["gedragen_door_namen"]


# (table, column, property, only the values of this class): what a multi-valued cell must hold, from the graph.
MULTI = [
    ("praktijken", "doelen", SL.goal, None), ("praktijken", "beleidsdomeinen", SL.policyDomain, None),
    ("praktijken", "succesfactoren", SL.successFactor, None), ("initiatieven", "gemeenten", DCTERMS.spatial,
                                                                SL.Municipality),
    ("initiatieven", "plaatsen", DCTERMS.spatial, SL.Locality), ("initiatieven", "doelgroepen", SL.targetGroup, None),
    ("initiatieven", "partners", SL.partner, None), ("organisaties", "andere_namen", SKOS.altLabel, None),
    ("gemeenten", "postcodes", SL.postalCode, None), ("gemeenten", "vervangt", DCTERMS.replaces, None),
    ("gemeenten", "vervangen_door", DCTERMS.isReplacedBy, None), ("gemeenten", "gemeenteregister", OWL.sameAs, None),
]


@pytest.mark.parametrize("name,column,predicate,kind", MULTI, ids=[f"{t}.{c}" for t, c, *_ in MULTI])
def test_a_multi_valued_cell_split_on_the_separator_is_the_graphs_values(folder, graph, name, column, predicate,
                                                                        kind):
    found = 0
    for row in read(folder, name):
        values = list(graph.objects(rdflib.URIRef(row["uri"]), predicate))
        if kind is not None:
            values = [v for v in values if (v, RDF.type, kind) in graph]
        if values and isinstance(values[0], rdflib.Literal):  # texts in the best language only
            best = next((tag for tag in ("nl", "en", None) if any(v.language == tag for v in values)), None)
            values = [v for v in values if v.language == best]
        assert split(row[column]) == sorted(str(v) for v in values), row["uri"]
        found += len(values)
    assert found, f"no row of {name} has any {column}: the test shows nothing"


# (table, column of URIs, column of their names, the property naming them).
NAMED = [("praktijken", "doelen", "doelen_namen", SKOS.prefLabel),
         ("initiatieven", "praktijken", "praktijken_namen", DCTERMS.title),
         ("initiatieven", "gemeenten", "gemeenten_namen", SKOS.prefLabel),
         ("organisaties", "werkingsgebied", "werkingsgebied_naam", SKOS.prefLabel),
         ("gemeenten", "vervangt", "vervangt_namen", SKOS.prefLabel),
         ("gemeenten", "provincie", "provincie_naam", SKOS.prefLabel)]


@pytest.mark.parametrize("name,uris,names,label", NAMED, ids=[f"{t}.{n}" for t, _, n, _ in NAMED])
def test_a_names_column_holds_the_dutch_name_of_each_uri_in_the_same_order(folder, graph, name, uris, names, label):
    rows = [row for row in read(folder, name) if row[uris]]
    assert rows
    for row in rows:
        assert split(row[names]) == [dutch(graph, rdflib.URIRef(uri), label) for uri in split(row[uris])]


@pytest.mark.parametrize("name", NAMES)
def test_the_csvw_metadata_names_every_column_once_in_order_and_maps_it_to_a_property(folder, graph, name):
    meta = metadata(folder, name)
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == f"{name}.csv"
    assert {text["@language"] for text in meta["dc:title"]} == {"nl", "en"}
    schema = meta["tableSchema"]
    assert (schema["aboutUrl"], schema["primaryKey"]) == ("{+uri}", "uri")
    columns = [column for column in schema["columns"] if not column.get("virtual")]
    header = list(read(folder, name)[0])
    assert [column["name"] for column in columns] == header
    # The properties the graph uses, the terms the ontology declares, and those its shapes allow (sh:path).
    ontology = rdflib.Graph().parse(folder / "ontology.ttl", format="turtle")
    shapes = rdflib.Graph().parse(folder / "shapes.ttl", format="turtle")
    vocabulary = set(graph.predicates()) | set(ontology.subjects(RDF.type, None)) | set(shapes.objects(None, SH.path))
    for column in columns:
        assert rdflib.URIRef(column["propertyUrl"]) in vocabulary, column["name"]
        assert {"nl", "en"} <= set(column["titles"]) and column["titles"]["und"] == column["name"]
        assert column["datatype"]


@pytest.mark.parametrize("name", NAMES)
def test_the_separator_is_set_exactly_on_the_multi_valued_columns(folder, name):
    columns = {column["name"]: column for column in metadata(folder, name)["tableSchema"]["columns"]}
    defined = next(table for table in tables.of(kinds.default()) if table.name == name)
    for column in defined.columns:
        described = columns[column.name]
        assert ("separator" in described) == column.many, column.name
        assert described.get("separator", SEPARATOR) == SEPARATOR
        assert (" | " in described["dc:description"][0]["@value"]) == column.many  # the rule, told in each column
    listed = {key for row in read(folder, name) for key, cell in row.items() if SEPARATOR in cell}
    assert listed and all("separator" in columns[key] for key in listed)


@pytest.mark.parametrize("name", NAMES)
def test_uri_columns_hold_absolute_uris_and_single_ones_have_a_value_url(folder, name):
    rows, checked = read(folder, name), []
    for column in metadata(folder, name)["tableSchema"]["columns"]:
        if column["datatype"] == "anyURI" or "valueUrl" in column:
            cells = [value for row in rows for value in split(row[column["name"]])]
            assert all(value.startswith(("http://", "https://")) for value in cells), column["name"]
            checked += cells
        if "valueUrl" in column and column["name"] != "uri":
            assert column["valueUrl"] == "{+" + column["name"] + "}" and "separator" not in column
    assert len(checked) > len(rows)  # the uri column and more


# (main table, column of several links, its names column or None): each has a link table, one link a row.
LINKED = [("praktijken", "doelen", "doelen_namen"), ("praktijken", "bronnen", None),
          ("initiatieven", "gemeenten", "gemeenten_namen"), ("initiatieven", "partners", "partners_namen"),
          ("organisaties", "website", None), ("gemeenten", "vervangt", "vervangt_namen"),
          ("gemeenten", "gemeenteregister", None)]


@pytest.mark.parametrize("name,column,names", LINKED, ids=[f"{t}-{c}" for t, c, _ in LINKED])
def test_a_link_table_holds_each_link_of_the_main_cell_one_a_row_with_its_name(folder, name, column, names):
    expected = []
    for row in read(folder, name):
        links = split(row[column])
        named = split(row[names]) if names else []
        expected += [{"uri": row["uri"], column: link, **({column + "_naam": named[i]} if names else {})}
                     for i, link in enumerate(links)]
    assert expected and read(folder, f"{name}-{column}") == expected
    described = metadata(folder, f"{name}-{column}")["tableSchema"]
    assert described["aboutUrl"] == "{+uri}" and described["primaryKey"] == ["uri", column]
    main = {c["name"]: c for c in metadata(folder, name)["tableSchema"]["columns"]}
    assert main[column]["suppressOutput"] is True
    assert f"{name}-{column}.csv" in main[column]["dc:description"][1]["@value"]


def test_the_table_group_describes_each_table_as_its_own_metadata_does(folder):
    group = json.loads((folder / "tables" / "csv-metadata.json").read_text(encoding="utf-8"))
    assert group["@context"] == "http://www.w3.org/ns/csvw"
    described = [name for name in written(folder) if name.endswith(".csv")]
    assert sorted(table["url"] for table in group["tables"]) == described
    for table in group["tables"]:
        alone = metadata(folder, table["url"].removesuffix(".csv"))
        assert {"@context": alone.pop("@context"), **table} == {"@context": "http://www.w3.org/ns/csvw", **alone}
        assert {"@id": "csv-metadata.json"} in table["rdfs:seeAlso"]


def test_the_build_records_every_table_file_in_its_manifest(built, folder):
    _, manifest = built
    names = {f"tables/{name}" for name in written(folder)}
    assert {f"tables/{name}{suffix}" for name in NAMES for suffix in (".csv", ".csv-metadata.json")} < names
    assert "tables/csv-metadata.json" in names and names <= set(manifest["files"])
    for name in names:
        data = (folder / name).read_bytes()
        assert manifest["files"][name]["bytes"] == len(data)
        assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()


def test_one_graph_gives_the_same_bytes_whatever_the_order_of_its_triples(folder, base, tmp_path):
    with gzip.open(folder / "graph.nt.gz") as stream:
        triples = list(ox.parse(stream, format=ox.RdfFormat.N_TRIPLES))
    names = tables.write(tmp_path, triples[::-1], base)
    assert sorted(names) == [f"tables/{name}" for name in written(folder)]
    for name in names:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def _practice(*extra) -> list:
    practice = ox.NamedNode("https://w3id.org/samenleven/id/praktijk/p")
    return [ox.Triple(practice, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SL.Practice))),
            *(ox.Triple(practice, ox.NamedNode(str(p)), o) for p, o in extra)]


def test_a_text_falls_back_to_english_and_the_column_then_has_no_language(tmp_path):
    title = ox.NamedNode(str(DCTERMS.title))
    other = ox.NamedNode("https://w3id.org/samenleven/id/praktijk/q")
    triples = _practice((DCTERMS.title, ox.Literal("Only English", language="en"))) + [
        ox.Triple(other, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SL.Practice))),
        ox.Triple(other, title, ox.Literal("Dutch", language="nl")),
        ox.Triple(other, title, ox.Literal("English", language="en"))]
    tables.write(tmp_path, triples, "https://w3id.org/samenleven/")
    assert [row["titel"] for row in read(tmp_path, "praktijken")] == ["Only English", "Dutch"]
    column = metadata(tmp_path, "praktijken")["tableSchema"]["columns"][1]
    assert column["name"] == "titel" and "lang" not in column
    # A CSVW column has one language: a processor would give "Dutch" without its @nl, which the graph lacks.
    assert column["suppressOutput"] is True and "more than one language" in column["dc:description"][1]["@value"]


def test_a_text_column_in_one_language_or_none_gives_its_triples(tmp_path):
    triples = _practice((DCTERMS.title, ox.Literal("Titel", language="nl")), (DCTERMS.abstract, ox.Literal("Kort")))
    tables.write(tmp_path, triples, "https://w3id.org/samenleven/")
    columns = {c["name"]: c for c in metadata(tmp_path, "praktijken")["tableSchema"]["columns"]}
    assert columns["titel"]["lang"] == "nl" and "suppressOutput" not in columns["titel"]
    assert "lang" not in columns["inleiding"] and "suppressOutput" not in columns["inleiding"]


def test_a_link_table_is_spreadsheet_safe_too(tmp_path):
    goal = ox.NamedNode("https://w3id.org/samenleven/id/concept/doel/formule")
    triples = _practice((SL.goal, goal)) + [
        ox.Triple(goal, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal("=HYPERLINK(\"x\")", language="nl"))]
    tables.write(tmp_path, triples, "https://w3id.org/samenleven/")
    assert read(tmp_path, "praktijken-doelen") == [{"uri": "https://w3id.org/samenleven/id/praktijk/p",
                                                   "doelen": goal.value, "doelen_naam": "'=HYPERLINK(\"x\")"}]


@pytest.mark.parametrize("extra", [
    [(SL.successFactor, ox.Literal("a | b", language="nl"))],  # would split into two values
    [(SL.category, ox.NamedNode("http://example.org/a")), (SL.category, ox.NamedNode("http://example.org/b"))],
], ids=["separator in a value", "two values in a single-valued column"])
def test_what_a_cell_cannot_hold_stops_the_build(tmp_path, extra):
    with pytest.raises(InputError, match="praktijk/p"):
        tables.write(tmp_path, _practice(*extra), "https://w3id.org/samenleven/")


def test_each_file_downloads_with_its_media_type_and_the_builds_bytes(server, folder):
    url, manifest = server
    for name in written(folder):
        media = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/csvm+json"
        with urllib.request.urlopen(f"{url}/tables/{name}") as response:
            assert response.headers["Content-Type"] == media, name
            body = response.read()
        assert body == (folder / "tables" / name).read_bytes()
        assert hashlib.sha256(body).hexdigest() == manifest["files"][f"tables/{name}"]["sha256"]
        assert len(body) == manifest["files"][f"tables/{name}"]["bytes"]


def test_the_tables_page_links_every_file_and_an_unknown_name_is_404(server, folder):
    url, _ = server
    with urllib.request.urlopen(f"{url}/tables/") as response:
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode()
    for name in written(folder):
        assert f'href="/tables/{name}"' in page, name
    with urllib.request.urlopen(f"{url}/tables/?lang=en") as response:
        assert "<h1>Tables</h1>" in response.read().decode()
    for missing in ("nope.csv", "build.json", "..%2Fbuild.json"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{url}/tables/{missing}")
        assert error.value.code == 404


def test_the_catalogue_offers_the_table_group_as_one_distribution(server):
    url, manifest = server
    with urllib.request.urlopen(f"{url}/catalog.ttl") as response:
        data = rdflib.Graph().parse(data=response.read(), format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    group = next(data.subjects(dcat.downloadURL, rdflib.URIRef(f"{url}/tables/csv-metadata.json")))
    media = data.value(group, dcat.mediaType)
    assert str(media) == "http://www.iana.org/assignments/media-types/application/csvm+json"
    assert int(data.value(group, dcat.byteSize)) == manifest["files"]["tables/csv-metadata.json"]["bytes"]
    tabled = {str(o) for o in data.objects(None, dcat.downloadURL) if "/tables/" in str(o)}
    assert tabled == {f"{url}/tables/{name}.csv" for name in NAMES} | {f"{url}/tables/csv-metadata.json"}
