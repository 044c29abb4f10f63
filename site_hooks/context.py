"""What every page builder needs, computed once: series, momentum, signals, URLs.

`SiteContext` is built from a loaded knowledge base and the site settings;
builders read it and never touch the disk.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from trendkb import models
from trendkb.adoption import Adoption, adoption_of
from trendkb.emerging import Detection, detect
from trendkb.momentum import Momentum, all_series, momentum, month_of
from trendkb.signals import COUNTS, DOWNLOADS, LISTING_MONTHS, LISTING_TERMS, NEWS, PAPERS, REPO_SNAPSHOTS, STATUS
from trendkb.store import KnowledgeBase


@dataclass(frozen=True)
class Settings:
    repo_url: str | None = None  # e.g. https://github.com/owner/trendkb; enables edit and Colab links
    branch: str = "main"
    site_url: str | None = None  # absolute base for feeds and the JSON export
    directory_urls: bool = True
    stale_after_days: int = 3  # the home page warns when the newest successful collection is older


def page_url(src: str, directory_urls: bool = True) -> str:
    """Site-relative URL of a page source path: 'trends/x.md' -> 'trends/x/'."""
    stem = src[:-3] if src.endswith(".md") else src
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


@dataclass
class SiteContext:
    kb: KnowledgeBase
    today: dt.date
    settings: Settings = field(default_factory=Settings)

    # ---- records

    @cached_property
    def areas(self) -> dict[str, models.Area]:
        return {area.id: area for area in self.kb.areas}

    @cached_property
    def trends(self) -> dict[str, models.Trend]:
        return {trend.id: trend for trend in sorted(self.kb.trends, key=lambda t: t.title.lower())}

    def trends_in(self, area_id: str) -> list[models.Trend]:
        return [trend for trend in self.trends.values() if trend.area == area_id]

    # ---- signals

    @cached_property
    def counts(self) -> list[models.MonthlyCount]:
        return self.kb.signals.records(COUNTS)

    @cached_property
    def papers(self) -> list[models.Paper]:
        """Newest first."""
        return sorted(self.kb.signals.records(PAPERS), key=lambda p: (p.published, p.arxiv_id), reverse=True)

    @cached_property
    def news(self) -> list[models.NewsItem]:
        """Newest first."""
        return sorted(self.kb.signals.records(NEWS), key=lambda n: (n.published, n.key), reverse=True)

    @cached_property
    def papers_by_trend(self) -> dict[str, list[models.Paper]]:
        """Each trend's papers, newest first (grouped in one pass, not one scan per trend)."""
        return _by_trend(self.papers)

    @cached_property
    def news_by_trend(self) -> dict[str, list[models.NewsItem]]:
        return _by_trend(self.news)

    @cached_property
    def statuses(self) -> list[models.SourceStatus]:
        """By source id."""
        return self.kb.signals.records(STATUS)

    @cached_property
    def series(self) -> dict[str, pd.DataFrame]:
        return all_series(self.counts, {tid: t.area for tid, t in self.trends.items()}, self.today)

    @cached_property
    def emerging(self) -> Detection:
        """The emerging topics of the arXiv listings (`trendkb.emerging`), found once per build."""
        signals = self.kb.signals
        return detect(signals.records(LISTING_MONTHS), signals.records(LISTING_TERMS), self.trends.values(),
                      month_of(self.today))

    @cached_property
    def momenta(self) -> dict[str, Momentum]:
        return {tid: momentum(frame) for tid, frame in self.series.items()}

    @cached_property
    def downloads_by_package(self) -> dict[str, dict[str, models.PackageDownloads]]:
        """Each package's downloads by month, oldest first."""
        out: dict[str, dict[str, models.PackageDownloads]] = {}
        for record in self.kb.signals.records(DOWNLOADS):  # sorted by package, then month
            out.setdefault(record.package, {})[record.month] = record
        return out

    @cached_property
    def snapshots_by_repo(self) -> dict[str, list[models.RepoSnapshot]]:
        """Each repository's snapshots, oldest first."""
        out: dict[str, list[models.RepoSnapshot]] = {}
        for record in self.kb.signals.records(REPO_SNAPSHOTS):  # sorted by repository, then day
            out.setdefault(record.repo, []).append(record)
        return out

    @cached_property
    def adoption(self) -> dict[str, Adoption]:
        return adoption_of(self.trends.values(), self.kb.signals.records(DOWNLOADS),
                           self.kb.signals.records(REPO_SNAPSHOTS), self.today)

    # ---- URLs

    def url(self, src: str) -> str:
        return page_url(src, self.settings.directory_urls)

    def rel(self, from_src: str, target: str) -> str:
        """Relative link from the page `from_src` to a page source or a static file path."""
        to = self.url(target) if target.endswith(".md") else target
        here = self.url(from_src)
        folder = here if here.endswith("/") or not here else posixpath.dirname(here)
        result = _relative(to, folder)
        if result == ".":
            return "./"
        return result + "/" if (not to or to.endswith("/")) else result

    @staticmethod
    def md(from_src: str, target: str) -> str:
        """Link for Markdown syntax: relative to the source file, so MkDocs checks and converts it."""
        return posixpath.relpath(target, posixpath.dirname(from_src) or ".")

    def absolute(self, target: str) -> str:
        """Absolute URL when the site URL is known, else the site-relative path."""
        to = self.url(target) if target.endswith(".md") else target
        if self.settings.site_url:
            return self.settings.site_url.rstrip("/") + "/" + to
        return to

    def edit_url(self, trend: models.Trend) -> str | None:
        if not self.settings.repo_url:
            return None
        return f"{self.settings.repo_url.rstrip('/')}/edit/{self.settings.branch}/trends/{trend.area}/{trend.id}.yaml"

    def colab_url(self, notebook: str) -> str | None:
        repo = self.settings.repo_url or ""
        prefix = "https://github.com/"
        if not repo.startswith(prefix):
            return None
        return (f"https://colab.research.google.com/github/{repo[len(prefix):].rstrip('/')}/blob/"
                f"{self.settings.branch}/content/examples/{notebook}")


def _relative(to: str, folder: str) -> str:
    """posixpath.relpath for two site-relative paths ('.' for the folder itself).

    relpath makes both absolute against the working directory first, which is most of the
    time of a build's 13,000 links at 500 trends; site paths hold no '.' or '..' to resolve.
    """
    start, target = [part for part in folder.split("/") if part], [part for part in to.split("/") if part]
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def _by_trend(items: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in items:
        for trend_id in item.trends:
            out.setdefault(trend_id, []).append(item)
    return out


def area_src(area_id: str) -> str:
    return f"areas/{area_id}.md"


def trend_src(trend_id: str) -> str:
    return f"trends/{trend_id}.md"
