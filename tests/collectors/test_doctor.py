"""`trendkb doctor`: one test for each problem it reports, and a deployment that passes.

The deployment is the fixture knowledge base with this repository's workflows and mkdocs.yml;
its feeds and a stand-in for GitHub's API are served from 127.0.0.1.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from collectors import run as collect_run
from tests.collectors.conftest import NOW, FakeClock, feeds_yaml
from tests.collectors.fakes import DATA, FakeFeed, LocalServer, Reply
from tests.conftest import REPO, TODAY
from trendkb.cli import main

FORK = "https://github.com/acme-lab/ml-trends"
API_PATH = "/repos/acme-lab/ml-trends"


class GitHub:
    """GitHub's API as the doctor asks it: Pages, and the state of each workflow."""

    def __init__(self, server: LocalServer):
        self.pages: dict | None = {"build_type": "workflow", "html_url": "https://acme-lab.github.io/ml-trends/"}
        self.states = {"ci.yml": "active", "refresh.yml": "active", "pages.yml": "active"}
        self.server = server
        server.routes[f"{API_PATH}/pages"] = lambda request: self.answer(self.pages)
        for name in self.states:
            server.routes[f"{API_PATH}/actions/workflows/{name}"] = \
                lambda request, name=name: self.answer({"name": name, "state": self.states[name]})

    @staticmethod
    def answer(body: dict | None) -> Reply:
        if body is None:
            return Reply(404, b'{"message": "Not Found"}', {"Content-Type": "application/json"})
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


@pytest.fixture
def deployment(kb_root: Path, server: LocalServer, news_server: LocalServer):
    """A deployment that passes every check: a real repository URL, working feeds, enabled Pages."""
    shutil.copytree(REPO / ".github", kb_root / ".github")
    config = (REPO / "mkdocs.yml").read_text()
    (kb_root / "mkdocs.yml").write_text(config.replace("repo_url: https://github.com/trendkb/trendkb",
                                                       f"repo_url: {FORK}"))
    news_server.routes["/research.rss"] = FakeFeed("research-blog.rss")
    news_server.routes["/lab.atom"] = FakeFeed("lab-news.atom", "application/atom+xml")
    feeds = feeds_yaml(news_server).replace("contact: https://github.com/trendkb/trendkb/issues\n", "")
    (kb_root / "trends" / "feeds.yaml").write_text(feeds, encoding="utf-8")
    return kb_root, GitHub(server), news_server


def doctor(root: Path, monkeypatch, *args: str, **environ: str) -> tuple[int, str]:
    out = io.StringIO()
    clock = FakeClock()
    env = collect_run.Environment(clock=clock, sleep=clock.sleep, now=lambda: NOW, out=out, err=io.StringIO(),
                                  tty=False, environ=environ)
    monkeypatch.setattr(collect_run, "system_environment", lambda: env)
    return main(["--root", str(root), "doctor", *args], today=lambda: TODAY), out.getvalue()


def online(deployment, monkeypatch, **environ: str) -> tuple[int, str]:
    root, github, _ = deployment
    return doctor(root, monkeypatch, "--online", TRENDKB_GITHUB_API=github.server.url(""), **environ)


def test_a_deployment_in_order_passes_and_is_asked_politely(deployment, monkeypatch):
    code, out = online(deployment, monkeypatch, GITHUB_ACTIONS="true", REFRESH_TOKEN="github_pat_x",
                       GITHUB_TOKEN="ghs_fixture")
    assert code == 0, out
    assert "PROBLEM" not in out and out.endswith("no problem found\n")
    assert f"ok       repository: {FORK} (from mkdocs.yml extra.trendkb.repo_url)" in out
    assert f"ok       contact: {FORK}/issues" in out
    assert "ok       feeds: research: a feed with 6 items" in out
    assert "ok       pages: GitHub Pages publishes what pages.yml builds" in out
    assert "ok       secrets: REFRESH_TOKEN is set" in out
    _, github, feeds = deployment
    # Each feed once, with the deployment's contact; the token goes to GitHub's API only.
    assert [r.path for r in feeds.log] == ["/research.rss", "/lab.atom"]
    assert all(f"(+{FORK}/issues)" in r.headers["user-agent"] and "authorization" not in r.headers
               for r in feeds.log)
    assert all(r.headers["authorization"] == "Bearer ghs_fixture" for r in github.server.log)


def test_the_placeholder_repository_and_its_contact_are_problems(deployment, monkeypatch):
    root, _, _ = deployment
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    code, out = doctor(root, monkeypatch)
    assert code == 1
    assert ("PROBLEM  repository: https://github.com/trendkb/trendkb (from mkdocs.yml extra.trendkb.repo_url) is "
            "the placeholder this project ships with\n         fix: set extra.trendkb.repo_url in mkdocs.yml") in out
    assert "PROBLEM  contact: https://github.com/trendkb/trendkb/issues" in out
    assert "fix: fixing the repository fixes this too" in out
    assert out.endswith("2 problems found\n")
    # The workflows' override is one way out: the repository they run in.
    code, out = doctor(root, monkeypatch, TRENDKB_REPO_URL=FORK)
    assert code == 0, out


def test_a_placeholder_contact_in_the_feed_list_is_a_problem(deployment, monkeypatch):
    root, _, _ = deployment
    feeds = root / "trends" / "feeds.yaml"
    feeds.write_text("contact: trends@example.org\n" + feeds.read_text())
    code, out = doctor(root, monkeypatch)
    assert code == 1
    assert "PROBLEM  contact: trends@example.org (from trends/feeds.yaml contact) is a placeholder" in out
    assert "fix: change or remove 'contact' in trends/feeds.yaml" in out


def test_feeds_that_do_not_parse_are_problems(deployment, monkeypatch):
    root, _, feeds = deployment
    feeds.routes["/lab.atom"] = lambda request: Reply(200, (DATA / "maintenance.html").read_bytes(),
                                                      {"Content-Type": "text/html; charset=utf-8"})
    code, out = online(deployment, monkeypatch)
    assert code == 1
    assert "ok       feeds: research: a feed with 6 items" in out
    assert "PROBLEM  feeds: lab: this is not an RSS or Atom feed (the server sent text/html" in out
    assert "fix: check the url of 'lab' in trends/feeds.yaml" in out
    # Offline, a feed list that does not load is a problem too.
    (root / "trends" / "feeds.yaml").write_text("feeds:\n- id: Lab News\n  title: x\n  url: ftp://x\n")
    code, out = doctor(root, monkeypatch)
    assert code == 1 and "PROBLEM  feeds: trends/feeds.yaml has problems: trends/feeds.yaml:2: feeds[0].homepage: " \
        "required field is missing; trends/feeds.yaml:2: feeds[0].id" in out


def test_missing_and_invalid_workflows_are_problems(deployment, monkeypatch):
    root, _, _ = deployment
    workflows = root / ".github" / "workflows"
    (workflows / "ci.yml").unlink()
    (workflows / "refresh.yml").write_text("on: push\njobs:\n  refresh:\n    steps:\n      - uses: a/b@v1\n"
                                           "        run: echo both\n")
    code, out = doctor(root, monkeypatch)
    assert code == 1
    assert "PROBLEM  workflows: .github/workflows/ci.yml is missing" in out
    assert "PROBLEM  workflows: a workflow does not fit GitHub's workflow schema: " in out
    assert "refresh.yml" in out.split("does not fit")[1].splitlines()[0]


def test_pages_publishing_another_branch_is_a_problem(deployment, monkeypatch):
    root, _, _ = deployment
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("branch: main", "branch: trunk"))
    code, out = doctor(root, monkeypatch)
    assert code == 1
    assert "PROBLEM  workflows: pages.yml publishes on pushes to main, but mkdocs.yml names the branch trunk" in out


@pytest.mark.parametrize("change, message", [
    (lambda github: setattr(github, "pages", None), "PROBLEM  pages: GitHub Pages is not enabled for acme-lab"),
    (lambda github: github.pages.update(build_type="legacy"), "PROBLEM  pages: GitHub Pages for acme-lab/ml-trends "
                                                              "publishes a branch, not what pages.yml builds"),
    (lambda github: github.states.update({"refresh.yml": "disabled_inactivity"}),
     "PROBLEM  pages: refresh.yml is disabled_inactivity (GitHub turns scheduled workflows off after 60 days"),
    (lambda github: github.states.update({"pages.yml": "disabled_manually"}),
     "PROBLEM  pages: pages.yml is disabled_manually"),
], ids=["pages-off", "pages-from-a-branch", "refresh-disabled", "pages-workflow-disabled"])
def test_pages_and_workflows_that_github_does_not_run_are_problems(deployment, monkeypatch, change, message):
    change(deployment[1])
    code, out = online(deployment, monkeypatch)
    assert code == 1 and message in out, out
    assert "fix: " in out.split(message)[1].splitlines()[1]


def test_without_online_pages_cannot_be_seen_and_that_is_not_a_problem(deployment, monkeypatch):
    code, out = doctor(deployment[0], monkeypatch)
    assert code == 0, out
    assert "unknown  pages: whether GitHub Pages is on, and the workflows enabled, is not checked offline" in out
    assert deployment[1].server.log == [] and deployment[2].log == []  # nothing was asked


def test_a_secret_the_workflows_use_but_the_job_lacks_is_a_problem(deployment, monkeypatch):
    root = deployment[0]
    code, out = doctor(root, monkeypatch, GITHUB_ACTIONS="true", REFRESH_TOKEN="")
    assert code == 1
    assert "PROBLEM  secrets: REFRESH_TOKEN, which refresh.yml use, is not set" in out
    assert "fix: create a fine-grained personal access token" in out
    # Not handed to the step, or outside GitHub Actions: it cannot be seen, which is not a problem.
    code, out = doctor(root, monkeypatch, GITHUB_ACTIONS="true")
    assert code == 0 and "unknown  secrets: REFRESH_TOKEN is not given to this step" in out
    code, out = doctor(root, monkeypatch)
    assert code == 0 and "unknown  secrets: REFRESH_TOKEN: secrets cannot be seen from here" in out
