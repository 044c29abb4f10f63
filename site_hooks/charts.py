"""Chart specs for the interactive charts: plotly figure specs as plain JSON-able dicts, from pandas frames.

Only the charts whose interactivity pays are plotly charts: a trend's papers and
share per month (exact values on hover, two axes) and an area's lines, one per
trend (hover names a line, the legend hides or isolates lines). The radar and
the sparklines are drawn at build time as inline SVG (radar.py, svg.py), so
the home page needs no chart library at all.

The browser draws them with plotly.js (see content/assets/javascripts/trendkb.js),
which also applies the light or dark palette, so the specs carry no colours of
the page (and no plotly template: the script drops it). A chart with no data is
not made at all (callers get None) rather than drawn as empty axes.

The dicts are written directly in the shape plotly's `Figure.to_plotly_json()`
gives (titles as {"text": ...}, a "type" on every trace) instead of through
plotly.graph_objects: building and validating a Figure per chart cost about
10 ms, a minute per thousand trends, for the same JSON.
"""

from __future__ import annotations

import pandas as pd

MARGIN = {"l": 50, "r": 10, "t": 40, "b": 40}


def _values(column: pd.Series) -> list:
    # Plain lists keep the JSON readable; numpy arrays would be written as base64 blobs.
    # NaN is the one value not equal to itself: a gap (null) in the chart.
    return [None if v != v else v for v in column.tolist()]


def _spec(data: list[dict], **layout) -> dict:
    """A figure spec with the defaults every chart shares; `layout` keys override them."""
    margin = {**MARGIN, **layout.pop("margin", {})}
    return {"data": data, "layout": {"margin": margin, "hovermode": "closest", "showlegend": True, **layout}}


def _has_papers(frame: pd.DataFrame) -> bool:
    return not frame.empty and frame["papers"].sum() > 0


def trend_chart(frame: pd.DataFrame, title: str) -> dict | None:
    """Papers per month (bars) and share of the area's arXiv baseline (line, right axis)."""
    if not _has_papers(frame):
        return None
    months = _values(frame["month"])
    data = [{"type": "bar", "x": months, "y": _values(frame["papers"]), "name": "papers per month"}]
    layout: dict = {"title": {"text": title}, "height": 340,
                    "yaxis": {"title": {"text": "papers"}, "rangemode": "tozero"},
                    "legend": {"orientation": "h", "y": -0.2}}
    if frame["share"].notna().any():
        data.append({"type": "scatter", "x": months, "y": _values(frame["share"] * 100),
                     "name": "share of area's arXiv papers (%)", "yaxis": "y2", "mode": "lines+markers"})
        layout["yaxis2"] = {"title": {"text": "share (%)"}, "overlaying": "y", "side": "right",
                            "rangemode": "tozero", "showgrid": False}
        layout["margin"] = {"r": 60}
    return _spec(data, **layout)


def area_chart(frames: dict[str, pd.DataFrame]) -> dict | None:
    """Papers per month for each trend of an area, one line per trend (title -> series)."""
    data = [{"type": "scatter", "x": _values(frame["month"]), "y": _values(frame["papers"]), "name": title,
             "mode": "lines"} for title, frame in frames.items() if _has_papers(frame)]
    if not data:
        return None
    return _spec(data, height=360, yaxis={"title": {"text": "papers per month"}, "rangemode": "tozero"},
                 legend={"orientation": "h", "y": -0.25})
