"""The site's source on disk (site_hooks/render.py) and `trendkb render` (site_hooks/cli.py).

Its files' modification times are what MkDocs' dirty mode reads, so these tests
check which files a render writes, not only what they hold.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from site_hooks import render
from site_hooks.build import HOME_MARKER
from tests.conftest import TODAY, snapshot
from tests.site_hooks.conftest import site_root
from trendkb.cli import main

OLD = 1_000_000_000  # a modification time long past, to see which files a render touches


@pytest.fixture
def root(tmp_path) -> Path:
    return site_root(tmp_path, hostile=False)


def rendered(root: Path) -> render.Rendered:
    return render.render(root, render.load_valid(root, TODAY), TODAY)


def age(folder: Path) -> None:
    for path in folder.rglob("*"):
        os.utime(path, (OLD, OLD))


def touched(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")
            if path.is_file() and path.stat().st_mtime != OLD}


def test_the_folder_holds_the_whole_site_source_and_a_config_without_hooks(root):
    result = rendered(root)
    docs = result.docs
    assert result.folder == root / "site-src" and result.config_changed
    assert set(result.written) == {path.relative_to(docs).as_posix() for path in docs.rglob("*") if path.is_file()}
    for name in ("index.md", "method.md", "contributing.md", "assets/javascripts/trendkb.js", "examples/demo.ipynb",
                 "trends/first-trend.md", "areas/alpha.md", "explore.md", "tags.md", "charts/trend-first-trend.json",
                 "api/trends.json", "feeds/changes.xml", "assets/javascripts/plotly.min.js"):
        assert (docs / name).is_file(), name
    assert (docs / "assets/javascripts/plotly.min.js").read_bytes() == render.PLOTLY_JS.read_bytes()
    home = (docs / "index.md").read_text()
    assert HOME_MARKER not in home and "## What is rising" in home  # the generated sections filled in
    assert (root / "content" / "index.md").read_text().count(HOME_MARKER) == 1  # and the source left alone
    config = yaml.safe_load(result.config.read_text())
    assert "hooks" not in config and "watch" not in config
    assert (config["docs_dir"], config["site_dir"]) == ("docs", "site")
    assert config["nav"] == result.nav and {"Tags": "tags.md"} in config["nav"]
    assert config["theme"] == yaml.safe_load((root / "mkdocs.yml").read_text())["theme"]


def test_a_second_render_writes_nothing(root):
    rendered(root)
    age(root / "site-src")
    again = rendered(root)
    assert (again.written, again.removed, again.config_changed) == ([], [], False)
    assert touched(root / "site-src") == set()


def test_an_edit_writes_only_the_files_it_changed(root):
    rendered(root)
    age(root / "site-src")
    record = root / "trends" / "beta" / "second-trend.yaml"
    record.write_text(record.read_text().replace("summary: ", "summary: Edited. ", 1))
    again = rendered(root)
    assert "trends/second-trend.md" in again.written and "areas/beta.md" in again.written
    assert "trends/first-trend.md" not in again.written and "areas/alpha.md" not in again.written
    assert "assets/javascripts/plotly.min.js" not in again.written and not again.config_changed
    assert touched(again.docs) == set(again.written)


def test_a_new_navigation_moves_every_page_on_and_a_removed_trend_leaves(root):
    second = root / "trends" / "beta" / "second-trend.yaml"
    third = second.with_name("third-trend.yaml")
    third.write_text(second.read_text().replace("id: second-trend", "id: third-trend")
                     .replace("title: Second fixture trend", "title: Third fixture trend"))
    assert "trends/third-trend.md" in rendered(root).written
    age(root / "site-src")
    third.unlink()
    again = rendered(root)
    assert again.config_changed and "trends/third-trend.md" in again.removed
    assert all("third-trend" in path for path in again.removed)  # its page and its charts, nothing else
    assert not (again.docs / "trends" / "third-trend.md").exists()
    pages = {path.relative_to(again.docs).as_posix() for path in again.docs.rglob("*.md")}
    assert pages <= touched(again.docs)  # every page shows the navigation
    assert "assets/javascripts/plotly.min.js" not in touched(again.docs)


def test_a_hand_written_page_on_a_generated_path_is_refused(root):
    (root / "content" / "explore.md").write_text("# Mine\n")
    with pytest.raises(render.RenderError, match=r"content/explore\.md has the path of a generated page"):
        rendered(root)


@pytest.mark.parametrize("where, message", [
    ("content/out", "inside content/"), ("trends/out", "inside trends/"), (".", "holds the repository"),
    ("..", "holds the repository"), ("../elsewhere", "did not write"),
])
def test_a_folder_the_render_does_not_own_is_refused(root, where, message):
    (root.parent / "elsewhere").mkdir()
    (root.parent / "elsewhere" / "notes.txt").write_text("mine")
    before = snapshot(root.parent)
    kb = render.load_valid(root, TODAY)
    with pytest.raises(render.RenderError, match=message):
        render.render(root, kb, TODAY, root / where)
    assert snapshot(root.parent) == before


def test_an_invalid_knowledge_base_is_not_rendered(root):
    record = root / "trends" / "alpha" / "first-trend.yaml"
    record.write_text(record.read_text().replace("ring: trial\nring_history", "ring: adopted\nring_history"))
    with pytest.raises(render.InvalidKnowledgeBase) as caught:
        render.load_valid(root, TODAY)
    assert [problem.field for problem in caught.value.problems] == ["ring"]


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args, today=lambda: TODAY)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_renders_where_asked_and_says_what_it_wrote(root, tmp_path, capsys):
    code, _, err = run(["--root", str(root), "render", "--out", str(tmp_path / "out")], capsys)
    assert code == 0
    assert (tmp_path / "out" / "mkdocs.yml").is_file() and (tmp_path / "out" / "docs" / "index.md").is_file()
    assert f"into {tmp_path / 'out' / 'docs'}:" in err and "written, 0 removed, a new config" in err
    code, _, err = run(["--root", str(root), "render", "--out", str(tmp_path / "out")], capsys)
    assert code == 0 and "0 written, 0 removed" in err and "config" not in err


def test_the_command_prints_the_problems_of_an_invalid_knowledge_base(root, capsys):
    record = root / "trends" / "alpha" / "first-trend.yaml"
    record.write_text(record.read_text().replace("ring: trial\nring_history", "ring: adopted\nring_history"))
    before = snapshot(root)
    code, out, err = run(["--root", str(root), "render"], capsys)
    assert code == 1
    assert "trends/alpha/first-trend.yaml:17: ring: 'adopted' is not one of" in out
    assert "1 problem in 1 file" in err
    assert snapshot(root) == before


def test_the_command_explains_a_config_it_cannot_read(root, capsys):
    (root / "mkdocs.yml").write_text("site_name: [unclosed\n")
    code, _, err = run(["--root", str(root), "render"], capsys)
    assert code == 2
    assert err.startswith("trendkb: error: ") and "mkdocs.yml: not plain YAML" in err and "Traceback" not in err

