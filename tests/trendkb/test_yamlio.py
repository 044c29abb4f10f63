"""Strict reading and stable, atomic writing of YAML (trendkb/yamlio.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trendkb import yamlio
from trendkb.yamlio import YamlProblem, dump_yaml, parse_yaml, read_yaml, write_atomic


def problem_of(text: str) -> str:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text, "f.yaml")
    return str(caught.value.problem)


def test_scalars_stay_strings_and_nulls_are_none():
    doc = parse_yaml("id: 2106.10010\nn: 007\nok: yes\nd: 2024-01-05\ne:\nq: '~'\n", "f.yaml")
    assert doc.data == {"id": "2106.10010", "n": "007", "ok": "yes", "d": "2024-01-05", "e": None, "q": "~"}


def test_every_key_and_item_has_its_line():
    doc = parse_yaml("a: 1\nlist:\n- x: 1\n  y: 2\n- x: 3\n", "f.yaml")
    assert doc.lines[("a",)] == 1
    assert doc.lines[("list", 1)] == 5
    assert doc.lines[("list", 0, "y")] == 4
    assert doc.line_of(("list", 1, "missing")) == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3: a: duplicate key 'a' (first at line 1); keep one of them"),
        ("a: &x 1\nb: 2\n", "f.yaml:1: a: anchors and aliases"),
        ("a: 1\nb: *x\n", "f.yaml:2: b:"),
        ("a:\n\tb: 1\n", "f.yaml:2: (yaml): YAML syntax error at column 1: a tab character; indent YAML with spaces"),
        ("a: !!python/name:os.system x\n", "f.yaml:1: a: YAML tags like"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2: (file): only one YAML document per file"),
        ("", "f.yaml:1: (file): the file is empty"),
        ("? [a, b]\n: 1\n", "f.yaml:1: (top level): mapping keys must be plain words"),
    ],
)
def test_refused_input_is_located(text, expected):
    assert problem_of(text).startswith(expected)


def test_alias_bomb_is_refused_without_expanding():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)]
    assert "anchors and aliases" in problem_of("\n".join(lines) + "\n")


def test_deep_nesting_is_a_located_problem_not_a_crash():
    value = parse_yaml("a: " + "[" * 50 + "]" * 50 + "\n", "f.yaml").data["a"]
    depth = 0
    while value:
        value, depth = value[0], depth + 1
    assert depth == 49
    assert problem_of("a: " + "[" * 50_000 + "]" * 50_000 + "\n").startswith("f.yaml:1: (yaml): YAML syntax error")


def test_non_utf8_bytes_are_located(tmp_path: Path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(YamlProblem) as caught:
        read_yaml(path, "f.yaml")
    assert str(caught.value.problem) == "f.yaml:2: (file): byte 0xe9 is not UTF-8; save the file as UTF-8"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "f.yaml"
    path.write_text("a: [" * 10 + "x" * 2000)
    with pytest.raises(YamlProblem) as caught:
        read_yaml(path, "f.yaml", max_bytes=1000)
    assert "limited to" in caught.value.problem.message


def test_dump_is_a_fixed_point_of_load():
    data = {"id": "x", "arxiv_id": "1706.03762", "when": "2024-01-05", "text": "two\nlines\n",
            "empty": [], "n": 3, "none": None, "odd": "yes", "quote": "it's: here"}
    text = dump_yaml(data, header="# head")
    assert text.startswith("# head\n")
    assert "when: 2024-01-05\n" in text
    assert "arxiv_id: '1706.03762'\n" in text
    assert "text: |\n  two\n  lines\n" in text
    reread = parse_yaml(text, "f.yaml").data
    assert reread == {**data, "n": "3", "empty": []}
    assert dump_yaml(reread, header="# head") == text.replace("n: 3", "n: '3'")


def test_write_atomic_replaces_and_reports_change(tmp_path: Path):
    path = tmp_path / "sub" / "f.yaml"
    assert write_atomic(path, "a: 1\n") is True
    assert write_atomic(path, "a: 1\n") is False
    assert path.read_text() == "a: 1\n"
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in path.parent.iterdir()] == ["f.yaml"]


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_text("old: true\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(yamlio.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(path, "new: true\n")
    assert path.read_text() == "old: true\n"
    assert os.listdir(tmp_path) == ["f.yaml"]
