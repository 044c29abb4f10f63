"""The collector interface: what every source of signals gives the run, and what it gets.

A collector (arXiv, news feeds, ...) is a `Collector` subclass. The run builds
it with a `Context` (the knowledge base, the in-memory signal store, the polite
HTTP session, the options and the clock) and asks it for `jobs()`: small units
of work, each reporting into one status record ("source"). The run executes
the jobs, shows progress, saves after each one and writes the status records.
A job puts only complete results into the store and raises `CollectError`
when it fails, so a failure never costs stored data. The run starts with the jobs
that succeeded least recently, and skips (as "not asked") those whose host the
polite session has given up for this run.

A third source is one new module with a `Collector` subclass that calls
`register` on it, plus the declaration of the kind of record it stores in
`trendkb.signals` (see the README's "Adding a source").
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from collectors.http import HttpSettings, PoliteSession
from trendkb import models
from trendkb.signals import SignalStore
from trendkb.store import KnowledgeBase

DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
DEFAULT_PYPISTATS_URL = "https://pypistats.org/api"
DEFAULT_GITHUB_API_URL = "https://api.github.com"
DEFAULT_CLICKPY_URL = "https://sql-clickhouse.clickhouse.com"
# arXiv's daily new-submission listings: the categories follow, joined with '+'.
DEFAULT_LISTING_URL = "https://rss.arxiv.org/rss/"


class CollectError(Exception):
    """A job failed; the run records the message in the source's status and goes on."""


class ConfigError(Exception):
    """The setup makes the run impossible (exit code 2); raised before any request is sent."""


@dataclass(frozen=True)
class Options:
    """What `trendkb collect` was asked to do."""

    trend: str | None = None  # only this trend (and its area's baseline)
    since: dt.date | None = None  # papers updated / news published on or after this day
    backfill_months: int = 0  # also count (listings: read) this many months before the current one
    arxiv_url: str = DEFAULT_ARXIV_URL
    pypistats_url: str = DEFAULT_PYPISTATS_URL  # an API base: /packages/<name>/overall is appended
    github_api_url: str = DEFAULT_GITHUB_API_URL  # an API base: /repos/<owner>/<name> is appended
    github_token: str | None = field(default=None, repr=False)  # GITHUB_TOKEN: sent to the GitHub API only
    backfill_downloads: bool = False  # also ask ClickPy for the months before PyPI Stats' 180 days
    clickpy_url: str = DEFAULT_CLICKPY_URL  # ClickHouse's HTTP interface; the query goes in its address
    listing_url: str = DEFAULT_LISTING_URL
    feeds_path: Path | None = None  # default: trends/feeds.yaml
    dry_run: bool = False
    debug: bool = False  # let internal errors raise, with their traceback
    page_size: int = 100  # arXiv results per request (the API allows up to 2000)
    listing_page_size: int = 2000  # the same when the listings collector reads whole months
    http: HttpSettings = field(default_factory=HttpSettings)


@dataclass
class Tally:
    """What one source did in this run, for the summary table."""

    fetched: int = 0  # items received
    new: int = 0  # stored for the first time
    updated: int = 0  # stored items that changed
    skipped: int = 0  # received but not stored: known and unchanged, out of scope, or unusable
    failed: int = 0  # jobs (queries, feeds) that failed

    def add(self, other: Tally) -> None:
        for name in ("fetched", "new", "updated", "skipped", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count(self, outcome: str) -> None:
        if outcome == "new":
            self.new += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.skipped += 1


@dataclass(frozen=True)
class Job:
    """One unit of work: `work` fills the tally, puts complete results in the store, or raises CollectError."""

    source: str  # status record it reports into: 'arxiv', 'news:<feed id>'
    label: str  # what it is about, for progress lines and error messages; with `source`, the job's identity
    work: Callable[[Tally], None]
    # The host it asks (http.host_of): once the run gives that host up, the job is recorded as not
    # asked instead of being run. None for a job that asks several hosts, or none.
    host: str | None = None


@dataclass
class Context:
    """Everything a collector may use. Collectors do no file I/O of their own."""

    kb: KnowledgeBase
    signals: SignalStore
    http: PoliteSession
    options: Options
    now: Callable[[], dt.datetime]
    feeds: models.FeedsFile | None
    # Saves what is in the store so far (nothing in a dry run): long jobs call it so an
    # interrupted backfill resumes where it stopped.
    checkpoint: Callable[[], None] = lambda: None

    def trends(self) -> list[models.Trend]:
        """The trends this run is about: all, or the one given with --trend."""
        trends = sorted(self.kb.trends, key=lambda t: t.id)
        if self.options.trend:
            trends = [t for t in trends if t.id == self.options.trend]
        return trends


class Collector(ABC):
    """One kind of source. Subclasses set `name` (the CLI word, also SourceStatus.kind)."""

    name: ClassVar[str]

    def __init__(self, ctx: Context):
        self.ctx = ctx

    @abstractmethod
    def jobs(self) -> list[Job]:
        """The run's work for this source, in order; raise ConfigError here, before any request."""

    def sources(self) -> list[str] | None:
        """Every status id this collector owns, when it knows them all (stale ones are dropped); else None."""
        return None


_COLLECTORS: dict[str, type[Collector]] = {}


def register(collector: type[Collector]) -> type[Collector]:
    """Make a source known to `trendkb collect` under its name (usable as a class decorator)."""
    _COLLECTORS[collector.name] = collector
    return collector


def unregister(name: str) -> None:
    """Forget a source (for tests that register their own)."""
    _COLLECTORS.pop(name, None)


def registered() -> dict[str, type[Collector]]:
    """Every known source by name, in the order registered."""
    return dict(_COLLECTORS)


def utc_now_seconds(now: dt.datetime) -> dt.datetime:
    """Timestamps are stored to the second, in UTC, so files do not churn on microseconds."""
    return now.astimezone(dt.UTC).replace(microsecond=0)
