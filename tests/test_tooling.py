"""Contributor tooling stays wired to the same commands: CI and pre-commit."""

from __future__ import annotations

import fnmatch
import re
import subprocess

import yaml

from tests.conftest import REPO
from trendkb import store


def test_ci_entry_point_runs_make_test():
    lines = [line for line in (REPO / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[-1] == "make test"


def test_pull_request_workflow_runs_make_test():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    # PyYAML reads the bare key `on` as True.
    assert "pull_request" in workflow[True]
    steps = [step.get("run") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "make test" in steps


def test_a_data_pull_request_gets_a_fast_job_before_the_full_tests():
    jobs = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())["jobs"]
    assert jobs["test"]["needs"] == "data"
    data = jobs["data"]
    assert data["timeout-minutes"] <= 10
    runs = [step.get("run", "") for step in data["steps"]]
    summary = next(step for step in data["steps"] if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    assert summary["run"] == '.venv/bin/trendkb diff HEAD^1 >> "$GITHUB_STEP_SUMMARY"'
    assert summary["if"] == "github.event_name == 'pull_request'"
    # HEAD^1 is the base branch of the merge commit a pull request is checked out as: it must be fetched.
    assert data["steps"][0]["with"]["fetch-depth"] == 2
    # Nothing of the full tests (chromium, notebooks, pytest): install, summary, validate, build.
    assert [run for run in runs if run] == ["make install", summary["run"], "make validate", "make site"]


def test_pre_commit_runs_ruff_and_validate_on_every_file_under_trends():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["ruff"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["trendkb-validate"]["entry"] == ".venv/bin/trendkb validate"
    assert hooks["trendkb-validate"]["pass_filenames"] is False
    pattern = hooks["trendkb-validate"]["files"]
    for changed in ("trends/alpha/x.yaml", "trends/alpha/x.yml", "trends/alpha/sub/x.yaml", "trends/notes.txt",
                    "trends/areas.yaml", "content/examples/demo.ipynb"):
        assert re.search(pattern, changed), changed
    assert not re.search(pattern, "trendkb/cli.py")


def test_the_editor_litter_validate_leaves_alone_is_never_committed():
    samples = ["x.yaml~", ".x.yaml.swp", ".x.yaml.swo", ".#x.yaml", "#x.yaml#", ".DS_Store", "Thumbs.db"]
    assert all(any(fnmatch.fnmatchcase(name, pattern) for pattern in store.EDITOR_LITTER) for name in samples)
    assert len(samples) == len(store.EDITOR_LITTER)
    for name in samples:
        ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", f"trends/automl/{name}"], check=False)
        assert ignored.returncode == 0, f"{name} is not in .gitignore"


def test_ci_builds_the_site_with_both_engines_and_runs_their_shared_browser_tests():
    jobs = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())["jobs"]
    runs = [step.get("run") for step in jobs["engines"]["steps"] if step.get("run")]
    assert runs == ["make site", "make site ENGINE=zensical", "make test-engines"]
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^test-engines: .*\n\t\$\(BIN\)/python -m pytest -m engines$", makefile, flags=re.M)
