"""The `trendkb` command line (trendkb/cli.py): exit codes, messages, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, TODAY, snapshot
from trendkb import cli, store
from trendkb.cli import main
from trendkb.schema import schema_text
from trendkb.validate import validate


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args, today=lambda: TODAY)
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_clean_tree_exits_zero(kb_root, capsys):
    code, out, err = run(["--root", str(kb_root), "validate"], capsys)
    assert (code, out) == (0, "")
    assert "OK: 2 trends in 2 areas" in err


def test_validate_finds_the_root_from_a_path(kb_root, capsys, monkeypatch):
    monkeypatch.chdir(kb_root / "trends" / "alpha")
    (kb_root / "trends" / "beta" / "second-trend.yaml").write_text("oops: [\n")
    code, out, _ = run(["validate", "first-trend.yaml"], capsys)
    assert code == 0, out
    code, out, _ = run(["validate", str(kb_root / "trends" / "beta")], capsys)
    assert code == 1
    assert out.startswith("trends/beta/second-trend.yaml:2: (yaml):")


def test_validate_reports_a_broken_signal_line_and_writes_nothing(kb_root, capsys):
    news = kb_root / "trends" / "signals" / "news"
    news.mkdir(parents=True)
    (news / "2026-11.jsonl").write_text('{"key":"a","feed":"lab","key":"b"}\n{"key": \n')
    before = snapshot(kb_root)
    code, out, err = run(["--root", str(kb_root), "validate"], capsys)
    assert code == 1 and snapshot(kb_root) == before
    assert out.splitlines() == [
        "trends/signals/news/2026-11.jsonl:1: key: duplicate key 'key' (column 31); keep one of them",
        "trends/signals/news/2026-11.jsonl:2: (line): not valid JSON at column 8: EOF while parsing a value; "
        "each line holds one JSON object",
    ]
    assert "2 problems in 1 file" in err and "Traceback" not in err


def test_a_plugin_command_that_fails_to_load_leaves_the_rest_working(kb_root, capsys, monkeypatch):
    class Broken:
        name = "broken"

        def load(self):
            raise ImportError("no module named 'missing'")

    monkeypatch.setattr(cli, "entry_points", lambda group: [Broken()])
    code, _, err = run(["--root", str(kb_root), "validate"], capsys)
    assert code == 0
    assert "the 'broken' command could not be loaded (ImportError: no module named 'missing')" in err


def test_collect_comes_from_the_collectors_through_an_entry_point():
    assert {plugin.name: plugin.value for plugin in cli.entry_points(group=cli.COMMANDS_GROUP)} == {
        "collect": "collectors.cli:add_command"}


def test_validate_usage_errors_exit_two(tmp_path, capsys):
    code, _, err = run(["--root", str(tmp_path), "validate"], capsys)
    assert code == 2 and "has no trends/areas.yaml" in err
    code, _, err = run(["validate", str(tmp_path / "nope.yaml")], capsys)
    assert code == 2 and "no such file or folder" in err
    code, _, err = run(["frobnicate"], capsys)
    assert code == 2 and "invalid choice" in err


def test_cli_never_shows_a_traceback(tmp_path):
    (tmp_path / "trends").mkdir()
    (tmp_path / "trends" / "areas.yaml").write_bytes(b"\xff\xfe garbage")
    result = subprocess.run(
        [sys.executable, "-m", "trendkb.cli", "--root", str(tmp_path), "validate"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout.startswith("trends/areas.yaml:1: (file): byte 0xff is not UTF-8")


def test_new_writes_a_valid_scaffold_and_refuses_to_overwrite(kb_root, capsys):
    code, out, _ = run(["--root", str(kb_root), "new", "alpha", "Neural Architecture Search!"], capsys)
    path = kb_root / "trends" / "alpha" / "neural-architecture-search.yaml"
    assert code == 0 and "replace every TODO" in out
    assert path.read_text().startswith(store.SCHEMA_HEADER + "\n")
    kb = store.load(kb_root)
    assert validate(kb, TODAY) == []
    trend = next(t for t in kb.trends if t.id == "neural-architecture-search")
    assert (trend.area, trend.title, trend.created) == ("alpha", "Neural Architecture Search!", TODAY)

    before = snapshot(kb_root)
    code, _, err = run(["--root", str(kb_root), "new", "alpha", "Neural architecture search"], capsys)
    assert code == 2 and "already exists" in err
    code, _, err = run(["--root", str(kb_root), "new", "beta", "First trend"], capsys)
    assert code == 2 and "exists in another area" in err
    code, _, err = run(["--root", str(kb_root), "new", "nowhere", "Anything"], capsys)
    assert code == 2 and "unknown area 'nowhere'; choose one of alpha, beta" in err
    code, _, err = run(["--root", str(kb_root), "new", "alpha", "???"], capsys)
    assert code == 2 and "cannot make a file name" in err
    assert snapshot(kb_root) == before


def test_schema_writes_and_checks(kb_root, capsys):
    code, _, err = run(["--root", str(kb_root), "schema", "--check"], capsys)
    assert code == 1 and "out of date" in err
    code, out, _ = run(["--root", str(kb_root), "schema"], capsys)
    assert code == 0 and "wrote trends/schema.json" in out
    schema = json.loads((kb_root / "trends" / "schema.json").read_text())
    assert schema["properties"]["ring"]["$ref"].endswith("/Ring")
    assert run(["--root", str(kb_root), "schema", "--check"], capsys)[0] == 0


def test_fmt_rewrites_to_canonical_form_only_when_valid(kb_root, capsys):
    path = kb_root / "trends" / "beta" / "second-trend.yaml"
    canonical = path.read_text()
    path.write_text(canonical.replace("title: Second fixture trend", "title:   'Second fixture trend'"))
    code, out, _ = run(["--root", str(kb_root), "fmt", "--check"], capsys)
    assert code == 1 and "not in canonical form: trends/beta/second-trend.yaml" in out
    code, out, _ = run(["--root", str(kb_root), "fmt"], capsys)
    assert code == 0 and path.read_text() == canonical

    path.write_text(canonical.replace("ring: assess\nring_history", "ring: nope\nring_history"))
    before = snapshot(kb_root)
    assert run(["--root", str(kb_root), "fmt"], capsys)[0] == 1
    assert snapshot(kb_root) == before


def test_committed_schema_is_current():
    committed = (REPO / "trends" / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "trends/schema.json is stale: run 'trendkb schema' and commit it"


def test_module_is_runnable(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "trendkb.cli", "--version"],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0 and result.stdout.startswith("trendkb ")
