"""Adoption: a trend's package downloads and repository stars month by month, and its adoption momentum.

Research momentum (trendkb.momentum) asks whether papers about a trend are
growing; adoption momentum asks the same of its use, with the same rule: the
mean of the last `WINDOW` complete months against the `WINDOW` months before,
and a change of `THRESHOLD` either way to count as rising or falling. What is
measured is the trend's downloads per month, summed over the PyPI packages it
names (`evidence.packages`), in the months where every one of them was counted
in full. A trend without enough months of downloads is measured by the stars
its repositories (`evidence.repos`) gained per month instead, from the last
snapshot of each month. The site's Method page states these rules with the
numbers below (site_hooks/method.py reads them).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from trendkb import models
from trendkb.models import package_key, repo_key
from trendkb.momentum import THRESHOLD, WINDOW, Label, Momentum, compare, month_of

# Fewer downloads than this in the 2 * WINDOW months compared, and a few CI pipelines would decide the change.
MIN_DOWNLOADS = 1000
# Fewer new stars than this in the 2 * WINDOW months compared, and a handful of people would decide it.
MIN_STARS = 30

__all__ = ["MIN_DOWNLOADS", "MIN_STARS", "THRESHOLD", "WINDOW", "Adoption", "Basis", "adoption_of", "full_month"]


class Basis(StrEnum):
    """What a trend's adoption momentum was measured on."""

    DOWNLOADS = "downloads"
    STARS = "stars"


@dataclass(frozen=True)
class Adoption:
    """One trend's adoption figures."""

    downloads: pd.DataFrame  # month, downloads: complete months in which every package was counted in full
    stars: pd.DataFrame  # month, stars (the month's last snapshot, summed over the repositories), gained
    momentum: Momentum
    basis: Basis | None  # None while neither series has enough months
    latest: list[models.RepoSnapshot]  # each repository's newest snapshot, in the order the trend names them


def full_month(record: models.PackageDownloads) -> bool:
    """Whether a record counts its whole month, from the 1st to the last day."""
    year, month = int(record.month[:4]), int(record.month[5:])
    return record.first_day.day == 1 and record.last_day.day == calendar.monthrange(year, month)[1]


def _downloads(by_package: Mapping[str, dict[str, models.PackageDownloads]], packages: list[str],
               current: str) -> pd.DataFrame:
    keys = [package_key(name) for name in packages]
    months = sorted(set.intersection(*(set(by_package.get(key, {})) for key in keys))) if keys else []
    whole = [month for month in months
             if month < current and all(full_month(by_package[key][month]) for key in keys)]
    totals = [sum(by_package[key][month].downloads for key in keys) for month in whole]
    return pd.DataFrame({"month": whole, "downloads": pd.Series(totals, dtype="int64")})


def _stars(by_repo: Mapping[str, list[models.RepoSnapshot]], repos: list[str],
           current: str) -> tuple[pd.DataFrame, list[int]]:
    """Stars at each month's last snapshot, summed over the repositories, in months every one of them has;
    and the stars gained in the run of consecutive complete months up to the last one, for the momentum."""
    month_ends: list[dict[str, int]] = []
    for name in repos:
        ends: dict[str, int] = {}
        for snapshot in by_repo.get(repo_key(name), []):  # oldest first, so the month's last one stays
            ends[month_of(snapshot.day)] = snapshot.stars
        month_ends.append(ends)
    months = sorted(set.intersection(*(set(ends) for ends in month_ends))) if month_ends else []
    stars = [sum(ends[month] for ends in month_ends) for month in months]
    gained = [None] + [now - then if _next(before) == month else None
                       for before, month, then, now in zip(months, months[1:], stars, stars[1:], strict=False)]
    run: list[int] = []
    for month, value in zip(months, gained, strict=False):
        if month < current:
            run = [] if value is None else [*run, value]
    return pd.DataFrame(list(zip(months, stars, gained, strict=False)), columns=["month", "stars", "gained"]), run


def _next(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _momentum(values: list[float], minimum: int, too_few: Label) -> Momentum:
    if len(values) < 2 * WINDOW:
        return Momentum(Label.NO_DATA, None)
    compared = values[-2 * WINDOW:]
    if sum(compared) < minimum:
        return Momentum(too_few, None)
    return compare(sum(compared[WINDOW:]) / WINDOW, sum(compared[:WINDOW]) / WINDOW)


def adoption_of(trends: Iterable[models.Trend], downloads: Iterable[models.PackageDownloads],
                snapshots: Iterable[models.RepoSnapshot], today) -> dict[str, Adoption]:
    """Every trend's adoption (trend id -> Adoption), with the signals grouped in one pass."""
    current = month_of(today)
    by_package: dict[str, dict[str, models.PackageDownloads]] = {}
    for record in downloads:
        by_package.setdefault(record.package, {})[record.month] = record
    by_repo: dict[str, list[models.RepoSnapshot]] = {}
    for snapshot in sorted(snapshots, key=lambda s: s.day):
        by_repo.setdefault(snapshot.repo, []).append(snapshot)
    out = {}
    for trend in trends:
        frame = _downloads(by_package, trend.evidence.packages, current)
        stars, gained = _stars(by_repo, trend.evidence.repos, current)
        by_downloads = _momentum(frame["downloads"].tolist(), MIN_DOWNLOADS, Label.TOO_FEW_DOWNLOADS)
        by_stars = _momentum(gained, MIN_STARS, Label.TOO_FEW_STARS)
        if by_downloads.label != Label.NO_DATA or not trend.evidence.repos:
            chosen, basis = by_downloads, Basis.DOWNLOADS
        else:
            chosen, basis = by_stars, Basis.STARS
        latest = [by_repo[repo_key(name)][-1] for name in trend.evidence.repos if repo_key(name) in by_repo]
        out[trend.id] = Adoption(frame, stars, chosen, None if chosen.label == Label.NO_DATA else basis, latest)
    return out
