"""The CSV on the Web metadata of a table (W3C CSVW, tabular metadata 5): each column mapped to its property.

``aboutUrl`` is the row's ``uri``, ``propertyUrl`` the values' property, so that a CSVW processor (csv2rdf,
"Generating RDF") turns every cell into triples of the graph. A single URI gets a ``valueUrl``: one node. A list of
URIs (``separator``) is ``anyURI`` without one: csv2rdf gives a cell one value URL, expanded with the whole list
bound to the column's variable (tabular metadata 5.1.3, RFC 6570), so a ``valueUrl`` would make one IRI of all the
values joined by commas; without it each value is an ``xsd:anyURI`` literal holding the IRI, which the column's
description says. Values of another resource (names of linked things, contact points) are ``suppressOutput``
unless an ``aboutUrl`` can name it. Each column says in words how to read its cells (``dc:description``), and the
table how a cell that a spreadsheet would run as a formula was written (``notes``).
"""

from publisher.layout import prefixed

KEY, SEPARATOR = "uri", " | "  # the primary key column; what joins the values of a multi-valued cell
LIST_RULE = {"nl": "Meerdere waarden zijn gescheiden door ' | '.", "en": "Several values are separated by ' | '."}
LINKS_RULE = {"nl": "Elke waarde is de URI van een gelinkte bron (in CSVW een xsd:anyURI).",
              "en": "Each value is the URI of a linked resource (in CSVW an xsd:anyURI)."}
FORMULA_RULE = {"nl": "Een cel die begint met =, +, -, @, een tab, een regeleinde of ' kreeg een ' vooraan, zodat een "
                      "rekenblad ze niet als formule uitvoert (OWASP, CSV injection): laat die eerste ' weg.",
                "en": "A cell that starts with =, +, -, @, a tab, a carriage return or ' got a ' in front, so that a "
                      "spreadsheet does not run it as a formula (OWASP, CSV injection): drop that first '."}


def metadata_of(table, tags: dict) -> dict:
    """The CSVW metadata of a ``tables.Table``; a column whose texts all have one language tag gets it as ``lang``."""
    return {"@context": "http://www.w3.org/ns/csvw", "url": f"{table.name}.csv",
            "dc:title": _texts(table.title), "dc:description": _texts(table.description), "notes": _texts(FORMULA_RULE),
            "tableSchema": {"columns": [_column(column, tags[column.name], table.kind) for column in table.columns],
                            "aboutUrl": "{+" + KEY + "}", "primaryKey": KEY}}


def _column(column, tags: set, kind) -> dict:
    # The header is the name, so it is also a title: CSVW checks the header against the titles (und: any language).
    found = {"name": column.name, "titles": {"und": column.name, **column.titles},
             "dc:description": _texts(_description(column)), "datatype": column.datatype,
             "propertyUrl": column.path[-1].value, "required": column.required}
    if column.name == KEY or column.datatype == "anyURI" and not column.many:
        # The URI column gives the row's rdf:type. Templates read strings: csvw 4.1 mangles anyURI values in them.
        found.update(datatype="string", valueUrl=kind.value if column.name == KEY else "{+" + column.name + "}")
    if column.many:
        found["separator"] = SEPARATOR
    if column.of and not column.many:
        found["aboutUrl"] = "{+" + column.of + "}"
    elif column.of or len(column.path) > 1:
        found["suppressOutput"] = True  # the values belong to a resource that no cell names
    if len(tags) == 1:
        found["lang"] = next(iter(tags))
    return found


def _description(column) -> dict:
    path = " / ".join(prefixed(prop.value) for prop in column.path)
    path += f" ({prefixed(column.kind.value)})" if column.kind else ""
    found = {"nl": f"Uit {path}.", "en": f"From {path}."}
    if column.name == KEY:
        found = {"nl": "De URI van wat de rij beschrijft; ook zijn rdf:type.",
                 "en": "The URI of what the row describes; also its rdf:type."}
    elif column.of:
        found = {"nl": f"De naam van elke URI in kolom {column.of}, in dezelfde volgorde ({path}).",
                 "en": f"The name of each URI in column {column.of}, in the same order ({path})."}
    if column.many and column.datatype == "anyURI":
        found = {lang: f"{text} {LINKS_RULE[lang]}" for lang, text in found.items()}
    return {lang: f"{text} {LIST_RULE[lang]}" if column.many else text for lang, text in found.items()}


def _texts(texts: dict) -> list[dict]:
    return [{"@value": value, "@language": lang} for lang, value in texts.items()]
