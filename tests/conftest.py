"""Shared fixtures: a copy of the small fixture knowledge base, and a tree snapshot."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from trendkb import store
from trendkb.signals import Kind

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    """A writable copy of tests/data/kb: two areas, two valid trends, one notebook."""
    root = tmp_path / "kb"
    shutil.copytree(DATA / "kb", root)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, to prove a command wrote nothing."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stored(root: Path, kind: Kind) -> list:
    """Every record of a signal kind stored under root, as a fresh load sees it (it must load cleanly)."""
    kb = store.load(root)
    assert not kb.problems, kb.problems
    return kb.signals.records(kind)
