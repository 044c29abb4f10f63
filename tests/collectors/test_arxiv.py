"""The arXiv collector: strict reading of API answers, paging from the watermark, versions, monthly counts."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from collectors.arxiv import month_query, months_to_count, read_page, settled
from collectors.http import BadAnswer, RetryLater
from tests.collectors.conftest import ALPHA, API, FIRST, NOW, SECOND, World
from tests.collectors.fakes import DATA, FakeArxiv, Reply, Request
from tests.conftest import stored
from trendkb import models, store
from trendkb.signals import COUNTS, PAPERS, WATERMARKS


def stored_papers(world: World) -> dict[str, tuple[str, models.Paper]]:
    """Every stored paper by id, with the month file it is in."""
    signals = store.load(world.root).signals
    return {paper.arxiv_id: (Path(shown).stem, paper) for paper, shown, _ in signals.where(PAPERS)}


def paper_requests(world: World, query: str) -> list[dict[str, str]]:
    return [r.params for r in world.server.requests_to(API) if r.params["search_query"] == query]


def page_bytes(total: int, start: int, count: int) -> bytes:
    """An API answer as the fake serves it: first-trend.xml's entries from `start`, `count` of them."""
    fake = FakeArxiv()
    fake.papers = {FIRST: "first-trend.xml"}
    return fake(Request(API, {"search_query": FIRST, "start": str(start), "max_results": str(count),
                              "sortBy": "lastUpdatedDate", "sortOrder": "descending"}, {})).body.replace(
        b">6</opensearch:totalResults>", f">{total}</opensearch:totalResults>".encode())


# ---------------------------------------------------------------- reading answers


def test_a_result_page_is_read_for_its_header():
    page = read_page(page_bytes(6, 2, 2))
    assert (page.total, page.start, page.entries) == (6, 2, 2)
    assert read_page(page_bytes(0, 6, 0)).entries == 0  # really no (more) results: fine


@pytest.mark.parametrize("body, kind, message", [
    ((DATA / "arxiv" / "error-entry.xml").read_bytes(), BadAnswer,
     "arXiv rejected the query: max_results must be less than or equal to 30000"),
    ((DATA / "maintenance.html").read_bytes(), BadAnswer, "HTML page instead of an Atom feed"),
    ((DATA / "arxiv" / "first-trend.xml").read_bytes()[:3000], BadAnswer, "not well-formed XML"),
    ((DATA / "arxiv" / "entity-bomb.xml").read_bytes(), BadAnswer, "declares a DTD"),
    (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', BadAnswer,
     "no opensearch:totalResults"),
    (b"<rss version='2.0'><channel/></rss>", BadAnswer, "<rss> document, not an Atom feed"),
    (b"   ", RetryLater, "empty answer"),
], ids=["error-entry", "html", "truncated", "entity-bomb", "no-totals", "not-atom", "empty-body"])
def test_answers_that_are_not_results_are_failures_not_zero_papers(body, kind, message):
    started = time.monotonic()
    with pytest.raises(kind, match=message.replace("(", r"\(")):
        read_page(body)
    assert time.monotonic() - started < 1  # the bomb is refused, not expanded


def test_an_empty_page_while_results_remain_means_overload():
    with pytest.raises(RetryLater, match="empty page at result 4 of 6"):
        read_page(page_bytes(6, 4, 0))


def test_months_and_their_queries():
    assert months_to_count(NOW, 0) == ["2026-10", "2026-11"]
    assert months_to_count(dt.datetime(2026, 2, 3, tzinfo=dt.UTC), 3) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert month_query('abs:"x"', "2024-02") == '(abs:"x") AND submittedDate:[202402010000 TO 202402292359]'
    assert month_query("cat:cs.LG", "2026-12").endswith("[202612010000 TO 202612312359]")


def test_a_count_settles_a_week_after_its_month():
    def count(fetched: str) -> models.MonthlyCount:
        return models.MonthlyCount(subject="t", month="2026-10", count=1, fetched=fetched)

    assert not settled(count("2026-11-07T23:59:59Z"))
    assert settled(count("2026-11-08T00:00:00Z"))


# ---------------------------------------------------------------- papers


def test_first_run_pages_back_thirty_days_and_stores_clean_papers(world):
    run = world.run("arxiv")
    assert run.code == 0, run.out
    requests = paper_requests(world, FIRST)
    # Pages of two, newest update first, until a paper older than 30 days shows up on page three.
    assert [(r["start"], r["max_results"], r["sortBy"], r["sortOrder"]) for r in requests] == [
        ("0", "2", "lastUpdatedDate", "descending"), ("2", "2", "lastUpdatedDate", "descending"),
        ("4", "2", "lastUpdatedDate", "descending")]
    papers = stored_papers(world)
    assert set(papers) == {"2611.04321", "2611.01111", "2611.00042", "2610.09999", "2610.05555", "2611.07777"}
    month, paper = papers["2611.04321"]
    assert month == "2026-11"
    assert paper.title == "Fixture-Aware Training: Why Test Doubles Generalise Better Than Expected"
    assert paper.version == 2 and paper.published == dt.date(2026, 11, 3) and paper.updated == dt.date(2026, 11, 24)
    assert paper.authors == ["Ada Lovelace", "Charles Babbage", "Grace Hopper", "Alan Turing", "Katherine Johnson"]
    assert paper.author_count == 7
    assert paper.primary_category == "cs.LG"
    assert paper.url == "https://arxiv.org/abs/2611.04321"
    # Plain text from arXiv is kept as text: the '<' is mathematics, not a tag.
    assert "when $n<10^3$ and matches" in paper.abstract and "\n" not in paper.abstract
    assert papers["2610.09999"][0] == "2026-10"  # filed under the month of its first version
    assert papers["2611.00042"][1].trends == ["first-trend", "second-trend"]  # found by both queries, stored once
    marks = {mark.trend: mark for mark in stored(world.root, WATERMARKS)}
    assert marks["first-trend"].newest == dt.datetime(2026, 11, 24, 18, 30, tzinfo=dt.UTC)
    assert marks["first-trend"].query == FIRST


def test_next_run_stops_at_the_watermark_and_a_new_version_replaces_the_old(world):
    assert world.run("arxiv").code == 0
    world.server.log.clear()
    world.arxiv.papers[FIRST] = "first-trend-later.xml"
    run = world.run("arxiv", now=NOW + dt.timedelta(hours=6))
    assert run.code == 0, run.out
    # Page one holds the two newer papers; page two starts below the watermark, so paging ends there.
    assert [r["start"] for r in paper_requests(world, FIRST)] == ["0", "2"]
    papers = stored_papers(world)
    assert "2611.08888" in papers
    month, paper = papers["2611.04321"]
    assert (month, paper.version) == ("2026-11", 3)
    assert paper.title == "Fixture-Aware Training: Why Test Doubles Generalise (Revised)"
    assert paper.abstract.startswith("Version 3")
    row = next(row for row in run.outcome.rows if row.source == "arxiv")
    assert (row.tally.new, row.tally.updated) == (1, 1)


def test_since_reaches_back_past_the_first_run_window(world):
    run = world.run("arxiv", trend="first-trend", since=dt.date(2026, 9, 1))
    assert run.code == 0, run.out
    assert "2609.01234" in stored_papers(world)
    assert [r["start"] for r in paper_requests(world, FIRST)] == ["0", "2", "4"]


def test_a_changed_query_starts_afresh(world):
    assert world.run("arxiv", trend="first-trend").code == 0
    trend_file = world.root / "trends" / "alpha" / "first-trend.yaml"
    trend_file.write_text(trend_file.read_text().replace('abs:"fixture"', 'ti:"fixture"'))
    world.arxiv.papers['ti:"fixture"'] = "first-trend.xml"
    world.arxiv.counts[('ti:"fixture"', "2026-10")] = 3
    assert world.run("arxiv", trend="first-trend", now=NOW + dt.timedelta(days=1)).code == 0
    assert {m.trend: m.query for m in stored(world.root, WATERMARKS)}["first-trend"] == 'ti:"fixture"'
    counts = {(c.subject, c.month): c.count for c in stored(world.root, COUNTS)}
    # The October count was settled under the old query; it is counted again under the new one.
    assert counts[("first-trend", "2026-10")] == 3


# ---------------------------------------------------------------- counts


def test_counts_per_month_for_trends_and_baselines_in_one_request_each(world):
    run = world.run("arxiv")
    assert run.code == 0, run.out
    counts = {(c.subject, c.month): c.count for c in stored(world.root, COUNTS)}
    assert counts == {
        ("first-trend", "2026-10"): 31, ("first-trend", "2026-11"): 17,
        ("second-trend", "2026-10"): 4, ("second-trend", "2026-11"): 6,
        ("baseline:alpha", "2026-10"): 9100, ("baseline:alpha", "2026-11"): 7400,
        ("baseline:beta", "2026-10"): 1200, ("baseline:beta", "2026-11"): 950,
    }
    asked = [r.params for r in world.server.requests_to(API) if "submittedDate" in r.params["search_query"]]
    assert len(asked) == 8 and all(r["max_results"] == "1" and r["start"] == "0" for r in asked)
    assert {r["search_query"] for r in asked} >= {
        f"({ALPHA}) AND submittedDate:[202610010000 TO 202610312359]",
        f"({SECOND}) AND submittedDate:[202611010000 TO 202611302359]",
    }


def test_settled_months_are_not_asked_again(world):
    assert world.run("arxiv").code == 0
    world.server.log.clear()
    world.arxiv.counts[(FIRST, "2026-11")] = 18  # the current month keeps growing
    assert world.run("arxiv", now=NOW + dt.timedelta(days=1)).code == 0
    months = {r.params["search_query"][-13:-7] for r in world.server.requests_to(API)
              if "submittedDate" in r.params["search_query"]}
    assert months == {"202611"}  # October was counted on Nov 25, over a week after it ended: settled
    counts = {(c.subject, c.month): c for c in stored(world.root, COUNTS)}
    assert counts[("first-trend", "2026-11")].count == 18
    # An unchanged count of an unsettled month keeps its record, so the file does not churn.
    assert counts[("second-trend", "2026-11")].fetched == NOW


def test_backfill_is_resumable_without_asking_finished_months_again(world):
    # arXiv falls over after the 9th count request of the first run.
    asked = []

    def flaky(request):
        if "submittedDate" in request.params["search_query"]:
            asked.append(request.params["search_query"])
            if len(asked) > 9:
                return Reply(503, b"", {"Retry-After": "5"})
        return world.arxiv(request)

    world.server.routes[API] = flaky
    first = world.run("arxiv", trend="first-trend", backfill_months=6)
    assert first.code == 1
    done = {(c.subject, c.month) for c in stored(world.root, COUNTS)}
    # first-trend's 7 months and 2 of the baseline's were finished and saved before the failure.
    assert len(done) == 9 and all(month >= "2026-05" for _, month in done)

    world.server.routes[API] = world.arxiv
    world.server.log.clear()
    second = world.run("arxiv", trend="first-trend", backfill_months=6)
    assert second.code == 0, second.out
    again = [r.params["search_query"] for r in world.server.requests_to(API) if "submittedDate" in
             r.params["search_query"]]
    # Only what is unfinished: the current month of the trend (never settled) and the baseline's last 5 months.
    assert len(again) == 1 + 5
    counts = stored(world.root, COUNTS)
    assert {c.month for c in counts} == {f"2026-{m:02d}" for m in range(5, 12)}
    assert len(counts) == 14
