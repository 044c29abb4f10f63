"""The signal records and the collectors' state, held in memory and written back.

The collectors never touch files: they put records here, and `save` writes only
the files whose records changed, each atomically (temp file and rename) and in
a stable order, so a run that learns nothing new leaves every file as it was.

Merging rules live here, in one place:
- a paper is keyed by its arXiv id without version; a newer version replaces
  the stored one, an equal or older one only adds trend ids;
- a news item is keyed by its GUID, else its normalised link; an item another
  feed already brought in (same key, or same normalised link) is a duplicate;
- a monthly count is keyed by (subject, month).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from collectors.text import normalise_link
from trendkb import models, store
from trendkb.momentum import month_of
from trendkb.yamlio import write_atomic

Outcome = Literal["new", "updated", "same"]

STATUS_FILE = "status.yaml"
COUNTS_FILE = "counts.yaml"
STATE_FILE = "state.yaml"


def _paper_file(month: str) -> str:
    return f"arxiv/{month}.yaml"


def _news_file(month: str) -> str:
    return f"news/{month}.yaml"


class SignalStore:
    """Every record under trends/signals/, editable in memory, saved file by file."""

    def __init__(self, root: Path):
        self.dir = Path(root) / store.TRENDS_DIR / store.SIGNALS_DIR
        self.papers: dict[str, models.Paper] = {}
        self.news: dict[str, models.NewsItem] = {}
        self.counts: dict[tuple[str, str], models.MonthlyCount] = {}
        self.statuses: dict[str, models.SourceStatus] = {}
        self.watermarks: dict[str, models.Watermark] = {}
        self.feed_caches: dict[str, models.FeedCache] = {}
        self.count_queries: dict[str, str] = {}
        self._links: dict[str, str] = {}  # normalised news link -> key of the item holding it
        self._dirty: set[str] = set()
        self.written: list[Path] = []  # every file saved by this store, across checkpoints

    @classmethod
    def from_kb(cls, kb: store.KnowledgeBase) -> SignalStore:
        """The store as the loaded knowledge base has it (its signal files must have loaded cleanly)."""
        signals = cls(kb.root)
        for entry in kb.signal_files:
            record = entry.record
            if isinstance(record, models.PapersFile):
                for paper in record.papers:
                    signals._load_paper(paper)
            elif isinstance(record, models.NewsFile):
                for item in record.items:
                    signals._load_news(item)
            elif isinstance(record, models.CountsFile):
                signals.counts.update({(c.subject, c.month): c for c in record.counts})
            elif isinstance(record, models.StatusFile):
                signals.statuses.update({s.source: s for s in record.sources})
            elif isinstance(record, models.CollectorState):
                signals.watermarks.update({w.trend: w for w in record.watermarks})
                signals.feed_caches.update({f.feed: f for f in record.feeds})
                signals.count_queries.update({q.subject: q.query for q in record.count_queries})
        return signals

    def _load_paper(self, paper: models.Paper) -> None:
        # The same id in two files (a hand edit): keep the newest version, and rewrite both files.
        old = self.papers.get(paper.arxiv_id)
        if old is not None:
            self._dirty |= {_paper_file(month_of(old.published)), _paper_file(month_of(paper.published))}
            if old.version >= paper.version:
                return
        self.papers[paper.arxiv_id] = paper

    def _load_news(self, item: models.NewsItem) -> None:
        if item.key in self.news:
            self._dirty.add(_news_file(month_of(self.news[item.key].published)))
        self.news[item.key] = item
        self._links.setdefault(normalise_link(item.url), item.key)

    # ------------------------------------------------------------ papers

    def put_paper(self, paper: models.Paper) -> Outcome:
        """Store a paper: new, a newer version of a stored one, or known (perhaps for more trends)."""
        old = self.papers.get(paper.arxiv_id)
        if old is None:
            merged = paper
        else:
            trends = sorted(set(old.trends) | set(paper.trends))
            base = paper if paper.version > old.version else old
            merged = base.model_copy(update={"trends": trends})
            if merged == old:
                return "same"
            self._dirty.add(_paper_file(month_of(old.published)))
        self.papers[paper.arxiv_id] = merged
        self._dirty.add(_paper_file(month_of(merged.published)))
        return "new" if old is None else "updated"

    # ------------------------------------------------------------ news

    def news_duplicate(self, key: str, url: str, feed: str) -> bool:
        """True when another feed's item already holds this key, or any other item this link."""
        old = self.news.get(key)
        if old is not None:
            return old.feed != feed
        holder = self._links.get(normalise_link(url))
        return holder is not None and holder != key

    def put_news(self, item: models.NewsItem, keep_trends: bool = False) -> Outcome:
        """Store a news item (callers check `news_duplicate` first); `keep_trends` adds to the stored trend ids."""
        old = self.news.get(item.key)
        if old is not None:
            if keep_trends:
                item = item.model_copy(update={"trends": sorted(set(old.trends) | set(item.trends))})
            if item == old:
                return "same"
            self._dirty.add(_news_file(month_of(old.published)))
        self.news[item.key] = item
        self._links.setdefault(normalise_link(item.url), item.key)
        self._dirty.add(_news_file(month_of(item.published)))
        return "new" if old is None else "updated"

    # ------------------------------------------------------------ counts, status, state

    def put_count(self, count: models.MonthlyCount) -> Outcome:
        old = self.counts.get((count.subject, count.month))
        if old == count:
            return "same"
        self.counts[(count.subject, count.month)] = count
        self._dirty.add(COUNTS_FILE)
        return "new" if old is None else "updated"

    def drop_counts(self, subject: str) -> int:
        """Forget a subject's counts (its query changed, so they measured something else)."""
        stale = [key for key in self.counts if key[0] == subject]
        for key in stale:
            del self.counts[key]
        if stale:
            self._dirty.add(COUNTS_FILE)
        return len(stale)

    def set_count_query(self, subject: str, query: str) -> None:
        if self.count_queries.get(subject) != query:
            self.count_queries[subject] = query
            self._dirty.add(STATE_FILE)

    def set_status(self, status: models.SourceStatus) -> None:
        if self.statuses.get(status.source) != status:
            self.statuses[status.source] = status
            self._dirty.add(STATUS_FILE)

    def drop_status(self, source: str) -> None:
        if self.statuses.pop(source, None) is not None:
            self._dirty.add(STATUS_FILE)

    def set_watermark(self, mark: models.Watermark) -> None:
        if self.watermarks.get(mark.trend) != mark:
            self.watermarks[mark.trend] = mark
            self._dirty.add(STATE_FILE)

    def set_feed_cache(self, cache: models.FeedCache) -> None:
        if self.feed_caches.get(cache.feed) != cache:
            self.feed_caches[cache.feed] = cache
            self._dirty.add(STATE_FILE)

    # ------------------------------------------------------------ writing

    def _record(self, name: str) -> BaseModel:
        if name.startswith("arxiv/"):
            month = name.removeprefix("arxiv/").removesuffix(".yaml")
            papers = [p for p in self.papers.values() if month_of(p.published) == month]
            papers.sort(key=lambda p: (p.published, p.arxiv_id), reverse=True)
            return models.PapersFile(month=month, papers=papers)
        if name.startswith("news/"):
            month = name.removeprefix("news/").removesuffix(".yaml")
            items = [n for n in self.news.values() if month_of(n.published) == month]
            items.sort(key=lambda n: (n.published, n.key), reverse=True)
            return models.NewsFile(month=month, items=items)
        if name == COUNTS_FILE:
            return models.CountsFile(counts=[self.counts[key] for key in sorted(self.counts)])
        if name == STATUS_FILE:
            return models.StatusFile(sources=[self.statuses[key] for key in sorted(self.statuses)])
        if name == STATE_FILE:
            return models.CollectorState(
                watermarks=[self.watermarks[key] for key in sorted(self.watermarks)],
                feeds=[self.feed_caches[key] for key in sorted(self.feed_caches)],
                count_queries=[models.CountQuery(subject=s, query=self.count_queries[s])
                               for s in sorted(self.count_queries)],
            )
        raise ValueError(f"no signal file is called {name}")

    def pending(self) -> dict[Path, str]:
        """The files a save would change, with their new text."""
        out = {}
        for name in sorted(self._dirty):
            path = self.dir / name
            text = store.record_text(self._record(name))
            if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
                out[path] = text
        return out

    def save(self) -> list[Path]:
        """Write every changed file atomically; returns the files written."""
        written = []
        for path, text in self.pending().items():
            if write_atomic(path, text):
                written.append(path)
                if path not in self.written:
                    self.written.append(path)
        self._dirty.clear()
        return written


def utc_now_seconds(now: dt.datetime) -> dt.datetime:
    """Timestamps are stored to the second, in UTC, so files do not churn on microseconds."""
    return now.astimezone(dt.UTC).replace(microsecond=0)
