"""The listings collector: the daily RSS listing and whole months through the API, against a local server."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from xml.sax.saxutils import escape

import pytest

from collectors.http import BadAnswer
from collectors.listings import cap, parse_listing
from tests.collectors.conftest import NOW, World
from tests.collectors.fakes import DATA, Reply, Request
from tests.conftest import snapshot, stored
from trendkb import models
from trendkb.signals import LISTING_DAYS, LISTING_MONTHS, LISTING_TERMS, STATUS

RSS_PATH = "/rss/cs.LG+stat.ML"  # the fixture areas' categories, joined as arXiv's listing wants them
PUBDATE = "Wed, 25 Nov 2026 00:00:00 -0500"


def item(arxiv_id: str, kind: str, title: str, abstract: str, categories=("cs.LG",)) -> str:
    cats = "".join(f"<category>{c}</category>" for c in categories)
    return (f"<item><title>{escape(title)}</title><link>https://arxiv.org/abs/{arxiv_id}</link>"
            f"<description>{escape(f'arXiv:{arxiv_id}v1 Announce Type: {kind} ')}\nAbstract: {escape(abstract)}"
            f"</description>{cats}</item>")


def rss(*items: str, pubdate: str = PUBDATE) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>cs.LG updates on arXiv.org</title>'
            f"<pubDate>{pubdate}</pubDate>{''.join(items)}</channel></rss>").encode()


LISTING = rss(
    item("2611.00001", "new", "Liquid tensor routing", "Liquid-tensor routings for sparse models."),
    item("2611.00002", "cross", "Routing with liquid tensors", "We study liquid tensor routing.", ("stat.ML",)),
    item("2611.00003", "new", "Liquid tensor routing again", "Liquid tensor routing, both areas.",
         ("cs.LG", "stat.ML")),
    item("2610.00099", "replace", "An old paper", "Liquid tensor routing, revised."),  # counted in its month
    item("2611.00004", "new", "Outside", "Liquid tensor routing in physics.", ("physics.optics",)),
)


def serve_listing(world: World, body: bytes, path: str = RSS_PATH) -> None:
    world.server.routes[path] = lambda request: Reply(200, body, {"Content-Type": "application/rss+xml"})


def run(world: World, **overrides):
    return world.run("listings", listing_url=world.server.url("/rss/"), **overrides)


# ---------------------------------------------------------------- reading a listing


def test_a_listing_gives_its_new_and_cross_listed_papers_and_its_date():
    listing = parse_listing(LISTING)
    assert listing.day == dt.date(2026, 11, 25) and listing.items == 5
    assert [p.arxiv_id for p in listing.papers] == ["2611.00001", "2611.00002", "2611.00003", "2611.00004"]
    assert listing.papers[2].categories == ("cs.LG", "stat.ML")
    assert listing.papers[0].abstract == "Liquid-tensor routings for sparse models."


@pytest.mark.parametrize("body, message", [
    ((DATA / "maintenance.html").read_bytes(), "HTML page instead of an RSS listing"),
    (LISTING[:300], "not well-formed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><rss/>', "declares a DTD"),
    (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>', "not an RSS listing"),
    (rss(pubdate="yesterday"), "no usable pubDate"),
])
def test_what_is_not_a_listing_is_a_failure(body, message):
    with pytest.raises(BadAnswer, match=message):
        parse_listing(body)


# ---------------------------------------------------------------- the daily listing


def test_the_daily_listing_counts_each_paper_once_per_area(world):
    serve_listing(world, LISTING)
    result = run(world)
    assert result.code == 0, result.out
    months = {m.area: m for m in stored(world.root, LISTING_MONTHS)}
    # alpha (cs.LG): papers 1 and 3; beta (stat.ML): 2 and 3. The replaced and the physics paper are not counted.
    assert {a: (m.papers, m.source, m.month) for a, m in months.items()} == {
        "alpha": (2, "rss", "2026-11"), "beta": (2, "rss", "2026-11")}
    terms = {t.phrase: t for t in stored(world.root, LISTING_TERMS)}
    assert terms["liquid tensor routing"].papers == {"alpha": 2, "beta": 2}
    assert terms["liquid tensor routing"].examples == ["2611.00003", "2611.00002", "2611.00001"]
    assert "old paper" not in terms and "physic" not in terms
    assert [d.day for d in stored(world.root, LISTING_DAYS)] == [dt.date(2026, 11, 25)]


def test_a_second_run_the_same_day_changes_only_the_status(world):
    serve_listing(world, LISTING)
    assert run(world).code == 0
    before = snapshot(world.signals)
    again = run(world, now=NOW + dt.timedelta(hours=3))
    assert again.code == 0
    after = snapshot(world.signals)
    assert {name for name in before if before[name] != after[name]} == {"status.jsonl"}


def test_the_next_day_adds_to_the_month(world):
    serve_listing(world, LISTING)
    assert run(world).code == 0
    serve_listing(world, rss(item("2611.00010", "new", "Liquid tensor routing", "More of it."),
                             pubdate="Thu, 26 Nov 2026 00:00:00 -0500"))
    assert run(world, now=NOW + dt.timedelta(days=1)).code == 0
    assert {m.area: m.papers for m in stored(world.root, LISTING_MONTHS)} == {"alpha": 3, "beta": 2}
    assert {t.phrase: t for t in stored(world.root, LISTING_TERMS)}["liquid tensor routing"].papers == \
        {"alpha": 3, "beta": 2}


def test_an_empty_weekend_listing_is_no_failure(world):
    serve_listing(world, rss(pubdate="Sat, 28 Nov 2026 00:00:00 -0500"))
    result = run(world)
    assert result.code == 0
    assert stored(world.root, LISTING_DAYS) == []
    assert "2026-11" not in {m.month for m in stored(world.root, LISTING_MONTHS)}


def test_a_full_listing_is_asked_again_in_halves(world, monkeypatch):
    monkeypatch.setattr("collectors.listings.FEED_LIMIT", 3)
    serve_listing(world, LISTING)  # five items: maybe cut
    both = ("cs.LG", "stat.ML")
    serve_listing(world, rss(item("2611.00001", "new", "Liquid tensor routing", "x"),
                             item("2611.00003", "new", "Liquid tensor routing", "y", both)), "/rss/cs.LG")
    serve_listing(world, rss(item("2611.00002", "new", "Liquid tensor routing", "z", ("stat.ML",)),
                             item("2611.00003", "cross", "Liquid tensor routing", "y", both)),
                  "/rss/stat.ML")
    assert run(world).code == 0
    assert [r.path for r in world.server.log if r.path.startswith("/rss/")] == [RSS_PATH, "/rss/cs.LG", "/rss/stat.ML"]
    assert {m.area: m.papers for m in stored(world.root, LISTING_MONTHS) if m.month == "2026-11"} == \
        {"alpha": 2, "beta": 2}


def test_a_broken_listing_fails_the_source_and_stores_nothing(world):
    serve_listing(world, (DATA / "maintenance.html").read_bytes())
    result = run(world)
    assert result.code == 1 and "HTML page" in result.out
    assert stored(world.root, LISTING_DAYS) == []
    assert "2026-11" not in {m.month for m in stored(world.root, LISTING_MONTHS)}
    status = {s.source: s for s in stored(world.root, STATUS)}["listings"]
    assert "daily listing" in status.last_error


# ---------------------------------------------------------------- whole months through the API

ATOM = ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><title>query</title>'
        "<opensearch:totalResults>{total}</opensearch:totalResults>"
        "<opensearch:startIndex>{start}</opensearch:startIndex>"
        "<opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>{entries}</feed>")
_SPAN = re.compile(r"^\((?P<cats>.*)\) AND submittedDate:\[(?P<y>\d{4})(?P<m>\d{2})010000 TO \d{12}\]$")


class MonthsApi:
    """The arXiv API for month queries: `papers[month]` lists (id, title, abstract, categories)."""

    def __init__(self):
        self.papers: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {}

    def __call__(self, request: Request) -> Reply:
        match = _SPAN.match(request.params["search_query"])
        assert match and match["cats"] == "cat:cs.LG OR cat:stat.ML", request.params
        assert request.params["sortBy"] == "submittedDate"
        found = self.papers.get(f"{match['y']}-{match['m']}", [])
        start, size = int(request.params["start"]), int(request.params["max_results"])
        entries = "".join(
            f"<entry><id>http://arxiv.org/abs/{i}v2</id><title>{escape(t)}</title><summary>{escape(a)}</summary>"
            + "".join(f'<category term="{c}"/>' for c in cats) + "</entry>"
            for i, t, a, cats in found[start:start + size])
        body = ATOM.format(total=len(found), start=start, size=size, entries=entries)
        return Reply(200, body.encode(), {"Content-Type": "application/atom+xml"})


def asked_month(request: Request) -> str:
    return re.search(r"submittedDate:\[(\d{6})", request.params["search_query"])[1]


def month_papers(month: str, n: int, phrase: str) -> list:
    stem = month[2:4] + month[5:]
    return [(f"{stem}.{i:05d}", f"Paper {i}", f"We study {phrase}." if i % 2 else "Something else entirely.",
             ("cs.LG",) if i % 3 else ("cs.LG", "stat.ML")) for i in range(1, n + 1)]


@pytest.fixture
def api(world: World) -> MonthsApi:
    fake = MonthsApi()
    fake.papers = {"2026-10": month_papers("2026-10", 7, "sheaf attention"),
                   "2026-09": month_papers("2026-09", 5, "sheaf attention")}
    world.server.routes["/api/query"] = fake
    serve_listing(world, rss(pubdate="Sun, 22 Nov 2026 00:00:00 -0500"))
    return fake


def test_a_backfill_reads_whole_months_page_by_page_politely(world, api):
    result = run(world, backfill_months=2, listing_page_size=2)
    assert result.code == 0, result.out
    asked = [(asked_month(r), r.params["start"]) for r in world.server.requests_to("/api/query")]
    assert asked == [("202610", "0"), ("202610", "2"), ("202610", "4"), ("202610", "6"),
                     ("202609", "0"), ("202609", "2"), ("202609", "4")]
    times = [sent.at for sent in result.outcome.requests]
    assert all(later - earlier >= 3.0 for earlier, later in itertools.pairwise(times))
    months = {(m.month, m.area): m for m in stored(world.root, LISTING_MONTHS)}
    assert {k: (m.papers, m.source, m.floor) for k, m in months.items()} == {
        ("2026-09", "alpha"): (5, "api", 3), ("2026-09", "beta"): (1, "api", 3),
        ("2026-10", "alpha"): (7, "api", 3), ("2026-10", "beta"): (2, "api", 3)}
    terms = {(t.month, t.phrase): t for t in stored(world.root, LISTING_TERMS)}
    assert terms[("2026-10", "sheaf attention")].papers == {"alpha": 4}  # under beta's floor of 3
    assert terms[("2026-10", "sheaf attention")].examples == ["2610.00007", "2610.00005", "2610.00003"]


def test_a_backfill_resumes_where_it_stopped_and_a_same_day_rerun_asks_nothing(world, api):
    world.break_route("/api/query", Reply(400, b"no"), when=lambda r: "202609" in r.params["search_query"])
    first = run(world, backfill_months=2, listing_page_size=10)
    assert first.code == 1 and "month 2026-09" in first.out
    assert {m.month for m in stored(world.root, LISTING_MONTHS)} == {"2026-10"}
    world.server.routes["/api/query"] = api
    world.server.log.clear()
    assert run(world, backfill_months=2, listing_page_size=10).code == 0
    assert [asked_month(r) for r in world.server.requests_to("/api/query")] == ["202609"]
    world.server.log.clear()
    assert run(world, backfill_months=2, listing_page_size=10, now=NOW + dt.timedelta(hours=2)).code == 0
    assert world.server.requests_to("/api/query") == []


def test_a_month_read_through_the_api_replaces_the_daily_sums(world, api):
    serve_listing(world, rss(item("2610.09999", "new", "Daily", "Liquid tensor routing."),
                             pubdate="Fri, 30 Oct 2026 00:00:00 -0400"))
    assert run(world, now=dt.datetime(2026, 10, 30, 12, tzinfo=dt.UTC)).code == 0
    assert {m.source for m in stored(world.root, LISTING_MONTHS) if m.month == "2026-10"} == {"rss"}
    # Eight days after October ended the month has settled: a run without --backfill-months reads it once.
    later = dt.datetime(2026, 11, 9, 12, tzinfo=dt.UTC)
    serve_listing(world, rss(pubdate="Mon, 09 Nov 2026 00:00:00 -0500"))
    assert run(world, now=later, listing_page_size=10).code == 0
    months = stored(world.root, LISTING_MONTHS)
    assert {(m.month, m.area, m.papers, m.source) for m in months if m.month == "2026-10"} == {
        ("2026-10", "alpha", 7, "api"), ("2026-10", "beta", 2, "api")}
    assert stored(world.root, LISTING_DAYS) == []
    assert "liquid tensor routing" not in {t.phrase for t in stored(world.root, LISTING_TERMS)}
    world.server.log.clear()
    assert run(world, now=later + dt.timedelta(days=1), listing_page_size=10).code == 0
    assert world.server.requests_to("/api/query") == []  # settled: never asked again


def test_an_api_error_entry_fails_the_month_and_stores_none_of_it(world, api):
    body = (DATA / "arxiv" / "error-entry.xml").read_bytes()
    world.break_route("/api/query", Reply(200, body, {"Content-Type": "application/atom+xml"}))
    result = run(world, backfill_months=1)
    assert result.code == 1 and "arXiv rejected the query" in result.out
    assert stored(world.root, LISTING_MONTHS) == []


# ---------------------------------------------------------------- the size cap


def test_the_cap_raises_every_floor_by_one_factor_and_keeps_the_commonest():
    terms = [models.ListingTerm(month="2026-10", phrase=f"phrase {chr(97 + i) * 2}", papers={"alpha": 3 + i, "beta": 6},
                                examples=[]) for i in range(10)]
    kept, floors = cap(terms, {"alpha": 3, "beta": 3}, limit=4)
    assert len(kept) <= 4 and floors["alpha"] == floors["beta"] > 3
    assert [t.phrase for t in kept] == ["phrase gg", "phrase hh", "phrase ii", "phrase jj"]
    assert all(set(t.papers) == {"alpha"} for t in kept)  # beta's 6 is under its raised floor
    assert cap(terms, {"alpha": 3, "beta": 3}, limit=20) == (terms, {"alpha": 3, "beta": 3})
