"""PyPI downloads: monthly totals of every package the trends name (`evidence.packages`), from PyPI Stats.

One job per package, all reporting into the status record 'pypi'. A job asks
`<base>/packages/<name>/overall?mirrors=false` (base: `--pypistats-url`,
`TRENDKB_PYPISTATS_URL`, default https://pypistats.org/api) for the daily
downloads without known mirrors, and stores them as one record per package and
month. PyPI Stats keeps 180 days, so a first run fills up to six months and
later runs extend the series: a month whose stored total counts days the
answer no longer has keeps them, and only the days after its last counted day
are added (`month_totals`). The answer is asked at most once a run, and the
site's data changes once a day, which is what PyPI Stats asks of its users.

With `--backfill-downloads` (opt-in), each package's whole months before that
are asked once from the public ClickHouse service behind ClickPy (no
credentials; `--clickpy-url`, `TRENDKB_CLICKPY_URL`), whose monthly totals go
back to 2016. They count every download, mirrors included, so they are stored
with `source: clickpy`, only for months PyPI Stats has not counted whole, and
the site says which months they are.

Why not the `pypistats` client: it sends its own requests (httpx, no timeout
or size cap of ours, no shared pacing or backoff), writes a cache into the
user's cache folder and deletes files there when Python exits. One GET of a
small JSON document through the polite session does the same job within the
run's rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

from collectors.base import CollectError, Collector, Job, Tally, register
from collectors.http import BadAnswer, FetchError, host_of
from collectors.jsonapi import MAX_BYTES, checker, count, read_json
from trendkb import models
from trendkb.adoption import full_month
from trendkb.models import package_key
from trendkb.signals import DOWNLOADS

SERVICE = "PyPI Stats"
CATEGORY = "without_mirrors"
HISTORY = "ClickPy"
# ClickPy's monthly totals per project; the name and the month bound travel as query parameters, never in the SQL.
HISTORY_QUERY = ("SELECT toString(month) AS month, toString(sum(count)) AS downloads "
                 "FROM pypi.pypi_downloads_per_month WHERE project = {package:String} AND month < {before:Date} "
                 "GROUP BY month ORDER BY month")
HISTORY_USER = "demo"  # the service's public, read-only user


# ---------------------------------------------------------------- pure parts


def parse_overall(data: object) -> dict[dt.date, int]:
    """Downloads without mirrors by day, from a parsed `overall` answer; raises BadAnswer for any other shape."""
    rows = data.get("data") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise BadAnswer(f"the answer from {SERVICE} has no 'data' list; it is not an 'overall' answer")
    days: dict[dt.date, int] = {}
    for row in rows:
        if not isinstance(row, dict):
            raise BadAnswer(f"the answer from {SERVICE} holds {row!r} where a day's downloads belong")
        if row.get("category") != CATEGORY:
            continue  # the series with mirrors, when a server sends both
        try:
            day = dt.date.fromisoformat(str(row.get("date")))
        except ValueError:
            raise BadAnswer(f"the answer from {SERVICE} has the date {row.get('date')!r}, not YYYY-MM-DD") from None
        days[day] = days.get(day, 0) + count(row.get("downloads"), f"the downloads on {day}")
    return days


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_totals(package: str, days: Mapping[dt.date, int],
                 stored: Mapping[str, models.PackageDownloads]) -> list[models.PackageDownloads]:
    """One record per month the answer covers, combined with what is stored (`stored`: month -> record).

    The answer covers its first to its last day (days without downloads are
    left out of PyPI Stats' answers). A stored month that counts days from
    before the answer's first day keeps them: the days after its last counted
    day are added to it. Otherwise the answer's total replaces it.
    """
    if not days:
        return []
    first, last = min(days), max(days)
    by_month: dict[str, list[dt.date]] = {}
    for day in sorted(days):
        by_month.setdefault(f"{day:%Y-%m}", []).append(day)
    records = []
    for month, in_month in by_month.items():
        start = max(first, in_month[0].replace(day=1))
        end = min(last, _month_end(in_month[0]))
        old = stored.get(month)
        if old is not None and old.first_day < start:
            if old.last_day >= end:
                records.append(old)
                continue
            added = sum(days[day] for day in in_month if day > old.last_day)
            records.append(old.model_copy(update={"downloads": old.downloads + added, "last_day": end}))
        else:
            records.append(models.PackageDownloads(package=package, month=month, downloads=sum(
                days[day] for day in in_month), first_day=start, last_day=end))
    return records


def parse_history(data: object) -> dict[str, int]:
    """Downloads by month (YYYY-MM) from ClickHouse's JSON answer to HISTORY_QUERY; BadAnswer for any other shape."""
    rows = data.get("data") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise BadAnswer(f"the answer from {HISTORY} has no 'data' list; it is not a ClickHouse JSON result")
    months: dict[str, int] = {}
    for row in rows:
        month = str(row.get("month", "")) if isinstance(row, dict) else ""
        if not re.fullmatch(r"\d{4}-\d{2}-01", month):
            raise BadAnswer(f"the answer from {HISTORY} has the month {month!r}, not the first day of a month")
        value = row.get("downloads")
        # ClickHouse writes 64-bit numbers as text in JSON, so both are read.
        months[month[:7]] = count(int(value) if isinstance(value, str) and value.isdigit() else value,
                                  f"the downloads of {month[:7]}")
    return months


def history_records(package: str, months: Mapping[str, int],
                    stored: Mapping[str, models.PackageDownloads]) -> list[models.PackageDownloads]:
    """Records for the months PyPI Stats has not counted whole (none stored, or only part of the month)."""
    records = []
    for month, downloads in sorted(months.items()):
        first = dt.date(int(month[:4]), int(month[5:]), 1)
        old = stored.get(month)
        if old is not None and full_month(old):
            continue
        records.append(models.PackageDownloads(package=package, month=month, downloads=downloads, first_day=first,
                                               last_day=_month_end(first), source=models.DownloadsSource.CLICKPY))
    return records


def packages_of(trends: Iterable[models.Trend]) -> dict[str, list[str]]:
    """Each package the trends name (normalised), with the ids of the trends naming it."""
    named: dict[str, list[str]] = {}
    for trend in trends:
        for name in trend.evidence.packages:
            named.setdefault(package_key(name), []).append(trend.id)
    return dict(sorted(named.items()))


# ---------------------------------------------------------------- the collector


@register
class PypiCollector(Collector):
    name = "pypi"

    def sources(self) -> list[str]:
        return [self.name]

    def jobs(self) -> list[Job]:
        # Each job asks one host: once the run gives it up (rate limited, budget spent), the rest are not asked.
        stats, history = host_of(self.ctx.options.pypistats_url), host_of(self.ctx.options.clickpy_url)
        jobs = []
        for package, trends in packages_of(self.ctx.trends()).items():
            jobs.append(Job(self.name, f"package {package}", lambda tally, p=package, t=trends: self._package(
                p, t, tally), host=stats))
            if self.ctx.options.backfill_downloads:
                jobs.append(Job(self.name, f"history {package}", lambda tally, p=package: self._history(p, tally),
                                host=history))
        return jobs

    def _history(self, package: str, tally: Tally) -> None:
        today = self.ctx.now().astimezone(dt.UTC).date()
        query = urlencode({"user": HISTORY_USER, "default_format": "JSON", "query": HISTORY_QUERY,
                           "param_package": package, "param_before": today.replace(day=1).isoformat()})
        url = f"{self.ctx.options.clickpy_url.rstrip('/')}/?{query}"
        try:
            answer = self.ctx.http.get(url, check=checker(HISTORY), max_bytes=MAX_BYTES)
            months = parse_history(read_json(answer, HISTORY))
        except FetchError as exc:
            raise CollectError(str(exc)) from None
        except BadAnswer as exc:
            raise CollectError(f"{exc} ({url})") from None
        tally.fetched += len(months)
        signals = self.ctx.signals
        stored = {month: old for month in months if (old := signals.get(DOWNLOADS, package, month)) is not None}
        for record in history_records(package, months, stored):
            tally.count(signals.put(DOWNLOADS, record))

    def _package(self, package: str, trends: list[str], tally: Tally) -> None:
        base = self.ctx.options.pypistats_url.rstrip("/")
        url = f"{base}/packages/{quote(package)}/overall?mirrors=false"
        try:
            answer = self.ctx.http.get(url, ok=(200, 404), check=checker(SERVICE), max_bytes=MAX_BYTES)
        except FetchError as exc:
            raise CollectError(str(exc)) from None
        if answer.status_code == 404:
            raise CollectError(f"{SERVICE} does not know the package '{package}' (HTTP 404): it may have been "
                               f"renamed or removed; correct evidence.packages of {', '.join(trends)} ({url})")
        try:
            days = parse_overall(read_json(answer, SERVICE))
        except BadAnswer as exc:
            raise CollectError(f"{exc} ({url})") from None
        tally.fetched += len(days)
        signals = self.ctx.signals
        months = {f"{day:%Y-%m}" for day in days}
        stored = {month: old for month in months if (old := signals.get(DOWNLOADS, package, month)) is not None}
        for record in month_totals(package, days, stored):
            tally.count(signals.put(DOWNLOADS, record))
