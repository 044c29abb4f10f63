"""The radar: every trend by area and ring, as inline SVG laid out at build time.

A grid rather than a circle: a manager reads "what do we adopt in AutoML" along
a row and "what is on hold anywhere" down a column, with no legend to look up,
and a grid's labels can be laid out so that none overlaps at any size. Each
trend is its title, linked to its page. A cell shows a few trends (its
layout's cap), the fastest rising first; the rest are one link away ("and N
more"), in Explore filtered to that area and ring. So the radar's height is
bounded whether the knowledge base holds 18 trends or 2,000, and every trend
can be reached from it.

SVG text does not wrap and cannot be re-laid out by CSS, so the same radar is
drawn at three widths (`LAYOUTS`): rings as columns where there is room, and
on a phone each area as a block with its rings stacked. A CSS container query
(trendkb.css) shows the widest one that fits; the others are display:none, so
screen readers and keyboards meet one radar. A table of counts under it is
the text equivalent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from site_hooks.markup import esc
from site_hooks.svg import number, text_element, text_width, wrap
from trendkb.models import Ring

RINGS = [ring.value for ring in Ring]


@dataclass(frozen=True)
class Layout:
    width: float  # px; shown when its container is at least this wide (see trendkb.css)
    cap: int  # trends shown per cell: more would make a cell taller than a screen at a few hundred trends


LAYOUTS = {"wide": Layout(900, 5), "medium": Layout(660, 5), "narrow": Layout(340, 3)}
FONT, LINE, GAP, PAD = 13, 17, 5, 8  # trend titles: px size, line height, space between two, cell padding
AREA_FONT, AREA_LINE = 14, 18
RING_FONT, PILL_HEIGHT = 11, 20


@dataclass(frozen=True)
class Blip:
    """One trend on the radar."""

    title: str
    url: str
    area: str  # area id
    ring: str


@dataclass(frozen=True)
class Cell:
    shown: list[Blip]
    more: int  # trends of the cell not shown
    more_url: str  # where the whole cell is listed


@dataclass(frozen=True)
class Box:
    """Where a text is estimated to lie, for checking that none overlaps another."""

    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Box) -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


@dataclass
class Drawing:
    width: float
    height: float = 0.0
    back: list[str] = field(default_factory=list)  # shapes, drawn under every text
    front: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def text(self, x: float, top: float, lines: list[str], css: str, size: float = FONT,
             line_height: float = LINE, bold: bool = False, href: str | None = None) -> float:
        """Add a text of `lines`, a link when `href` is given; returns its height."""
        element = text_element(x, top, lines, size, line_height, css, bold)
        box = Box(x, top, max(text_width(line, size, bold) for line in lines), len(lines) * line_height)
        if href:
            # xlink:href, not href: Material's instant navigation assigns to the `href` of every element
            # that has an href attribute, and an SVG link's `href` cannot be assigned (a TypeError that
            # stops the page swap). The rectangle makes the whole block clickable, gaps between lines too.
            element = (f'<a xlink:href="{esc(href)}"><rect class="tkb-radar__hit" x="{number(box.x)}" '
                       f'y="{number(box.y)}" width="{number(box.width)}" height="{number(box.height)}"/>'
                       f"{element}</a>")
        self.front.append(element)
        self.boxes.append(box)
        return box.height

    def pill(self, x: float, top: float, ring: str, width: float) -> None:
        """A ring's name on its colour, as the ring badges elsewhere on the site."""
        self.back.append(f'<rect class="tkb-radar__pill tkb-radar__pill--{esc(ring)}" x="{number(x)}" '
                         f'y="{number(top)}" width="{number(width)}" height="{PILL_HEIGHT}" rx="10"/>')
        self.text(x + 8, top + (PILL_HEIGHT - 15) / 2 - 1, [ring.upper()], "tkb-radar__ring", RING_FONT, 15,
                  bold=True)

    def rect(self, x: float, y: float, width: float, height: float, css: str) -> None:
        self.back.append(f'<rect class="{css}" x="{number(x)}" y="{number(y)}" width="{number(width)}" '
                         f'height="{number(height)}"/>')

    def svg(self, name: str, label: str) -> str:
        return (f'<svg class="tkb-radar__svg" data-layout="{name}" viewBox="0 0 {number(self.width)} '
                f'{number(self.height)}" width="{number(self.width)}" height="{number(self.height)}" '
                f'role="group" aria-label="{esc(label)}" style="font-size:{FONT}px">'
                + "".join(self.back) + "".join(self.front) + "</svg>")


def pill_width() -> float:
    return max(text_width(ring.upper(), RING_FONT, bold=True) for ring in RINGS) + 16


def cells(areas: Sequence[tuple[str, str]], blips: Sequence[Blip], more_url: Callable[[str, str], str],
          cap: int) -> dict[tuple[str, str], Cell]:
    """Each (area id, ring) with the first `cap` of its trends, in the order given, and how many more there are."""
    grouped: dict[tuple[str, str], list[Blip]] = {(area, ring): [] for area, _ in areas for ring in RINGS}
    for blip in blips:
        grouped[(blip.area, blip.ring)].append(blip)
    return {key: Cell(items[:cap], max(len(items) - cap, 0), more_url(*key)) for key, items in grouped.items()}


def _cell_height(cell: Cell, width: float) -> float:
    lines = sum(len(wrap(blip.title, width, FONT)) for blip in cell.shown) + (1 if cell.more else 0)
    items = len(cell.shown) + (1 if cell.more else 0)
    return lines * LINE + max(items - 1, 0) * GAP


def _fill(drawing: Drawing, cell: Cell, x: float, top: float, width: float) -> None:
    for blip in cell.shown:
        top += drawing.text(x, top, wrap(blip.title, width, FONT), "tkb-radar__trend", href=blip.url) + GAP
    if cell.more:
        drawing.text(x, top, wrap(f"and {cell.more} more", width, FONT), "tkb-radar__more", href=cell.more_url)


def grid(areas: Sequence[tuple[str, str]], table: dict[tuple[str, str], Cell], width: float) -> Drawing:
    """Areas as rows, rings as columns."""
    drawing = Drawing(width)
    label = 150 if width >= 800 else 120
    column = (width - label) / len(RINGS)
    pill = pill_width()
    header = PILL_HEIGHT + 2 * PAD
    for i, ring in enumerate(RINGS):
        drawing.pill(label + i * column + PAD, PAD, ring, pill)
    top = header
    for index, (area, title) in enumerate(areas):
        area_lines = wrap(title, label - 2 * PAD, AREA_FONT, bold=True)
        inner = max(len(area_lines) * AREA_LINE,
                    *(_cell_height(table[(area, ring)], column - 2 * PAD) for ring in RINGS))
        height = inner + 2 * PAD
        drawing.rect(0, top, width, height, f"tkb-radar__band tkb-radar__band--{index % 2}")
        drawing.text(PAD, top + PAD, area_lines, "tkb-radar__area", AREA_FONT, AREA_LINE, bold=True)
        for i, ring in enumerate(RINGS):
            _fill(drawing, table[(area, ring)], label + i * column + PAD, top + PAD, column - 2 * PAD)
        top += height
    for i in range(len(RINGS)):
        x = label + i * column
        drawing.back.append(f'<line class="tkb-radar__rule" x1="{number(x)}" y1="{header}" x2="{number(x)}" '
                            f'y2="{number(top)}"/>')
    drawing.height = top
    return drawing


def stacked(areas: Sequence[tuple[str, str]], table: dict[tuple[str, str], Cell], width: float) -> Drawing:
    """For narrow screens: each area as a block, its rings one under another."""
    drawing = Drawing(width)
    pill = pill_width()
    x = PAD + pill + PAD
    column = width - x - PAD
    top = 0.0
    for index, (area, title) in enumerate(areas):
        start = top
        area_lines = wrap(title, width - 2 * PAD, AREA_FONT, bold=True)
        top += PAD
        top += drawing.text(PAD, top, area_lines, "tkb-radar__area", AREA_FONT, AREA_LINE, bold=True) + PAD
        present = [ring for ring in RINGS if table[(area, ring)].shown]
        if not present:
            top += drawing.text(PAD, top, ["No trends yet"], "tkb-radar__empty") + PAD
        for ring in present:
            cell = table[(area, ring)]
            drawing.pill(PAD, top, ring, pill)
            _fill(drawing, cell, x, top + 1, column)
            top += max(PILL_HEIGHT, _cell_height(cell, column) + 1) + PAD
        drawing.rect(0, start, width, top - start, f"tkb-radar__band tkb-radar__band--{index % 2}")
    drawing.height = top
    return drawing


def drawings(areas: Sequence[tuple[str, str]], blips: Sequence[Blip],
             more_url: Callable[[str, str], str]) -> dict[str, Drawing]:
    """The radar in each of LAYOUTS."""
    return {name: (grid if layout.width >= 600 else stacked)(areas, cells(areas, blips, more_url, layout.cap),
                                                             layout.width)
            for name, layout in LAYOUTS.items()}


def counts_table(areas: Sequence[tuple[str, str]], table: dict[tuple[str, str], Cell]) -> str:
    """The text equivalent: trends per area and ring (cells with a cap of 0), each count linking to its list."""
    head = "<tr><th>Area</th>" + "".join(f"<th>{esc(ring)}</th>" for ring in RINGS) + "</tr>"
    rows = []
    for area, title in areas:
        counts = []
        for ring in RINGS:
            total = table[(area, ring)].more
            counts.append(f'<td><a href="{esc(table[(area, ring)].more_url)}">{total}</a></td>' if total
                          else "<td>0</td>")
        rows.append(f"<tr><th scope=\"row\">{esc(title)}</th>{''.join(counts)}</tr>")
    return (f'<table class="tkb-table"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')


def radar(areas: Sequence[tuple[str, str]], blips: Sequence[Blip], more_url: Callable[[str, str], str]) -> str:
    """The radar figure: the SVG at each width, and the table of counts as its text equivalent.

    `areas` are (id, title) in display order; `blips` come in the order cells
    show them; `more_url(area id, ring)` lists a whole cell.
    """
    label = f"Radar of {len(blips)} trends by area and ring; each title links to its trend."
    svgs = "".join(drawing.svg(name, label) for name, drawing in drawings(areas, blips, more_url).items())
    table = cells(areas, blips, more_url, cap=0)
    return (f'<figure class="tkb-radar" aria-label="{esc(label)}">{svgs}</figure>'
            f'<details class="tkb-radar__table"><summary>The radar as a table of counts</summary>'
            f"{counts_table(areas, table)}</details>")
