"""Machine-readable exports: trends as JSON, monthly counts as CSV, Atom feeds.

Feeds are built with feedgen, which escapes every field; links that are not
http(s) are left out.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
from feedgen.feed import FeedGenerator

from site_hooks.adoption import trend_json
from site_hooks.context import SiteContext, area_src, trend_src
from site_hooks.markup import safe_url
from site_hooks.pages import changes

FEED_SIZE = 50


def trends_json(ctx: SiteContext) -> str:
    items = [
        {
            "id": t.id, "title": t.title, "area": t.area, "ring": str(t.ring), "summary": t.summary,
            "tags": t.tags, "momentum": str(ctx.momenta[t.id].label), "momentum_change": ctx.momenta[t.id].change,
            "url": ctx.absolute(trend_src(t.id)), "updated": str(t.updated), **trend_json(ctx, t),
        }
        for t in ctx.trends.values()
    ]
    # One trend a line: a change to a trend is one changed line, and the C encoder writes it
    # (json.dumps with indent falls back to the pure-Python one: 0.3 s at 500 trends).
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return f'{{"generated": {json.dumps(str(ctx.today))}, "trends": [\n{lines}\n]}}\n'


def monthly_counts_csv(ctx: SiteContext) -> str:
    frame = pd.DataFrame([(c.subject, c.month, c.count) for c in ctx.counts], columns=["subject", "month", "count"])
    buffer = io.StringIO()
    frame.sort_values(["subject", "month"]).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _feed(ctx: SiteContext, feed_id: str, title: str, page: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(ctx.absolute(f"feeds/{feed_id}.xml"))
    feed.title(title)
    feed.link(href=ctx.absolute(page), rel="alternate")
    feed.updated(_midnight(ctx.today))
    return feed


def changes_feed(ctx: SiteContext) -> str:
    feed = _feed(ctx, "changes", "trendkb: what changed", "changes.md")
    for change, trend, previous in reversed(changes(ctx)[:FEED_SIZE]):
        entry = feed.add_entry()
        entry.id(f"{ctx.absolute(trend_src(trend.id))}#{change.date}-{change.ring}")
        what = f"moved from {previous} to {change.ring}" if previous else f"added in {change.ring}"
        entry.title(f"{trend.title} {what}")
        entry.link(href=ctx.absolute(trend_src(trend.id)))
        entry.summary(change.reason)
        entry.updated(_midnight(change.date))
    return feed.atom_str(pretty=True).decode("utf-8")


def _newest(items: list, trend_ids: set[str]) -> list:
    """The first FEED_SIZE items (of a newest-first list) about any of the trends: enough for the feed."""
    out = []
    for item in items:
        if not trend_ids.isdisjoint(item.trends):
            out.append(item)
            if len(out) == FEED_SIZE:
                break
    return out


def area_feed(ctx: SiteContext, area_id: str) -> str:
    area = ctx.areas[area_id]
    ids = {t.id for t in ctx.trends_in(area_id)}
    feed = _feed(ctx, area_id, f"trendkb: new signals in {area.title}", area_src(area_id))
    items = [(_midnight(p.published), p.title, p.url, p.abstract, f"arxiv:{p.arxiv_id}")
             for p in _newest(ctx.papers, ids)]
    items += [(n.published, n.title, n.url, n.summary, f"news:{n.key}") for n in _newest(ctx.news, ids)]
    items = sorted(items, key=lambda item: item[0], reverse=True)[:FEED_SIZE]
    for when, title, url, summary, key in reversed(items):
        entry = feed.add_entry()
        entry.id(f"{ctx.absolute(area_src(area_id))}#{key}")
        entry.title(title)
        if safe_url(url):
            entry.link(href=url)
        if summary:
            entry.summary(summary)
        entry.updated(when if when.tzinfo else when.replace(tzinfo=dt.UTC))
    return feed.atom_str(pretty=True).decode("utf-8")
