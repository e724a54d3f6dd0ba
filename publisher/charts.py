"""Bar charts as SVG, drawn on the server: a page with charts needs no JavaScript and nothing from another site.

A chart is a list of rows, each with a pair of bars (practices and initiatives) on one scale. A row with a page
is a link to it (``<a>``, SVG 2), with a ``<title>`` that gives its name and numbers; the chart's own ``<title>``
and ``<desc>`` name it for assistive technology, and the table beside it on the page is its accessible version.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH, LABELS, ROW, TOP = 720, 270, 30, 34  # the viewBox's width, the labels' column, a row's height, the legend's
COLOURS = {"practices": "#9ecae1", "initiatives": "#08519c"}  # ColorBrewer "Blues", light and dark
LONGEST = 36  # characters of a label shown; the whole name is in the row's <title> and in the table


@dataclass(frozen=True)
class Bar:
    """A row of a chart: its name, its page (or None), and its number per series."""

    label: str
    href: str | None
    values: dict  # series name → number
    muted: bool = False  # the row of what has no value ("zonder plaats"), drawn in grey


def bars(rows: list[Bar], caption: tuple[str, str], series: dict, title) -> str:
    """Draw ``rows`` as horizontal bars, one bar per series.

    :param caption: the chart's title and description.
    :param series: series name → its name in the legend, in the order drawn.
    :param title: a row → the text of its ``<title>``.
    """
    highest = max((value for row in rows for value in row.values.values()), default=0) or 1
    scale = (WIDTH - LABELS - 50) / highest
    height = TOP + ROW * len(rows) + 6
    key = _id(caption[0])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" font-size="13" '
             f'font-family="system-ui, sans-serif" aria-labelledby="{key}-title {key}-desc">',
             f'<title id="{key}-title">{escape(caption[0])}</title><desc id="{key}-desc">{escape(caption[1])}</desc>']
    for index, (name, text) in enumerate(series.items()):  # the legend
        x = LABELS + index * 150
        parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{COLOURS[name]}"/>'
                     f'<text x="{x + 20}" y="18">{escape(text)}</text>')
    for number, row in enumerate(rows):
        y, ink = TOP + number * ROW, "#5b5b58" if row.muted else "#1d1d1b"
        inner = [f'<title>{escape(title(row))}</title>',
                 f'<text x="{LABELS - 8}" y="{y + 17}" text-anchor="end" fill="{ink}">'
                 f'{escape(_short(row.label))}</text>']
        for offset, name in enumerate(series):
            value, top = row.values.get(name, 0), y + 3 + offset * 12
            fill = "#bdbdb8" if row.muted else COLOURS[name]
            inner.append(f'<rect x="{LABELS}" y="{top}" width="{round(value * scale, 1)}" height="11" '
                         f'fill="{fill}"/><text x="{LABELS + value * scale + 4:.1f}" y="{top + 10}" '
                         f'font-size="11">{value}</text>')
        body = "".join(inner)
        parts.append(f'<a href={quoteattr(row.href)}>{body}</a>' if row.href else f"<g>{body}</g>")
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str) -> str:
    """A label cut to ``LONGEST`` characters.

    >>> _short("Jongeren met een migratieachtergrond en hun ouders")
    'Jongeren met een migratieachtergron…'
    """
    return label if len(label) <= LONGEST else label[:LONGEST - 1] + "…"


def _id(text: str) -> str:
    """An XML id made of a caption.

    >>> _id("Per beleidsdomein")
    'chart-per-beleidsdomein'
    """
    return "chart-" + "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
