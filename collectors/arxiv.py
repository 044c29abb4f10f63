"""arXiv: the papers behind each trend, and papers per month for trends and area baselines.

Papers. For each trend, its `evidence.arxiv_query`, newest update first, page
after page until the papers are older than the trend's watermark (the newest
update seen by the last run; 30 days back on a first run, or `--since`). A
trend's papers are stored only once its paging completed; the watermark moves
with them. Papers are keyed by id without version, so a new version replaces
the stored one.

Counts. For each trend, and for each area's baseline (its arXiv categories),
one request per month: the query restricted to that month's submissions with
max_results=1, read for its opensearch:totalResults. The current and previous
month are counted on every run; `--backfill-months N` adds N months. A month
counted at least a week after it ended is settled and never asked again, so an
interrupted backfill resumes where it stopped (every count is saved at once).

How the `arxiv` package is used. Papers are fetched through one
`arxiv.Client` per run (its paging, query URLs and Atom parsing into
`arxiv.Result`), but the package's own HTTP handling is not polite enough: it
sets no timeout, ignores Retry-After, retries at once, and reads an HTML page,
a cut-off document or arXiv's "Error" entry as "no papers" (its lxml parser
runs in recover mode). So the client's `requests.Session` is replaced with
`_Transport`, which sends every request through the run's `PoliteSession`
(timeouts, 3 s spacing shared with every other request, backoff, size cap)
and first checks each answer with `read_page`, a strict parser that turns
those cases into failures. The package's own delay and retries are switched
off (delay_seconds=0, num_retries=0) since the session does both. Counts need
only the total hit count, which the package does not expose, so they are
asked through the same session directly. `_session` is a private attribute of
arxiv 4.x (pinned <5 in pyproject.toml); the tests go through it, so a change
in the package fails them rather than the daily refresh.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import arxiv
from lxml import etree
from pydantic import ValidationError

from collectors.base import CollectError, Collector, Job, Tally, register, utc_now_seconds
from collectors.http import BadAnswer, FetchError, PoliteSession, Response, RetryLater, host_of
from collectors.text import tidy, trim
from trendkb import models
from trendkb.momentum import baseline_subject
from trendkb.signals import COUNT_QUERIES, COUNTS, PAPERS, WATERMARKS

FIRST_RUN = dt.timedelta(days=30)  # how far back a trend's first run looks
PAGE_CAP = 20  # pages per trend per run; a backlog beyond that is not worth one run's politeness budget
AUTHORS_SHOWN = 5
TITLE_CHARS = 200
ABSTRACT_CHARS = 700
RECENT_MONTHS = 1  # months before the current one that every run counts (they are still settling)
SETTLED_AFTER = dt.timedelta(days=7)  # late submissions and announcements have arrived by then

_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ERROR_ID = "arxiv.org/api/errors"
_VERSIONED = re.compile(r"^(?P<id>.+?)v(?P<version>\d+)$")
# A document type declaration is where entities (and entity bombs) are defined; the API never sends one.
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


# ---------------------------------------------------------------- pure parts


@dataclass(frozen=True)
class Page:
    """The opensearch header of one arXiv API answer, with its number of entries."""

    total: int
    start: int
    entries: int


def read_page(body: bytes) -> Page:
    """Check that `body` is a real arXiv API result page and read its header.

    Raises BadAnswer for what asking again will not fix (HTML, malformed or
    cut-off XML, a DTD, arXiv's "Error" entry, no opensearch totals) and
    RetryLater for what arXiv does when overloaded (an empty body, or an empty
    page although results remain).
    """
    return parse_page(body)[0]


def strict_xml(body: bytes, expected: str) -> etree._Element:
    """The root of an XML answer from arXiv, read strictly; raises BadAnswer or RetryLater as `read_page` says."""
    head = body.lstrip()[:256].lower()
    if not head:
        raise RetryLater("arXiv sent an empty answer")
    if head.startswith((b"<!doctype html", b"<html")):
        raise BadAnswer(f"arXiv answered with an HTML page instead of {expected}; the service may be down, "
                        "or the URL is not arXiv's")
    if _DTD.search(body):
        raise BadAnswer("arXiv's answer declares a DTD with entities, which arXiv never does; not reading it")
    # No entity expansion, no DTD loading, no network: arXiv's documents never need any of them.
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise BadAnswer(f"arXiv's answer is not well-formed XML (line {exc.lineno}: {exc.msg}); "
                        "it was probably cut off") from None


def parse_page(body: bytes) -> tuple[Page, list[etree._Element]]:
    """`read_page`, with the page's <entry> elements."""
    root = strict_xml(body, "an Atom feed")
    if root.tag != f"{_ATOM}feed":
        raise BadAnswer(f"arXiv's answer is a <{etree.QName(root).localname}> document, not an Atom feed")
    entries = root.findall(f"{_ATOM}entry")
    for entry in entries:
        if _ERROR_ID in (entry.findtext(f"{_ATOM}id") or "") or tidy(entry.findtext(f"{_ATOM}title")) == "Error":
            reason = tidy(entry.findtext(f"{_ATOM}summary")) or "no reason given"
            raise BadAnswer(f"arXiv rejected the query: {reason}; correct the query and run again")
    total = tidy(root.findtext(f"{_OPENSEARCH}totalResults"))
    start = tidy(root.findtext(f"{_OPENSEARCH}startIndex")) or "0"
    if not total.isdigit() or not start.isdigit():
        raise BadAnswer("arXiv's answer has no opensearch:totalResults; it is not an API result page")
    page = Page(total=int(total), start=int(start), entries=len(entries))
    if page.entries == 0 and page.start < page.total:
        raise RetryLater(f"arXiv sent an empty page at result {page.start} of {page.total} (a sign of overload)")
    return page, entries


def check_answer(response: Response) -> None:
    """The check the polite session runs on every arXiv answer."""
    read_page(response.content)


def to_paper(result: arxiv.Result, trend_id: str) -> models.Paper | None:
    """Our record of a package `Result`, or None when it does not make a valid one."""
    match = _VERSIONED.match(result.get_short_id())
    if match is None:
        return None
    names = [name for name in (trim(tidy(author.name), 200) for author in result.authors) if name]
    try:
        return models.Paper(
            arxiv_id=match["id"],
            version=int(match["version"]),
            title=trim(tidy(result.title), TITLE_CHARS),
            authors=names[:AUTHORS_SHOWN],
            author_count=len(names),
            published=result.published.astimezone(dt.UTC).date(),
            updated=result.updated.astimezone(dt.UTC).date(),
            primary_category=result.primary_category or (result.categories[0] if result.categories else ""),
            abstract=trim(tidy(result.summary), ABSTRACT_CHARS),
            url=f"https://arxiv.org/abs/{match['id']}",
            trends=[trend_id],
        )
    except ValidationError:
        return None


def months_to_count(now: dt.datetime, backfill: int) -> list[str]:
    """The current month and the `max(backfill, RECENT_MONTHS)` before it, oldest first."""
    year, month = now.year, now.month
    out = []
    for _ in range(max(backfill, RECENT_MONTHS) + 1):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _month_end(month: str) -> dt.datetime:
    year, number = int(month[:4]), int(month[5:])
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return dt.datetime(year, number, 1, tzinfo=dt.UTC)


def settled(count: models.MonthlyCount) -> bool:
    """A count asked for well after its month ended will not change any more."""
    return count.fetched >= _month_end(count.month) + SETTLED_AFTER


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a month written YYYY-MM."""
    return dt.date(int(month[:4]), int(month[5:]), 1), (_month_end(month) - dt.timedelta(days=1)).date()


def span_query(query: str, first: dt.date, last: dt.date) -> str:
    """The query limited to papers submitted from `first` to `last`, both whole days (submittedDate is
    YYYYMMDDHHMM)."""
    return f"({query}) AND submittedDate:[{first:%Y%m%d}0000 TO {last:%Y%m%d}2359]"


def month_query(query: str, month: str) -> str:
    """The query limited to papers submitted in `month`."""
    return span_query(query, *month_days(month))


def baseline_query(area: models.Area) -> str:
    """Everything in the area's categories: the denominator of a trend's share."""
    return " OR ".join(f"cat:{category}" for category in area.arxiv_categories)


# ---------------------------------------------------------------- the collector


class _Transport:
    """Stands in for the `requests.Session` inside `arxiv.Client`: every request the
    package makes goes through the polite session, and every answer is checked."""

    def __init__(self, http: PoliteSession):
        self.http = http

    def get(self, url: str, headers: object = None, **_: object) -> Response:
        # The package's own User-Agent header is dropped: ours names the project and a contact.
        return self.http.get(url, check=check_answer)


@register
class ArxivCollector(Collector):
    name = "arxiv"

    def __init__(self, ctx):
        super().__init__(ctx)
        options = ctx.options
        self.client = arxiv.Client(page_size=options.page_size, delay_seconds=0, num_retries=0)
        self.client.query_url_format = options.arxiv_url.replace("{", "{{").replace("}", "}}") + "?{}"
        self.client._session = _Transport(ctx.http)
        self.months = months_to_count(ctx.now(), options.backfill_months)

    def sources(self) -> list[str]:
        return ["arxiv"]

    def jobs(self) -> list[Job]:
        trends = self.ctx.trends()
        jobs = [self._job(f"trend {t.id}", lambda tally, t=t: self._trend(t, tally)) for t in trends]
        area_ids = {t.area for t in trends} if self.ctx.options.trend else None
        for area in self.ctx.kb.areas:
            if area_ids is None or area.id in area_ids:
                jobs.append(self._job(f"baseline {area.id}", lambda tally, a=area: self._count(
                    baseline_subject(a.id), baseline_query(a), tally)))
        return jobs

    def _job(self, label: str, work) -> Job:
        # Every job asks the one API host: when arXiv hangs or keeps refusing, the session gives it up
        # once its time budget is spent, and the run records the remaining jobs as not asked.
        return Job("arxiv", label, work, host=host_of(self.ctx.options.arxiv_url))

    def _trend(self, trend: models.Trend, tally: Tally) -> None:
        self._papers(trend, tally)
        self._count(trend.id, trend.evidence.arxiv_query, tally)

    def _papers(self, trend: models.Trend, tally: Tally) -> None:
        signals, query = self.ctx.signals, trend.evidence.arxiv_query
        mark = signals.get(WATERMARKS, trend.id)
        if mark is not None and mark.query != query:
            mark = None  # the trend now means something else: start as on a first run
        if self.ctx.options.since:
            floor = dt.datetime.combine(self.ctx.options.since, dt.time(), dt.UTC)
        else:
            floor = mark.newest if mark else self.ctx.now() - FIRST_RUN
        search = arxiv.Search(query=query, max_results=self.ctx.options.page_size * PAGE_CAP,
                              sort_by=arxiv.SortCriterion.LastUpdatedDate,
                              sort_order=arxiv.SortOrder.Descending)
        newest = mark.newest if mark else None
        found = []
        try:
            for result in self.client.results(search):
                if result.updated < floor:
                    break  # newest first: everything after this is older still
                tally.fetched += 1
                newest = result.updated if newest is None else max(newest, result.updated)
                paper = to_paper(result, trend.id)
                if paper is None:
                    tally.skipped += 1
                else:
                    found.append(paper)
        except (FetchError, arxiv.ArxivError) as exc:
            raise CollectError(f"papers: {exc}") from None
        # The paging completed: only now store the papers and move the watermark.
        for paper in found:
            tally.count(signals.put(PAPERS, paper))
        if newest is not None:
            signals.put(WATERMARKS, models.Watermark(trend=trend.id, query=query, newest=newest))

    def _count(self, subject: str, query: str, tally: Tally) -> None:
        signals, options = self.ctx.signals, self.ctx.options
        counted = signals.get(COUNT_QUERIES, subject)
        if counted is not None and counted.query != query:
            for stale in signals.records(COUNTS):
                if stale.subject == subject:
                    signals.remove(COUNTS, subject, stale.month)  # they counted a different query
        signals.put(COUNT_QUERIES, models.CountQuery(subject=subject, query=query))
        for month in self.months:
            old = signals.get(COUNTS, subject, month)
            if old is not None and settled(old):
                continue
            params = {"search_query": month_query(query, month), "start": 0, "max_results": 1}
            url = f"{options.arxiv_url}?{urlencode(params)}"
            try:
                total = read_page(self.ctx.http.get(url, check=check_answer).content).total
            except FetchError as exc:
                raise CollectError(f"count for {month}: {exc}") from None
            tally.fetched += 1
            count = models.MonthlyCount(subject=subject, month=month, count=total,
                                        fetched=utc_now_seconds(self.ctx.now()))
            if old is not None and old.count == count.count and not settled(count):
                tally.skipped += 1  # same number, still settling: keep the record as it is (no churn)
            else:
                tally.count(signals.put(COUNTS, count))
            self.ctx.checkpoint()
