"""Momentum: is a trend's share of arXiv growing, steady or shrinking?

From the monthly counts the collectors store, a trend's series is its papers
per month and its share of the area's baseline (papers in the area's arXiv
categories that month). Momentum compares the mean share of the last
`WINDOW` complete months with the `WINDOW` months before them. The month in
progress is left out: its count is still growing and would always look like a
fall. The site's Method page states these rules with the numbers below
(site_hooks/method.py reads them), so this module is the one place to change them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from trendkb.models import MonthlyCount

WINDOW = 6
# A change smaller than this is noise at the paper counts we see per trend.
THRESHOLD = 0.2
# Fewer papers than this in the 2 * WINDOW months compared, and one or two papers more or less
# would swing the change past THRESHOLD: no label is given.
MIN_PAPERS = 30


class Label(StrEnum):
    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"
    NEW = "new"
    TOO_FEW = "too few papers"
    TOO_FEW_DOWNLOADS = "too few downloads"  # adoption momentum's (trendkb.adoption)
    TOO_FEW_STARS = "too few new stars"
    NO_DATA = "no data"


@dataclass(frozen=True)
class Momentum:
    label: Label
    change: float | None  # relative change of the mean share, e.g. 0.35 for +35%

    @property
    def text(self) -> str:
        if self.change is None:
            return str(self.label)
        return f"{self.label} ({self.change:+.0%})"


def baseline_subject(area_id: str) -> str:
    return f"baseline:{area_id}"


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def series(counts: list[MonthlyCount], trend_id: str, area_id: str, today: dt.date) -> pd.DataFrame:
    """Complete months for one trend: month, papers, baseline, share (NaN where no baseline)."""
    return all_series(counts, {trend_id: area_id}, today)[trend_id]


def all_series(counts: Iterable[MonthlyCount], areas: Mapping[str, str], today: dt.date) -> dict[str, pd.DataFrame]:
    """`series` of many trends (trend id -> area id) at once.

    The counts are grouped by subject in one pass: filtering the whole list
    for each trend made a thousand trends with three years of counts take
    seconds.
    """
    current = month_of(today)
    by_subject: dict[str, dict[str, int]] = {}
    for count in counts:
        if count.month < current:
            by_subject.setdefault(count.subject, {})[count.month] = count.count
    out = {}
    for trend_id, area_id in areas.items():
        papers = by_subject.get(trend_id, {})
        baseline = by_subject.get(baseline_subject(area_id), {})
        months = sorted(papers)
        counted = np.array([papers[m] for m in months], dtype=np.int64)
        base = np.array([baseline.get(m) for m in months], dtype=np.float64)  # a missing month is NaN
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(base > 0, counted / base, np.nan)
        out[trend_id] = pd.DataFrame({"month": months, "papers": counted, "baseline": base, "share": share})
    return out


def momentum(frame: pd.DataFrame) -> Momentum:
    """Momentum of a series from `series`: share when every month has a baseline, else papers."""
    if len(frame) < 2 * WINDOW:
        return Momentum(Label.NO_DATA, None)
    recent, before = frame.iloc[-WINDOW:], frame.iloc[-2 * WINDOW:-WINDOW]
    if frame["papers"].iloc[-2 * WINDOW:].sum() < MIN_PAPERS:
        return Momentum(Label.TOO_FEW, None)
    column = "share" if frame["share"].iloc[-2 * WINDOW:].notna().all() else "papers"
    return compare(recent[column].mean(), before[column].mean())


def compare(now: float, then: float) -> Momentum:
    """The label for a mean of the last WINDOW months (`now`) against the WINDOW before (`then`)."""
    if then == 0:
        return Momentum(Label.NEW if now > 0 else Label.NO_DATA, None)
    change = float(now / then - 1)
    if change >= THRESHOLD:
        return Momentum(Label.RISING, change)
    if change <= -THRESHOLD:
        return Momentum(Label.FALLING, change)
    return Momentum(Label.STEADY, change)
