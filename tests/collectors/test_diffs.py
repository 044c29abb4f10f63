"""What a refresh pull request shows: about one diff line per new record under trends/signals/."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
from pathlib import Path

from tests.collectors.conftest import FIRST, NOW
from tests.collectors.fakes import ATOM, atom_document
from tests.conftest import stored
from trendkb.signals import PAPERS


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


def new_papers(count: int, since: dt.datetime) -> list:
    """`count` fresh versions-1 entries, updated after `since`, newest first, cloned from a fixture entry."""
    template = atom_document("first-trend.xml").find(f"{ATOM}entry")
    entries = []
    for n in range(count):
        entry = copy.deepcopy(template)
        moment = since + dt.timedelta(minutes=count - n)
        entry.find(f"{ATOM}id").text = f"http://arxiv.org/abs/2611.{50000 + n:05d}v1"
        entry.find(f"{ATOM}updated").text = entry.find(f"{ATOM}published").text = f"{moment:%Y-%m-%dT%H:%M:%SZ}"
        entry.find(f"{ATOM}title").text = f"Fixture paper number {n} of the refresh"
        entries.append(entry)
    return entries


def test_a_refresh_that_adds_n_papers_changes_about_n_lines(world):
    assert world.run().code == 0
    git(world.root, "init", "-q")
    git(world.root, "add", "trends")
    git(world.root, "commit", "-q", "-m", "first collection")

    added = 150
    world.arxiv.newer[FIRST] = new_papers(added, NOW)
    world.server.log.clear()
    run = world.run(now=NOW + dt.timedelta(days=1), page_size=50)
    assert run.code == 0, run.out
    assert len(stored(world.root, PAPERS)) == 6 + added

    numstat = [line.split("\t") for line in git(world.root, "diff", "--numstat", "--", "trends/signals").splitlines()]
    changes = {path: (int(plus), int(minus)) for plus, minus, path in numstat}
    assert changes["trends/signals/arxiv/2026-11.jsonl"] == (added, 0)  # only new lines: nothing moved
    assert sum(plus + minus for plus, minus in changes.values()) <= added + 10, changes
