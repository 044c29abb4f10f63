"""The shape of the code: which package may import which, and who alone knows the signal files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO
from trendkb import signals

PACKAGES = ("trendkb", "collectors", "site_hooks", "benchmarks")


def python_files(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (REPO / package).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module a file imports, statically or by name through importlib."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


@pytest.mark.parametrize("path", python_files("trendkb"), ids=lambda p: p.relative_to(REPO).as_posix())
def test_the_core_imports_neither_the_collectors_nor_the_site(path):
    outside = {name for name in imported(path) if name.split(".")[0] in ("collectors", "site_hooks")}
    assert not outside, f"{path.relative_to(REPO)} imports {sorted(outside)}"


# What gives away a signal file's place or format: its paths, and the JSON Lines and CSV writers.
SIGNAL_MARKERS = re.compile(r"""\.jsonl\b|["'/]counts\.csv|["']arxiv/|["']news/|model_dump_json|csv\.writer|"""
                            r"""SIGNALS_DIR|["']signals["']""")
OWNERS = {"trendkb/signals", "trendkb/store.py"}  # the signal store, and the layout of the repository


@pytest.mark.parametrize("path", [p for p in python_files(*PACKAGES)
                                  if not any(p.relative_to(REPO).as_posix().startswith(o) for o in OWNERS)],
                         ids=lambda p: p.relative_to(REPO).as_posix())
def test_only_the_signal_store_knows_where_signals_live_and_how_they_are_written(path):
    found = [(number, line.strip()) for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SIGNAL_MARKERS.search(line)]
    assert not found, f"{path.relative_to(REPO)} knows signal paths or formats: {found}"


def test_the_readme_lists_every_kind_of_signal_file():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for kind in signals.registered():
        assert f"`{kind.path.replace('{month}', 'YYYY-MM')}`" in readme, f"README: no row for {kind.path}"


@pytest.mark.parametrize("path", [p for p in python_files(*PACKAGES) if p != REPO / "site_hooks" / "hooks.py"],
                         ids=lambda p: p.relative_to(REPO).as_posix())
def test_only_the_hooks_know_mkdocs(path):
    """Everything else writes or reads plain files, so the site can move to another engine (Zensical)."""
    engine = {name for name in imported(path) if name.split(".")[0] in ("mkdocs", "material", "zensical")}
    assert not engine, f"{path.relative_to(REPO)} imports {sorted(engine)}"
