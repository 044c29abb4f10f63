"""The PyPI source against a local PyPI Stats: monthly totals, later runs that extend them, and every fault."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from collectors.http import BadAnswer
from collectors.pypi import HISTORY_QUERY, month_totals, parse_overall
from tests.collectors.conftest import NOW, PYPISTATS, World, name_evidence
from tests.collectors.fakes import FakePypiStats, Reply, json_reply
from tests.conftest import TODAY, snapshot, stored
from trendkb import models, store
from trendkb.signals import DOWNLOADS, STATUS
from trendkb.validate import validate

FIRST_DAY = dt.date(2026, 5, 29)  # 180 days before NOW, as PyPI Stats keeps them


def days(first: dt.date, last: dt.date, per_day: int) -> dict[dt.date, int]:
    return {first + dt.timedelta(n): per_day for n in range((last - first).days + 1)}


@pytest.fixture
def pypi(world: World) -> FakePypiStats:
    # 'Opacus' and 'opacus' are one package: asked once, stored once.
    name_evidence(world.root, "packages", **{"first-trend": ["flwr", "Opacus"], "second-trend": ["opacus"]})
    fake = FakePypiStats(world.server, PYPISTATS)
    fake.serve("flwr", days(FIRST_DAY, dt.date(2026, 11, 24), 10))
    fake.serve("opacus", days(FIRST_DAY, dt.date(2026, 11, 24), 100))
    return fake


def downloads(world: World) -> dict[tuple[str, str], tuple[int, str, str]]:
    return {(r.package, r.month): (r.downloads, str(r.first_day), str(r.last_day))
            for r in stored(world.root, DOWNLOADS)}


def test_a_first_run_stores_six_months_of_totals_without_mirrors(world, pypi):
    run = world.run("pypi")
    assert run.code == 0, run.out
    asked = [(r.path, r.params) for r in world.server.log]
    assert asked == [(f"{PYPISTATS}/packages/flwr/overall", {"mirrors": "false"}),
                     (f"{PYPISTATS}/packages/opacus/overall", {"mirrors": "false"})]
    got = downloads(world)
    assert got[("flwr", "2026-05")] == (30, "2026-05-29", "2026-05-31")  # the window starts on the 29th
    assert got[("flwr", "2026-06")] == (300, "2026-06-01", "2026-06-30")
    assert got[("opacus", "2026-11")] == (2400, "2026-11-01", "2026-11-24")  # the month runs on
    assert len(got) == 14
    csv = (world.signals / "downloads.csv").read_text().splitlines()
    assert csv[:2] == ["package,month,downloads,first_day,last_day,source",
                       "flwr,2026-05,30,2026-05-29,2026-05-31,pypistats"]
    assert validate(store.load(world.root), TODAY) == []


def test_a_second_run_the_same_day_changes_nothing_but_the_status_times(world, pypi):
    assert world.run("pypi").code == 0
    before = snapshot(world.signals)
    run = world.run("pypi", now=NOW + dt.timedelta(hours=3))
    assert run.code == 0
    after = snapshot(world.signals)
    assert {name for name in after if after[name] != before.get(name)} == {"status.jsonl"}


def test_later_runs_extend_the_series_past_what_the_service_still_keeps(world, pypi):
    assert world.run("pypi").code == 0
    # Forty days on, the service has dropped May and the first days of June, and added forty new days.
    later = dt.date(2026, 11, 24) + dt.timedelta(40)
    pypi.serve("flwr", days(FIRST_DAY + dt.timedelta(40), later, 20))
    run = world.run("pypi", now=NOW + dt.timedelta(40))
    assert run.code == 0, run.out
    got = downloads(world)
    assert got[("flwr", "2026-05")] == (30, "2026-05-29", "2026-05-31")  # kept, though no longer served
    assert got[("flwr", "2026-06")] == (300, "2026-06-01", "2026-06-30")  # kept: the answer starts on 8 July
    assert got[("flwr", "2026-07")] == (310, "2026-07-01", "2026-07-31")  # kept: it counts 1 to 7 July too
    assert got[("flwr", "2026-08")] == (620, "2026-08-01", "2026-08-31")  # wholly in the answer: replaced
    assert got[("flwr", "2026-11")] == (600, "2026-11-01", "2026-11-30")  # now complete
    assert got[("flwr", "2027-01")] == (3 * 20, "2027-01-01", "2027-01-03")


def test_a_package_the_service_does_not_know_fails_alone_and_costs_nothing(world, pypi):
    assert world.run("pypi").code == 0
    kept = [r for r in stored(world.root, DOWNLOADS) if r.package == "opacus"]
    world.server.routes[pypi.path("opacus")] = lambda request: Reply(404, b'{"message": "Not Found"}')
    pypi.serve("flwr", days(FIRST_DAY, dt.date(2026, 11, 25), 10))
    run = world.run("pypi", now=NOW + dt.timedelta(days=1))
    assert run.code == 1
    status = {s.source: s for s in stored(world.root, STATUS)}["pypi"]
    assert "package opacus: PyPI Stats does not know the package 'opacus' (HTTP 404)" in status.last_error
    assert "renamed or removed; correct evidence.packages of first-trend, second-trend" in status.last_error
    assert [r for r in stored(world.root, DOWNLOADS) if r.package == "opacus"] == kept
    assert downloads(world)[("flwr", "2026-11")] == (250, "2026-11-01", "2026-11-25")  # the other one landed


@pytest.mark.parametrize(("reply", "reason"), [
    (Reply(200, b"<!DOCTYPE html><html><body>Down for maintenance</body></html>", {"Content-Type": "text/html"}),
     "PyPI Stats answered with an HTML page instead of JSON"),
    (Reply(200, b'{"data": [{"category": "without_mirrors", "date": "2026-11-2', {"Content-Type": "application/json"}),
     "the answer from PyPI Stats is not valid JSON (at character 50): it ends in the middle of the document, so it "
     "was cut short"),
    (Reply(200, b'{"data": [{"category": "without_mirrors", "date": "2026-11-20", "downloads": -4}]}'),
     "the downloads on 2026-11-20 is -4, not a count"),
])
def test_an_unusable_answer_is_named_with_its_package_and_stored_data_stays(world, pypi, reply, reason):
    assert world.run("pypi").code == 0
    before = (world.signals / "downloads.csv").read_bytes()
    world.server.routes[pypi.path("flwr")] = lambda request: reply
    run = world.run("pypi", now=NOW + dt.timedelta(days=1))
    assert run.code == 1
    status = {s.source: s for s in stored(world.root, STATUS)}["pypi"]
    assert status.last_error.startswith(f"package flwr: {reason}"), status.last_error
    flwr = [line for line in (world.signals / "downloads.csv").read_bytes().splitlines() if line.startswith(b"flwr")]
    assert flwr == [line for line in before.splitlines() if line.startswith(b"flwr")]


def test_a_malformed_package_name_is_a_validation_error_and_never_asked_for(world, pypi):
    name_evidence(world.root, "packages", **{"second-trend": ["opacus", "../../admin?x=1"]})
    run = world.run("pypi")
    assert run.code == 0, run.out  # the invalid record is left out of the run, the others are collected
    assert all("admin" not in r.path for r in world.server.log)
    assert [r.path for r in world.server.log] == [pypi.path("flwr"), pypi.path("opacus")]
    problems = [str(p) for p in validate(store.load(world.root), TODAY)]
    assert any("evidence.packages[1]: '../../admin?x=1' is not a PyPI project name" in p for p in problems)


# ---------------------------------------------------------------- the pure parts


def test_parse_overall_keeps_the_series_without_mirrors():
    answer = {"data": [{"category": "with_mirrors", "date": "2026-11-01", "downloads": 9},
                       {"category": "without_mirrors", "date": "2026-11-01", "downloads": 7}]}
    assert parse_overall(answer) == {dt.date(2026, 11, 1): 7}
    with pytest.raises(BadAnswer, match="no 'data' list"):
        parse_overall({"message": "rate limited"})
    with pytest.raises(BadAnswer, match="not YYYY-MM-DD"):
        parse_overall({"data": [{"category": "without_mirrors", "date": "1st of May", "downloads": 1}]})


def test_month_totals_keep_stored_days_the_answer_no_longer_holds():
    old = models.PackageDownloads(package="p", month="2026-06", downloads=50, first_day=dt.date(2026, 6, 1),
                                  last_day=dt.date(2026, 6, 10))
    answer = days(dt.date(2026, 6, 5), dt.date(2026, 7, 2), 1)
    june, july = month_totals("p", answer, {"2026-06": old})
    assert (june.downloads, june.first_day, june.last_day) == (70, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert (july.downloads, july.first_day, july.last_day) == (2, dt.date(2026, 7, 1), dt.date(2026, 7, 2))
    # An answer that covers the stored days replaces them: the service's numbers are the newer ones.
    (fresh,) = month_totals("p", days(dt.date(2026, 6, 1), dt.date(2026, 6, 12), 2), {"2026-06": old})
    assert (fresh.downloads, fresh.last_day) == (24, dt.date(2026, 6, 12))
    assert month_totals("p", {}, {}) == []


def test_a_rate_limited_host_waits_as_a_whole_and_the_rest_is_not_asked(world, pypi):
    assert world.run("pypi").code == 0
    before = (world.signals / "downloads.csv").read_bytes()
    world.server.routes[pypi.path("flwr")] = lambda request: Reply(429, b"Too Many Requests",
                                                                   {"Retry-After": "3600"})
    world.server.log.clear()
    run = world.run("pypi", now=NOW + dt.timedelta(days=1))
    assert run.code == 1
    assert [r.path for r in world.server.log] == [pypi.path("flwr")]
    status = {s.source: s for s in stored(world.root, STATUS)}["pypi"]
    assert status.last_error.startswith("package flwr: HTTP 429, and waiting 3600 s"), status.last_error
    assert status.last_error.endswith("1 not asked (HTTP 429, and waiting 3600 s more would take its failures past "
                                      "the 180 s this run allows a host): package opacus")
    assert (world.signals / "downloads.csv").read_bytes() == before


# ---------------------------------------------------------------- the opt-in backfill from ClickPy


CLICKHOUSE = "/clickhouse"


@pytest.fixture
def clickpy(world: World, pypi: FakePypiStats) -> dict[str, dict[str, int]]:
    """ClickHouse's HTTP interface playing ClickPy: monthly totals per project, mirrors included."""
    history = {"flwr": {f"2025-{m:02d}": 1000 + m for m in range(1, 13)} | {f"2026-{m:02d}": 900 for m in range(1, 11)}}

    def answer(request):
        if request.params.get("user") != "demo" or request.params.get("query") != HISTORY_QUERY:
            return Reply(400, b"Code: 62. DB::Exception: Syntax error")
        before = request.params["param_before"][:7]
        months = history.get(request.params["param_package"], {})
        rows = [{"month": f"{month}-01", "downloads": str(count)} for month, count in sorted(months.items())
                if month < before]
        return json_reply({"meta": [{"name": "month", "type": "String"}], "data": rows, "rows": len(rows)})

    world.server.routes[CLICKHOUSE + "/"] = answer
    return history


def test_the_backfill_fills_the_months_before_pypi_stats_and_says_where_they_come_from(world, clickpy):
    run = world.run("pypi", backfill_downloads=True, clickpy_url=world.server.url(CLICKHOUSE))
    assert run.code == 0, run.out
    asked = [r.params.get("param_package") for r in world.server.log if r.path == CLICKHOUSE + "/"]
    assert asked == ["flwr", "opacus"], run.out
    got = {(r.package, r.month): (r.downloads, str(r.source)) for r in stored(world.root, DOWNLOADS)}
    assert got[("flwr", "2025-03")] == (1003, "clickpy")  # before PyPI Stats' window: from the backfill
    assert got[("flwr", "2026-05")] == (900, "clickpy")  # PyPI Stats has only the 29th to the 31st
    assert got[("flwr", "2026-06")] == (300, "pypistats")  # a whole month of PyPI Stats is kept
    assert ("opacus", "2025-03") not in got  # ClickPy knows nothing of it: nothing added, no failure
    csv = (world.signals / "downloads.csv").read_text().splitlines()
    assert csv[0] == "package,month,downloads,first_day,last_day,source"
    # The next run's PyPI Stats answer starts mid-May again: the backfilled whole month stays.
    assert world.run("pypi", now=NOW + dt.timedelta(hours=2)).code == 0
    assert {(r.package, r.month): r.downloads for r in stored(world.root, DOWNLOADS)}[("flwr", "2026-05")] == 900


def test_a_failing_backfill_is_named_and_costs_nothing(world, clickpy):
    world.server.routes[CLICKHOUSE + "/"] = lambda request: Reply(200, b"<html>Cloudflare</html>",
                                                                  {"Content-Type": "text/html"})
    run = world.run("pypi", backfill_downloads=True, clickpy_url=world.server.url(CLICKHOUSE))
    assert run.code == 1
    status = {s.source: s for s in stored(world.root, STATUS)}["pypi"]
    assert "history flwr: ClickPy answered with an HTML page instead of JSON" in status.last_error
    assert all(str(r.source) == "pypistats" for r in stored(world.root, DOWNLOADS))


def test_a_short_retry_after_holds_the_whole_host_also_after_the_last_try(world, pypi):
    world.server.routes[pypi.path("flwr")] = lambda request: Reply(429, b"Too Many Requests", {"Retry-After": "20"})
    run = world.run("pypi")
    assert run.code == 1
    sent = [(s.url.split("/packages/")[1].split("/")[0], s.at) for s in run.outcome.requests]
    assert [name for name, _ in sent] == ["flwr", "flwr", "flwr", "opacus"]  # FAST: three tries, then the next
    assert all(later - earlier >= 20 for (_, earlier), (_, later) in pairwise(sent))  # opacus waited too
    assert [r.package for r in stored(world.root, DOWNLOADS)] == ["opacus"] * 7
