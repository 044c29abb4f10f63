"""The GitHub source against a local GitHub API: daily snapshots, the token, and every fault."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from tests.collectors.conftest import GITHUB, NOW, PYPISTATS, World, name_evidence
from tests.collectors.fakes import FakeGitHub, FakePypiStats, Reply
from tests.conftest import TODAY, snapshot, stored
from trendkb import store
from trendkb.signals import REPO_SNAPSHOTS, STATUS
from trendkb.validate import validate


@pytest.fixture
def github(world: World) -> FakeGitHub:
    # 'Adap/Flower' is 'adap/flower': asked once, stored once.
    name_evidence(world.root, "repos", **{"first-trend": ["adap/flower"],
                                          "second-trend": ["pytorch/opacus", "Adap/Flower"]})
    fake = FakeGitHub(world.server, GITHUB)
    fake.serve("adap/flower", stars=5200, release=("v1.12.0", "2026-10-30T14:02:11Z"))
    fake.serve("pytorch/opacus", stars=1700, pushed="2026-11-24T23:59:59-05:00")  # no releases: 404
    return fake


def snapshots(world: World) -> dict[tuple[str, str], tuple]:
    return {(s.repo, str(s.day)): (s.stars, s.forks, s.open_issues, s.release, s.released and str(s.released),
                                   s.pushed and str(s.pushed)) for s in stored(world.root, REPO_SNAPSHOTS)}


def test_each_repository_gets_one_snapshot_a_day(world, github):
    run = world.run("github")
    assert run.code == 0, run.out
    assert [r.path for r in world.server.log] == [
        f"{GITHUB}/repos/adap/flower", f"{GITHUB}/repos/adap/flower/releases/latest",
        f"{GITHUB}/repos/pytorch/opacus", f"{GITHUB}/repos/pytorch/opacus/releases/latest"]
    assert world.server.log[0].headers["accept"] == "application/vnd.github+json"
    assert snapshots(world) == {
        ("adap/flower", "2026-11-25"): (5200, 3, 4, "v1.12.0", "2026-10-30", "2026-11-20"),
        # No release is no failure; a push late on the 24th in New York was on the 25th in UTC.
        ("pytorch/opacus", "2026-11-25"): (1700, 3, 4, None, None, "2026-11-25"),
    }
    lines = (world.signals / "github" / "2026-11.jsonl").read_text().splitlines()
    assert lines[0] == ('{"repo":"adap/flower","day":"2026-11-25","stars":5200,"forks":3,"open_issues":4,'
                        '"release":"v1.12.0","released":"2026-10-30","pushed":"2026-11-20"}')
    assert validate(store.load(world.root), TODAY) == []


def test_the_same_day_again_changes_nothing_but_status_times_and_the_next_day_adds_a_snapshot(world, github):
    assert world.run("github").code == 0
    before = snapshot(world.signals)
    assert world.run("github", now=NOW + dt.timedelta(hours=11)).code == 0
    after = snapshot(world.signals)
    assert {name for name in after if after[name] != before.get(name)} == {"status.jsonl"}

    github.repos["adap/flower"]["stargazers_count"] = 5230
    assert world.run("github", now=NOW + dt.timedelta(days=1)).code == 0
    assert [(repo, day, stars[0]) for (repo, day), stars in snapshots(world).items() if repo == "adap/flower"] == [
        ("adap/flower", "2026-11-25", 5200), ("adap/flower", "2026-11-26", 5230)]


def test_the_token_goes_to_the_github_api_and_nowhere_else(world, github):
    name_evidence(world.root, "repos", **{"second-trend": []})
    pypi = FakePypiStats(world.server, PYPISTATS)
    pypi.serve("flwr", {dt.date(2026, 11, 20): 5})
    name_evidence(world.root, "packages", **{"first-trend": ["flwr"]})
    assert world.run("all", github_token="ghp_fixture").code == 0
    sent = {r.path: r.headers.get("authorization") for r in world.server.log}
    assert sent[f"{GITHUB}/repos/adap/flower"] == "Bearer ghp_fixture"
    assert sent[f"{GITHUB}/repos/adap/flower/releases/latest"] == "Bearer ghp_fixture"
    assert [path for path, token in sent.items() if token] == [f"{GITHUB}/repos/adap/flower",
                                                               f"{GITHUB}/repos/adap/flower/releases/latest"]
    assert "ghp_fixture" not in repr(world.options(github_token="ghp_fixture"))


@pytest.mark.parametrize(("path", "reply", "reason"), [
    ("/repos/pytorch/opacus", Reply(404, b'{"message": "Not Found"}'),
     "GitHub's API has no repository 'pytorch/opacus' (HTTP 404): it may have been removed or made private; "
     "correct evidence.repos of second-trend"),
    ("/repos/pytorch/opacus", Reply(200, b"<html><body>Unicorn!</body></html>", {"Content-Type": "text/html"}),
     "GitHub's API answered with an HTML page instead of JSON"),
    ("/repos/pytorch/opacus/releases/latest", Reply(200, b'{"tag_name": "v1.5", "published_at": "2026-1',
                                                    {"Content-Type": "application/json"}),
     "the answer from GitHub's API is not valid JSON (at character 37): it ends in the middle of the document"),
    ("/repos/pytorch/opacus", Reply(200, b'{"stargazers_count": "many"}', {"Content-Type": "application/json"}),
     "stargazers_count is 'many', not a count"),
])
def test_a_fault_is_named_with_its_repository_and_costs_no_snapshot(world, github, path, reply, reason):
    assert world.run("github").code == 0
    before = snapshots(world)
    world.server.routes[GITHUB + path] = lambda request: reply
    github.repos["adap/flower"]["stargazers_count"] = 5300
    run = world.run("github", now=NOW + dt.timedelta(days=1))
    assert run.code == 1
    status = {s.source: s for s in stored(world.root, STATUS)}["github"]
    assert status.last_error.startswith(f"repository pytorch/opacus: {reason}"), status.last_error
    after = snapshots(world)
    assert {key: value for key, value in after.items() if key in before} == before
    assert set(after) - set(before) == {("adap/flower", "2026-11-26")}  # the other repository landed


def test_a_spent_rate_limit_stops_the_host_and_records_the_rest_as_not_asked(world, github):
    assert world.run("github").code == 0
    before = snapshot(world.signals / "github")
    reset = int((NOW + dt.timedelta(days=1, hours=1)).timestamp())  # an hour after the next run starts
    world.server.routes[f"{GITHUB}/repos/adap/flower"] = lambda request: Reply(
        403, b'{"message": "API rate limit exceeded"}',
        {"Content-Type": "application/json", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    world.server.log.clear()
    run = world.run("github", now=NOW + dt.timedelta(days=1))
    assert run.code == 1
    assert [r.path for r in world.server.log] == [f"{GITHUB}/repos/adap/flower"]  # asked once, then no more
    status = {s.source: s for s in stored(world.root, STATUS)}["github"]
    assert "repository adap/flower: HTTP 403 (rate limited)" in status.last_error, status.last_error
    assert "not asked" in status.last_error and "repository pytorch/opacus" in status.last_error
    assert snapshot(world.signals / "github") == before


def test_a_429_makes_the_whole_host_wait_also_after_the_last_try(world, github):
    world.server.routes[f"{GITHUB}/repos/adap/flower"] = lambda request: Reply(
        429, b'{"message": "secondary rate limit"}',
        {"Content-Type": "application/json", "Retry-After": "20", "X-RateLimit-Limit": "5000",
         "X-RateLimit-Remaining": "4990"})
    run = world.run("github")
    assert run.code == 1
    flower = [r for r in world.server.log if r.path == f"{GITHUB}/repos/adap/flower"]
    assert len(flower) == 3  # FAST: three tries
    assert run.clock.sleeps.count(20.0) >= 2  # each try waited as asked
    # After the last try the host still owes its wait, and a rate-limited host is not asked again.
    assert not any("opacus" in r.path for r in world.server.log)
    status = {s.source: s for s in stored(world.root, STATUS)}["github"]
    assert "not asked" in status.last_error and "pytorch/opacus" in status.last_error


def test_when_the_quota_runs_out_the_next_request_waits_for_its_reset(world, github):
    github.headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW.timestamp()) + 40)}
    run = world.run("github")
    assert run.code == 0, run.out  # no request was refused: each one waited for the quota to come back
    sent = [s.at for s in run.outcome.requests]
    assert len(sent) == 4 and all(later - earlier >= 40 for earlier, later in pairwise(sent))
    assert len(snapshots(world)) == 2
