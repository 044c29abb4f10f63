"""The `trendkb` command line (trendkb/cli.py): exit codes, messages, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, TODAY, snapshot
from tests.trendkb.test_store import PAPER
from trendkb import cli, store
from trendkb.cli import main
from trendkb.schema import schema_text
from trendkb.signals import RunLock


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
    assert out.startswith("trends/beta/second-trend.yaml:1: (yaml): YAML syntax error at column 8: did not find "
                          "expected node content; the file ends before the value is complete")


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


def test_signals_prune_takes_a_removed_trend_out_of_the_collected_records(kb_root, capsys):
    arxiv = kb_root / "trends" / "signals" / "arxiv"
    arxiv.mkdir(parents=True)
    (arxiv / "2026-11.jsonl").write_text(PAPER.format(trend="old-name"))
    code, out, _ = run(["--root", str(kb_root), "validate"], capsys)
    assert code == 1 and out.splitlines() == [
        "trends/signals/arxiv/2026-11.jsonl:1: trends[1]: no trend has the id 'old-name'; if it was removed or "
        "renamed, 'trendkb signals-prune' takes it out of the collected records"]

    code, out, err = run(["--root", str(kb_root), "signals-prune"], capsys)
    assert (code, out) == (0, "papers: 0 removed, 1 kept for their other trends\n")
    assert "changed 1 file(s) under trends/signals/" in err
    assert '"trends":["first-trend"]' in (arxiv / "2026-11.jsonl").read_text()
    assert run(["--root", str(kb_root), "validate"], capsys)[0] == 0
    code, out, err = run(["--root", str(kb_root), "signals-prune"], capsys)
    assert (code, out) == (0, "") and "nothing to prune" in err


def test_signals_prune_leaves_broken_signal_files_and_a_running_collector_alone(kb_root, capsys):
    arxiv = kb_root / "trends" / "signals" / "arxiv"
    arxiv.mkdir(parents=True)
    (arxiv / "2026-11.jsonl").write_text(PAPER.format(trend="old-name") + '{"arxiv_id": \n')
    before = snapshot(kb_root)
    code, out, _ = run(["--root", str(kb_root), "signals-prune"], capsys)
    assert code == 1 and out.startswith("trends/signals/arxiv/2026-11.jsonl:2: (line): not valid JSON")
    assert snapshot(kb_root) == before

    (arxiv / "2026-11.jsonl").write_text(PAPER.format(trend="old-name"))
    before = snapshot(kb_root)
    with RunLock(kb_root / "trends" / "signals"):
        code, _, err = run(["--root", str(kb_root), "signals-prune"], capsys)
    assert code == 2 and "is writing trends/signals/; wait for it to finish" in err
    assert snapshot(kb_root) == before


def test_a_plugin_command_that_fails_to_load_leaves_the_rest_working(kb_root, capsys, monkeypatch):
    class Broken:
        name = "broken"

        def load(self):
            raise ImportError("no module named 'missing'")

    monkeypatch.setattr(cli, "entry_points", lambda group: [Broken()])
    code, _, err = run(["--root", str(kb_root), "validate"], capsys)
    assert code == 0
    assert "the 'broken' command could not be loaded (ImportError: no module named 'missing')" in err


def test_collect_doctor_and_render_come_from_their_packages_through_entry_points():
    assert {plugin.name: plugin.value for plugin in cli.entry_points(group=cli.COMMANDS_GROUP)} == {
        "collect": "collectors.cli:add_command", "doctor": "collectors.cli:add_doctor",
        "render": "site_hooks.cli:add_command"}


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


def test_new_writes_a_scaffold_that_validate_refuses_until_filled_in(kb_root, capsys):
    code, out, _ = run(["--root", str(kb_root), "new", "alpha", "Neural Architecture Search!"], capsys)
    path = kb_root / "trends" / "alpha" / "neural-architecture-search.yaml"
    assert code == 0 and "replace every TODO" in out
    assert path.read_text().startswith(store.SCHEMA_HEADER + "\n")
    kb = store.load(kb_root)
    trend = next(t for t in kb.trends if t.id == "neural-architecture-search")
    assert (trend.area, trend.title, trend.created) == ("alpha", "Neural Architecture Search!", TODAY)

    # Every placeholder is named at its line, and nothing else is wrong with the scaffold.
    code, out, _ = run(["--root", str(kb_root), "validate"], capsys)
    assert code == 1
    named = {line.split(": ")[1] for line in out.splitlines()}
    assert named == {"summary", "description", "why_it_matters", "use_cases[0].title", "use_cases[0].sector",
                     "use_cases[0].description", "ring_history[0].reason", "evidence.references[0].title",
                     "evidence.references[0].url", "owners[0]"}
    assert all("still holds the scaffold's placeholder" in line for line in out.splitlines())
    assert "trends/alpha/neural-architecture-search.yaml:29: owners[0]: still holds the scaffold's placeholder " \
           "'@your-github-handle'; put your GitHub handle, like '@octocat'" in out

    # Filled in, it passes.
    text = path.read_text()
    for line in out.splitlines():
        placeholder = line.split("placeholder '")[1].split("';")[0].removesuffix("...")
        text = text.replace(placeholder, "@octocat" if placeholder.startswith("@") else
                            "https://example.org/a-real-source" if placeholder.startswith("http") else "Written.")
    path.write_text(text)
    assert run(["--root", str(kb_root), "fmt"], capsys)[0] == 0
    assert run(["--root", str(kb_root), "validate"], capsys)[:2] == (0, "")


def test_new_refuses_to_overwrite(kb_root, capsys):
    assert run(["--root", str(kb_root), "new", "alpha", "Neural Architecture Search!"], capsys)[0] == 0

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
    assert schema["properties"]["area"]["enum"] == ["alpha", "beta"]
    assert run(["--root", str(kb_root), "schema", "--check"], capsys)[0] == 0

    # The areas are part of the schema: a new area makes it stale.
    areas = kb_root / "trends" / "areas.yaml"
    areas.write_text(areas.read_text() + "- id: gamma\n  title: G\n  summary: S.\n  arxiv_categories:\n  - cs.AI\n")
    assert run(["--root", str(kb_root), "schema", "--check"], capsys)[0] == 1
    areas.write_text("areas: [\n")
    code, _, err = run(["--root", str(kb_root), "schema"], capsys)
    assert code == 2 and "trends/areas.yaml cannot be read" in err


def test_fmt_rewrites_to_canonical_form_only_when_valid(kb_root, capsys):
    path = kb_root / "trends" / "beta" / "second-trend.yaml"
    canonical = path.read_text()
    path.write_text(canonical.replace("title: Second fixture trend", "title:   'Second fixture trend'"))
    code, out, _ = run(["--root", str(kb_root), "fmt", "--check"], capsys)
    assert code == 1 and "not in canonical form: trends/beta/second-trend.yaml" in out
    code, out, _ = run(["--root", str(kb_root), "fmt"], capsys)
    assert code == 0 and path.read_text() == canonical

    # validate reports the layout with the command that fixes it.
    path.write_text(canonical.replace("title: Second fixture trend", "title:   'Second fixture trend'"))
    code, out, _ = run(["--root", str(kb_root), "validate"], capsys)
    assert (code, out) == (1, "trends/beta/second-trend.yaml:1: (layout): not in the canonical layout (field order, "
                              "quoting, line breaks, schema line); run 'trendkb fmt trends/beta/second-trend.yaml' "
                              "to rewrite it\n")

    # Any other problem must be fixed by hand first: fmt writes nothing.
    path.write_text(canonical.replace("ring: assess\nring_history", "ring: nope\nring_history"))
    before = snapshot(kb_root)
    code, out, _ = run(["--root", str(kb_root), "fmt"], capsys)
    assert code == 1 and "(layout)" not in out and "ring: 'nope' is not one of" in out
    assert snapshot(kb_root) == before


def test_validate_prints_github_annotations_that_match_the_plain_messages(kb_root, capsys, monkeypatch):
    path = kb_root / "trends" / "alpha" / "first-trend.yaml"
    path.write_text(path.read_text().replace("\nring: trial\n", "\nring: adopted\n")
                    .replace("title: First fixture trend", "title:   First fixture trend"))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, plain, _ = run(["--root", str(kb_root), "validate"], capsys)
    assert code == 1 and "::error" not in plain
    expected = [
        "::error file=trends/alpha/first-trend.yaml,line=1,title=(layout)::not in the canonical layout (field order, "
        "quoting, line breaks, schema line); run 'trendkb fmt trends/alpha/first-trend.yaml' to rewrite it",
        "::error file=trends/alpha/first-trend.yaml,line=17,title=ring::'adopted' is not one of adopt, trial, assess, "
        "hold; did you mean 'adopt'?",
    ]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(["--root", str(kb_root), "validate"], capsys)
    assert code == 1 and out.splitlines() == plain.splitlines() + expected[1:]
    monkeypatch.delenv("GITHUB_ACTIONS")
    path.write_text(path.read_text().replace("\nring: adopted\n", "\nring: trial\n"))
    code, out, _ = run(["--root", str(kb_root), "validate", "--format", "github"], capsys)
    assert code == 1 and out.splitlines()[1:] == expected[:1]
    assert run(["--root", str(kb_root), "validate", "--format", "text"], capsys)[1].count("::error") == 0


def test_validate_paths_must_be_under_trends(kb_root, capsys):
    code, _, err = run(["validate", str(kb_root / "content")], capsys)
    assert code == 2 and "is not under trends/" in err
    (kb_root / "trends" / "alpha" / "x.yml").write_text("id: x\n")
    code, out, _ = run(["validate", str(kb_root / "trends" / "alpha" / "x.yml")], capsys)
    assert (code, out) == (1, "trends/alpha/x.yml:1: (file): not read as a trend: rename it to "
                              "trends/alpha/x.yaml\n")


def test_committed_schema_is_current():
    committed = (REPO / "trends" / "schema.json").read_text(encoding="utf-8")
    areas = [area.id for area in store.load(REPO).areas]
    assert committed == schema_text(areas), "trends/schema.json is stale: run 'trendkb schema' and commit it"


def test_help_says_where_the_root_is_found(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "default: the nearest one at or above the first PATH given, else the current folder" in " ".join(out.split())


def test_module_is_runnable(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "trendkb.cli", "--version"],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0 and result.stdout.startswith("trendkb ")
