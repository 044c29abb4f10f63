"""Momentum from monthly counts (trendkb/momentum.py)."""

from __future__ import annotations

import datetime as dt

from trendkb.models import MonthlyCount
from trendkb.momentum import Label, all_series, momentum, series

TODAY = dt.date(2026, 11, 25)
FETCHED = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
MONTHS = [f"{2025 + (m // 12)}-{m % 12 + 1:02d}" for m in range(10, 23)]  # 2025-11 .. 2026-11


def counts(subject: str, values: list[int], months: list[str] = MONTHS) -> list[MonthlyCount]:
    pairs = zip(months, values, strict=False)  # a short series covers the first months only
    return [MonthlyCount(subject=subject, month=m, count=v, fetched=FETCHED) for m, v in pairs]


def test_series_leaves_out_the_month_in_progress_and_computes_share():
    frame = series(counts("t", [10] * 13) + counts("baseline:a", [100] * 13), "t", "a", TODAY)
    assert frame["month"].tolist() == MONTHS[:12]
    assert frame["share"].tolist() == [0.1] * 12


def test_rising_share_even_when_the_baseline_grows_faster_is_falling():
    papers = [10] * 6 + [20] * 6 + [0]
    assert momentum(series(counts("t", papers), "t", "a", TODAY)).label == Label.RISING
    baseline = [100] * 6 + [400] * 6 + [0]
    result = momentum(series(counts("t", papers) + counts("baseline:a", baseline), "t", "a", TODAY))
    assert result.label == Label.FALLING
    assert round(result.change, 2) == -0.5
    assert result.text == "falling (-50%)"


def test_small_changes_are_steady_and_short_series_have_no_data():
    assert momentum(series(counts("t", [10] * 6 + [11] * 6 + [0]), "t", "a", TODAY)).label == Label.STEADY
    assert momentum(series(counts("t", [10] * 5), "t", "a", TODAY)).label == Label.NO_DATA
    assert momentum(series(counts("t", [0] * 6 + [5] * 6 + [0]), "t", "a", TODAY)).label == Label.NEW


def test_too_few_papers_get_no_change_however_large():
    # 1 then 3 papers a month is +200%, but 24 papers in a year are too few to tell a trend from chance.
    few = momentum(series(counts("t", [1] * 6 + [3] * 6 + [0]), "t", "a", TODAY))
    assert (few.label, few.change, few.text) == (Label.TOO_FEW, None, "too few papers")
    assert momentum(series(counts("t", [1] * 6 + [5] * 6 + [0]), "t", "a", TODAY)).label == Label.RISING


def test_all_series_at_once_equals_one_at_a_time():
    data = counts("t", [10] * 13) + counts("u", [3] * 6) + counts("baseline:a", [100] * 13) + \
        counts("baseline:b", [0] * 13)
    together = all_series(data, {"t": "a", "u": "b", "none": "a"}, TODAY)
    for trend, area in (("t", "a"), ("u", "b"), ("none", "a")):
        assert together[trend].equals(series(data, trend, area, TODAY))
    assert together["u"]["share"].isna().all()  # a zero baseline gives no share
    assert together["none"].empty
