"""Interactive chart specs (site_hooks/charts.py): the right series, and no chart without data."""

from __future__ import annotations

import pandas as pd

from site_hooks import charts


def frame(papers, baseline=None):
    months = [f"2026-{m:02d}" for m in range(1, len(papers) + 1)]
    data = pd.DataFrame({"month": months, "papers": papers})
    data["baseline"] = baseline if baseline is not None else float("nan")
    data["share"] = data["papers"] / data["baseline"]
    return data


def test_trend_chart_has_papers_bars_and_share_line():
    spec = charts.trend_chart(frame([1, 2, 4], [100, 100, 200]), "T")
    bars, share = spec["data"]
    assert (bars["type"], list(bars["y"])) == ("bar", [1, 2, 4])
    assert share["yaxis"] == "y2" and [round(v, 2) for v in share["y"]] == [1.0, 2.0, 2.0]
    assert spec["layout"]["title"]["text"] == "T"


def test_trend_chart_without_baseline_has_no_share_line():
    spec = charts.trend_chart(frame([1, 2, 4]), "T")
    assert [trace["type"] for trace in spec["data"]] == ["bar"]


def test_no_data_means_no_chart():
    assert charts.trend_chart(frame([]), "T") is None
    assert charts.trend_chart(frame([0, 0]), "T") is None
    assert charts.area_chart({"a": frame([0]), "b": frame([])}) is None


def test_area_chart_has_one_line_per_trend_with_data():
    spec = charts.area_chart({"a": frame([1, 2]), "b": frame([0, 0]), "c": frame([3, 1])})
    assert [trace["name"] for trace in spec["data"]] == ["a", "c"]


def test_specs_are_what_plotly_itself_accepts():
    # The specs are written as plain dicts; plotly's own validation still has to accept every key.
    import plotly.graph_objects as go

    specs = [charts.trend_chart(frame([1, 2, 4], [100, 100, 200]), "T"), charts.area_chart({"a": frame([1, 2])})]
    for spec in specs:
        figure = go.Figure(data=spec["data"], layout=spec["layout"])
        assert figure.to_plotly_json()["layout"]["hovermode"] == "closest"
        assert "template" not in spec["layout"]  # trendkb.js draws without one
