"""The municipality picker of the canned-query forms: municipalities by name, grouped by province, and a typed
name linked to its NIS code (issue 13: a civil servant knows the name of a municipality, not its code).

It works without JavaScript: a ``<select>`` grouped by province, and a text field whose name the server links with
``publisher.linker``; a name that is ambiguous or unknown is asked back with the candidates, never guessed.
"""

from dataclasses import dataclass
from pathlib import Path

from publisher import language
from publisher.errors import LinkError

CHOICES = (Path(__file__).parent / "municipality_choices.rq").read_text()


@dataclass(frozen=True)
class Asked:
    """A typed name that did not link to one municipality: the question back, and the spellings that would."""

    parameter: str
    text: str
    message: str
    candidates: tuple  # publisher.places.Candidate


def name_field(parameter: str) -> str:
    """The form field in which a name is typed for a municipality parameter.

    >>> name_field("nis")
    'naam-nis'
    """
    return f"naam-{parameter}"


def choices(graph, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the municipalities of today as (province name, [(NIS code, name)]), both sorted by name."""
    found, areas = {}, {}
    for row in graph.select(CHOICES):
        nis = row["nis"].value
        found.setdefault(nis, {"names": [], "area": row["area"]})["names"].append(row["label"])
        if row["area"] is not None:
            areas.setdefault(row["area"], []).append(row["areaLabel"])
    groups = {}
    for nis, entry in found.items():
        name = language.pick(entry["names"], lang)
        area = language.pick(areas.get(entry["area"], []), lang)
        groups.setdefault(area.value if area else "", []).append((nis, name.value if name else nis))
    return [(area, sorted(members, key=lambda member: member[1].lower()))
            for area, members in sorted(groups.items(), key=lambda group: group[0].lower())]


def resolve(linker, parameter: str, text: str):
    """Link a typed name to its municipality of today: (NIS code, the municipality's name), or an ``Asked``."""
    try:
        found = linker.link(text.strip())
    except LinkError as error:
        return Asked(parameter, text, str(error), error.candidates)
    return found.nis, found.municipality_name
