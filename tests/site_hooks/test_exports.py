"""Exports (site_hooks/exports.py): JSON, CSV and Atom that parse and carry the right entries."""

from __future__ import annotations

import csv
import io
import json

import feedparser
import pytest

from site_hooks import exports
from site_hooks.context import Settings, SiteContext
from tests.conftest import TODAY
from tests.site_hooks.conftest import site_root
from trendkb import store


@pytest.fixture
def ctx(tmp_path) -> SiteContext:
    return SiteContext(store.load(site_root(tmp_path, hostile=False)), TODAY,
                       Settings(site_url="https://trends.example.org/"))


def test_trends_json_has_ring_momentum_and_absolute_url(ctx):
    text = exports.trends_json(ctx)
    data = json.loads(text)
    lines = text.splitlines()
    assert len(lines) == len(data["trends"]) + 2  # one trend a line: a trend's change is one line of a diff
    assert [json.loads(line.rstrip(","))["id"] for line in lines[1:-1]] == [t["id"] for t in data["trends"]]
    first = next(t for t in data["trends"] if t["id"] == "first-trend")
    assert (first["ring"], first["momentum"]) == ("trial", "rising")
    assert first["url"] == "https://trends.example.org/trends/first-trend/"


def test_monthly_counts_csv_round_trips(ctx):
    rows = list(csv.DictReader(io.StringIO(exports.monthly_counts_csv(ctx))))
    assert len(rows) == 4 * 24
    assert rows[0] == {"subject": "baseline:alpha", "month": "2024-11", "count": "1000"}


def test_changes_feed_is_atom_with_one_entry_per_ring_decision(ctx):
    feed = feedparser.parse(exports.changes_feed(ctx))
    assert feed.bozo == 0 and feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert "First fixture trend moved from assess to trial" in titles
    assert len(titles) == 3


def test_area_feed_lists_papers_and_news_of_the_area(ctx):
    alpha = feedparser.parse(exports.area_feed(ctx, "alpha"))
    beta = feedparser.parse(exports.area_feed(ctx, "beta"))
    assert len(alpha.entries) == 2  # both synthetic papers support first-trend
    assert {e.title for e in beta.entries} == {"Synthetic paper two", "Synthetic news <b>item</b>"}
