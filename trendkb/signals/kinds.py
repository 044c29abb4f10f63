"""The kinds of collected records: what each one holds, how it is keyed, where its files live.

A kind is declared once, with `register(Kind(...))`. Reading, validation,
merging, saving and the site's Sources page all work from the declarations,
so a new source of signals needs its collector and one declaration here,
and nothing else learns its paths or its format.

The file format follows from the path: `.jsonl` is JSON Lines (one record a
line, keys in model order, lines sorted by record key), `.csv` is one row a
record with the model's fields as columns. A path with `{month}` splits the
records into one file per month of the field named by `month`: a date, or a
month written YYYY-MM.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from trendkb import models

R = TypeVar("R", bound=BaseModel)

FORMATS = (".jsonl", ".csv")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PATH = re.compile(r"^[a-z0-9][a-z0-9/\-]*(?:\{month\})?(?:\.jsonl|\.csv)$")


@dataclass(frozen=True)
class Kind(Generic[R]):
    """One kind of collected record."""

    name: str  # the registry's id for the kind, a slug: 'papers'
    model: type[R]  # the pydantic model every record must pass
    key: tuple[str, ...]  # the fields that identify a record; one record per key across all files
    path: str  # where the records live, relative to trends/signals/: 'arxiv/{month}.jsonl'
    month: str | None = None  # for a path with {month}: the date (or YYYY-MM) field that picks the file
    title: str = ""  # how the Sources page names the kind: 'arXiv papers'
    about: str = ""  # one line on the Sources page: what a record is, and who writes it
    # How a record put over a stored one with the same key combines with it; None: the new one replaces it.
    merge: Callable[[R, R], R] | None = None
    trends_field: str | None = None  # a field listing the trend ids a record supports; each must exist
    # A field naming the one trend a record is about, for `SignalStore.forget_trends`; a value that is
    # not shaped like a trend id (an area's 'baseline:<area>') is some other subject and stays.
    trend_key: str | None = None
    evidence: bool = True  # False for the collectors' bookkeeping (watermarks, caches, status)

    @property
    def format(self) -> str:
        return self.path[self.path.rindex("."):]

    @property
    def pattern(self) -> str:
        """The glob that finds the kind's files."""
        return self.path.replace("{month}", "*")

    def key_of(self, record: R) -> tuple:
        get = self._key_getter
        return get(record) if len(self.key) > 1 else (get(record),)

    @cached_property
    def _key_getter(self) -> Callable[[R], Any]:
        return attrgetter(*self.key)

    def file_of(self, record: R) -> str:
        """The file a record belongs in, relative to trends/signals/."""
        if self.month is None:
            return self.path
        year, month = year_month(getattr(record, self.month))
        return self.path.replace("{month}", f"{year:04d}-{month:02d}")

    def check(self) -> None:
        """Raise ValueError when the declaration cannot work; `register` calls it."""
        fields = self.model.model_fields
        if not _NAME.match(self.name):
            raise ValueError(f"kind name {self.name!r} is not a slug")
        if not _PATH.match(self.path) or ".." in self.path:
            raise ValueError(f"kind {self.name}: path {self.path!r} must be relative and end in .jsonl or .csv")
        if ("{month}" in self.path) != (self.month is not None):
            raise ValueError(f"kind {self.name}: give 'month' exactly when the path has {{month}}")
        named = [*self.key, *filter(None, (self.month, self.trends_field, self.trend_key))]
        unknown = [name for name in named if name not in fields]
        if unknown or not self.key:
            raise ValueError(f"kind {self.name}: {self.model.__name__} has no field {unknown or 'to key on'}")
        if self.format == ".csv":
            nested = [name for name, info in fields.items() if not _flat(info.annotation)]
            if nested:
                raise ValueError(f"kind {self.name}: a CSV row holds plain values, not {', '.join(nested)}")


def year_month(value: Any) -> tuple[int, int]:
    """The year and month of a date, a datetime or a 'YYYY-MM' text."""
    if isinstance(value, str):
        return int(value[:4]), int(value[5:7])
    return value.year, value.month


def _flat(annotation: Any) -> bool:
    """True for a field a CSV cell can hold: text, numbers, dates, enums, and optional ones of those."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _flat(args[0])
    if origin in (typing.Union, types.UnionType):
        return all(_flat(arg) for arg in args if arg is not type(None))
    if origin is typing.Literal:
        return True
    if origin is not None:
        return False  # list[...], dict[...]
    return isinstance(annotation, type) and not issubclass(annotation, (list, dict, tuple, set, BaseModel))


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind[R]) -> Kind[R]:
    """Add a kind to the registry (checked first); returns it, so a declaration is one statement."""
    kind.check()
    clash = [other.name for other in _REGISTRY.values()
             if other.name != kind.name and (other.pattern == kind.pattern)]
    if clash:
        raise ValueError(f"kind {kind.name}: its files would mix with those of {clash[0]}")
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Take a kind out of the registry (for tests that declare their own)."""
    _REGISTRY.pop(name, None)


def registered() -> list[Kind]:
    """Every kind, in the order declared."""
    return list(_REGISTRY.values())


# ---------------------------------------------------------------- the built-in kinds


def _newer_paper(old: models.Paper, new: models.Paper) -> models.Paper:
    # A newer version replaces the stored one; an equal or older one only adds trend ids.
    base = new if new.version > old.version else old
    trends = sorted(set(old.trends) | set(new.trends))
    return base if base.trends == trends else base.model_copy(update={"trends": trends})


PAPERS = register(Kind(
    name="papers", model=models.Paper, key=("arxiv_id",), path="arxiv/{month}.jsonl", month="published",
    title="arXiv papers", trends_field="trends", merge=_newer_paper,
    about="Papers found by each trend's arXiv query, filed by the month of their first version.",
))
NEWS = register(Kind(
    name="news", model=models.NewsItem, key=("key",), path="news/{month}.jsonl", month="published",
    title="News items", trends_field="trends",
    about="Items from the feeds in trends/feeds.yaml that mention a trend's news keywords, by month published.",
))
COUNTS = register(Kind(
    name="counts", model=models.MonthlyCount, key=("subject", "month"), path="counts.csv",
    title="Monthly paper counts", trend_key="subject",
    about="How many arXiv papers each trend's query, and each area's baseline, matched in a month.",
))
STATUS = register(Kind(
    name="status", model=models.SourceStatus, key=("source",), path="status.jsonl", evidence=False,
    title="Source status", about="How the last run of each source went: when it last worked, and its last error.",
))
WATERMARKS = register(Kind(
    name="watermarks", model=models.Watermark, key=("trend",), path="state/watermarks.jsonl", evidence=False,
    trend_key="trend", title="arXiv watermarks",
    about="Where the arXiv collector stopped for each trend, so the next run resumes there.",
))
FEED_CACHES = register(Kind(
    name="feed-caches", model=models.FeedCache, key=("feed",), path="state/feeds.jsonl", evidence=False,
    title="Feed validators", about="The ETag and Last-Modified each feed sent, so an unchanged feed costs one answer.",
))
COUNT_QUERIES = register(Kind(
    name="count-queries", model=models.CountQuery, key=("subject",), path="state/count-queries.jsonl",
    evidence=False, trend_key="subject", title="Count queries",
    about="The query behind each subject's monthly counts; when it changes, the old counts are dropped.",
))
# Only the jobs that are behind are kept, so a day on which every job succeeds leaves the file as it was.
WAITING_JOBS = register(Kind(
    name="waiting-jobs", model=models.WaitingJob, key=("source", "job"), path="state/waiting.jsonl", evidence=False,
    title="Jobs waiting their turn",
    about="Collector jobs that failed or were not asked in their last run; the next run starts with those that "
          "waited longest, so a throttled day still moves the rotation on.",
))
DOWNLOADS = register(Kind(
    name="downloads", model=models.PackageDownloads, key=("package", "month"), path="downloads.csv",
    title="Package downloads",
    about="Downloads per month of each PyPI package a trend names (evidence.packages), from PyPI Stats, without "
          "known mirrors; months before its 180 days from the opt-in ClickPy backfill, mirrors included.",
))
REPO_SNAPSHOTS = register(Kind(
    name="repo-snapshots", model=models.RepoSnapshot, key=("repo", "day"), path="github/{month}.jsonl",
    month="day", title="Repository snapshots",
    about="Stars, forks, open issues, latest release and last push of each GitHub repository a trend names "
          "(evidence.repos), one snapshot a day.",
))
LISTING_TERMS = register(Kind(
    name="listing-terms", model=models.ListingTerm, key=("month", "phrase"), path="listings/{month}.jsonl",
    month="month", title="Listing phrases",
    about="How many papers of each area's arXiv listings used a phrase in a month, with up to three example ids; "
          "no abstracts are kept. The Emerging page is computed from these.",
))
LISTING_MONTHS = register(Kind(
    name="listing-months", model=models.ListingMonth, key=("month", "area"), path="listings/months.csv",
    title="Listing months",
    about="Papers per month in each area's arXiv categories, the phrase floor, and whether the month was read "
          "through the API or summed from daily listings.",
))
LISTING_DAYS = register(Kind(
    name="listing-days", model=models.ListingDay, key=("day",), path="state/listing-days.jsonl", evidence=False,
    title="Listing days", about="The daily arXiv listings already counted into a month that the API has not "
                                "settled yet, so a listing is never counted twice.",
))
