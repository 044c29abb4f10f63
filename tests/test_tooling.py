"""Contributor tooling stays wired to the same commands: CI and pre-commit."""

from __future__ import annotations

import yaml

from tests.conftest import REPO


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


def test_pre_commit_runs_ruff_and_validate():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    entries = {hook["id"]: hook["entry"] for repo in config["repos"] for hook in repo["hooks"]}
    assert entries["ruff"].startswith(".venv/bin/ruff check")
    assert entries["trendkb-validate"] == ".venv/bin/trendkb validate"
