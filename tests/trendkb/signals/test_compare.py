"""What a refresh does to the collected signals (trendkb/signals/compare.py), and `trendkb signals-diff`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, TODAY
from tests.trendkb.test_revisions import git
from trendkb import models, store
from trendkb.cli import main
from trendkb.signals import COUNTS, NEWS, STATUS, SignalStore
from trendkb.signals.compare import compare, summary, verdict

FETCHED = dt.datetime(2026, 11, 24, 6, tzinfo=dt.UTC)


def count(subject: str, month: str, value: int) -> models.MonthlyCount:
    return models.MonthlyCount(subject=subject, month=month, count=value, fetched=FETCHED)


def news(key: str) -> models.NewsItem:
    return models.NewsItem(key=key, feed="fixture", title=f"Fixture item {key}", url=f"https://blog.example.org/{key}",
                           published=FETCHED, trends=["first-trend"])


def counts_store(folder: Path, values: dict[str, int]) -> SignalStore:
    signals = SignalStore(folder)
    for month, value in values.items():
        signals.put(COUNTS, count("first-trend", month, value))
    signals.put(STATUS, models.SourceStatus(source="arxiv", kind="arxiv", last_attempt=FETCHED))
    return signals


def test_changes_are_counted_by_kind_and_bookkeeping_is_left_out(tmp_path):
    before = counts_store(tmp_path / "a", {"2026-09": 1, "2026-10": 2, "2026-11": 3})
    after = counts_store(tmp_path / "b", {"2026-09": 1, "2026-10": 2, "2026-11": 4, "2026-12": 1})
    after.put(STATUS, models.SourceStatus(source="arxiv", kind="arxiv", last_attempt=FETCHED, last_error="x"))
    after.put(NEWS, news("one"))
    changes = {change.kind.name: change for change in compare(before, after)}
    assert "status" not in changes
    assert (changes["counts"].stored, changes["counts"].added, changes["counts"].changed,
            changes["counts"].removed) == (3, 1, 1, 0)
    assert (changes["news"].stored, changes["news"].added) == (0, 1)


def test_a_routine_refresh_adds_and_changes_a_little(tmp_path):
    before = counts_store(tmp_path / "a", {f"2026-{m:02d}": m for m in range(1, 11)})
    after = counts_store(tmp_path / "b", {**{f"2026-{m:02d}": m for m in range(1, 11)}, "2026-10": 99, "2026-11": 1})
    decision = verdict(compare(before, after), max_share=0.25)
    assert decision.routine and decision.reasons == []
    assert decision.detail == "1 added, 1 of 10 stored records changed (10%; at most 25% may), 0 removed"
    assert "**Routine: may merge by itself**" in summary(compare(before, after), decision, "HEAD")


def test_a_refresh_that_removes_or_rewrites_too_much_needs_a_review(tmp_path):
    before = counts_store(tmp_path / "a", {"2026-09": 1, "2026-10": 2, "2026-11": 3, "2026-12": 4})
    rewritten = counts_store(tmp_path / "b", {"2026-09": 5, "2026-10": 6, "2026-11": 3, "2026-12": 4})
    decision = verdict(compare(before, rewritten), max_share=0.25)
    assert not decision.routine
    assert decision.reasons == ["2 of 4 stored records changed (50%), more than the 25% a routine refresh may change"]
    assert verdict(compare(before, rewritten), max_share=0.5).routine
    shrunk = counts_store(tmp_path / "c", {"2026-09": 1, "2026-10": 2, "2026-11": 3})
    decision = verdict(compare(before, shrunk))
    assert decision.reasons == ["1 stored records would be removed (Monthly paper counts: 1)"]
    text = summary(compare(before, shrunk), decision, "origin/main")
    assert text.startswith("## Collected signals since origin/main\n")
    assert "| Monthly paper counts | 4 | 0 | 0 | 1 |" in text and "**Needs a review**" in text


@pytest.fixture
def refreshed(tmp_path: Path) -> Path:
    """A repository whose last commit holds collected signals; returns its root."""
    root = tmp_path / "repo"
    shutil.copytree(DATA / "kb", root)
    counts_store(store.signals_dir(root), {"2026-09": 1, "2026-10": 2, "2026-11": 3}).save()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "collected")
    return root


def signals_diff(root: Path, *args: str) -> int:
    return main(["--root", str(root), "signals-diff", "HEAD", *args], today=lambda: TODAY)


def test_the_command_exits_0_for_a_routine_refresh_and_1_for_one_to_review(refreshed, capsys):
    signals = SignalStore.load(store.signals_dir(refreshed))[0]
    signals.put(COUNTS, count("first-trend", "2026-12", 7))
    signals.save()
    assert signals_diff(refreshed) == 0
    assert "| Monthly paper counts | 3 | 1 | 0 | 0 |" in capsys.readouterr().out
    signals.remove(COUNTS, "first-trend", "2026-09")
    signals.save()
    assert signals_diff(refreshed) == 1
    assert "1 stored records would be removed" in capsys.readouterr().out
    signals.put(COUNTS, count("first-trend", "2026-09", 1))
    signals.put(COUNTS, count("first-trend", "2026-10", 20))
    signals.save()
    assert signals_diff(refreshed, "--max-changed-share", "0.2") == 1
    assert signals_diff(refreshed, "--max-changed-share", "0.5") == 0


def test_the_command_refuses_broken_signals_and_bad_arguments(refreshed, capsys):
    assert signals_diff(refreshed, "--max-changed-share", "25") == 2
    assert "give a number from 0 to 1" in capsys.readouterr().err
    assert main(["--root", str(refreshed), "signals-diff", "nope"], today=lambda: TODAY) == 2
    assert "no commit 'nope'" in capsys.readouterr().err
    (store.signals_dir(refreshed) / "counts.csv").write_text("not,the,header\n")
    assert signals_diff(refreshed) == 1
    assert "trends/signals/counts.csv:1: (header)" in capsys.readouterr().out
