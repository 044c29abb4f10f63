"""Build-time SVG: text measuring and wrapping, markup helpers, and the sparkline.

Charts drawn here are inline SVG in the page: no script draws them, no chart
library is fetched, and their colours come from the page's CSS (classes that
trendkb.css maps onto Material's palette variables), so the light and dark
palettes both apply. Every text in them is escaped.

Layout needs text widths before any browser has measured them. `text_width`
over-estimates on purpose: its widths are those of DejaVu Sans, the widest of
the common sans-serif fonts (and the one Debian's Chromium falls back to), a
little rounded up, so a label laid out for it also fits in narrower fonts.
"""

from __future__ import annotations

import functools
import unicodedata

import pandas as pd

from site_hooks.markup import esc

# Advance widths in em, rounded up from DejaVu Sans; anything unlisted counts as WIDEST_LATIN.
_WIDTHS = {
    **dict.fromkeys("iljI|!.,:;'`", 0.34),
    **dict.fromkeys(" frt()[]{}-/\\\"", 0.44),
    **dict.fromkeys("Jsz", 0.56),
    **dict.fromkeys("abcdeghknopquvxy0123456789?_+=<>*$#~^", 0.66),
    **dict.fromkeys("ABCEFKLPRSTVXYZ", 0.74),
    **dict.fromkeys("DGHNOQU&%", 0.82),
    **dict.fromkeys("mwMW@", 1.02),
}
WIDEST_LATIN = 0.82
BOLD = 1.12  # DejaVu Sans Bold is about a tenth wider


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Pixels `text` takes at `size` px, never less than the browser will draw (see the module docstring)."""
    return _ems(text) * size * (BOLD if bold else 1.0)


# Layouts measure the same titles again and again (each radar and chart width, each cut tried).
@functools.lru_cache(maxsize=65_536)
def _ems(text: str) -> float:
    em = 0.0
    for char in unicodedata.normalize("NFD", text):  # an accented letter as its letter and a mark of no width
        if unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.02
        elif unicodedata.combining(char):
            continue
        else:
            em += _WIDTHS.get(char, WIDEST_LATIN)
    return em


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of `text` that each fit in `width` px; a word too long for a line is cut between characters."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
            continue
        while text_width(word, size, bold) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]


def number(value: float) -> str:
    """A coordinate with at most one decimal, as short as it can be written."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text_element(x: float, top: float, lines: list[str], size: float, line_height: float, css: str,
                 bold: bool = False) -> str:
    """A <text> of one or more lines whose first line's box starts at `top`.

    Size and weight are attributes, not CSS, because the layout was computed for them.
    """
    baseline = top + size  # the glyphs' ascent fits in the line height above the baseline
    spans = "".join(
        f'<tspan x="{number(x)}" y="{number(baseline + i * line_height)}">{esc(line)}</tspan>'
        for i, line in enumerate(lines))
    weight = ' font-weight="700"' if bold else ""
    return f'<text class="{css}" font-size="{number(size)}"{weight}>{spans}</text>'


# ---------------------------------------------------------------- sparkline

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 28, 3


def spark_summary(frame: pd.DataFrame) -> str:
    """The sparkline in words: its span, first and last value, and its highest month."""
    months, papers = frame["month"].tolist(), frame["papers"].tolist()
    peak = max(range(len(papers)), key=lambda i: (papers[i], i))
    return (f"papers per month, {months[0]} to {months[-1]}: {papers[0]} in the first month, "
            f"{papers[-1]} in the last, highest {papers[peak]} in {months[peak]}")


def sparkline(frame: pd.DataFrame, title: str, href: str) -> str | None:
    """Papers per month as a small inline line, linked to `href`; None when there are no papers."""
    if frame.empty or frame["papers"].sum() <= 0:
        return None
    papers = frame["papers"].tolist()
    top = max(papers)
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(papers) - 1, 1)
    height = SPARK_HEIGHT - 2 * SPARK_PAD
    points = [(SPARK_PAD + i * step, SPARK_PAD + height * (1 - value / top)) for i, value in enumerate(papers)]
    path = "M" + " L".join(f"{number(x)} {number(y)}" for x, y in points)
    last_x, last_y = points[-1]
    label = f"{title}: {spark_summary(frame)}"
    return (f'<a class="tkb-spark" href="{esc(href)}" aria-label="{esc(label)}" title="{esc(label)}">'
            f'<svg viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
            f'aria-hidden="true" focusable="false">'
            f'<path class="tkb-spark__line" d="{path}"/>'
            f'<circle class="tkb-spark__last" cx="{number(last_x)}" cy="{number(last_y)}" r="2.5"/>'
            f"</svg></a>")
