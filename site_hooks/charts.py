"""Chart specs: plotly figure specs (data, layout, config) as plain JSON-able dicts, from pandas frames.

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

from trendkb.models import Ring

RING_ORDER = [ring.value for ring in Ring]
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


def sparkline(frame: pd.DataFrame) -> dict | None:
    """Tiny line of papers per month, no axes: for tables."""
    if not _has_papers(frame):
        return None
    trace = {"type": "scatter", "x": _values(frame["month"]), "y": _values(frame["papers"]), "mode": "lines",
             "hoverinfo": "x+y", "line": {"width": 2}}
    spec = _spec([trace], height=40, width=140, showlegend=False, xaxis={"visible": False},
                 yaxis={"visible": False}, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    spec["config"] = {"staticPlot": True}
    return spec


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


def _wrap(text: str, width: int = 18) -> str:
    """Break a label into lines of about `width` characters (plotly labels do not wrap)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def radar(points: pd.DataFrame, area_titles: list[str]) -> dict | None:
    """Areas (bands) x rings (columns); one labelled point per trend, carrying its page URL.

    `points` has columns title, area (title), ring, url. Points sharing a cell
    are stacked, and each area's band is as tall as its fullest cell.
    """
    if points.empty:
        return None
    frame = points.copy()
    frame["slot"] = frame.groupby(["area", "ring"]).cumcount()
    depth = frame.groupby("area")["slot"].max().add(1).reindex(area_titles, fill_value=1)
    top = depth.cumsum() - depth  # first slot of each area's band
    frame["y"] = frame["area"].map(top) + frame["slot"] + 0.5
    frame["x"] = frame["ring"].map({ring: i for i, ring in enumerate(RING_ORDER)})
    trace = {"type": "scatter", "x": _values(frame["x"]), "y": _values(frame["y"]), "mode": "markers+text",
             "text": _values(frame["title"].map(_wrap)), "textposition": "middle right", "textfont": {"size": 11},
             "customdata": _values(frame["url"]), "hovertext": _values(frame["title"]),
             "hovertemplate": "%{hovertext}<extra></extra>", "marker": {"size": 10}}
    return _spec(
        [trace], height=80 + 46 * int(depth.sum()), showlegend=False, margin={"l": 130},
        xaxis={"tickvals": list(range(len(RING_ORDER))), "ticktext": RING_ORDER, "range": [-0.15, 3.95],
               "side": "top", "fixedrange": True, "showgrid": False, "zeroline": False},
        yaxis={"tickvals": (top + depth / 2).tolist(), "ticktext": [_wrap(t, 16) for t in area_titles],
               "range": [float(depth.sum()), 0], "fixedrange": True, "showgrid": False, "zeroline": False},
        # A line between area bands, so each trend reads against its area.
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": float(y), "y1": float(y),
                 "line": {"width": 1, "dash": "dot"}} for y in top.tolist()[1:]],
    )
