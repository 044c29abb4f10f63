"""The planted-phrase evaluation: a synthetic arXiv on 127.0.0.1, the real collect and build, the export scored,
the Emerging page opened in headless Chromium, and every "Propose as a trend" scaffold validated."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from benchmarks.browser import chromium, served
from benchmarks.listings import Corpus, evaluate, now_utc
from collectors.http import HttpSettings
from collectors.run import Environment
from tests.collectors.conftest import FakeClock
from tests.conftest import REPO
from trendkb import store
from trendkb.cli import main
from trendkb.phrases import phrases

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    """24 months of 600 synthetic papers, collected with arXiv's real spacing (on a fake clock) and built."""
    work = tmp_path_factory.mktemp("emerging")
    clock = FakeClock()
    corpus = Corpus(now_utc(), months=24, papers=600)
    env = Environment(clock=clock, sleep=clock.sleep, now=lambda: corpus.now, out=io.StringIO(),
                      err=io.StringIO(), tty=False, environ={})
    result = evaluate(work, corpus, env=env, http=HttpSettings(), page_size=300)
    return result, corpus, clock


def test_the_planted_emerging_phrases_lead_and_nothing_planted_to_mislead_is_listed(evaluation):
    result, _, _ = evaluation
    print(f"\nplanted-phrase evaluation: recall {result['recall']:.0%}, precision {result['precision']:.0%} "
          f"in the top ten {result['top']}")
    assert result["recall"] >= 0.8, result
    assert result["declining_listed"] == [] and result["decoys_listed"] == []
    assert result["covered_listed_unmarked"] == []
    assert result["covered_marked"] == ["edge inference", "retrieval augmented generation"]


def test_the_collect_was_polite_and_paged(evaluation):
    result, _, clock = evaluation
    assert result["requests"] == 1 + 24 * 2  # the daily listing, then two pages of 300 for each month
    assert sum(clock.sleeps) >= 3.0 * (result["requests"] - 1)


def test_the_export_names_collected_papers_that_use_each_topic(evaluation):
    result, corpus, _ = evaluation
    export = json.loads((Path(result["site"]) / "api" / "emerging.json").read_text())
    assert export["topics"] and [t["score"] for t in export["topics"]] == sorted(
        (t["score"] for t in export["topics"]), reverse=True)
    for topic in export["topics"]:
        assert {"term", "area", "score", "recent_papers", "growth", "examples", "covered_by"} <= topic.keys()
        assert topic["covered_by"] is None and 1 <= len(topic["examples"]) <= 3
        for arxiv_id in topic["examples"]:
            month = corpus.month_names.index(f"20{arxiv_id[:2]}-{arxiv_id[2:4]}")
            paper = corpus.paper(month, int(arxiv_id[5:]) - 1)
            assert topic["term"] in phrases(paper.title, paper.abstract)
    assert {c["covered_by"] for c in export["covered"]} >= {"edge-inference-latency", "retrieval-augmented-generation"}


def test_every_proposal_validates_once_its_placeholders_are_replaced(evaluation, tmp_path):
    result, _, _ = evaluation
    export = json.loads((Path(result["site"]) / "api" / "emerging.json").read_text())
    root = tmp_path / "repo"
    shutil.copytree(result["root"], root)
    for topic in export["topics"]:
        link = urlsplit(topic["propose_url"])
        assert (link.scheme, link.netloc, link.path) == ("https", "github.com", "/trendkb/trendkb/new/main")
        query = parse_qs(link.query)
        path, text = query["filename"][0], query["value"][0]
        assert path.startswith(f"trends/{topic['area']}/") and f"title: {topic['term'].capitalize()}" in text
        assert all(f"arxiv_id: '{i}'" in text for i in topic["examples"])
        (root / path).write_text(text, encoding="utf-8")
        assert main(["--root", str(root), "validate", str(root / path)]) == 1  # the placeholders are still there
        filled = re.sub(r"'TODO: [^']*'", "'Written by the test in its own words.'", text)
        (root / path).write_text(filled.replace("'@your-github-handle'", "'@octocat'"), encoding="utf-8")
        assert main(["--root", str(root), "fmt", str(root / path)]) == 0
        assert main(["--root", str(root), "validate", str(root / path)]) == 0, path
    assert len(store.load(root).trends) == 18 + len(export["topics"])


@pytest.mark.browser
def test_the_emerging_page_in_chromium(evaluation):
    result, _, _ = evaluation
    site = Path(result["site"])
    errors: list[str] = []
    with served(site) as url, chromium() as browser:
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.goto(url)
        top = tab.locator(".tkb-emerging-top li")
        assert top.count() == 3
        top.first.locator("a").click()
        tab.wait_for_url("**/emerging/#topic-*")
        rows = tab.locator("table.tkb-emerging tbody tr")
        assert rows.count() == len(json.loads((site / "api" / "emerging.json").read_text())["topics"])
        assert rows.first.locator("a.tkb-spark svg path").count() == 1  # the build-time sparkline
        propose = rows.first.locator("a", has_text="Propose as a trend")
        assert propose.get_attribute("href").startswith("https://github.com/trendkb/trendkb/new/main?filename=")
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "emerging-page.png"), full_page=True)
        tab.goto(url + "method/#emerging-topics")
        assert "false discovery rate" in tab.locator("article").inner_text()
    assert errors == []
