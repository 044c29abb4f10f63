"""The news collector: parsing feeds into plain text, matching keywords, dedupe, conditional GET,
and keys that stay the same when a feed moves."""

from __future__ import annotations

import datetime as dt

import pytest

from collectors.http import BadAnswer
from collectors.news import item_key, keyword_pattern, matching_trends, parse_feed
from tests.collectors.conftest import NOW, World
from tests.collectors.fakes import DATA, LocalServer, Reply
from tests.conftest import stored
from trendkb import models
from trendkb.signals import NEWS

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HOMEPAGE = "https://blog.example.org/"


def feed_bytes(name: str) -> bytes:
    return (DATA / "news" / name).read_bytes()


def stored_news(world: World) -> dict[str, models.NewsItem]:
    return {item.key: item for item in stored(world.root, NEWS)}


# ---------------------------------------------------------------- parsing


def test_rss_items_become_plain_text_entries():
    entries = {e.key: e for e in parse_feed(feed_bytes("research-blog.rss"), RSS, HOMEPAGE)}
    first = entries["https://blog.example.org/2026/11/fixture-pipelines/"]  # a permalink GUID
    assert first.title == "Fixture pipelines reach production"
    assert first.summary == "Our fixture pipelines now run in production & they are fast. Read more"
    assert first.published == dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    assert entries["research-blog-0002"].summary == "Why we added a second fixture, and what it cost."
    # No GUID: keyed by the link without its tracking parameters.
    backlog = entries["https://blog.example.org/2026/11/backlog"]
    assert backlog.url == "https://blog.example.org/2026/11/backlog?utm_source=rss&utm_medium=feed"


def test_atom_entries_resolve_relative_links_against_the_publication_s_homepage():
    entries = {e.key: e for e in parse_feed(feed_bytes("lab-news.atom"), {"Content-Type": "application/atom+xml"},
                                            "https://lab.example.com/")}
    notes = entries["tag:lab.example.com,2026:post-17"]
    assert notes.title == "Lab notes: Second Fixture results"  # markup in an html title is dropped
    assert notes.published == dt.datetime(2026, 11, 18, 7, 0, tzinfo=dt.UTC)  # +01:00 turned into UTC
    recap = entries["tag:lab.example.com,2026:post-18"]
    assert recap.url == "https://lab.example.com/posts/18"
    assert recap.published == dt.datetime(2026, 11, 21, 17, 45, tzinfo=dt.UTC)  # no <published>: <updated>
    assert recap.summary == "Talks, demos and one fixture too many."


def test_script_injection_and_script_links_do_not_survive():
    entries = {e.key: e for e in parse_feed(feed_bytes("injection.rss"), RSS, "https://hostile.example.net/")}
    first, second = entries["hostile-1"], entries["hostile-2"]
    assert first.title == "Fixture launch"
    assert first.summary == "The fixture launch went well."
    assert second.title == "Fixture double-escaped markup"
    assert second.summary == "A fixture summary with a styled trap."
    for entry in entries.values():
        text = f"{entry.title} {entry.summary}"
        assert "<" not in text and "alert" not in text and "javascript" not in text.lower()
    assert entries["hostile-3"].url is None  # javascript: link
    assert entries["hostile-4"].url is None  # data: link


@pytest.mark.parametrize("body, content_type, message", [
    (feed_bytes("research-blog.rss")[:1500], "application/rss+xml", "not well-formed XML"),
    ((DATA / "maintenance.html").read_bytes(), "text/html; charset=utf-8",
     r"not an RSS or Atom feed \(the server sent text/html"),
    (feed_bytes("entity-bomb.rss"), "application/rss+xml", "declares XML entities"),
], ids=["truncated", "html", "entity-bomb"])
def test_a_document_that_is_not_a_whole_feed_is_refused(body, content_type, message):
    with pytest.raises(BadAnswer, match=message):
        parse_feed(body, {"Content-Type": content_type}, HOMEPAGE)


@pytest.mark.parametrize("keywords, text, matches", [
    (["fixture"], "A Fixture for all", True),
    (["fixture"], "Fixtures at scale", False),  # whole words only
    (["fixture"], "prefixture", False),
    (["second fixture"], "the second\n   fixture arrives", True),  # phrases across any whitespace
    (["RAG"], "a fragment of text", False),
    (["RAG"], "Enterprise RAG, explained", True),
    (["ISO/IEC 42001"], "Certified to iso/iec 42001 today", True),
    (["GPT-4o"], "GPT-4o mini", True),
    (["GPT-4o"], "GPT-4omega", False),
])
def test_keywords_match_whole_words_and_phrases_in_any_case(keywords, text, matches):
    assert bool(keyword_pattern(keywords).search(text)) is matches


def test_an_item_can_support_several_trends():
    patterns = {"a": keyword_pattern(["fixture"]), "b": keyword_pattern(["second fixture"]),
                "c": keyword_pattern(["gardening"])}
    assert matching_trends("A second fixture", patterns) == ["a", "b"]


# ---------------------------------------------------------------- collecting


def test_only_matching_new_items_are_stored_each_once(world):
    run = world.run("news")
    assert run.code == 0, run.out
    news = stored_news(world)
    assert set(news) == {
        "https://blog.example.org/2026/11/fixture-pipelines/", "research-blog-0002",
        "https://blog.example.org/2026/11/backlog", "tag:lab.example.com,2026:post-17",
        "tag:lab.example.com,2026:post-18",
    }
    # Not stored: no keyword ("Fixtures at scale", gardening), older than 90 days, and the lab's
    # repost of the research blog's article under another id (same normalised link).
    assert news["research-blog-0002"].trends == ["first-trend", "second-trend"]
    assert news["https://blog.example.org/2026/11/fixture-pipelines/"].feed == "research"
    rows = {row.source: row.tally for row in run.outcome.rows}
    assert (rows["news:research"].fetched, rows["news:research"].new, rows["news:research"].skipped) == (6, 3, 3)
    assert (rows["news:lab"].new, rows["news:lab"].skipped) == (2, 1)


def test_an_unchanged_feed_costs_one_304(world):
    assert world.run("news").code == 0
    world.news.log.clear()
    assert world.run("news", now=NOW + dt.timedelta(hours=1)).code == 0
    research, lab = world.news.requests_to("/research.rss"), world.news.requests_to("/lab.atom")
    assert len(research) == len(lab) == 1
    assert research[0].headers["if-none-match"].startswith('"')
    assert lab[0].headers["if-modified-since"] == "Tue, 24 Nov 2026 16:00:00 GMT"  # that feed has no ETag


def test_a_changed_feed_is_fetched_whole_and_only_the_new_item_added(world):
    assert world.run("news").code == 0
    before = stored_news(world)
    world.feeds["research"].replace(
        b"    <item>\n      <title>Fixture pipelines",
        b"    <item>\n      <title>Fixture news, fresh</title>\n      <link>https://blog.example.org/2026/11/fresh/"
        b"</link>\n      <guid>https://blog.example.org/2026/11/fresh/</guid>\n"
        b"      <pubDate>Wed, 25 Nov 2026 07:00:00 +0000</pubDate>\n    </item>\n"
        b"    <item>\n      <title>Fixture pipelines",
        "Wed, 25 Nov 2026 07:00:00 GMT")
    run = world.run("news", now=NOW + dt.timedelta(hours=1))
    assert run.code == 0, run.out
    after = stored_news(world)
    assert set(after) - set(before) == {"https://blog.example.org/2026/11/fresh/"}
    assert all(after[key] == item for key, item in before.items())


def test_the_injection_feed_is_stored_as_plain_text_with_web_links_only(world):
    world.news.routes["/hostile.rss"] = lambda request: Reply(200, feed_bytes("injection.rss"), RSS)
    feeds = world.root / "trends" / "feeds.yaml"
    feeds.write_text(feeds.read_text() + f"""- id: hostile
  title: Hostile feed (fixture)
  url: {world.news.url('/hostile.rss')}
  homepage: https://hostile.example.net/
""")
    run = world.run("news")
    assert run.code == 0, run.out
    hostile = {k: v for k, v in stored_news(world).items() if v.feed == "hostile"}
    assert set(hostile) == {"hostile-1", "hostile-2"}  # the javascript: and data: items had no usable link
    text = "".join(path.read_text() for path in (world.signals / "news").glob("*.jsonl"))
    assert "<" not in text and "alert" not in text and "javascript" not in text.lower()


# ---------------------------------------------------------------- a feed that moves

# Relative GUIDs and links, as some feeds write them: feedparser would resolve both against the feed's address.
RELATIVE = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Research Blog (fixture)</title>
    <link>https://blog.example.org/</link>
    <description>Relative GUIDs and links; test data.</description>
    <item>
      <title>Relative fixture notes</title>
      <link>/2026/11/relative-notes/</link>
      <guid>2026/11/relative-notes</guid>
      <pubDate>Tue, 24 Nov 2026 09:00:00 +0000</pubDate>
    </item>
    <item>
      <title>Fixture item without a GUID</title>
      <link>/2026/11/no-guid/?utm_source=rss</link>
      <pubDate>Mon, 23 Nov 2026 09:00:00 +0000</pubDate>
    </item>
  </channel>
</rss>
"""


def test_keys_are_guids_as_written_else_normalised_links():
    assert item_key(" 2026/11/relative-notes ", "https://blog.example.org/x") == "2026/11/relative-notes"
    assert item_key(None, "http://Blog.Example.org/x/?utm_source=rss#top") == "https://blog.example.org/x"
    assert item_key("", None) == ""


def test_relative_guids_and_links_do_not_depend_on_the_feed_s_address():
    keys = {}
    for feed_url in ("https://blog.example.org/feed.xml", "https://feeds.example.net/research/rss"):
        # A server may name the document's own address; that must not become the base either.
        entries = parse_feed(RELATIVE, {**RSS, "Content-Location": feed_url}, HOMEPAGE)
        keys[feed_url] = {(e.key, e.url) for e in entries}
    assert len({frozenset(found) for found in keys.values()}) == 1
    assert keys["https://blog.example.org/feed.xml"] == {
        ("2026/11/relative-notes", "https://blog.example.org/2026/11/relative-notes/"),
        ("https://blog.example.org/2026/11/no-guid", "https://blog.example.org/2026/11/no-guid/?utm_source=rss"),
    }


def test_moving_a_feed_to_another_address_re_keys_nothing(world):
    world.feeds["research"].body = RELATIVE
    assert world.run("news").code == 0
    before = stored_news(world)
    assert {"2026/11/relative-notes", "https://blog.example.org/2026/11/no-guid"} <= set(before)
    # The feed moves to another host and path, and an item's title is corrected there.
    moved = LocalServer().start()
    try:
        relocated = world.feeds["research"]
        relocated.replace(b"Relative fixture notes", b"Relative fixture notes, corrected",
                          "Wed, 25 Nov 2026 08:00:00 GMT")
        moved.routes["/feeds/research.xml"] = relocated
        feeds = world.root / "trends" / "feeds.yaml"
        feeds.write_text(feeds.read_text().replace(world.news.url("/research.rss"), moved.url("/feeds/research.xml")))
        run = world.run("news", now=NOW + dt.timedelta(hours=1))
        assert run.code == 0, run.out
        assert moved.requests_to("/feeds/research.xml")
    finally:
        moved.stop()
    after = stored_news(world)
    assert set(after) == set(before)  # nothing re-keyed, nothing duplicated
    assert after["2026/11/relative-notes"].title == "Relative fixture notes, corrected"  # and still updated
    assert after["2026/11/relative-notes"].url == "https://blog.example.org/2026/11/relative-notes/"
