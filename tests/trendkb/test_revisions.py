"""`trendkb diff` on a fixture git repository (trendkb/revisions.py reads it; trendkb/changes.py compares).

The repository is made by the test in a temp folder: the fixture knowledge base
in a sub-folder (so the root is not the top of the repository), then a commit
that adds a trend, moves a ring with its reason and edits a field.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA, TODAY
from trendkb import revisions
from trendkb.cli import main

GIT_ENV = {"GIT_AUTHOR_NAME": "Fixture", "GIT_AUTHOR_EMAIL": "fixture@example.org",
           "GIT_COMMITTER_NAME": "Fixture", "GIT_COMMITTER_EMAIL": "fixture@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A repository with two commits, tagged 'before' and 'after'; returns the knowledge base's root."""
    repo = tmp_path / "repo"
    root = repo / "kb"
    shutil.copytree(DATA / "kb", root)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "fixture knowledge base")
    git(repo, "tag", "before")

    first = root / "trends" / "alpha" / "first-trend.yaml"
    first.write_text(first.read_text().replace("\nring: trial\n", "\nring: adopt\n").replace(
        "  reason: Worked in a pilot.\n",
        "  reason: Worked in a pilot.\n- date: 2025-09-01\n  ring: adopt\n  reason: In production at two teams.\n"))
    second = root / "trends" / "beta" / "second-trend.yaml"
    second.write_text(second.read_text().replace("summary: ", "summary: Edited. "))
    shutil.copy(second, root / "trends" / "beta" / "third-trend.yaml")
    third = root / "trends" / "beta" / "third-trend.yaml"
    third.write_text(third.read_text().replace("id: second-trend", "id: third-trend").replace(
        "title: Second fixture trend", "title: Third fixture trend"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "add, move, edit")
    git(repo, "tag", "after")
    return root


def diff(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "diff", *args], today=lambda: TODAY)
    out, err = capsys.readouterr()
    return code, out, err


EXPECTED = """\
1 trend added, 1 ring move, 2 trends edited.

### Added

- **Third fixture trend** (`beta/third-trend`), ring assess

### Ring moves

- **First fixture trend** (`alpha/first-trend`): trial → adopt on 2025-09-01: In production at two teams.

### Edited

- **First fixture trend** (`alpha/first-trend`): `ring`, `ring_history`
- **Second fixture trend** (`beta/second-trend`): `summary`
"""


def test_diff_between_two_commits(history, capsys):
    code, out, _ = diff(history, capsys, "before", "after")
    assert code == 0
    assert out == "## Trend changes from `before` to `after`\n\n" + EXPECTED
    for written in ("before..after", "before...after"):
        assert diff(history, capsys, written)[1] == f"## Trend changes from `before` to `after`\n\n{EXPECTED}"


def test_diff_against_the_working_tree_sees_unsaved_commits_and_files(history, capsys):
    assert diff(history, capsys, "HEAD~1")[1] == "## Trend changes since `HEAD~1`\n\n" + EXPECTED
    (history / "trends" / "beta" / "third-trend.yaml").unlink()
    code, out, _ = diff(history, capsys, "after")
    assert (code, out) == (0, "## Trend changes since `after`\n\n1 trend removed.\n\n### Removed\n\n"
                              "- **Third fixture trend** (`beta/third-trend`)\n")


def test_files_at_a_revision_are_the_trend_files_the_store_reads(history):
    files = revisions.files_at(history, "after")
    assert sorted(files) == ["trends/alpha/first-trend.yaml", "trends/beta/second-trend.yaml",
                             "trends/beta/third-trend.yaml"]
    assert files["trends/beta/third-trend.yaml"] == (history / "trends" / "beta" / "third-trend.yaml").read_bytes()
    assert revisions.files_on_disk(history) == files


def test_unknown_revisions_and_folders_outside_git_are_usage_errors(history, tmp_path, capsys):
    code, _, err = diff(history, capsys, "no-such-branch")
    assert code == 2 and "no commit 'no-such-branch' in the repository" in err
    # Never handed to git as an option.
    code, _, err = diff(history, capsys, "--", "--output=written-by-git")
    assert code == 2 and "'--output=written-by-git' is not a revision" in err
    assert not (history / "written-by-git").exists()
    outside = tmp_path / "outside"
    shutil.copytree(DATA / "kb", outside)
    code, _, err = diff(outside, capsys, "HEAD")
    assert code == 2 and "is not in a git repository" in err
