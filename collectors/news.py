"""News: items from the feeds in trends/feeds.yaml that mention a trend.

Each feed is one job and one status record ('news:<feed id>'). A feed is asked
with If-None-Match / If-Modified-Since from the validators its server sent last
time, so an unchanged feed costs one 304 answer. The answer is parsed by
feedparser from memory, with the response headers (for the encoding); every
text is reduced to plain text and only http(s) links are kept. An item is
stored when its title or summary mentions one of a trend's
`evidence.news_keywords` (whole words and phrases, any case). A feed that fails
stores nothing and keeps its old validators, so the next run asks for the
whole feed again.

An item's key does not depend on where the feed lives, so a feed that moves to
another address keeps updating the items it stored: the key is the item's GUID
exactly as the feed writes it, else its link, normalised. feedparser would
resolve a relative GUID (and link) against the feed's address, so it is given
none: relative links are resolved against the publication's homepage from
trends/feeds.yaml instead, which a move of the feed does not change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser

from collectors.base import CollectError, Collector, ConfigError, Job, Tally, register, utc_now_seconds
from collectors.http import BadAnswer, FetchError, host_of
from collectors.text import http_url, normalise_link, strip_markup, tidy, trim
from trendkb import models
from trendkb.signals import FEED_CACHES, NEWS

FEED_MAX_BYTES = 5_000_000  # the largest real feeds carry full articles and stay well below this
WINDOW = dt.timedelta(days=90)  # items older than this are not news any more (unless --since says so)
TITLE_CHARS = 200
SUMMARY_CHARS = 400
KEY_CHARS = 500

# Entity declarations are how "billion laughs" bombs work, and no real feed needs them.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as plain text, before it is matched to trends."""

    key: str  # GUID as written, else the normalised link; empty when the item has neither
    title: str
    url: str | None  # None unless an http(s) link
    published: dt.datetime | None
    summary: str


def parse_feed(body: bytes, headers: Mapping[str, str], homepage: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom document; raises BadAnswer when it is not a usable feed.

    Relative links resolve against `homepage` (the publication's page, not the feed's address).
    """
    if _ENTITY_DECLARATION.search(body):
        raise BadAnswer("the feed declares XML entities, which is how entity bombs work; not reading it")
    # No base address (a Content-Location would be one): feedparser then leaves GUIDs as written.
    response_headers = {name.lower(): value for name, value in headers.items()
                        if name.lower() != "content-location"}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=response_headers)
    problem = parsed.get("bozo_exception")
    if not parsed.get("version"):
        kind = response_headers.get("content-type", "no content type")
        raise BadAnswer(f"this is not an RSS or Atom feed (the server sent {kind}); check the feed URL")
    # feedparser reads on after an XML error with a lenient parser; a cut-off or broken document
    # must not pass as a shorter feed. Undefined HTML entities (&nbsp;) are common and harmless.
    if isinstance(problem, xml.sax.SAXParseException) and "undefined entity" not in str(problem):
        raise BadAnswer(f"the feed is not well-formed XML (line {problem.getLineNumber()}: "
                        f"{problem.getMessage()}); it may have been cut off")
    return [_entry(raw, homepage) for raw in parsed.entries]


def _entry(raw: Mapping, homepage: str) -> FeedEntry:
    written = tidy(raw.get("link"))
    link = http_url(urljoin(homepage, written)) if written else None
    stamp = raw.get("published_parsed") or raw.get("updated_parsed")
    published = dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC) if stamp else None
    return FeedEntry(
        key=item_key(raw.get("id"), link),
        title=trim(strip_markup(raw.get("title")), TITLE_CHARS),
        url=link,
        published=published,
        summary=trim(strip_markup(raw.get("summary")), SUMMARY_CHARS),
    )


def item_key(guid: str | None, link: str | None) -> str:
    """A news item's key: its GUID as the feed writes it, else its normalised link; '' without either."""
    written = tidy(guid)
    if written:
        return written[:KEY_CHARS]
    return normalise_link(link)[:KEY_CHARS] if link else ""


def keyword_pattern(keywords: list[str]) -> re.Pattern[str]:
    """One pattern for a trend's keywords: whole words or phrases, any case, any spacing inside phrases."""
    phrases = sorted({tidy(k) for k in keywords if tidy(k)}, key=len, reverse=True)
    if not phrases:
        return re.compile(r"(?!)")  # matches nothing
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def matching_trends(text: str, patterns: Mapping[str, re.Pattern[str]]) -> list[str]:
    return sorted(trend_id for trend_id, pattern in patterns.items() if pattern.search(text))


@register
class NewsCollector(Collector):
    name = "news"

    def jobs(self) -> list[Job]:
        if self.ctx.feeds is None:
            raise ConfigError("no feed list: write trends/feeds.yaml (see the README) or pass --feeds FILE")
        self.patterns = {t.id: keyword_pattern(t.evidence.news_keywords) for t in self.ctx.trends()}
        # Which stored item holds each normalised link: another item with the same link is a duplicate.
        self.links: dict[str, str] = {}
        for item in self.ctx.signals.records(NEWS):
            self.links.setdefault(normalise_link(item.url), item.key)
        return [Job(f"news:{feed.id}", f"feed {feed.id}", lambda tally, f=feed: self._feed(f, tally),
                    host=host_of(feed.url)) for feed in self.ctx.feeds.feeds]

    def sources(self) -> list[str]:
        return [f"news:{feed.id}" for feed in self.ctx.feeds.feeds] if self.ctx.feeds else []

    def _duplicate(self, key: str, url: str, feed: str) -> bool:
        """True when another feed's item already holds this key, or any other item this link."""
        old = self.ctx.signals.get(NEWS, key)
        if old is not None:
            return old.feed != feed
        holder = self.links.get(normalise_link(url))
        return holder is not None and holder != key

    def _feed(self, feed: models.Feed, tally: Tally) -> None:
        signals, options = self.ctx.signals, self.ctx.options
        # A run for one trend sees only part of each feed: it must neither rely on nor
        # update the validators, or the next full run would get a 304 and miss the rest.
        partial = options.trend is not None
        cache = signals.get(FEED_CACHES, feed.id)
        headers = {}
        if cache is not None and cache.url == feed.url and not partial:
            if cache.etag:
                headers["If-None-Match"] = cache.etag
            if cache.last_modified:
                headers["If-Modified-Since"] = cache.last_modified
        try:
            cap = min(FEED_MAX_BYTES, self.ctx.http.settings.max_bytes)
            response = self.ctx.http.get(feed.url, headers=headers, ok=(200, 304), max_bytes=cap)
            if response.status_code == 304:
                return
            entries = parse_feed(response.content, response.headers, feed.homepage)
        except FetchError as exc:
            raise CollectError(str(exc)) from None
        except BadAnswer as exc:
            raise CollectError(f"{exc} ({feed.url})") from None

        now = utc_now_seconds(self.ctx.now())
        floor = dt.datetime.combine(options.since, dt.time(), dt.UTC) if options.since else now - WINDOW
        items, seen = [], set()
        for entry in entries:
            tally.fetched += 1
            trends = matching_trends(f"{entry.title}\n{entry.summary}", self.patterns)
            if not (entry.key and entry.url and entry.title and trends):
                tally.skipped += 1  # no usable link or title, or about none of our trends
                continue
            link_key = normalise_link(entry.url)
            if self._duplicate(entry.key, entry.url, feed.id) or {entry.key, link_key} & seen:
                tally.skipped += 1
                continue
            seen |= {entry.key, link_key}
            old = signals.get(NEWS, entry.key)
            # An undated item keeps the time it was first seen, so re-runs do not move it.
            published = entry.published or (old.published if old else now)
            if published < floor:
                tally.skipped += 1
                continue
            items.append(models.NewsItem(key=entry.key, feed=feed.id, title=entry.title, url=entry.url,
                                         published=published, summary=entry.summary, trends=trends))
        # The whole feed was read: store its items, then the validators that describe it.
        for item in items:
            old = signals.get(NEWS, item.key)
            if partial and old is not None:
                item = item.model_copy(update={"trends": sorted(set(old.trends) | set(item.trends))})
            tally.count(signals.put(NEWS, item))
            self.links.setdefault(normalise_link(item.url), item.key)
        if not partial:
            signals.put(FEED_CACHES, models.FeedCache(
                feed=feed.id, url=feed.url,
                etag=tidy(response.headers.get("ETag")) or None,
                last_modified=tidy(response.headers.get("Last-Modified")) or None,
            ))
