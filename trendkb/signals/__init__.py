"""Collected signals: the records the collectors write under trends/signals/.

One place owns them all. `kinds` declares each kind of record (its model,
key, files and how the Sources page names it), `formats` reads and writes
their files, `store` holds them in memory and saves what changed, and `lock`
keeps two writers apart. Nothing outside this package knows a signal path
or format.

    trends/signals/arxiv/YYYY-MM.jsonl        papers, by month of first version
    trends/signals/news/YYYY-MM.jsonl         news items, by month published
    trends/signals/counts.csv                 papers per month per trend and area baseline
    trends/signals/downloads.csv              downloads per month per PyPI package
    trends/signals/github/YYYY-MM.jsonl       repository snapshots, one per repository a day
    trends/signals/listings/YYYY-MM.jsonl     phrase counts of the areas' arXiv listings, by month
    trends/signals/listings/months.csv        papers per month per area in those listings
    trends/signals/status.jsonl               the last run of each source
    trends/signals/state/*.jsonl              the collectors' bookkeeping (watermarks, validators, job rotation)
"""

from trendkb.signals.kinds import (
    COUNT_QUERIES,
    COUNTS,
    DOWNLOADS,
    FEED_CACHES,
    LISTING_DAYS,
    LISTING_MONTHS,
    LISTING_TERMS,
    NEWS,
    PAPERS,
    REPO_SNAPSHOTS,
    STATUS,
    WAITING_JOBS,
    WATERMARKS,
    Kind,
    register,
    registered,
    unregister,
)
from trendkb.signals.lock import LockHeld, RunLock
from trendkb.signals.store import Outcome, SignalStore, clean_leftovers

__all__ = [
    "COUNTS", "COUNT_QUERIES", "DOWNLOADS", "FEED_CACHES", "LISTING_DAYS", "LISTING_MONTHS", "LISTING_TERMS", "NEWS",
    "PAPERS", "REPO_SNAPSHOTS", "STATUS", "WAITING_JOBS", "WATERMARKS",
    "Kind", "LockHeld", "Outcome", "RunLock", "SignalStore", "clean_leftovers", "register", "registered",
    "unregister",
]
