"""Chart specs: plotly figures built from pandas frames, returned as plain JSON-able dicts.

The browser draws them with plotly.js (see content/assets/javascripts/trendkb.js),
which also applies the light or dark palette, so the specs carry no colours of
the page. A chart with no data is not made at all (callers get None) rather
than drawn as empty axes.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from trendkb.models import Ring

RING_ORDER = [ring.value for ring in Ring]


def _values(column: pd.Series) -> list:
    # Plain lists keep the JSON readable; numpy arrays would be written as base64 blobs.
    return [None if pd.isna(v) else v for v in column.tolist()]


def _spec(figure: go.Figure) -> dict:
    figure.update_layout(
        margin={"l": 50, "r": 10, "t": 40, "b": 40, **figure.layout.margin.to_plotly_json()},
        hovermode="closest",
        showlegend=figure.layout.showlegend is not False,
    )
    return json.loads(figure.to_json())


def sparkline(frame: pd.DataFrame) -> dict | None:
    """Tiny line of papers per month, no axes: for tables."""
    if frame.empty or frame["papers"].sum() == 0:
        return None
    figure = go.Figure(go.Scatter(x=_values(frame["month"]), y=_values(frame["papers"]), mode="lines", hoverinfo="x+y",
                                  line={"width": 2}))
    figure.update_layout(height=40, width=140, showlegend=False,
                         xaxis={"visible": False}, yaxis={"visible": False})
    spec = _spec(figure)
    spec["layout"]["margin"] = {"l": 0, "r": 0, "t": 0, "b": 0}
    spec["config"] = {"staticPlot": True}
    return spec


def trend_chart(frame: pd.DataFrame, title: str) -> dict | None:
    """Papers per month (bars) and share of the area's arXiv baseline (line, right axis)."""
    if frame.empty or frame["papers"].sum() == 0:
        return None
    figure = go.Figure(go.Bar(x=_values(frame["month"]), y=_values(frame["papers"]), name="papers per month"))
    if frame["share"].notna().any():
        figure.add_trace(go.Scatter(
            x=_values(frame["month"]), y=_values(frame["share"] * 100), name="share of area's arXiv papers (%)",
            yaxis="y2", mode="lines+markers",
        ))
        figure.update_layout(yaxis2={"title": "share (%)", "overlaying": "y", "side": "right",
                                     "rangemode": "tozero", "showgrid": False},
                             margin={"r": 60})
    figure.update_layout(title=title, height=340, yaxis={"title": "papers", "rangemode": "tozero"},
                         legend={"orientation": "h", "y": -0.2})
    return _spec(figure)


def area_chart(frames: dict[str, pd.DataFrame]) -> dict | None:
    """Papers per month for each trend of an area, one line per trend (title -> series)."""
    figure = go.Figure()
    for title, frame in frames.items():
        if not frame.empty and frame["papers"].sum() > 0:
            figure.add_trace(go.Scatter(x=_values(frame["month"]), y=_values(frame["papers"]), name=title,
                                        mode="lines"))
    if not figure.data:
        return None
    figure.update_layout(height=360, yaxis={"title": "papers per month", "rangemode": "tozero"},
                         legend={"orientation": "h", "y": -0.25})
    return _spec(figure)


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
    figure = go.Figure(go.Scatter(
        x=_values(frame["x"]), y=_values(frame["y"]), mode="markers+text", text=_values(frame["title"].map(_wrap)),
        textposition="middle right", textfont={"size": 11}, customdata=_values(frame["url"]),
        hovertext=_values(frame["title"]), hovertemplate="%{hovertext}<extra></extra>", marker={"size": 10},
    ))
    figure.update_layout(
        height=80 + 46 * int(depth.sum()), showlegend=False,
        xaxis={"tickvals": list(range(len(RING_ORDER))), "ticktext": RING_ORDER, "range": [-0.15, 3.95],
               "side": "top", "fixedrange": True, "showgrid": False, "zeroline": False},
        yaxis={"tickvals": (top + depth / 2).tolist(), "ticktext": [_wrap(t, 16) for t in area_titles],
               "range": [float(depth.sum()), 0], "fixedrange": True, "showgrid": False, "zeroline": False},
        # A line between area bands, so each trend reads against its area.
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": float(y), "y1": float(y),
                 "line": {"width": 1, "dash": "dot"}} for y in top.tolist()[1:]],
    )
    spec = _spec(figure)
    spec["layout"]["margin"]["l"] = 130
    return spec
