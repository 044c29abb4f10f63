"""Rules of trendkb/validate.py that the broken-record corpus (test_bad_input.py) does not show alone."""

from __future__ import annotations

from tests.conftest import TODAY
from trendkb import store
from trendkb.validate import validate


def problems(root) -> list[str]:
    return [str(p) for p in validate(store.load(root), TODAY)]


def set_notebooks(root, area: str, rule: str) -> None:
    areas = root / "trends" / "areas.yaml"
    text = areas.read_text()
    marker = f"- id: {area}\n"
    start = text.index(marker)
    end = text.find("\n- id:", start)
    end = len(text) if end == -1 else end + 1
    block = text[start:end]
    areas.write_text(text[:start] + block.rstrip("\n") + f"\n  notebooks: {rule}\n" + text[end:])


def test_areas_say_which_trends_must_link_a_notebook(kb_root):
    # first-trend (alpha) links demo.ipynb; second-trend (beta) links none.
    set_notebooks(kb_root, "alpha", "every")
    assert problems(kb_root) == []
    set_notebooks(kb_root, "beta", "some")
    assert problems(kb_root) == [
        "trends/areas.yaml:13: areas[1].notebooks: no trend of 'beta' links a runnable notebook; "
        "add one to a trend's examples, or set notebooks: optional"]

    areas = kb_root / "trends" / "areas.yaml"
    areas.write_text(areas.read_text().replace("notebooks: some", "notebooks: every"))
    assert problems(kb_root) == [
        "trends/beta/second-trend.yaml:30: examples: every trend of the area 'beta' links a runnable notebook "
        "(notebooks: every in trends/areas.yaml); add an example with 'notebook:' naming a file of content/examples/"]

    areas.write_text(areas.read_text().replace("notebooks: every", "notebooks: always", 1))
    # Only the areas file is named: the trends are not blamed for areas that cannot be read.
    assert problems(kb_root) == ["trends/areas.yaml:7: areas[0].notebooks: 'always' is not one of every, some, "
                                 "optional"]


def test_a_notebook_no_trend_links_is_a_problem_unless_a_broken_trend_may_link_it(kb_root):
    examples = kb_root / "content" / "examples"
    (examples / "orphan.ipynb").write_text((examples / "demo.ipynb").read_text())
    assert problems(kb_root) == [
        "content/examples/orphan.ipynb:1: (file): no trend links this notebook, so no page shows it; "
        "name it in a trend's examples (notebook: orphan.ipynb) or remove it"]
    second = kb_root / "trends" / "beta" / "second-trend.yaml"
    second.write_text(second.read_text().replace("ring: ", "ring: nowhere-", 1))
    assert [p for p in problems(kb_root) if "orphan" in p] == []
    second.write_text(second.read_text().replace("ring: nowhere-", "ring: ", 1))
    first = kb_root / "trends" / "alpha" / "first-trend.yaml"
    first.write_text(first.read_text().replace("notebook: demo.ipynb", "notebook: orphan.ipynb"))
    assert [p.split(":")[0] for p in problems(kb_root)] == ["content/examples/demo.ipynb"]


def test_a_file_without_the_schema_line_is_not_canonical(kb_root):
    path = kb_root / "trends" / "alpha" / "first-trend.yaml"
    path.write_text(path.read_text().split("\n", 1)[1])
    assert problems(kb_root) == [
        "trends/alpha/first-trend.yaml:1: (layout): not in the canonical layout (field order, quoting, line breaks, "
        "schema line); run 'trendkb fmt trends/alpha/first-trend.yaml' to rewrite it"]


def test_placeholders_are_found_in_any_field_but_todo_must_be_a_word(kb_root):
    path = kb_root / "trends" / "alpha" / "first-trend.yaml"
    path.write_text(path.read_text().replace("  - fixture\n", "  - TODO fill in\n")
                    .replace("reason: First look.", "reason: First look at TODOS and mastodons."))
    assert problems(kb_root) == [
        "trends/alpha/first-trend.yaml:28: evidence.news_keywords[0]: still holds the scaffold's placeholder "
        "'TODO fill in'; write it in your own words"]
