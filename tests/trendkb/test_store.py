"""Loading the knowledge base (trendkb/store.py) and the cross-record rules (trendkb/validate.py)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import TODAY
from trendkb import store
from trendkb.signals import PAPERS
from trendkb.validate import validate

PAPER = ('{{"arxiv_id":"2611.01230","version":2,"title":"A paper","authors":["A. Author"],"author_count":1,'
         '"published":"2026-11-02","updated":"2026-11-05","primary_category":"cs.LG","abstract":"Short.",'
         '"url":"https://arxiv.org/abs/2611.01230","trends":["first-trend","{trend}"]}}\n')


def test_fixture_loads_clean(kb_root):
    kb = store.load(kb_root)
    assert [a.id for a in kb.areas] == ["alpha", "beta"]
    assert [t.id for t in kb.trends] == ["first-trend", "second-trend"]
    assert validate(kb, TODAY) == []


def test_signals_load_with_the_knowledge_base_and_their_trend_links_are_checked(kb_root):
    folder = kb_root / "trends" / "signals" / "arxiv"
    folder.mkdir(parents=True)
    (folder / "2026-11.jsonl").write_text(PAPER.format(trend="second-trend"))
    kb = store.load(kb_root)
    assert [paper.arxiv_id for paper in kb.signals.records(PAPERS)] == ["2611.01230"]
    assert validate(kb, TODAY) == []

    (folder / "2026-11.jsonl").write_text("\n" + PAPER.format(trend="gone"))  # blank lines are allowed, and counted
    problems = [str(p) for p in validate(store.load(kb_root), TODAY)]
    assert problems == ["trends/signals/arxiv/2026-11.jsonl:2: trends[1]: no trend has the id 'gone'; if it was "
                        "removed or renamed, 'trendkb signals-prune' takes it out of the collected records"]


def test_a_bad_signal_file_is_a_problem_of_the_knowledge_base(kb_root):
    signals = kb_root / "trends" / "signals"
    signals.mkdir(parents=True)
    (signals / "counts.csv").write_text("subject,month,count,fetched\nfirst-trend,2026-10,many,2026-11-25T06:00:00Z\n")
    problems = [str(p) for p in validate(store.load(kb_root), TODAY)]
    assert problems == ["trends/signals/counts.csv:2: count: 'many' is not a whole number"]


def test_duplicate_area_ids_are_reported(kb_root):
    areas = kb_root / "trends" / "areas.yaml"
    extra = "- id: beta\n  title: Again\n  summary: Twice.\n  arxiv_categories:\n  - cs.AI\n"
    areas.write_text(areas.read_text() + extra)
    problems = [str(p) for p in validate(store.load(kb_root), TODAY)]
    assert problems == ["trends/areas.yaml:12: areas[2].id: area id 'beta' is used twice"]


def test_one_day_of_clock_slack(kb_root):
    path = kb_root / "trends" / "beta" / "second-trend.yaml"
    tomorrow = TODAY + dt.timedelta(days=1)
    path.write_text(path.read_text().replace("updated: 2025-06-01", f"updated: {tomorrow}"))
    assert validate(store.load(kb_root), TODAY) == []
    path.write_text(path.read_text().replace(f"updated: {tomorrow}", f"updated: {TODAY + dt.timedelta(days=2)}"))
    assert [p.field for p in validate(store.load(kb_root), TODAY)] == ["updated"]


def test_load_then_save_is_byte_identical(kb_root):
    for entry in store.load(kb_root).trend_files:
        path = kb_root / entry.doc.path
        assert store.trend_text(entry.record) == path.read_text(encoding="utf-8")


def test_every_file_under_trends_is_a_known_kind_or_a_problem():
    names = ["trends/areas.yaml", "trends/feeds.yaml", "trends/schema.json", "trends/alpha/first-trend.yaml",
             "trends/signals/arxiv/2026-11.yaml", "trends/signals/anything.bin",  # the signal store's to judge
             "trends/alpha/.first-trend.yaml.swp", "trends/alpha/first-trend.yaml~",  # an editor's, while typing
             "trends/alpha/x.yml", "trends/alpha/Y.YAML", "trends/alpha/sub/z.yaml", "trends/alpha/sub/deeper/w.yml",
             "trends/alpha/README.md", "trends/alpha/.hidden.yaml", "trends/notes.yaml", "trends/gamma/stray.yaml"]
    trend_files, problems = store.sort_trend_files(names)
    # A folder that is not an area still holds trend files: validate says the folder is wrong.
    assert trend_files == ["trends/alpha/.hidden.yaml", "trends/alpha/first-trend.yaml", "trends/gamma/stray.yaml"]
    assert [(p.path, p.line, p.field) for p in problems] == [
        ("trends/alpha/README.md", 1, "(file)"), ("trends/alpha/Y.YAML", 1, "(file)"),
        ("trends/alpha/sub/deeper/w.yml", 1, "(file)"), ("trends/alpha/sub/z.yaml", 1, "(file)"),
        ("trends/alpha/x.yml", 1, "(file)"), ("trends/notes.yaml", 1, "(file)")]
    messages = {p.path: p.message for p in problems}
    assert messages["trends/alpha/Y.YAML"] == "not read as a trend: rename it to trends/alpha/Y.yaml"
    assert messages["trends/alpha/sub/deeper/w.yml"].endswith("move it to trends/alpha/w.yaml")
    assert messages["trends/alpha/README.md"].startswith("not a trend record")
    assert messages["trends/notes.yaml"].startswith("trends/ holds only areas.yaml, feeds.yaml, schema.json")


def test_files_under_trends_lists_everything_but_the_signal_store(kb_root):
    trends = kb_root / "trends"
    (trends / "signals" / "arxiv").mkdir(parents=True)
    (trends / "signals" / "arxiv" / "2026-11.jsonl").write_text("")  # the signal store's to check
    (trends / "alpha" / "sub").mkdir()
    (trends / "alpha" / "sub" / "x.yaml").write_text("id: x\n")
    (trends / "linked").symlink_to(trends / "alpha", target_is_directory=True)
    assert store.files_under_trends(kb_root) == [
        "trends/alpha/first-trend.yaml", "trends/alpha/sub/x.yaml", "trends/areas.yaml",
        "trends/beta/second-trend.yaml", "trends/linked"]
    problems = [str(p) for p in validate(store.load(kb_root), TODAY)]
    assert problems == [
        "trends/alpha/sub/x.yaml:1: (file): not read as a trend: trends are not read from sub-folders; "
        "move it to trends/alpha/x.yaml",
        "trends/linked:1: (file): trends/ holds only areas.yaml, feeds.yaml, schema.json, signals/ and one folder "
        "per area; a trend goes in trends/<area>/<id>.yaml"]
