"""`trendkb collect` on the command line: exit codes, options, and staying out of trendkb's imports."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import pytest

from collectors import run as collect_run
from tests.collectors.conftest import API, GITHUB, LISTINGS, NOW, PYPISTATS, FakeClock, World, name_evidence
from tests.collectors.fakes import FakeGitHub, FakePypiStats, Reply
from tests.conftest import REPO, TODAY, snapshot
from trendkb.cli import main
from trendkb.signals import RunLock


@pytest.fixture
def streams(monkeypatch):
    """Route the command's environment through a fake clock (no real waiting) and capture its output."""
    out, err = io.StringIO(), io.StringIO()
    clock = FakeClock()
    env = collect_run.Environment(clock=clock, sleep=clock.sleep, now=lambda: NOW, out=out, err=err, tty=False,
                                  environ={})
    monkeypatch.setattr(collect_run, "system_environment", lambda: env)
    return out, err


def collect(world: World, *args: str) -> int:
    return main(["--root", str(world.root), "collect", *args, "--arxiv-url", world.server.url(API),
                 "--listing-url", world.server.url(LISTINGS)], today=lambda: TODAY)


def test_collect_then_validate(world, streams, capsys):
    assert collect(world) == 0
    assert "news:research" in streams[0].getvalue()
    assert main(["--root", str(world.root), "validate"], today=lambda: TODAY) == 0
    assert "collected signals" in capsys.readouterr().err


def test_a_failing_source_exits_1_and_the_rest_is_stored(world, streams):
    world.break_route("/lab.atom", Reply(503))
    assert collect(world, "all") == 1
    assert "news:lab: HTTP 503" in streams[0].getvalue()
    assert (world.signals / "news" / "2026-11.jsonl").is_file()


def test_the_host_budget_can_be_set(world, streams):
    world.break_route(API, Reply(503))
    assert collect(world, "arxiv", "--host-budget", "60") == 1
    # Two tries (10 s and 20 s of backoff); a third could hang for 40 s, past the 60 s: no more is asked.
    assert len(world.server.log) == 2
    assert ("trend first-trend: papers: not sent: HTTP 503; its failures cost 30 s, and one more unanswered request "
            "could take them past the 60 s this run allows a host") in streams[0].getvalue()
    assert "3 not asked (HTTP 503; its failures cost 30 s" in streams[0].getvalue()


def test_the_arxiv_url_can_come_from_the_environment(world, streams, monkeypatch):
    monkeypatch.setenv("TRENDKB_ARXIV_URL", world.server.url(API))
    assert main(["--root", str(world.root), "collect", "arxiv", "--trend", "first-trend"], today=lambda: TODAY) == 0
    assert world.server.requests_to(API)


def test_the_adoption_endpoints_the_token_and_the_delay_come_from_the_command_line(world, streams, monkeypatch):
    pypi = FakePypiStats(world.server, PYPISTATS)
    pypi.serve("flwr", {dt.date(2026, 11, 20): 7})
    github = FakeGitHub(world.server, GITHUB)
    github.serve("adap/flower", stars=10)
    name_evidence(world.root, "packages", **{"first-trend": ["flwr"]})
    name_evidence(world.root, "repos", **{"first-trend": ["adap/flower"]})
    monkeypatch.setenv("TRENDKB_GITHUB_API_URL", world.server.url(GITHUB))
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_from_the_environment")
    seen = []
    real = collect_run.collect
    monkeypatch.setattr(collect_run, "collect", lambda root, what, options, env: seen.append(options) or real(
        root, what, options, env))
    for source in ("pypi", "github"):
        assert main(["--root", str(world.root), "collect", source, "--pypistats-url", world.server.url(PYPISTATS),
                     "--source-delay", "0.25"], today=lambda: TODAY) == 0
    assert {options.http.min_interval for options in seen} == {0.25}
    assert [r.path for r in world.server.log] == [pypi.path("flwr"), f"{GITHUB}/repos/adap/flower",
                                                  f"{GITHUB}/repos/adap/flower/releases/latest"]
    assert world.server.log[1].headers["authorization"] == "Bearer ghp_from_the_environment"
    assert "authorization" not in world.server.log[0].headers
    assert (world.signals / "downloads.csv").is_file() and (world.signals / "github" / "2026-11.jsonl").is_file()


@pytest.mark.parametrize("args, message", [
    (["--since", "25/11/2026"], "is not a date; write it as YYYY-MM-DD"),
    (["--since", "2027-01-01"], "is in the future"),
    (["--backfill-months", "-1"], "--backfill-months takes a number of months"),
    (["--host-budget", "5"], "--host-budget takes a number of seconds from 60"),
    (["--trend", "nope"], "no valid trend has the id 'nope'"),
    (["--feeds", "/nonexistent/feeds.yaml"], "no such feed list"),
    (["--arxiv-url", "ftp://example.org/api"], "does not start with http"),
    (["--pypistats-url", "pypistats.org/api"], "the PyPI Stats API URL 'pypistats.org/api' does not start with http"),
    (["--github-api-url", "file:///etc"], "the GitHub API URL 'file:///etc' does not start with http"),
    (["--source-delay", "-1"], "--source-delay takes a number of seconds from 0 to 60"),
    (["everything"], "unknown source 'everything'; choose one of arxiv, github, listings, news, pypi, all"),
])
def test_usage_and_config_errors_exit_2_before_any_request(world, streams, capsys, args, message):
    before = snapshot(world.root)
    code = main(["--root", str(world.root), "collect", *args], today=lambda: TODAY)
    assert code == 2
    assert message in capsys.readouterr().err
    assert world.server.log == [] and snapshot(world.root) == before


def test_a_second_run_while_one_is_running_exits_2_with_a_clear_message(world, streams, capsys):
    with RunLock(world.signals):
        assert collect(world) == 2
    assert "another 'trendkb collect'" in capsys.readouterr().err


def test_trendkb_does_not_import_the_collectors():
    code = ("import sys, trendkb.cli, trendkb.store, trendkb.validate; "
            "sys.exit(any(m == 'collectors' or m.startswith('collectors.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0
