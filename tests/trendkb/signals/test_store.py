"""The signal store (trendkb/signals/store.py): files by kind, merging, stable saving, and what it refuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import snapshot
from tests.trendkb.signals.test_formats import AWKWARD, WHEN, paper
from trendkb import models
from trendkb.signals import COUNTS, PAPERS, STATUS, WATERMARKS, SignalStore, clean_leftovers
from trendkb.signals.lock import LOCK_NAME


def count(subject: str, month: str, value: int) -> models.MonthlyCount:
    return models.MonthlyCount(subject=subject, month=month, count=value, fetched=WHEN)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A signals folder with papers in two months, counts and a status."""
    signals = SignalStore(tmp_path / "signals")
    for record in (paper("2610.00009", published=dt.date(2026, 10, 30), updated=dt.date(2026, 10, 30)),
                   *AWKWARD):
        signals.put(PAPERS, record)
    signals.put(COUNTS, count("first-trend", "2026-11", 17))
    signals.put(COUNTS, count("baseline:alpha", "2026-11", 7400))
    signals.put(STATUS, models.SourceStatus(source="arxiv", kind="arxiv", last_attempt=WHEN))
    signals.save()
    return tmp_path / "signals"


def load(folder: Path) -> SignalStore:
    signals, problems = SignalStore.load(folder)
    assert problems == []
    return signals


def test_records_are_filed_by_kind_and_month_and_sorted_by_key(folder):
    assert sorted(snapshot(folder)) == ["arxiv/2026-10.jsonl", "arxiv/2026-11.jsonl", "counts.csv", "status.jsonl"]
    november = (folder / "arxiv" / "2026-11.jsonl").read_text().splitlines()
    assert [line[13:23] for line in november] == ["2611.00001", "2611.00002", "2611.00003"]
    assert (folder / "counts.csv").read_text().splitlines()[1].startswith("baseline:alpha,")
    signals = load(folder)
    assert [p.arxiv_id for p in signals.records(PAPERS)] == ["2610.00009", "2611.00001", "2611.00002", "2611.00003"]
    assert signals.get(COUNTS, "first-trend", "2026-11").count == 17
    assert [(shown, line) for _, shown, line in signals.where(PAPERS)][-1] == ("trends/signals/arxiv/2026-11.jsonl", 3)
    assert signals.files(PAPERS) == ["arxiv/2026-10.jsonl", "arxiv/2026-11.jsonl"]


def test_a_load_then_save_changes_nothing(folder):
    before = snapshot(folder)
    signals = load(folder)
    for record in signals.records(PAPERS):
        assert signals.put(PAPERS, record) == "same"
    assert signals.pending() == {} and signals.save() == []
    assert snapshot(folder) == before


def test_a_newer_paper_version_replaces_the_stored_one_and_an_older_one_only_adds_trends(folder):
    signals = load(folder)
    newer = paper("2611.00001", version=3, title="Revised", trends=["second-trend"])
    assert signals.put(PAPERS, newer) == "updated"
    stored = signals.get(PAPERS, "2611.00001")
    assert (stored.version, stored.title, stored.trends) == (3, "Revised", ["first-trend", "second-trend"])
    assert signals.put(PAPERS, paper("2611.00001", version=1, trends=["third-trend"])) == "updated"
    assert signals.get(PAPERS, "2611.00001").title == "Revised"
    assert signals.put(PAPERS, paper("2611.00001", version=2, trends=["third-trend"])) == "same"
    assert list(signals.pending()) == [folder / "arxiv" / "2026-11.jsonl"]


def test_adding_records_adds_lines_and_moves_no_other(folder):
    before = (folder / "arxiv" / "2026-11.jsonl").read_text().splitlines()
    signals = load(folder)
    for number in ("2611.00000", "2611.00004", "2611.02000"):
        assert signals.put(PAPERS, paper(number)) == "new"
    assert signals.save() == [folder / "arxiv" / "2026-11.jsonl"]
    after = (folder / "arxiv" / "2026-11.jsonl").read_text().splitlines()
    assert [line for line in after if line not in before] == [after[0], after[4], after[5]]
    assert [line for line in after if line in before] == before


def test_removing_the_last_record_of_a_file_removes_the_file(folder):
    signals = load(folder)
    assert signals.remove(PAPERS, "2610.00009") and not signals.remove(PAPERS, "2610.00009")
    assert signals.save() == [folder / "arxiv" / "2026-10.jsonl"]
    assert not (folder / "arxiv" / "2026-10.jsonl").exists()


def test_what_the_store_writes_always_loads_back(tmp_path):
    # Collectors never write a file the reader would refuse: awkward text of every sort round-trips.
    signals = SignalStore(tmp_path)
    texts = ['"', "\\", "\n", "\r\n", "\u2028", "\x00", "a,b", "'", "{}", "\ufeff", "😀", " leading", "\t"]
    for index, text in enumerate(texts):
        signals.put(COUNTS, count(f"subject {text}", "2026-11", index))
        signals.put(WATERMARKS, models.Watermark(trend="first-trend" if not index else f"t{index}", query=text,
                                                 newest=WHEN))
    signals.save()
    again = load(tmp_path)
    assert again.records(COUNTS) == signals.records(COUNTS)
    assert again.records(WATERMARKS) == signals.records(WATERMARKS)


@pytest.mark.parametrize("name, text, field, message", [
    ("arxiv/2026-10.jsonl", None, "published", "this record belongs in trends/signals/arxiv/2026-11.jsonl"),
    ("arxiv/2026-13.jsonl", "", "(file)", "is not named like arxiv/{month}.jsonl"),
    ("arxiv/notes.txt", "x", "(file)", "not a file of any signal kind"),
    ("counts.yaml", "counts: []\n", "(file)", "not a file of any signal kind"),
], ids=["wrong-month", "bad-month-name", "stray-file", "old-format"])
def test_files_and_records_out_of_place_are_problems(folder, name, text, field, message):
    if text is None:  # a November paper copied into the October file
        text = (folder / "arxiv" / "2026-10.jsonl").read_text() + (folder / "arxiv" / "2026-11.jsonl").read_text()
    (folder / name).write_text(text)
    _, problems = SignalStore.load(folder)
    assert [(p.path, p.field) for p in problems][:1] == [(f"trends/signals/{name}", field)]
    assert message in problems[0].message


def test_a_record_stored_twice_is_a_problem_naming_both_places(folder):
    lines = (folder / "counts.csv").read_text().splitlines()
    (folder / "counts.csv").write_text("\n".join([*lines, lines[2]]) + "\n")
    _, problems = SignalStore.load(folder)
    assert [str(p) for p in problems] == [
        "trends/signals/counts.csv:4: subject,month: 'first-trend', '2026-11' is already stored at "
        "trends/signals/counts.csv:3; keep one of them"]


def test_a_killed_run_leaves_nothing_that_counts_and_the_next_run_cleans_up(folder):
    (folder / LOCK_NAME).write_text("12345")
    (folder / "arxiv" / ".2026-11.jsonl.k3j9x.tmp").write_text('{"half": ')
    assert SignalStore.load(folder)[1] == []
    assert clean_leftovers(folder) == [folder / "arxiv" / ".2026-11.jsonl.k3j9x.tmp"]
    assert sorted(path.name for path in folder.rglob("*.tmp")) == []


def test_the_repository_ignores_what_a_killed_run_leaves():
    ignored = (Path(__file__).parents[3] / ".gitignore").read_text().splitlines()
    assert f"trends/signals/**/{LOCK_NAME}" in ignored and "trends/signals/**/.*.tmp" in ignored


def test_a_later_load_takes_over_the_files_that_did_not_change(folder):
    first = load(folder)
    october, november = folder / "arxiv" / "2026-10.jsonl", folder / "arxiv" / "2026-11.jsonl"
    november.write_text(november.read_text().replace("A paper", "A changed paper"))  # in place, as an editor would
    again, problems = SignalStore.load(folder, reuse=first)
    assert problems == []
    assert again.get(PAPERS, "2610.00009") is first.get(PAPERS, "2610.00009")  # taken over
    assert again.get(PAPERS, "2611.00002").title == "A changed paper"  # the edited file is read again
    assert again.get(PAPERS, "2611.00001") is not first.get(PAPERS, "2611.00001")  # read again
    assert [line for _, _, line in again.where(PAPERS)] == [1, 1, 2, 3]

    october.write_text(october.read_text() + november.read_text().splitlines(keepends=True)[2])
    _, problems = SignalStore.load(folder, reuse=again)  # a changed file is read, and checked, again
    assert [p.field for p in problems] == ["published"]


def test_an_edited_store_is_not_taken_over(folder):
    first = load(folder)
    first.put(PAPERS, paper("2611.09999"))
    again, _ = SignalStore.load(folder, reuse=first)
    assert again.get(PAPERS, "2611.09999") is None
    assert again.get(PAPERS, "2610.00009") is not first.get(PAPERS, "2610.00009")


def test_forgetting_a_trend_keeps_records_for_their_other_trends_and_drops_the_rest(folder):
    signals = load(folder)
    signals.put(PAPERS, paper("2611.00004", trends=["first-trend", "old-name"]))
    signals.put(PAPERS, paper("2611.00005", trends=["old-name"]))
    signals.put(COUNTS, count("old-name", "2026-11", 3))
    signals.put(WATERMARKS, models.Watermark(trend="old-name", query="all:x", newest=WHEN))
    signals.save()
    before = (folder / "arxiv" / "2026-11.jsonl").read_text().splitlines()

    signals = load(folder)
    assert signals.forget_trends({"first-trend"}) == {"papers": (1, 1), "counts": (0, 1), "watermarks": (0, 1)}
    signals.save()
    signals = load(folder)
    assert signals.get(PAPERS, "2611.00004").trends == ["first-trend"]  # the merge of papers does not add it back
    assert signals.get(PAPERS, "2611.00005") is None
    assert [c.subject for c in signals.records(COUNTS)] == ["baseline:alpha", "first-trend"]  # a baseline stays
    assert signals.records(WATERMARKS) == []
    after = (folder / "arxiv" / "2026-11.jsonl").read_text().splitlines()
    assert after[:3] == before[:3] and len(after) == 4  # untouched records keep their lines
    assert signals.forget_trends({"first-trend"}) == {}
