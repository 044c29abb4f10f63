"""Text equivalents of the interactive charts: the numbers each one draws, as a table.

Each sits in a closed <details> under its chart, so a screen reader, a
keyboard or a reader without JavaScript gets the same figures, and it is left
out of the search index like the chart itself.
"""

from __future__ import annotations

import pandas as pd

from site_hooks.markup import NO_SEARCH, esc

AREA_MONTHS = 12  # months in an area's table; the chart above it has all of them


def details(summary: str, head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f'<th scope="col">{esc(cell)}</th>' for cell in head)
    body = "".join("<tr>" + f'<th scope="row">{row[0]}</th>' + "".join(f"<td>{cell}</td>" for cell in row[1:])
                   + "</tr>" for row in rows)
    return (f'<details class="tkb-equivalent" {NO_SEARCH}><summary>{esc(summary)}</summary>'
            # tabindex: a table wider than the page scrolls, and a keyboard can only scroll what it can focus.
            f'<table class="tkb-table" tabindex="0"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'
            "</details>")


def trend_table(frame: pd.DataFrame) -> str:
    """Month by month: papers, the area's baseline and the share, as the momentum chart draws them."""
    # Plain lists, not DataFrame.itertuples: that cost a second per 500 trends.
    columns = zip(*(frame[name].tolist() for name in ("month", "papers", "baseline", "share")), strict=True)
    rows = [[esc(month), str(int(papers)),
             "" if baseline != baseline else str(int(baseline)),  # NaN: no baseline that month
             "" if share != share else f"{share:.2%}"]
            for month, papers, baseline, share in columns]
    return details("The chart as a table", ["Month", "Papers", "Area baseline", "Share of the area"], rows)


def area_table(frames: dict[str, pd.DataFrame]) -> str:
    """Papers per month of each trend (title -> series), over the last AREA_MONTHS months any of them has."""
    months = sorted({m for frame in frames.values() for m in frame["month"]})[-AREA_MONTHS:]
    rows = []
    for title, frame in frames.items():
        papers = dict(zip(frame["month"], frame["papers"], strict=True))
        rows.append([esc(title), *(str(int(papers[m])) if m in papers else "" for m in months)])
    return details(f"The chart as a table (last {len(months)} months)", ["Trend", *months], rows)
