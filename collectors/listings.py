"""arXiv listings: how many papers in the areas' categories use each phrase, month by month.

This is what the emerging-topics detector (`trendkb.emerging`) reads. Every
paper in the union of the areas' `arxiv_categories` is reduced to its
candidate phrases (`trendkb.phrases`); per area and month the store keeps the
number of papers, and for each phrase used by at least `floor` of them its
paper count and up to three example ids. No title or abstract is kept.

Two ways in, one status record ('listings'):

- The daily listing: arXiv's new-submission RSS for all the categories in one
  request (joined with '+'); a feed holds at most 2,000 items, so a full one is
  asked again in two halves. Only items announced as 'new' or 'cross' are
  counted, each paper once; 'replace' items are older papers. The listing's
  date is the channel's pubDate, and it is counted into that month. Each day
  counted is recorded, so a second run the same day adds nothing. Weekend and
  holiday listings are empty, which is not a failure. While a month is summed
  from daily listings its floor is `RSS_FLOOR`: a phrase below it on one day is
  not carried to the next, so rare phrases are undercounted, never overcounted.
- Whole months through the arXiv API: `cat:` terms ORed over the same
  categories, limited to one month's submissions, paged `listing_page_size`
  (2,000) at a time until the month's total is read. A month replaces whatever
  the daily listings had summed for it. `--backfill-months N` reads the N
  months before the current one; without it, the previous month is read once
  it has settled (a week after it ended). A month read at least a week after
  it ended is settled and never read again, and one read today is not read
  again today, so an interrupted backfill resumes where it stopped: each month
  is saved when it is read. The API serves results only up to offset 30,000,
  so a bigger month is read in two halves.

Every request goes through the run's polite session (3 s apart, one
connection, timeouts, Retry-After), and every answer is read strictly: an
HTML page, a cut-off document, or an API "Error" entry is a failure, never
"no papers".
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlencode

import numpy as np
from lxml import etree

from collectors.arxiv import (
    SETTLED_AFTER,
    Page,
    month_days,
    parse_page,
    span_query,
    strict_xml,
)
from collectors.base import CollectError, Collector, Job, Tally, register, utc_now_seconds
from collectors.http import BadAnswer, FetchError, host_of
from collectors.text import tidy
from trendkb import models
from trendkb.phrases import phrases
from trendkb.signals import LISTING_DAYS, LISTING_MONTHS, LISTING_TERMS

FEED_LIMIT = 2000  # items in one listing feed; a full feed may have been cut
API_LIMIT = 30_000  # the API serves no result beyond this offset
FLOOR_MIN = 3  # a phrase is stored for an area and month when at least this many papers use it ...
FLOOR_SHARE = 0.001  # ... and at least this share of the area's papers that month
RSS_FLOOR = 2  # the floor while a month is summed from daily listings
MAX_TERMS = 4000  # phrases kept per month, about 0.6 MB (see `cap`)
EXAMPLES = 3

_ATOM = "{http://www.w3.org/2005/Atom}"
_DESCRIPTION = re.compile(r"^\s*arXiv:(?P<id>\S+?)(?:v\d+)?\s+Announce Type:\s*(?P<type>[\w-]+)\s+Abstract:\s*",
                          re.IGNORECASE)
_ABS_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$")
_ID = re.compile(models.ARXIV_ID_PATTERN)
COUNTED = ("new", "cross")
T = TypeVar("T")


# ---------------------------------------------------------------- pure parts


@dataclass(frozen=True)
class ListedPaper:
    """One paper as a listing or the API gives it: only what its phrases and areas need."""

    arxiv_id: str
    title: str
    abstract: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Listing:
    day: dt.date  # the channel's pubDate, in UTC
    papers: list[ListedPaper]  # the new and cross-listed ones
    items: int  # every item, 'replace' ones too


def parse_listing(body: bytes) -> Listing:
    """A daily listing feed; raises BadAnswer when it is not one (RetryLater for an empty answer)."""
    root = strict_xml(body, "an RSS listing")
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise BadAnswer(f"arXiv's answer is a <{etree.QName(root).localname}> document, not an RSS listing")
    stamp = tidy(channel.findtext("pubDate"))
    try:
        when = email.utils.parsedate_to_datetime(stamp)
    except (TypeError, ValueError, IndexError):
        raise BadAnswer(f"the listing has no usable pubDate ({stamp!r}); it is not a daily listing") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    items = channel.findall("item")
    papers = []
    for item in items:
        description = item.findtext("description") or ""
        head = _DESCRIPTION.match(description)
        if head is None or head["type"].lower() not in COUNTED or not _ID.match(head["id"]):
            continue
        papers.append(ListedPaper(head["id"], tidy(item.findtext("title")), description[head.end():],
                                  tuple(tidy(c.text) for c in item.findall("category") if tidy(c.text))))
    return Listing(when.astimezone(dt.UTC).date(), papers, len(items))


def api_papers(entries: Iterable[etree._Element]) -> list[ListedPaper]:
    """The papers of an API result page's entries (those without a usable id are left out)."""
    out = []
    for entry in entries:
        found = _ABS_ID.search(tidy(entry.findtext(f"{_ATOM}id")))
        if found is None or not _ID.match(found["id"]):
            continue
        categories = tuple(c.get("term", "") for c in entry.findall(f"{_ATOM}category") if c.get("term"))
        out.append(ListedPaper(found["id"], entry.findtext(f"{_ATOM}title") or "",
                               entry.findtext(f"{_ATOM}summary") or "", categories))
    return out


def floor_for(papers: int) -> int:
    return max(FLOOR_MIN, math.ceil(FLOOR_SHARE * papers))


def cap(terms: list[models.ListingTerm], floors: dict[str, int],
        limit: int) -> tuple[list[models.ListingTerm], dict[str, int]]:
    """At most `limit` of a month's phrases, and the floors that keep them.

    When more phrases pass the floors, every area's floor is raised by the same
    factor until no more than `limit` do: the commonest phrases stay, and the
    month's file keeps its size whatever the volume (two years of months stay
    under 20 MB). Counts of the areas under their raised floor are dropped.
    """
    if len(terms) <= limit:
        return terms, floors
    ratios = sorted((max(count / floors[area] for area, count in term.papers.items()) for term in terms),
                    reverse=True)
    factor = ratios[limit]  # the first phrase left out, and any at its level
    raised = {area: max(floor, math.floor(factor * floor) + 1) for area, floor in floors.items()}
    kept = []
    for term in terms:
        papers = {area: count for area, count in term.papers.items() if count >= raised[area]}
        if papers:
            kept.append(term if papers == term.papers else term.model_copy(update={"papers": papers}))
    return kept, raised


@dataclass
class MonthCounter:
    """Papers and phrase document frequencies per area, for one month; each paper counted once."""

    areas: dict[str, frozenset[str]]  # area id -> its arXiv categories
    names: list[str] = field(default_factory=list)  # phrase by index
    index: dict[str, int] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    # Each counted paper: its id, the rows of its areas and the indices of its phrases (for the examples).
    papers: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.order = sorted(self.areas)
        self.counts = np.zeros((len(self.order), 1024), dtype=np.int32)

    def add(self, paper: ListedPaper) -> bool:
        """Count a paper; False when it was counted already or is in none of the areas."""
        if paper.arxiv_id in self.seen:
            return False
        rows = np.array([i for i, area in enumerate(self.order) if self.areas[area] & set(paper.categories)],
                        dtype=np.intp)
        if not len(rows):
            return False
        self.seen.add(paper.arxiv_id)
        ids = []
        for phrase in phrases(paper.title, paper.abstract):
            number = self.index.get(phrase)
            if number is None:
                number = self.index[phrase] = len(self.names)
                self.names.append(phrase)
            ids.append(number)
        if len(self.names) > self.counts.shape[1]:
            grown = np.zeros((len(self.order), 2 * len(self.names)), dtype=np.int32)
            grown[:, :self.counts.shape[1]] = self.counts
            self.counts = grown
        columns = np.array(ids, dtype=np.intp)
        self.counts[np.ix_(rows, columns)] += 1
        self.papers.append((paper.arxiv_id, rows, columns))
        return True

    def totals(self) -> dict[str, int]:
        out = {area: 0 for area in self.order}
        for _, rows, _ in self.papers:
            for row in rows:
                out[self.order[row]] += 1
        return out

    def terms(self, month: str, floors: dict[str, int]) -> list[models.ListingTerm]:
        """The month's records: each phrase that reached an area's floor, with its papers in those areas and the
        newest three papers that used it."""
        counts = self.counts[:, :len(self.names)]
        keep = counts >= np.array([[floors[area]] for area in self.order])
        wanted = keep.any(axis=0)
        if not self.papers or not wanted.any():
            return []
        newest = sorted(range(len(self.papers)), key=lambda i: _id_order(self.papers[i][0]), reverse=True)
        columns = np.concatenate([self.papers[i][2] for i in newest])
        owners = np.repeat(newest, [len(self.papers[i][2]) for i in newest])
        chosen = wanted[columns]
        columns, owners = columns[chosen], owners[chosen]
        # Grouped by phrase, newest paper first within each (a stable sort keeps the paper order).
        order = np.argsort(columns, kind="stable")
        columns, owners = columns[order], owners[order]
        starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]])
        out = []
        for begin, end in zip(starts, [*starts[1:], len(columns)], strict=True):
            column = int(columns[begin])
            papers = {area: int(counts[row, column]) for row, area in enumerate(self.order) if keep[row, column]}
            examples = [self.papers[i][0] for i in owners[begin:min(end, begin + EXAMPLES)]]
            out.append(models.ListingTerm(month=month, phrase=self.names[column], papers=papers, examples=examples))
        return out


def _id_order(arxiv_id: str) -> tuple:
    """New-style ids ('2406.01234') sort by number; old-style ones ('hep-th/9901001') before them."""
    return (1, arxiv_id) if "/" not in arxiv_id else (0, arxiv_id)


def merge_terms(old: models.ListingTerm | None, new: models.ListingTerm, floor: int) -> models.ListingTerm | None:
    """A stored month's phrase with a day's papers added: counts summed per area, those under `floor` dropped,
    the newest examples kept; None when no area reaches the floor."""
    papers = dict(old.papers) if old else {}
    for area, count in new.papers.items():
        papers[area] = papers.get(area, 0) + count
    papers = {area: count for area, count in papers.items() if count >= floor}
    if not papers:
        return None
    examples = sorted({*(old.examples if old else []), *new.examples}, key=_id_order, reverse=True)[:EXAMPLES]
    return models.ListingTerm(month=new.month, phrase=new.phrase, papers=papers, examples=examples)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_months(now: dt.datetime, count: int) -> list[str]:
    """The `count` full months before the one `now` is in, newest first."""
    year, month = now.year, now.month
    out = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append(f"{year:04d}-{month:02d}")
    return out


def month_end(month: str) -> dt.datetime:
    last = month_days(month)[1]
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)


# ---------------------------------------------------------------- the collector


@register
class ListingsCollector(Collector):
    name = "listings"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.areas = {area.id: frozenset(area.arxiv_categories) for area in ctx.kb.areas}
        self.categories = sorted(set().union(*self.areas.values())) if self.areas else []
        self._phrases: dict[str, set[str]] | None = None

    def sources(self) -> list[str]:
        return ["listings"]

    def _stored(self, month: str) -> set[str]:
        """The month's stored phrases (indexed once per run: there are many)."""
        if self._phrases is None:
            self._phrases = {}
            for term in self.ctx.signals.records(LISTING_TERMS):
                self._phrases.setdefault(term.month, set()).add(term.phrase)
        return self._phrases.setdefault(month, set())

    def _replace(self, month: str, terms: list[models.ListingTerm], tally: Tally) -> None:
        """Make `terms` the month's phrases: the others stored for it are removed."""
        stored = self._stored(month)
        for phrase in stored - {term.phrase for term in terms}:
            self.ctx.signals.remove(LISTING_TERMS, month, phrase)
        for term in terms:
            tally.count(self.ctx.signals.put(LISTING_TERMS, term))
        stored.clear()
        stored.update(term.phrase for term in terms)

    def jobs(self) -> list[Job]:
        if not self.categories:
            return []
        options = self.ctx.options
        jobs = [self._job("daily listing", self._daily, options.listing_url)]
        for month in self._months_to_read():
            jobs.append(self._job(f"month {month}", lambda tally, m=month: self._month(m, tally), options.arxiv_url))
        return jobs

    def _job(self, label: str, work: Callable[[Tally], None], url: str) -> Job:
        # Once the run gives a host up (its time budget is spent), its remaining jobs are recorded as not asked.
        return Job("listings", label, work, host=host_of(url))

    # ---- which months

    def _read_by_api(self, month: str) -> list[models.ListingMonth]:
        records = [self.ctx.signals.get(LISTING_MONTHS, month, area) for area in sorted(self.areas)]
        return [r for r in records if r is not None and r.source == "api"]

    def _settled(self, month: str) -> bool:
        read = self._read_by_api(month)
        return len(read) == len(self.areas) and all(r.fetched >= month_end(month) + SETTLED_AFTER for r in read)

    def _months_to_read(self) -> list[str]:
        now = self.ctx.now()
        wanted = previous_months(now, self.ctx.options.backfill_months)
        if not wanted:
            # Without a backfill, settle the previous month once: it is then read whole, after late arrivals.
            wanted = [m for m in previous_months(now, 1) if now >= month_end(m) + SETTLED_AFTER]
        out = []
        for month in wanted:
            read = self._read_by_api(month)
            today = len(read) == len(self.areas) and all(r.fetched.date() == now.date() for r in read)
            if not (self._settled(month) or today):
                out.append(month)
        return out

    # ---- the daily listing

    def _daily(self, tally: Tally) -> None:
        listings = self._listing(self.categories)
        days = {listing.day for listing in listings}
        if len(days) > 1:
            raise CollectError(f"the listing changed while it was read (dates {', '.join(map(str, sorted(days)))}); "
                               "run again")
        items = sum(listing.items for listing in listings)
        tally.fetched += items
        papers = [paper for listing in listings for paper in listing.papers]
        if not papers:
            return  # a weekend or a holiday: arXiv announces nothing, and that is no failure
        day = listings[0].day
        month = month_of(day)
        signals = self.ctx.signals
        if signals.get(LISTING_DAYS, day) is not None or self._read_by_api(month):
            tally.skipped += items  # counted already, or the whole month is read through the API
            return
        counter = MonthCounter(self.areas)
        counted = sum(counter.add(paper) for paper in papers)
        tally.skipped += items - counted
        # Every phrase of the day is added to what the month holds; what stays under the floor is dropped.
        day_terms = {term.phrase: term for term in counter.terms(month, dict.fromkeys(self.areas, 1))}
        merged = []
        for phrase in self._stored(month) | day_terms.keys():
            old, new = signals.get(LISTING_TERMS, month, phrase), day_terms.get(phrase)
            term = merge_terms(old, new, RSS_FLOOR) if new else old
            if term is not None:
                merged.append(term)
        kept, floors = cap(merged, dict.fromkeys(self.areas, RSS_FLOOR), MAX_TERMS)
        self._replace(month, kept, tally)
        stamp = utc_now_seconds(self.ctx.now())
        for area, papers_in_area in counter.totals().items():
            old_month = signals.get(LISTING_MONTHS, month, area)
            total = papers_in_area + (old_month.papers if old_month else 0)
            signals.put(LISTING_MONTHS, models.ListingMonth(month=month, area=area, papers=total, floor=floors[area],
                                                            source="rss", fetched=stamp))
        signals.put(LISTING_DAYS, models.ListingDay(day=day, papers=counted, fetched=stamp))

    def _listing(self, categories: list[str]) -> list[Listing]:
        """The listing of these categories; a full feed may have been cut, so it is asked again in halves."""
        url = self.ctx.options.listing_url.rstrip("/") + "/" + "+".join(categories)
        try:
            listing = self._fetch(url, parse_listing)
        except FetchError as exc:
            raise CollectError(f"daily listing: {exc}") from None
        if listing.items < FEED_LIMIT or len(categories) == 1:
            return [listing]
        half = len(categories) // 2
        return self._listing(categories[:half]) + self._listing(categories[half:])

    # ---- whole months through the API

    def _month(self, month: str, tally: Tally) -> None:
        counter = MonthCounter(self.areas)
        query = " OR ".join(f"cat:{category}" for category in self.categories)
        first, last = month_days(month)
        self._read_span(query, first, last, counter, tally)
        totals = counter.totals()
        terms, floors = cap(counter.terms(month, {area: floor_for(n) for area, n in totals.items()}),
                            {area: floor_for(n) for area, n in totals.items()}, MAX_TERMS)
        # The month is replaced whole: the daily listings' sums go, and phrases now under the floor.
        self._replace(month, terms, tally)
        signals = self.ctx.signals
        for day in signals.records(LISTING_DAYS):
            if month_of(day.day) == month:
                signals.remove(LISTING_DAYS, day.day)
        stamp = utc_now_seconds(self.ctx.now())
        for area, papers in totals.items():
            signals.put(LISTING_MONTHS, models.ListingMonth(month=month, area=area, papers=papers,
                                                            floor=floors[area], source="api", fetched=stamp))
        self.ctx.checkpoint()

    def _read_span(self, query: str, first: dt.date, last: dt.date, counter: MonthCounter, tally: Tally) -> None:
        size = self.ctx.options.listing_page_size
        start, total = 0, None
        while total is None or start < total:
            page, entries = self._page(span_query(query, first, last), start, size)
            if total is None and page.total > API_LIMIT and first < last:
                middle = first + (last - first) // 2
                self._read_span(query, first, middle, counter, tally)
                self._read_span(query, middle + dt.timedelta(days=1), last, counter, tally)
                return
            total = min(page.total, API_LIMIT)
            tally.fetched += len(entries)
            for paper in api_papers(entries):
                if not counter.add(paper):
                    tally.skipped += 1
            if not entries:
                break
            start += len(entries)

    def _page(self, search: str, start: int, size: int) -> tuple[Page, list[etree._Element]]:
        params = {"search_query": search, "start": start, "max_results": size,
                  "sortBy": "submittedDate", "sortOrder": "ascending"}
        url = f"{self.ctx.options.arxiv_url}?{urlencode(params)}"
        try:
            return self._fetch(url, parse_page)
        except FetchError as exc:
            raise CollectError(str(exc)) from None

    def _fetch(self, url: str, parse: Callable[[bytes], T]) -> T:
        """GET through the polite session, whose check is `parse` itself: each answer is parsed once."""
        parsed: list[T] = []
        self.ctx.http.get(url, check=lambda response: parsed.append(parse(response.content)))
        return parsed[-1]
