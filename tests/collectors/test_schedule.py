"""The schedule around the collectors: the workflows (auto-merge and its guard included), Dependabot,
installs from the lock file, `make refresh`, and the real feed list."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from trendkb import store

WORKFLOWS = REPO / ".github" / "workflows"


def check_workflows(*files: Path, schema: str = "vendor.github-workflows") -> subprocess.CompletedProcess:
    # The GitHub workflow and Dependabot schemas ship inside check-jsonschema: no network is needed.
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True, text=True, check=False,
    )


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def steps(flow: dict) -> list[dict]:
    return [step for job in flow["jobs"].values() for step in job.get("steps", [])]


def test_every_workflow_fits_the_github_workflow_schema():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "refresh.yml", "pages.yml"}
    result = check_workflows(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_does_catch_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: a/b@v1\n"
                   "        run: echo both\n")
    assert check_workflows(bad).returncode != 0


def test_refresh_runs_daily_and_on_demand_and_proposes_the_signals():
    flow = workflow("refresh.yml")
    triggers = flow[True]  # PyYAML reads the bare key `on` as True
    assert "workflow_dispatch" in triggers and triggers["schedule"][0]["cron"]
    runs = [step.get("run", "") for step in steps(flow)]
    assert any(run.startswith("make refresh") for run in runs)
    proposal = next(step for step in steps(flow) if step.get("uses", "").startswith("peter-evans/create-pull-request"))
    assert proposal["with"]["add-paths"] == "trends/signals/**"
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write"}


def step(flow: dict, name: str) -> dict:
    return next(found for found in steps(flow) if found.get("name") == name)


def test_a_routine_refresh_merges_itself_unless_switched_off():
    flow = workflow("refresh.yml")
    merge = step(flow, "Merge by itself once CI passes")
    assert merge["run"].startswith('gh pr merge "$PR" --auto')
    condition = " ".join(merge["if"].split())
    assert "steps.pr.outputs.pull-request-number" in condition
    assert "steps.guard.outputs.routine == 'true'" in condition
    assert "vars.REFRESH_AUTO_MERGE != 'false'" in condition  # the switch, a repository variable
    proposal = next(found for found in steps(flow) if found.get("id") == "pr")
    assert "steps.guard.outputs.routine == 'true' && 'refresh' || 'refresh,needs-review'" in proposal["with"]["labels"]
    hold = step(flow, "Hold it for review")
    assert "steps.guard.outputs.routine != 'true'" in hold["if"] and "--disable-auto" in hold["run"]
    order = [found.get("id") or found.get("name") for found in steps(flow)]
    assert order.index("refresh") < order.index("guard") < order.index("pr") < order.index(merge["name"])


def test_the_refresh_job_runs_the_doctor_with_the_secret_it_can_check():
    check = step(workflow("refresh.yml"), "Check the deployment (trendkb doctor)")
    assert check["run"] == "make doctor" and check["continue-on-error"] is True
    assert check["env"] == {"REFRESH_TOKEN": "${{ secrets.REFRESH_TOKEN }}"}
    assert workflow("refresh.yml")["env"]["TRENDKB_REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"


@pytest.mark.parametrize("verdict, routine", [(0, "true"), (1, "false"), (2, None)])
def test_the_guard_step_turns_signals_diff_s_exit_code_into_its_output(tmp_path, verdict, routine):
    """Runs the guard step's own script with a stand-in trendkb that exits as signals-diff would."""
    script = step(workflow("refresh.yml"), "Decide whether the refresh may merge by itself")["run"]
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    trendkb = tmp_path / ".venv" / "bin" / "trendkb"
    trendkb.write_text(f'#!/bin/sh\necho "$*" > args\necho "## Collected signals"\nexit {verdict}\n')
    trendkb.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "output"),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"), "MAX_SHARE": "0.1"}
    result = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            check=False)
    assert (result.returncode == 0) is (routine is not None), result.stderr
    assert (tmp_path / "args").read_text().split() == ["signals-diff", "HEAD", "--max-changed-share", "0.1"]
    assert (tmp_path / "summary").read_text() == "## Collected signals\n"
    output = (tmp_path / "output").read_text() if (tmp_path / "output").exists() else ""
    assert output == (f"routine={routine}\n" if routine else "")


def test_every_install_comes_from_the_lock_file():
    makefile = (REPO / "Makefile").read_text()
    assert (REPO / "uv.lock").is_file()
    installs = [line.strip() for line in makefile.splitlines() if " sync " in line]
    assert installs and all("--locked" in line for line in installs)
    assert "pip install" not in makefile.replace("pip install --quiet uv==$(UV_VERSION)", "")
    for name in ("ci.yml", "refresh.yml", "pages.yml"):
        text = (WORKFLOWS / name).read_text()
        assert "pip install" not in text and "cache: pip" not in text, name
        runs = [found.get("run", "") for found in steps(workflow(name))]
        assert any(run.split()[:2] in (["make", "install"], ["make", "site"], ["make", "test"]) for run in runs)


def test_dependabot_proposes_lock_and_action_updates():
    config = REPO / ".github" / "dependabot.yml"
    result = check_workflows(config, schema="vendor.dependabot")
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = {update["package-ecosystem"] for update in yaml.safe_load(config.read_text())["updates"]}
    assert ecosystems == {"uv", "github-actions"}


def test_pages_publishes_the_built_site_from_main():
    flow = workflow("pages.yml")
    assert flow[True]["push"]["branches"] == ["main"]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps(flow)}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    assert "actions/deploy-pages" in uses
    assert any(step.get("run") == "make site" for step in steps(flow))
    assert flow["permissions"]["pages"] == "write" and flow["permissions"]["id-token"] == "write"


@pytest.fixture
def fake_venv(tmp_path):
    """A stand-in .venv whose trendkb exits with $COLLECT_CODE for `collect` and whose mkdocs leaves a mark."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    marks = tmp_path / "marks"
    for name, body in {
        "python": "exit 0",
        "trendkb": f'echo "trendkb $*" >> {marks}; [ "$1" = collect ] && exit "$COLLECT_CODE"; exit 0',
        "mkdocs": f'echo "mkdocs $*" >> {marks}',
    }.items():
        script = venv / "bin" / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    (venv / ".installed").touch()
    os.utime(venv / ".installed", (4_000_000_000, 4_000_000_000))  # newer than pyproject.toml
    return venv, marks


@pytest.mark.parametrize("collect_code, make_fails, built", [(0, False, True), (1, True, True), (2, True, False)])
def test_make_refresh_builds_after_a_partial_failure_and_stops_on_a_usage_error(fake_venv, collect_code, make_fails,
                                                                                built):
    venv, marks = fake_venv
    # Run as a fresh make, not as a child of the `make test` that may be running this.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "refresh", f"VENV={venv}"],
                            capture_output=True, text=True, env={**env, "COLLECT_CODE": str(collect_code)},
                            check=False)
    assert (result.returncode != 0) is make_fails, result.stderr
    log = marks.read_text()
    assert log.startswith("trendkb collect all")
    assert ("trendkb render" in log and "mkdocs build --strict" in log) is built
    if collect_code == 1:
        assert "some sources failed" in result.stderr


def test_the_real_feed_list_has_ten_distinct_web_feeds():
    loaded, problems = store.load_feeds(REPO / "trends" / "feeds.yaml", REPO)
    assert problems == []
    feeds = loaded.record.feeds
    assert len(feeds) >= 10
    assert len({f.id for f in feeds}) == len({f.url for f in feeds}) == len(feeds)
    assert all(f.url.startswith("https://") and f.homepage.startswith("https://") for f in feeds)
