"""The change summary (trendkb/changes.py): pure, from file contents to Markdown."""

from __future__ import annotations

from trendkb.changes import changed_fields, compare, read_versions, summary

RAG = b"""\
id: rag
title: Retrieval-augmented generation
area: generative-ai
summary: Answers grounded in documents.
ring: assess
ring_history:
- date: 2024-01-10
  ring: assess
  reason: First look.
evidence:
  arxiv_query: abs:rag
  references: []
"""


def versions(**files: bytes) -> dict:
    return read_versions({path.replace("__", "/").replace("_", "-") + ".yaml": text for path, text in files.items()})


def test_nothing_changed():
    same = versions(trends__generative_ai__rag=RAG)
    assert not compare(same, same)
    assert summary(compare(same, same), "main") == "## Trend changes since `main`\n\nNo trend record changed.\n"


def test_added_removed_moved_and_edited():
    moved = RAG.replace(b"ring: assess\nring_history", b"ring: trial\nring_history").replace(
        b"  reason: First look.\n",
        b"  reason: First look.\n- date: 2025-02-01\n  ring: trial\n  reason: Two pilots.\n")
    base = versions(trends__generative_ai__rag=RAG, trends__automl__gone=RAG.replace(b"id: rag", b"id: gone"))
    head = versions(
        trends__generative_ai__rag=moved.replace(b"abs:rag", b"abs:\"retrieval augmented\""),
        trends__tinyml__new_one=RAG.replace(b"id: rag", b"id: new-one").replace(
            b"title: Retrieval-augmented generation", b"title: New <b>one</b>"))
    changes = compare(base, head)
    assert [t.id for t in changes.added] == ["new-one"]
    assert [t.id for t in changes.removed] == ["gone"]
    (move,) = changes.moves
    assert (move.trend.id, move.old, move.new, move.date, move.reason) == (
        "rag", "assess", "trial", "2025-02-01", "Two pilots.")
    (edit,) = changes.edits
    assert edit.fields == ["ring", "ring_history", "evidence.arxiv_query"]
    assert summary(changes, "main", "feature") == """\
## Trend changes from `main` to `feature`

1 trend added, 1 trend removed, 1 ring move, 1 trend edited.

### Added

- **New \\<b\\>one\\</b\\>** (`tinyml/new-one`), ring assess

### Removed

- **Retrieval-augmented generation** (`automl/gone`)

### Ring moves

- **Retrieval-augmented generation** (`generative-ai/rag`): assess → trial on 2025-02-01: Two pilots.

### Edited

- **Retrieval-augmented generation** (`generative-ai/rag`): `ring`, `ring_history`, `evidence.arxiv_query`
"""


def test_a_file_that_moved_area_is_an_edit_and_a_broken_one_is_named():
    base = versions(trends__generative_ai__rag=RAG)
    moved = compare(base, versions(trends__automl__rag=RAG.replace(b"area: generative-ai", b"area: automl")))
    assert [(e.trend.path, e.fields) for e in moved.edits] == [
        ("trends/automl/rag.yaml", ["(moved from trends/generative-ai/rag.yaml)", "area"])]
    broken = compare(base, versions(trends__generative_ai__rag=b"title: Jamba: A Hybrid\n"))
    assert [t.path for t in broken.unreadable] == ["trends/generative-ai/rag.yaml"]
    assert "the value of 'title' contains ': '" in summary(broken, "main")
    assert not broken.edits and not broken.removed


def test_changed_fields_go_one_level_into_mappings():
    assert changed_fields({"a": 1, "m": {"x": 1, "y": 2}, "gone": 3}, {"a": 1, "m": {"x": 1, "y": 5}, "new": 4}) == [
        "m.y", "new", "gone"]
