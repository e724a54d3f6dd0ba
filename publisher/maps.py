"""The map of Flanders and Brussels: the 2025 municipal boundaries, projected once per build and drawn as SVG.

The build reads ``{graph_dir}/gazetteer/gemeente-2025.geojson`` (longitude/latitude; source in that folder's
README) and writes each municipality's outline as SVG path data into the build (``artefacts.MAP``), projected
equirectangularly around the map's middle latitude (x scaled by its cosine, so that a kilometre is as long east
as north: at 51° the error across Flanders stays below 1%). The server draws the choropleth of the statistics page
and the outline on a municipality's page from that file: no projection per request.
"""

import json
import math
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from publisher import state
from publisher.language import translate
from publisher.artefacts import MAP

BOUNDARIES = Path("gazetteer") / "gemeente-2025.geojson"  # in graph_dir
WIDTH = 1000  # of the viewBox; a unit is then about 250 m, so whole units lose nothing the simplified lines hold
# ColorBrewer's sequential "Blues" (Cynthia Brewer, colorbrewer2.org): 0 in grey, then light to dark.
PALETTE = ("#e8e8e4", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def write(folder: Path, graph_dir: Path) -> None:
    """Project the boundaries of ``graph_dir`` into ``folder``; a graph without them gets no map."""
    source = Path(graph_dir) / BOUNDARIES
    if source.exists():
        state.write_json(folder / MAP, project(json.loads(source.read_text(encoding="utf-8"))))


def project(collection: dict) -> dict:
    """Project a GeoJSON FeatureCollection of (multi)polygons to SVG paths: ``{width, height, municipalities}``.

    >>> square = {"type": "Polygon", "coordinates": [[[4, 51], [4.1, 51], [4.1, 51.1], [4, 51.1], [4, 51]]]}
    >>> found = project({"features": [{"properties": {"geoitem": "1", "naam": "A"}, "geometry": square}]})
    >>> found["municipalities"]["1"]["d"], found["height"]  # 0.1° north is 1000 / cos(51.05°) of 0.1° east
    ('M0 1591l1000 0 0-1591-1000 0z', 1591)
    """
    features = collection["features"]
    points = [p for f in features for polygon in _polygons(f["geometry"]) for ring in polygon for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * squeeze)

    def xy(point):
        return round((point[0] - west) * squeeze * scale), round((north - point[1]) * scale)

    shapes = {f["properties"]["geoitem"]: {"name": f["properties"]["naam"],
                                           "d": "".join(_ring([xy(p) for p in ring])
                                                        for polygon in _polygons(f["geometry"]) for ring in polygon)}
              for f in features}
    return {"width": WIDTH, "height": round((north - south) * scale), "municipalities": shapes}


def _polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _ring(points: list) -> str:
    """SVG path data of a closed ring: absolute start, relative steps (shorter), repeated points left out.

    A ring that rounds to fewer than three points is left out: ``l`` without numbers would be an error in the path
    data, and SVG stops drawing a path at its first error (SVG 2, "Error handling in path data").

    >>> _ring([(0, 0), (5, 0), (5, 5), (0, 0)]), _ring([(1, 1), (1, 1), (2, 1), (1, 1)])
    ('M0 0l5 0 0 5z', '')
    """
    (x, y), steps = points[0], []
    for px, py in points[1:-1]:  # a GeoJSON ring repeats its first point last; ``z`` closes it
        if (px, py) != (x, y):
            steps.append(f"{px - x} {py - y}")
            x, y = px, py
    if len(steps) < 2:
        return ""
    return f"M{points[0][0]} {points[0][1]}l" + " ".join(steps).replace(" -", "-") + "z"


def classes(highest: int) -> list[tuple[int, int | None]]:
    """The legend's classes up to ``highest``: (lowest, highest or None for "and more"), 0 first.

    >>> classes(0), classes(7)
    ([(0, 0)], [(0, 0), (1, 1), (2, 4), (5, 9)])
    >>> classes(5000)[-1]
    (100, None)
    """
    used = [step for step in STEPS if step <= highest]
    open_ended = len(used) >= len(PALETTE) - 1 or (used and used[-1] == STEPS[-1])
    used = used[:len(PALETTE) - 1]
    found = [(0, 0)] + [(low, following - 1) for low, following in zip(used, used[1:])]
    if used:
        later = [step for step in STEPS if step > used[-1]]
        found.append((used[-1], None if open_ended or not later else later[0] - 1))
    return found


def colour(value: int, legend: list) -> str:
    """The colour of ``value`` in the classes of ``legend``."""
    for index, (low, high) in enumerate(legend):
        if value >= low and (high is None or value <= high):
            return PALETTE[index]
    return PALETTE[len(legend) - 1]


def choropleth(shapes: dict, values: dict, link, title, caption: tuple[str, str], legend_title) -> str:
    """Draw each municipality filled by its value (by NIS code), each a link with a ``<title>``.

    :param link: NIS code → the URL of the municipality's page.
    :param title: (NIS code, name, value) → the text of its ``<title>``.
    :param caption: the map's title and description.
    :param legend_title: a class (lowest, highest or None) → its text in the legend.
    """
    legend = classes(max(values.values(), default=0))
    width, height = shapes["width"], shapes["height"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height + 40}" '
             'aria-labelledby="map-title map-desc">',
             f'<title id="map-title">{escape(caption[0])}</title><desc id="map-desc">{escape(caption[1])}</desc>',
             '<g stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">']
    for nis, shape in sorted(shapes["municipalities"].items()):
        value = values.get(nis, 0)
        parts.append(f'<a href={quoteattr(link(nis))} id="gemeente-{nis}">'
                     f'<title>{escape(title(nis, shape["name"], value))}</title>'
                     f'<path d="{shape["d"]}" fill="{colour(value, legend)}"/></a>')
    parts.append('</g><g class="legend" font-size="14" font-family="system-ui, sans-serif">')
    for index, bounds in enumerate(legend):
        x = 10 + index * 130
        parts.append(f'<rect x="{x}" y="{height + 12}" width="18" height="18" fill="{PALETTE[index]}" '
                     f'stroke="#5b5b58" stroke-width="0.5"/><text x="{x + 24}" y="{height + 26}">'
                     f'{escape(legend_title(bounds))}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def outline(shapes: dict, nis: str, caption: tuple[str, str]) -> str | None:
    """Draw every municipality in grey and ``nis`` highlighted; None when the map has no municipality ``nis``."""
    own = shapes["municipalities"].get(nis)
    if own is None:
        return None
    others = "".join(shape["d"] for code, shape in shapes["municipalities"].items() if code != nis)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="map outline" viewBox="0 0 {shapes["width"]} '
            f'{shapes["height"]}" role="img" aria-labelledby="outline-title outline-desc">'
            f'<title id="outline-title">{escape(caption[0])}</title><desc id="outline-desc">{escape(caption[1])}</desc>'
            f'<path d="{others}" fill="#e8e8e4" stroke="#ffffff" stroke-width="0.6" fill-rule="evenodd"/>'
            f'<path id="gemeente-{nis}" class="highlight" d="{own["d"]}" fill="#00508c" stroke="#1d1d1b" '
            'stroke-width="1.2" fill-rule="evenodd"/></svg>')


def page_outline(shapes: dict | None, nis: str, lang: str) -> str | None:
    """The map with municipality ``nis`` highlighted, captioned in ``lang``, for its page; None for a municipality
    the boundaries do not hold (one that ceased, one in Wallonia) or a build without them."""
    if shapes is None or nis not in shapes["municipalities"]:
        return None
    name = shapes["municipalities"][nis]["name"]
    on_the_map = translate("op de kaart van Vlaanderen en Brussel", lang)  # outside the f-string, for the extractor
    return outline(shapes, nis, (f"{name} {on_the_map}",
                                 translate("De gemeente is donker gekleurd, de andere gemeenten grijs.", lang)))
