"""The example notebooks in content/examples/ (issue 5).

Every notebook runs from top to bottom, and each one asserts its own key result, so a
broken idea fails here and not only a broken cell, and notebooks are stored without
outputs so diffs stay readable. `pytest -m "not notebook"` skips the slow part (executing
them). Which trends must link a notebook, that the notebooks they name exist, and that
every notebook is linked by a trend are rules of `trendkb validate`, tested in tests/trendkb.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO
from trendkb import store
from trendkb.notebooks import NOTEBOOK_TIMEOUT, execute, main, notebook_path

EXAMPLES = REPO / store.EXAMPLES_DIR
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
KB = store.load(REPO)

by_name = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [cell for cell in read(path).cells if cell.cell_type == "code"]


def test_the_examples_folder_has_the_notebooks_the_issue_asks_for():
    assert len(NOTEBOOKS) >= 8, [path.name for path in NOTEBOOKS]


def test_the_areas_ask_for_the_notebooks_issue_5_promised():
    rules = {area.id: area.notebooks.value for area in KB.areas}
    assert rules == {"automl": "every", "responsible-ai": "every", "tinyml": "every", "edge-federated": "every",
                     "generative-ai": "some"}


@by_name
def test_notebook_is_stored_without_outputs(path):
    notebook = read(path)
    nbformat.validate(notebook)
    dirty = [index for index, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, (f"{path.name}: cells {dirty} keep outputs or execution counts; clear them "
                       "(e.g. jupyter nbconvert --clear-output --inplace) before committing")
    # Colab and `make example` both start the standard Python 3 kernel.
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3", path.name


@by_name
def test_notebook_opens_with_a_markdown_title_and_checks_its_result(path):
    cells = read(path).cells
    assert cells and cells[0].cell_type == "markdown", f"{path.name}: the first cell must be Markdown"
    assert cells[0].source.lstrip().startswith("# "), f"{path.name}: the first cell must start with a title"
    asserts = [cell for cell in code_cells(path) if re.search(r"^assert ", cell.source, flags=re.M)]
    assert asserts, f"{path.name}: no cell asserts the notebook's key result"


@by_name
def test_notebook_downloads_nothing(path):
    # Data is generated in the notebook or shipped inside scikit-learn; fetch_* and URLs would go online.
    for cell in code_cells(path):
        assert not re.search(r"\bfetch_|https?://|urlopen|requests\.", cell.source), (path.name, cell.source[:200])


def test_notebook_names_resolve_as_make_example_takes_them():
    assert notebook_path("federated-averaging", REPO) == EXAMPLES / "federated-averaging.ipynb"
    assert notebook_path("federated-averaging.ipynb", REPO) == EXAMPLES / "federated-averaging.ipynb"
    assert notebook_path("some/where/else.ipynb") == Path("some/where/else.ipynb")


def test_make_example_with_an_unknown_name_lists_the_known_ones(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert main(["no-such-example"]) == 2
    assert "federated-averaging" in capsys.readouterr().err


@pytest.mark.notebook
@by_name
def test_notebook_runs_and_its_checks_pass(path):
    # Raises with the failing cell and its traceback, or when the whole notebook overruns the timeout.
    execute(path, timeout=NOTEBOOK_TIMEOUT)


@pytest.mark.notebook
def test_a_failing_check_inside_a_notebook_fails_the_run(tmp_path):
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# A broken idea"),
                      nbformat.v4.new_code_cell("result = 0.4\nassert result >= 0.5, result")]
    path = tmp_path / "broken-idea.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(CellExecutionError, match="AssertionError"):
        execute(path, timeout=60)
