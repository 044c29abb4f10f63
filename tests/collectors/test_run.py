"""Whole runs: what lands on disk, re-runs, every fault, the lock, dry runs, interruptions, output."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil

import pytest

from collectors.base import ConfigError
from tests.collectors.conftest import API, FIRST, NOW, FakeClock, World
from tests.collectors.fakes import DATA, Reply, Request
from tests.conftest import TODAY, snapshot, stored
from tests.site_hooks.conftest import make_site, site_root
from trendkb import models, store
from trendkb.signals import FEED_CACHES, NEWS, PAPERS, STATUS, WATERMARKS, RunLock
from trendkb.validate import validate

ARXIV_FILES = ("trends/signals/arxiv/", "trends/signals/counts.csv")
NEWS_FILES = ("trends/signals/news/",)
NEW_POST = (b"    <item>\n      <title>Fixture pipelines",
            b"    <item>\n      <title>Fresh fixture news</title>\n      <link>https://blog.example.org/2026/11/fresh/"
            b"</link>\n      <guid isPermaLink=\"false\">research-blog-0007</guid>\n      <pubDate>Wed, 25 Nov 2026 "
            b"07:00:00 +0000</pubDate>\n    </item>\n    <item>\n      <title>Fixture pipelines")


def part(tree: dict[str, bytes], prefixes: tuple[str, ...]) -> dict[str, bytes]:
    return {name: data for name, data in tree.items() if name.startswith(prefixes)}


def statuses(world: World) -> dict[str, models.SourceStatus]:
    return {s.source: s for s in stored(world.root, STATUS)}


def feed_caches(world: World) -> dict[str, models.FeedCache]:
    return {cache.feed: cache for cache in stored(world.root, FEED_CACHES)}


def paper_ids(world: World) -> set[str]:
    return {p.arxiv_id for p in stored(world.root, PAPERS)}


def news_keys(world: World) -> set[str]:
    return {n.key for n in stored(world.root, NEWS)}


def test_a_full_run_fills_signals_that_validate(world):
    run = world.run()
    assert run.code == 0, run.out
    names = set(snapshot(world.signals))
    assert names == {"arxiv/2026-10.jsonl", "arxiv/2026-11.jsonl", "news/2026-11.jsonl", "counts.csv",
                     "status.jsonl", "state/watermarks.jsonl", "state/feeds.jsonl", "state/count-queries.jsonl"}
    kb = store.load(world.root)
    assert validate(kb, TODAY) == []
    status = statuses(world)
    assert set(status) == {"arxiv", "news:research", "news:lab"}
    assert all(s.last_success == NOW and s.last_attempt == NOW and s.last_error is None for s in status.values())
    assert status["arxiv"].items_added == 6 + 8  # papers and monthly counts
    assert "source" in run.out and "total" in run.out and "wrote 8 file(s)" in run.out
    assert "arxiv [1/4] trend first-trend: 7 fetched, 7 new, 0 updated" in run.err  # 5 papers, 2 counts


def test_every_request_of_the_run_is_three_seconds_after_the_last(world):
    run = world.run()
    times = [sent.at for sent in run.outcome.requests]
    assert len(times) == len(world.server.log) == 14  # 3 pages + 1 page, 8 counts, 2 feeds
    assert all(later - earlier >= 3.0 for earlier, later in itertools.pairwise(times))
    assert sum(run.clock.sleeps) >= 3.0 * (len(times) - 1)


def test_a_second_run_over_the_same_answers_changes_nothing(world):
    assert world.run().code == 0
    before = snapshot(world.root)
    again = world.run()
    assert again.code == 0 and "no file changed" in again.out
    assert snapshot(world.root) == before
    # Later in the day, only the status records' times move.
    world.run(now=NOW + dt.timedelta(hours=3))
    after = snapshot(world.root)
    assert {name for name in after if after[name] != before[name]} == {"trends/signals/status.jsonl"}


def test_a_dry_run_fetches_and_reports_but_writes_nothing(world):
    before = snapshot(world.root)
    run = world.run(dry_run=True)
    assert run.code == 0
    assert snapshot(world.root) == before
    assert "dry run: nothing written; 8 file(s) would change" in run.out
    assert "  trends/signals/arxiv/2026-11.jsonl" in run.out


def test_a_run_limited_to_one_trend_and_source(world):
    run = world.run("arxiv", trend="second-trend")
    assert run.code == 0, run.out
    assert paper_ids(world) == {"2611.07777", "2611.00042"}
    queries = {r.params["search_query"] for r in world.server.log}
    assert not any("cat:cs.LG" in q or q.startswith(FIRST) for q in queries)  # only beta's baseline
    assert world.server.requests_to("/research.rss") == []


# ---------------------------------------------------------------- faults


def prepare(world: World) -> dict[str, bytes]:
    """A clean first run, then new material on every source, so a source that works changes files."""
    assert world.run().code == 0
    before = snapshot(world.root)
    world.arxiv.papers[FIRST] = "first-trend-later.xml"  # a new paper and a new version
    world.feeds["research"].replace(*NEW_POST, "Wed, 25 Nov 2026 07:00:00 GMT")
    return before


def cut(reply: Reply) -> Reply:
    return Reply(reply.status, reply.body[: len(reply.body) // 2], reply.headers)


FAULTS = {
    "timeout": (lambda origin: Reply(delay=5.0), "no answer within"),
    "connection-reset": (lambda origin: Reply(reset=True), "connection failed"),
    "429-retry-after": (lambda origin: Reply(429, headers={"Retry-After": "30"}), "HTTP 429; gave up after 3 tries"),
    "429-no-retry-after": (lambda origin: Reply(429), "HTTP 429; gave up after 3 tries"),
    "503": (lambda origin: Reply(503, b"<h1>Service Unavailable</h1>", {"Content-Type": "text/html"}), "HTTP 503"),
    "truncated-xml": (cut, "not well-formed XML"),
    "html-200": (lambda origin: Reply(200, (DATA / "maintenance.html").read_bytes(),
                                      {"Content-Type": "text/html; charset=utf-8"}),
                 "not an RSS or Atom feed|HTML page"),
    "oversize": (lambda origin: Reply(200, origin.body + b" " * 150_000, origin.headers), "100,000-byte cap"),
}
ARXIV_ONLY = {
    "error-entry": (lambda origin: Reply(200, (DATA / "arxiv" / "error-entry.xml").read_bytes()),
                    "arXiv rejected the query: max_results must be"),
    "entity-bomb": (lambda origin: Reply(200, (DATA / "arxiv" / "entity-bomb.xml").read_bytes()), "declares a DTD"),
}
FEED_ONLY = {
    "entity-bomb": (lambda origin: Reply(200, (DATA / "news" / "entity-bomb.rss").read_bytes()),
                    "declares XML entities"),
}


def broken(world: World, path: str, fault, when=lambda request: True) -> None:
    original = world.server.routes[path]
    world.break_route(path, lambda request: fault(original(request)), when)


@pytest.mark.parametrize("name", [*FAULTS, *ARXIV_ONLY])
def test_an_arxiv_fault_keeps_the_stored_papers_and_the_feeds_still_land(world, name):
    fault, message = {**FAULTS, **ARXIV_ONLY}[name]
    before = prepare(world)
    marks = stored(world.root, WATERMARKS)
    broken(world, API, fault)
    run = world.run(now=NOW + dt.timedelta(hours=6))
    assert run.code == 1
    after = snapshot(world.root)
    assert part(after, ARXIV_FILES) == part(before, ARXIV_FILES)
    assert stored(world.root, WATERMARKS) == marks
    status = statuses(world)
    assert status["arxiv"].last_success == NOW and status["arxiv"].last_attempt == NOW + dt.timedelta(hours=6)
    assert status["arxiv"].last_error
    assert re.search(message, status["arxiv"].last_error), status["arxiv"].last_error
    # After three failures in a row the last job spared arXiv the request.
    assert status["arxiv"].last_error.endswith("1 more failed: baseline beta")
    assert "baseline beta: FAILED: not asked: arXiv failed 3 times in a row" in run.err
    # The other source still landed.
    assert "research-blog-0007" in news_keys(world)
    assert status["news:research"].last_error is None and status["news:research"].last_success > NOW
    assert "arxiv" in run.out and "FAILED" in run.out
    if name == "429-retry-after":
        assert 30.0 in run.clock.sleeps
    if name == "429-no-retry-after":
        assert [s for s in run.clock.sleeps if s >= 10][:2] == [10.0, 20.0]


def test_an_empty_page_in_the_middle_of_paging_stores_none_of_the_trend_s_papers(world):
    before = prepare(world)
    page_two = world.arxiv(Request(API, {"search_query": FIRST, "start": "2", "max_results": "2",
                                         "sortBy": "lastUpdatedDate", "sortOrder": "descending"}, {}))
    empty = page_two.body.replace(page_two.body[page_two.body.index(b"<entry"):page_two.body.rindex(b"</feed>")],
                                  b"")
    broken(world, API, lambda origin: Reply(200, empty, origin.headers),
           when=lambda request: request.params.get("search_query") == FIRST and request.params.get("start") == "2")
    run = world.run(now=NOW + dt.timedelta(hours=6))
    assert run.code == 1
    assert part(snapshot(world.root), ARXIV_FILES) == part(before, ARXIV_FILES)
    assert "2611.08888" not in paper_ids(world)  # it was on page one, but the paging never completed
    error = statuses(world)["arxiv"].last_error
    assert error.startswith("trend first-trend: papers: arXiv sent an empty page at result 2 of 3")
    assert "research-blog-0007" in news_keys(world)


@pytest.mark.parametrize("name", [*FAULTS, *FEED_ONLY])
def test_a_feed_fault_keeps_the_stored_news_and_arxiv_still_lands(world, name):
    fault, message = {**FAULTS, **FEED_ONLY}[name]
    before = prepare(world)
    cache = feed_caches(world)["research"]
    broken(world, "/research.rss", fault)
    run = world.run(now=NOW + dt.timedelta(hours=6))
    assert run.code == 1
    assert part(snapshot(world.root), NEWS_FILES) == part(before, NEWS_FILES)
    # The old validators stay, so the next run asks for the whole feed again.
    assert feed_caches(world)["research"] == cache
    status = statuses(world)
    assert re.search(message, status["news:research"].last_error or "")
    assert status["news:research"].last_success == NOW
    assert status["news:lab"].last_error is None
    assert status["arxiv"].last_error is None and "2611.08888" in paper_ids(world)


# ---------------------------------------------------------------- refusals and interruptions


def test_a_second_run_is_refused_while_one_holds_the_lock(world):
    with RunLock(world.signals), pytest.raises(ConfigError, match=r"another 'trendkb collect' .* is writing"):
        world.run()
    assert world.server.log == []
    assert not (world.signals / ".collect.lock").exists()  # released and removed


def test_stored_signals_that_do_not_validate_are_never_written_over(world):
    world.signals.mkdir(parents=True)
    counts = world.signals / "counts.csv"
    counts.write_text("subject,month,count,fetched\nfirst-trend,2026-10,1,2026-11-01T00:00:00Z\n"
                      "first-trend,2026-13,1,2026-11-01T00:00:00Z\n")
    before = snapshot(world.root)
    with pytest.raises(ConfigError, match=r"trends/signals/counts.csv:3: month: '2026-13' is not a month"):
        world.run()
    assert snapshot(world.root) == before and world.server.log == []


@pytest.mark.parametrize("options, message", [
    ({"trend": "frist-trend"}, "did you mean 'first-trend'"),
    ({"feeds_path": "missing.yaml"}, "no such feed list"),
])
def test_setup_errors_are_reported_before_any_request(world, options, message):
    with pytest.raises(ConfigError, match=message):
        world.run(**options)
    assert world.server.log == []


def test_news_needs_a_feed_list_and_a_contact(world):
    (world.root / "trends" / "feeds.yaml").unlink()
    with pytest.raises(ConfigError, match="no contact for the User-Agent"):
        world.run("arxiv")
    assert world.run("arxiv", environ={"TRENDKB_CONTACT": "team@example.org"}).code == 0
    assert world.server.log[-1].headers["user-agent"].endswith("(+mailto:team@example.org)")
    with pytest.raises(ConfigError, match="no feed list"):
        world.run("news", environ={"TRENDKB_CONTACT": "team@example.org"})


class InterruptingClock(FakeClock):
    """Ctrl-C arrives during the n-th wait between requests."""

    def __init__(self, at: int):
        super().__init__()
        self.at = at

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if len(self.sleeps) == self.at:
            raise KeyboardInterrupt


def test_an_interrupted_run_keeps_finished_work_and_leaves_no_half_written_file(world):
    # first-trend's job takes 5 requests (3 pages, 2 counts); the interrupt comes inside second-trend's.
    with pytest.raises(KeyboardInterrupt):
        world.run(clock=InterruptingClock(at=6))
    files = snapshot(world.signals)
    assert not [name for name in files if name.endswith(".tmp") or name.endswith(".lock")]
    assert validate(store.load(world.root), TODAY) == []
    assert "2611.04321" in paper_ids(world) and "2611.07777" not in paper_ids(world)
    # The next run finishes the work without asking for first-trend's settled month again.
    world.server.log.clear()
    assert world.run().code == 0
    asked = [r.params["search_query"] for r in world.server.requests_to(API)]
    assert f"({FIRST}) AND submittedDate:[202610010000 TO 202610312359]" not in asked
    assert "2611.07777" in paper_ids(world)


def test_on_a_terminal_there_are_progress_bars_and_a_table(world):
    run = world.run(tty=True)
    assert run.code == 0
    assert "trendkb collect" in run.out and ("┃" in run.out or "│" in run.out)
    assert "arxiv" in run.err and "news" in run.err


def test_collected_signals_show_on_the_built_site(world, tmp_path):
    assert world.run().code == 0
    # The site needs mkdocs.yml and the hand-written pages next to the collected trends.
    scaffold = site_root(tmp_path / "scaffold", hostile=False)
    for name in ("mkdocs.yml", "content/index.md", "content/contributing.md", "content/assets"):
        source, target = scaffold / name, world.root / name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy(source, target)
    result = make_site(world.root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "trends" / "first-trend" / "index.html").read_text(encoding="utf-8")
    paper = next(p for p in stored(world.root, PAPERS) if "first-trend" in p.trends)
    assert paper.url in page
    assert 'data-chart="../../charts/trend-first-trend.json"' in page
    chart = json.loads((tmp_path / "site" / "charts" / "trend-first-trend.json").read_text())
    assert sum(chart["data"][0]["y"]) > 0
    sources = (tmp_path / "site" / "sources" / "index.html").read_text(encoding="utf-8")
    assert "<td>news:research</td>" in sources
