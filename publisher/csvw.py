"""The CSV on the Web metadata of the tables (W3C CSVW, tabular metadata 5): each column mapped to its property.

``aboutUrl`` is the row's ``uri``, ``propertyUrl`` the values' property, so that a CSVW processor (csv2rdf,
"Generating RDF") turns every cell into triples of the graph, and only into those. A single URI gets a ``valueUrl``:
one node. A cell of several URIs cannot: csv2rdf expands a cell's ``valueUrl`` once, with the whole list bound to
the column's variable (tabular metadata 5.1.3, RFC 6570 list expansion), which makes one IRI of the values joined
by commas (w3c/csvw#164, Swirrl/csv2rdf#55). Such a column keeps its cells for spreadsheets but is
``suppressOutput``, and its link table (``tables.Table.links``), one link a row, gives the triples. So are the names
of several links, which belong to resources no cell names (the link table says each of its resource), values of
another resource (contact points), and texts in several languages (a CSVW column has one ``lang``). Each column
says in words how to read its cells and why CSVW skips it (``dc:description``), and the table how a cell that a
spreadsheet would run as a formula was written (``notes``). ``csv-metadata.json`` is the table group of them all.
"""

from publisher.layout import prefixed

KEY, SEPARATOR, GROUP = "uri", " | ", "csv-metadata.json"  # the primary key; what joins a cell's values; the group
CONTEXT, STANDARD = "http://www.w3.org/ns/csvw", "https://www.w3.org/TR/tabular-metadata/"
GROUP_TITLE = {"nl": "Tabellen: de CSVW-tabelgroep van alle tabellen en linktabellen",
               "en": "Tables: the CSVW table group of every table and link table"}
LIST_RULE = {"nl": "Meerdere waarden zijn gescheiden door ' | '.", "en": "Several values are separated by ' | '."}
LINKS_RULE = {"nl": "Elke waarde is de URI van een gelinkte bron.", "en": "Each value is the URI of a linked resource."}
FORMULA_RULE = {"nl": "Een cel die begint met =, +, -, @, een tab, een regeleinde of ' kreeg een ' vooraan, zodat een "
                      "rekenblad ze niet als formule uitvoert (OWASP, CSV injection): laat die eerste ' weg.",
                "en": "A cell that starts with =, +, -, @, a tab, a carriage return or ' got a ' in front, so that a "
                      "spreadsheet does not run it as a formula (OWASP, CSV injection): drop that first '."}
GROUP_TEXT = ({"nl": "Tabellen", "en": "Tables"},
              {"nl": "Elke tabel en linktabel met haar CSVW-metadata: samen geven ze de triples van de graaf.",
               "en": "Every table and link table with its CSVW metadata: together they give the triples of the graph."})
# Why a column gives no triples in CSVW (suppressOutput), by reason; {link} is the name of a link table.
SKIPPED = {
    "links": {"nl": "In CSVW geeft de linktabel {link} deze links, een per rij: een valueUrl geeft een cel één URI.",
              "en": "In CSVW the link table {link} gives these links, one a row: a valueUrl gives a cell one URI."},
    "names": {"nl": "In CSVW zegt de linktabel {link} elke naam van haar bron.",
              "en": "In CSVW the link table {link} says each name of its resource."},
    "other": {"nl": "CSVW slaat ze over: de waarden horen bij een bron die geen cel noemt.",
              "en": "CSVW skips them: the values belong to a resource that no cell names."},
    "languages": {"nl": "CSVW slaat ze over: de teksten zijn in meer dan één taal, en een CSVW-kolom heeft er één.",
                  "en": "CSVW skips them: the texts are in more than one language, and a CSVW column has one."},
    "key": {"nl": "CSVW geeft hier geen triple van: het rdf:type staat in de tabel {link}.",
            "en": "CSVW gives no triple of it here: the rdf:type is in the table {link}."},
}


def metadata_of(table, tags: dict) -> dict:
    """The CSVW metadata of a ``tables.Table``; a column whose texts all have one language tag gets it as ``lang``."""
    links = [link.files[1].rsplit("/", 1)[1] for link in table.links]
    related = [f"{table.main}.csv-metadata.json"] if table.main else links
    return {"@context": CONTEXT, "url": f"{table.name}.csv",
            "dc:title": _texts(table.title), "dc:description": _texts(table.description), "notes": _texts(FORMULA_RULE),
            "rdfs:seeAlso": [{"@id": name} for name in (GROUP, *related)],
            "tableSchema": {"columns": [_column(column, tags[column.name], table) for column in table.columns],
                            "aboutUrl": "{+" + KEY + "}",
                            "primaryKey": [KEY, table.columns[1].name] if table.main else KEY}}


def group_of(described: list) -> dict:
    """The CSVW table group of the metadata of every table: one URL from which a processor reads them all."""
    title, description = GROUP_TEXT
    return {"@context": CONTEXT, "dc:title": _texts(title), "dc:description": _texts(description),
            "tables": [{key: value for key, value in metadata.items() if key != "@context"} for metadata in described]}


def _column(column, tags: set, table) -> dict:
    # The header is the name, so it is also a title: CSVW checks the header against the titles (und: any language).
    found = {"name": column.name, "titles": {"und": column.name, **column.titles},
             "datatype": column.datatype, "propertyUrl": column.path[-1].value, "required": column.required}
    if column.name == KEY or column.datatype == "anyURI" and not column.many:
        # The URI column gives the row's rdf:type. Templates read strings: csvw 4.1 mangles anyURI values in them.
        found.update(datatype="string", valueUrl=table.kind.value if column.name == KEY else "{+" + column.name + "}")
    if column.many:
        found["separator"] = SEPARATOR
    if column.of and not column.many:
        found["aboutUrl"] = "{+" + column.of + "}"
    skipped = _skipped(column, tags, table)
    if skipped:
        found["suppressOutput"] = True
    elif len(tags) == 1 and next(iter(tags)):
        found["lang"] = next(iter(tags))
    found["dc:description"] = _texts(_description(column, skipped, table))
    return found


def _skipped(column, tags: set, table) -> dict | None:
    """Why CSVW must skip a column's cells (``SKIPPED``), with the link table that gives them instead; else None."""
    links = {link.columns[1].name: link.name + ".csv" for link in table.links}
    if column.name == KEY and table.main:
        return {lang: text.format(link=table.main + ".csv") for lang, text in SKIPPED["key"].items()}
    if column.name in links or column.of in links and column.many:
        reason = "links" if column.name in links else "names"
        return {lang: text.format(link=links[column.name if reason == "links" else column.of])
                for lang, text in SKIPPED[reason].items()}
    if column.many and column.of or len(column.path) > 1 and not column.of:
        return SKIPPED["other"]
    return SKIPPED["languages"] if len(tags) > 1 else None


def _description(column, skipped: dict | None, table) -> dict:
    path = " / ".join(prefixed(prop.value) for prop in column.path)
    path += f" ({prefixed(column.kind.value)})" if column.kind else ""
    found = {"nl": f"Uit {path}.", "en": f"From {path}."}
    if column.name == KEY:
        found = {"nl": "De URI van wat de rij beschrijft; ook zijn rdf:type.",
                 "en": "The URI of what the row describes; also its rdf:type."}
    elif column.of and column.many:
        found = {"nl": f"De naam van elke URI in kolom {column.of}, in dezelfde volgorde ({path}).",
                 "en": f"The name of each URI in column {column.of}, in the same order ({path})."}
    elif column.of:
        found = {"nl": f"De naam van de URI in kolom {column.of} ({path}).",
                 "en": f"The name of the URI in column {column.of} ({path})."}
    if column.many and column.datatype == "anyURI":
        found = {lang: f"{text} {LINKS_RULE[lang]}" for lang, text in found.items()}
    if column.many:
        found = {lang: f"{text} {LIST_RULE[lang]}" for lang, text in found.items()}
    return {lang: f"{text} {skipped[lang]}" if skipped else text for lang, text in found.items()}


def _texts(texts: dict) -> list[dict]:
    return [{"@value": value, "@language": lang} for lang, value in texts.items()]
