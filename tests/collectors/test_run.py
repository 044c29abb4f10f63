"""Whole runs: what lands on disk, re-runs, every fault, the lock, dry runs, interruptions, output."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import shutil

import pytest

from collectors.base import ConfigError
from collectors.http import HttpSettings
from tests.collectors.conftest import API, FAST, FIRST, NOW, FakeClock, World
from tests.collectors.fakes import DATA, Hang, Reply, Request
from tests.conftest import TODAY, snapshot, stored
from tests.site_hooks.conftest import make_site, site_root
from trendkb import models, store
from trendkb.signals import COUNTS, FEED_CACHES, NEWS, PAPERS, STATUS, WAITING_JOBS, WATERMARKS, RunLock
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
                     "status.jsonl", "state/watermarks.jsonl", "state/feeds.jsonl", "state/count-queries.jsonl",
                     "listings/months.csv"}  # October, read whole through the API (the fake has no papers in it)
    kb = store.load(world.root)
    assert validate(kb, TODAY) == []
    status = statuses(world)
    assert set(status) == {"arxiv", "listings", "news:research", "news:lab"}
    assert all(s.last_success == NOW and s.last_attempt == NOW and s.last_error is None for s in status.values())
    assert status["arxiv"].items_added == 6 + 8  # papers and monthly counts
    assert "source" in run.out and "total" in run.out and "wrote 9 file(s)" in run.out
    assert "arxiv [1/4] trend first-trend: 7 fetched, 7 new, 0 updated" in run.err  # 5 papers, 2 counts


def test_every_request_to_a_host_is_three_seconds_after_the_last(world):
    run = world.run()
    assert len(run.outcome.requests) == len(world.server.log) + len(world.news.log) == 16
    # arXiv's host: 3 pages + 1 page, 8 counts, the daily listing and last month's listings; the feeds' host: 2
    assert len(world.server.log) == 14
    for host in (world.server, world.news):
        times = [sent.at for sent in run.outcome.requests if sent.url.startswith(host.url("/"))]
        assert all(later - earlier >= 3.0 for earlier, later in itertools.pairwise(times))
    assert sum(run.clock.sleeps) >= 3.0 * (len(world.server.log) - 1)


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
    assert "dry run: nothing written; 9 file(s) would change" in run.out
    assert "  trends/signals/arxiv/2026-11.jsonl" in run.out


def test_a_run_limited_to_one_trend_and_source(world):
    run = world.run("arxiv", trend="second-trend")
    assert run.code == 0, run.out
    assert paper_ids(world) == {"2611.07777", "2611.00042"}
    queries = {r.params["search_query"] for r in world.server.log}
    assert not any("cat:cs.LG" in q or q.startswith(FIRST) for q in queries)  # only beta's baseline
    assert world.news.log == []


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
# Faults that look like overload or a hang: retried, with backoff, within the host's time budget.
OVERLOAD = ("timeout", "connection-reset", "429-retry-after", "429-no-retry-after", "503")
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
    original = world.host_of(path).routes[path]
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
    if name in OVERLOAD:
        # arXiv's time budget ran out: the last jobs were not asked, and the status says why.
        assert re.search(r"; 2 not asked \(.*180 s this run allows a host\): baseline alpha, baseline beta$",
                         status["arxiv"].last_error), status["arxiv"].last_error
        assert "baseline beta: FAILED: not asked: " in run.err
    else:
        # A bad answer costs no time to speak of: every job is asked, and each fails on its own.
        assert status["arxiv"].last_error.startswith("4 jobs failed: ")
        assert status["arxiv"].last_error.endswith("1 more failed: baseline beta")
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


# ---------------------------------------------------------------- throttled and hanging hosts


def test_a_retry_after_on_a_job_s_last_try_delays_the_next_job_s_first_request(world):
    """Regression: the server's wait was dropped after a job's last try, and the next job asked 3 s later."""
    world.break_route(API, Reply(429, b"slow down", {"Retry-After": "5"}),
                      when=lambda request: request.params["search_query"] == FIRST)
    run = world.run("arxiv")
    assert run.code == 1
    asked = list(zip(run.outcome.requests, world.server.log, strict=True))  # arXiv only: its times and queries
    last_try = max(i for i, (_, request) in enumerate(asked) if request.params["search_query"] == FIRST)
    (then, _), (after, following) = asked[last_try], asked[last_try + 1]
    assert following.params["search_query"] != FIRST  # the next job's first request...
    assert after.at - then.at == 5.0  # ...waited as the server asked
    assert statuses(world)["arxiv"].last_error.startswith("trend first-trend: papers: HTTP 429; gave up after 3 tries")


def test_a_hanging_arxiv_costs_at_most_its_budget_and_the_feeds_still_land(world):
    before = prepare(world)
    clock = FakeClock()
    # arXiv takes every request and never answers: each costs the client its connect and read timeouts.
    world.server.routes[API] = Hang(clock, seconds=FAST.connect_timeout + FAST.read_timeout)
    settings = HttpSettings(**{**FAST.__dict__, "backoff": 1.0, "host_budget": 20.0})
    run = world.run(clock=clock, http=settings, now=NOW + dt.timedelta(hours=6))
    assert run.code == 1
    arxiv = [sent.at for sent in run.outcome.requests if sent.url.startswith(world.server.url("/"))]
    news = [sent.at for sent in run.outcome.requests if sent.url.startswith(world.news.url("/"))]
    # The time arXiv cost the run, less the 3 s spacing owed to any host, stays within its budget...
    hung = clock.time - 1000.0 - 3.0 * len(news)
    assert hung - 3.0 * len(arxiv) <= 20.0, (hung, arxiv)
    assert len(arxiv) == 4  # 3 tries for the first job, 1 for the second (the old rule asked 9 times)
    # ...the rest of its jobs were not asked, and say why...
    error = statuses(world)["arxiv"].last_error
    assert re.search(r"2 not asked \(.*the 20 s this run allows a host\): baseline alpha, baseline beta$", error)
    assert part(snapshot(world.root), ARXIV_FILES) == part(before, ARXIV_FILES)
    # ...and the feeds, on another host, were collected as usual.
    assert "research-blog-0007" in news_keys(world)
    assert all(s.last_error is None for name, s in statuses(world).items() if name.startswith("news:"))


def add_trends(world: World, count: int) -> list[str]:
    """`count` more trends like second-trend, each with its own query (the fake arXiv serves its document)."""
    template = store.load(world.root).trends[-1]
    ids = []
    for number in range(1, count + 1):
        trend_id = f"rotation-{number:02d}"
        query = f'abs:"rotation {number}"'
        evidence = template.evidence.model_copy(update={"arxiv_query": query})
        store.save_trend(world.root, template.model_copy(update={"id": trend_id, "title": f"Rotation {number}",
                                                                  "evidence": evidence}))
        world.arxiv.papers[query] = "second-trend.xml"
        ids.append(trend_id)
    return ids


def test_under_a_daily_throttle_every_trend_gets_its_turn(world):
    """arXiv answers K requests per run, then only 429s. A job costs at most 3 requests (its papers and two
    months of counts), so a run refreshes at least k = K // 3 jobs, and the rotation reaches all N jobs
    (trends and area baselines) within ceil(N / k) runs; a fixed order would refresh the same ones every day."""
    add_trends(world, 6)
    budget = {"left": 0}

    def throttled(request: Request) -> Reply:
        budget["left"] -= 1
        return world.arxiv(request) if budget["left"] >= 0 else Reply(429, b"rate exceeded")

    world.server.routes[API] = throttled
    trends = [t.id for t in store.load(world.root).trends]
    jobs = {f"trend {t}" for t in trends} | {"baseline alpha", "baseline beta"}
    allowed = 7
    runs_needed = math.ceil(len(jobs) / (allowed // 3))

    def refreshed() -> set[str]:
        # Every job of a run either succeeded or now waits its turn.
        return jobs - {waiting.job for waiting in stored(world.root, WAITING_JOBS)}

    refreshed_by_run = []
    for day in range(runs_needed):
        budget["left"] = allowed
        run = world.run("arxiv", now=NOW + dt.timedelta(days=day), page_size=100)
        refreshed_by_run.append(refreshed())
        if day < runs_needed - 1:
            assert run.code == 1 and "not asked" in statuses(world)["arxiv"].last_error
    assert set().union(*refreshed_by_run) == jobs
    assert all(len(done) >= allowed // 3 for done in refreshed_by_run)
    assert not refreshed_by_run[0] & refreshed_by_run[1]  # the second day did not start where the first did
    counted = {c.subject for c in stored(world.root, COUNTS) if c.month == "2026-11"}
    assert set(trends) <= counted
    # Once every job has had its turn, the next day goes on with those refreshed longest ago: the last
    # day took the first day's jobs (and the baselines), so now the second day's come first.
    budget["left"] = allowed
    world.run("arxiv", now=NOW + dt.timedelta(days=runs_needed), page_size=100)
    assert refreshed_by_run[1] <= refreshed() and not refreshed() & refreshed_by_run[-1]


def test_the_rotation_forgets_jobs_that_no_longer_exist(world):
    add_trends(world, 1)
    world.break_route(API, Reply(503), when=lambda request: "rotation 1" in request.params["search_query"])
    assert world.run("arxiv").code == 1
    assert [(w.source, w.job, w.waiting_since) for w in stored(world.root, WAITING_JOBS)] == [
        ("arxiv", "trend rotation-01", NOW)]
    # Still failing the next day: it keeps the day it started waiting.
    assert world.run("arxiv", now=NOW + dt.timedelta(days=1)).code == 1
    assert [w.waiting_since for w in stored(world.root, WAITING_JOBS)] == [NOW]
    (world.root / "trends" / "beta" / "rotation-01.yaml").unlink()
    assert world.run("arxiv", now=NOW + dt.timedelta(days=2)).code == 0
    assert stored(world.root, WAITING_JOBS) == []


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


def test_the_contact_is_the_repository_s_issues_page_unless_given(world):
    feeds = world.root / "trends" / "feeds.yaml"
    feeds.write_text("\n".join(line for line in feeds.read_text().splitlines() if not line.startswith("contact:")))
    (world.root / "mkdocs.yml").write_text("site_name: fixture\nextra:\n  trendkb:\n"
                                           "    repo_url: https://git.acme-lab.io/ml/trends\n")

    def agent(**environ) -> str:
        world.server.log.clear()
        assert world.run("arxiv", trend="first-trend", environ=environ).code == 0
        return world.server.log[-1].headers["user-agent"]

    assert agent().endswith("(+https://git.acme-lab.io/ml/trends/issues)")
    assert agent(TRENDKB_REPO_URL="https://github.com/acme-lab/trends").endswith(
        "(+https://github.com/acme-lab/trends/issues)")
    assert agent(TRENDKB_CONTACT="trends@acme-lab.io").endswith("(+mailto:trends@acme-lab.io)")


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
