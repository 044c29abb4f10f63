"""Adoption on the site: research against adoption on the home page, each trend's adoption figures, exports.

The home page's view places every trend by its research momentum (x) and its
adoption momentum (y), both drawn on the same scale (the log of the ratio of
the two periods' means, so a doubling and a halving lie equally far from the
middle), in four quadrants named for what they mean to a manager. It is inline
SVG drawn here, like the radar: no script, no chart library, drawn at two
widths of which a CSS container query shows the one that fits, with each dot
a link to its trend, labels laid out so that none overlaps, and lists of each
quadrant's trends with both changes as its text equivalent. Extreme changes
sit at the edge.

A trend page gets an adoption chart (downloads per month of each package as
bars, stars of each repository over time as lines) beside its research chart:
an interactive chart, drawn lazily by trendkb.js like the research chart, with
a table of its numbers, and the newest snapshot of each repository.
"""

from __future__ import annotations

import bisect
import io
import math
from dataclasses import dataclass

import pandas as pd

from site_hooks.context import SiteContext, trend_src
from site_hooks.equivalents import details
from site_hooks.markup import NO_SEARCH, esc, link
from site_hooks.svg import number, text_element, text_width, wrap
from trendkb import models
from trendkb.adoption import Basis, full_month
from trendkb.models import package_key, repo_key
from trendkb.momentum import Label, month_of

# The labels adoption momentum can take, for Explore's filter.
LABELS = [Label.RISING, Label.STEADY, Label.FALLING, Label.NEW, Label.TOO_FEW_DOWNLOADS, Label.TOO_FEW_STARS,
          Label.NO_DATA]


@dataclass(frozen=True)
class Quadrant:
    key: str
    name: str  # what it means to a manager
    research_up: bool
    adoption_up: bool


QUADRANTS = (
    Quadrant("hot-adopted", "Rising in research and in use", True, True),
    Quadrant("hot-not-adopted", "Hot in research, not yet adopted", True, False),
    Quadrant("adopted-growing", "Adopted and still growing", False, True),
    Quadrant("cooling", "Cooling in research and in use", False, False),
)
LIMIT = 1.0  # the scale's edge, in doublings: +100% and -50% (most changes are within it; beyond sits at the edge)
BACKFILLED = models.DownloadsSource.CLICKPY
LABEL_WIDTH = 150  # px: a longer title is cut with an ellipsis on the figure (its dot's title has it whole)


def quadrant_of(research: float, adoption: float) -> Quadrant:
    return next(q for q in QUADRANTS if q.research_up == (research >= 0) and q.adoption_up == (adoption >= 0))


def position(change: float) -> float:
    """A change (+0.35 for +35%) on the figure's scale: doublings, between -LIMIT and LIMIT."""
    ratio = 1 + change
    return max(-LIMIT, min(LIMIT, math.log2(ratio) if ratio > 0 else -LIMIT))


# ---------------------------------------------------------------- labels and links


def adoption_link(ctx: SiteContext, page: str, trend_id: str) -> str:
    """A trend's adoption momentum, linked to the Method page's section on it."""
    return f'<a href="{esc(ctx.rel(page, "method.md"))}#adoption">{esc(ctx.adoption[trend_id].momentum.text)}</a>'


# ---------------------------------------------------------------- the home page's view


@dataclass(frozen=True)
class Point:
    title: str
    url: str
    research: float
    adoption: float

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.research, self.adoption)

    @property
    def summary(self) -> str:
        return f"{self.title}: research {self.research:+.0%}, adoption {self.adoption:+.0%}"


@dataclass(frozen=True)
class Layout:
    width: float  # the container width from which it shows (trendkb.css)
    height: float
    font: float
    ticks: tuple[float, ...]


LAYOUTS = {"wide": Layout(720, 430, 12, (-0.5, -0.25, 0.0, 0.5, 1.0)), "narrow": Layout(340, 380, 11, (-0.5, 0.0, 1.0))}
MARGIN = {"left": 58, "right": 12, "top": 12, "bottom": 34}
DOT = 5


def short(title: str, size: float) -> str:
    """The title, cut with an ellipsis to fit LABEL_WIDTH at `size` px."""
    if text_width(title, size) <= LABEL_WIDTH:
        return title
    # The longest start of the title that fits with the ellipsis (widths only grow with the length).
    fits = bisect.bisect_right(range(len(title) + 1), False,
                               key=lambda length: text_width(title[:length] + "…", size) > LABEL_WIDTH) - 1
    return title[:max(fits, 0)].rstrip(" :,") + "…"


def _box_overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def draw(points: list[Point], name: str, layout: Layout, label: str) -> str:
    """The figure at one width: quadrants, axes, a dot per trend and the labels that fit without overlapping."""
    left, top = MARGIN["left"], MARGIN["top"]
    right, bottom = layout.width - MARGIN["right"], layout.height - MARGIN["bottom"]
    mid_x, mid_y = (left + right) / 2, (top + bottom) / 2

    def x(change: float) -> float:
        return mid_x + position(change) / LIMIT * (right - left) / 2

    def y(change: float) -> float:
        return mid_y - position(change) / LIMIT * (bottom - top) / 2

    size, line = layout.font, layout.font + 4
    back = []
    placed: list[tuple[float, float, float, float]] = []  # what a label may not cover: names, dots, labels
    for quadrant in QUADRANTS:
        x0, x1 = (mid_x, right) if quadrant.research_up else (left, mid_x)
        y0, y1 = (top, mid_y) if quadrant.adoption_up else (mid_y, bottom)
        back.append(f'<rect class="tkb-quad__area tkb-quad__area--{quadrant.key}" x="{number(x0)}" '
                    f'y="{number(y0)}" width="{number(x1 - x0)}" height="{number(y1 - y0)}"/>')
        lines = wrap(quadrant.name, x1 - x0 - 12, size, bold=True)
        wide = max(text_width(text, size, bold=True) for text in lines)
        name_x = x0 + 6 if not quadrant.research_up else x1 - 6 - wide
        name_y = y0 + 4 if quadrant.adoption_up else y1 - 4 - len(lines) * line
        back.append(text_element(name_x, name_y, lines, size, line, "tkb-quad__name", bold=True))
        placed.append((name_x, name_y, name_x + wide, name_y + len(lines) * line))
    back.append(f'<path class="tkb-quad__axis" d="M{number(left)} {number(mid_y)} H{number(right)} '
                f'M{number(mid_x)} {number(top)} V{number(bottom)}"/>')
    for tick in layout.ticks:
        text = f"{tick:+.0%}" if tick else "0"
        tick_size = size - 1
        tx = x(tick) - text_width(text, tick_size) / 2
        back.append(text_element(max(left, min(tx, right - text_width(text, tick_size))), bottom + 3, [text],
                                 tick_size, line, "tkb-quad__tick"))
        back.append(text_element(left - 4 - text_width(text, tick_size), y(tick) - tick_size / 2 - 2, [text],
                                 tick_size, line, "tkb-quad__tick"))
    axis = "Research momentum →"
    back.append(text_element(right - text_width(axis, size), bottom + 3 + line, [axis], size, line, "tkb-quad__tick"))
    back.append(f'<text class="tkb-quad__tick" font-size="{number(size)}" transform="translate('
                f'{number(size + 2)} {number(bottom)}) rotate(-90)">Adoption momentum →</text>')

    centres = [(x(p.research), y(p.adoption)) for p in points]
    placed += [(cx - DOT, cy - DOT, cx + DOT, cy + DOT) for cx, cy in centres]
    labels: dict[int, str] = {}
    # The trends farthest from the middle are the news: they get their labels first.
    for index in sorted(range(len(points)), key=lambda i: -abs(position(points[i].research))
                        - abs(position(points[i].adoption))):
        (cx, cy), title = centres[index], short(points[index].title, size)
        width = text_width(title, size)
        for lx, ly in ((cx + DOT + 3, cy - size / 2 - 2), (cx - DOT - 3 - width, cy - size / 2 - 2),
                       (cx - width / 2, cy - DOT - line), (cx - width / 2, cy + DOT + 1)):
            box = (lx, ly, lx + width, ly + line)
            inside = left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom
            if inside and not any(_box_overlaps(box, other) for other in placed):
                placed.append(box)
                labels[index] = text_element(lx, ly + 1, [title], size, line, "tkb-quad__label")
                break
    # xlink:href, as in the radar: Material's instant navigation rewrites every a[href], which an SVG link refuses.
    # Kept short, as every trend is drawn twice: the <title> names the link (and shows on hover); whole pixels.
    front = [f'<a xlink:href="{esc(point.url)}"><title>{esc(point.summary)}</title>'
             f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{DOT}"/>{labels.get(index, "")}</a>'
             for index, (point, (cx, cy)) in enumerate(zip(points, centres, strict=True))]
    return (f'<svg class="tkb-quad__svg" data-layout="{name}" viewBox="0 0 {number(layout.width)} '
            f'{number(layout.height)}" width="{number(layout.width)}" height="{number(layout.height)}" '
            f'role="group" aria-label="{esc(label)}">' + "".join(back) + "".join(front) + "</svg>")


def points(ctx: SiteContext, page: str) -> tuple[list[Point], list[models.Trend]]:
    """The trends the view can place (both momenta have a change), and those it cannot."""
    placed, missing = [], []
    for trend in ctx.trends.values():
        research, adoption = ctx.momenta[trend.id].change, ctx.adoption[trend.id].momentum.change
        if research is None or adoption is None:
            missing.append(trend)
        else:
            placed.append(Point(trend.title, ctx.rel(page, trend_src(trend.id)), research, adoption))
    # Steadier trends first, so the ones far from the middle, drawn last, sit on top.
    placed.sort(key=lambda p: (abs(position(p.research)) + abs(position(p.adoption)), p.title))
    return placed, missing


def quadrant_lists(placed: list[Point]) -> str:
    """The view in words: each quadrant with its trends, fastest rising in research first, and both changes.

    Lists rather than a table of labels: at 500 trends the table alone weighed 120 KB on the home page.
    """
    parts = []
    for quadrant in QUADRANTS:
        inside = sorted((p for p in placed if p.quadrant == quadrant), key=lambda p: -p.research)
        items = "".join(f'<li><a href="{esc(p.url)}">{esc(p.title)}</a> {p.research:+.0%} / {p.adoption:+.0%}</li>'
                        for p in inside) or "<li>none</li>"
        parts.append(f"<h4>{esc(quadrant.name)} ({len(inside)})</h4><ul>{items}</ul>")
    return (f'<details class="tkb-equivalent tkb-quad__lists" {NO_SEARCH}><summary>The chart in words: each '
            "quadrant's trends, with research / adoption change</summary>" + "".join(parts) + "</details>")


def research_vs_adoption_section(ctx: SiteContext, page: str) -> str:
    """The home page's section: the figure, its table, and which trends it cannot place yet."""
    placed, missing = points(ctx, page)
    head = ("## Research vs adoption\n\nIs a trend being adopted, or only written about? Each trend sits by its "
            f"[research momentum]({ctx.md(page, 'method.md')}#momentum) (papers, across) and its "
            f"[adoption momentum]({ctx.md(page, 'method.md')}#adoption) (package downloads or repository stars, "
            "up), both over the same months and on the same scale. Each dot opens its trend.\n")
    if not placed:
        return head + ("\nNo trend has both figures yet: adoption momentum needs a year of monthly downloads or "
                       "stars, which the collectors gather for the packages and repositories each trend names.\n")
    label = f"{len(placed)} trends by research momentum (across) and adoption momentum (up)"
    svgs = "".join(draw(placed, name, layout, label) for name, layout in LAYOUTS.items())
    figure = f'<figure class="tkb-quad" aria-label="{esc(label)}">{svgs}</figure>'
    out = head + "\n" + figure + "\n\n" + quadrant_lists(placed) + "\n\n"
    if missing:
        names = ", ".join(f'<a href="{esc(ctx.rel(page, trend_src(t.id)))}">{esc(t.title)}</a>' for t in missing)
        out += f'<p class="tkb-muted" {NO_SEARCH}>Not placed yet, for want of one of the two figures: {names}.</p>\n'
    return out


# ---------------------------------------------------------------- a trend's page


def chart(ctx: SiteContext, trend: models.Trend) -> dict | None:
    """Downloads per month of each package (stacked bars) and stars of each repository (lines, right axis)."""
    data: list[dict] = []
    for name in trend.evidence.packages:
        months = ctx.downloads_by_package.get(package_key(name), {})
        full = [record for record in months.values() if full_month(record)]
        if full:
            # Months from the ClickPy backfill (mirrors included) are drawn lighter.
            data.append({"type": "bar", "x": [r.month for r in full], "y": [r.downloads for r in full],
                         "name": f"{name} downloads",
                         "marker": {"opacity": [0.5 if r.source == BACKFILLED else 1 for r in full]}})
    for name in trend.evidence.repos:
        snapshots = ctx.snapshots_by_repo.get(repo_key(name), [])
        if snapshots:
            data.append({"type": "scatter", "mode": "lines+markers", "x": [str(s.day) for s in snapshots],
                         "y": [s.stars for s in snapshots], "name": f"{name} stars", "yaxis": "y2"})
    if not data:
        return None
    return {"data": data, "layout": {
        "barmode": "stack", "height": 340, "hovermode": "closest", "showlegend": True,
        "margin": {"l": 60, "r": 60, "t": 40, "b": 40}, "title": {"text": f"Adoption of {trend.title}"},
        "xaxis": {"type": "date"}, "yaxis": {"title": {"text": "downloads per month"}, "rangemode": "tozero"},
        "yaxis2": {"title": {"text": "stars"}, "overlaying": "y", "side": "right", "rangemode": "tozero",
                   "showgrid": False},
        "legend": {"orientation": "h", "y": -0.2}}}


def chart_table(ctx: SiteContext, trend: models.Trend) -> str:
    """Month by month: each package's downloads (whole months) and each repository's stars at the month's end."""
    columns: list[tuple[str, dict[str, str]]] = []
    for name in trend.evidence.packages:
        months = ctx.downloads_by_package.get(package_key(name), {})
        columns.append((f"{name} downloads", {m: f"{r.downloads:,}" + (" †" if r.source == BACKFILLED else "")
                                              for m, r in months.items() if full_month(r)}))
    for name in trend.evidence.repos:
        ends = {month_of(s.day): f"{s.stars:,}" for s in ctx.snapshots_by_repo.get(repo_key(name), [])}
        columns.append((f"{name} stars", ends))
    months = sorted({month for _, values in columns for month in values})
    rows = [[esc(month), *(values.get(month, "") for _, values in columns)] for month in months]
    return details("The chart as a table", ["Month", *(title for title, _ in columns)], rows)


def repos_table(snapshots: list[models.RepoSnapshot]) -> str:
    rows = "".join(
        f"<tr><td>{link('https://github.com/' + s.repo, s.repo)}</td><td>{s.stars:,}</td><td>{s.forks:,}</td>"
        f"<td>{s.open_issues:,}</td><td>{esc(s.release or 'none')}"
        f"{f' ({s.released})' if s.released else ''}</td><td>{s.pushed or ''}</td><td>{s.day}</td></tr>"
        for s in snapshots)
    return (f'<table class="tkb-table" {NO_SEARCH}><thead><tr><th>Repository</th><th>Stars</th><th>Forks</th>'
            "<th>Open issues</th><th>Latest release</th><th>Last push</th><th>As of</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def trend_block(ctx: SiteContext, page: str, trend: models.Trend, charts: set[str]) -> str:
    """The adoption half of a trend page's momentum section, as HTML."""
    evidence = trend.evidence
    adoption = ctx.adoption[trend.id]
    out = ['<section class="tkb-adoption">', "<h3>Adoption</h3>"]
    if not evidence.packages and not evidence.repos:
        out.append(f"<p>This trend names no PyPI package or GitHub repository yet, so there is no adoption figure. "
                   f'Add well-known ones to <code>evidence.packages</code> and <code>evidence.repos</code> '
                   f'(<a href="{esc(ctx.rel(page, "contributing.md"))}">how</a>).</p>')
        return "".join(out) + "</section>"
    basis = {Basis.DOWNLOADS: "downloads per month", Basis.STARS: "stars gained per month"}.get(adoption.basis,
                                                                                              "no measure yet")
    named = ", ".join([*(f"<code>{esc(n)}</code>" for n in evidence.packages),
                       *(f"<code>{esc(n)}</code>" for n in evidence.repos)])
    out.append(f"<p>Adoption momentum {adoption_link(ctx, page, trend.id)} ({esc(basis)}), from {named}.</p>")
    if any(r.source == BACKFILLED for name in evidence.packages
           for r in ctx.downloads_by_package.get(package_key(name), {}).values()):
        out.append(f'<p class="tkb-muted">Lighter bars and months marked † come from ClickPy and include mirrors; '
                   f'the rest from PyPI Stats, without them (<a href="{esc(ctx.rel(page, "method.md"))}#adoption">'
                   "why it matters</a>).</p>")
    if f"adoption-{trend.id}" in charts:
        out.append(f'<div class="tkb-chart" data-chart="{esc(ctx.rel(page, f"charts/adoption-{trend.id}.json"))}" '
                   f'role="figure" aria-label="{esc(f"downloads and stars of {trend.title}")}"></div>')
        out.append(chart_table(ctx, trend))
    else:
        out.append('<p class="tkb-muted">No downloads or stars collected yet; the scheduled refresh adds them.</p>')
    if adoption.latest:
        out.append(repos_table(adoption.latest))
    return "".join(out) + "</section>"


# ---------------------------------------------------------------- exports


def trend_json(ctx: SiteContext, trend: models.Trend) -> dict:
    """A trend's adoption fields for api/trends.json."""
    adoption = ctx.adoption[trend.id]
    return {
        "packages": trend.evidence.packages, "repos": trend.evidence.repos,
        "adoption_momentum": str(adoption.momentum.label), "adoption_change": adoption.momentum.change,
        "adoption_basis": adoption.basis and str(adoption.basis),
        "downloads": [{"month": m, "downloads": int(n)} for m, n in zip(
            adoption.downloads["month"], adoption.downloads["downloads"], strict=True)],
        "stars": [{"month": m, "stars": int(n)} for m, n in zip(
            adoption.stars["month"], adoption.stars["stars"], strict=True)],
    }


def adoption_csv(ctx: SiteContext) -> str:
    """Each trend's monthly series: downloads summed over its packages (whole months) and stars at the month's end."""
    rows = []
    for trend in ctx.trends.values():
        adoption = ctx.adoption[trend.id]
        downloads = dict(zip(adoption.downloads["month"], adoption.downloads["downloads"], strict=True))
        stars = dict(zip(adoption.stars["month"], adoption.stars["stars"], strict=True))
        rows += [(trend.id, month, downloads.get(month), stars.get(month)) for month in sorted({*downloads, *stars})]
    frame = pd.DataFrame(rows, columns=["trend", "month", "downloads", "stars"]).astype(
        {"downloads": "Int64", "stars": "Int64"})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
