"""The knowledge base on disk: where each file lives, and loading it into models.

Layout, relative to the repository root:

    trends/areas.yaml              the areas (people)
    trends/feeds.yaml              the news feeds the collectors read (people)
    trends/<area>/<trend>.yaml     one trend per file (people)
    trends/signals/                what the collectors write (see trendkb.signals)

`load` never raises on bad content: every file that cannot be read or does not
fit its model becomes a located `Problem`, and the rest still loads, so one run
reports everything. Cross-record rules are checked by `trendkb.validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from trendkb import models
from trendkb.problems import Problem, display_path, parse_record
from trendkb.signals import SignalStore
from trendkb.yamlio import (
    DEFAULT_MAX_BYTES,
    Document,
    YamlProblem,
    dump_yaml,
    read_yaml,
    write_atomic,
)

TRENDS_DIR = "trends"
AREAS_FILE = "areas.yaml"
FEEDS_FILE = "feeds.yaml"
SIGNALS_DIR = "signals"
SCHEMA_FILE = "schema.json"
EXAMPLES_DIR = Path("content") / "examples"
# Relative to trends/<area>/, where every trend file lives.
SCHEMA_HEADER = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"

M = TypeVar("M", bound=BaseModel)


@dataclass
class Loaded:
    """A record with the document it came from, so later checks can point at lines."""

    record: Any
    doc: Document


@dataclass
class KnowledgeBase:
    root: Path
    areas: list[models.Area] = field(default_factory=list)
    areas_doc: Document | None = None
    # trends/feeds.yaml is optional: only the news collector needs it.
    feeds: models.FeedsFile | None = None
    feeds_doc: Document | None = None
    trend_files: list[Loaded] = field(default_factory=list)
    # Every trend file found, loadable or not: a broken file still owns its id.
    trend_paths: list[Path] = field(default_factory=list)
    signals: SignalStore = None  # type: ignore[assignment]  # an empty store of root's signals folder until load
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.signals is None:
            self.signals = SignalStore(signals_dir(self.root))

    @property
    def trends(self) -> list[models.Trend]:
        return [entry.record for entry in self.trend_files]

    @property
    def trends_dir(self) -> Path:
        return self.root / TRENDS_DIR


def signals_dir(root: Path) -> Path:
    return Path(root) / TRENDS_DIR / SIGNALS_DIR


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds trends/areas.yaml."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / TRENDS_DIR / AREAS_FILE).is_file():
            return folder
        if folder.name == TRENDS_DIR and (folder / AREAS_FILE).is_file():
            return folder.parent
    return None


def trend_path(root: Path, area: str, trend_id: str) -> Path:
    return Path(root) / TRENDS_DIR / area / f"{trend_id}.yaml"


# ---------------------------------------------------------------- loading


def _read(file: Path, root: Path, model: type[M],
          max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Loaded | None, list[Problem]]:
    shown = display_path(file, root)
    try:
        doc = read_yaml(file, shown, max_bytes)
    except YamlProblem as exc:
        return None, [exc.problem]
    record, problems = parse_record(model, doc)
    return (Loaded(record, doc) if record is not None else None), problems


def load_feeds(path: Path, root: Path) -> tuple[Loaded | None, list[Problem]]:
    """Read a feed list (trends/feeds.yaml, or another file given to the collectors)."""
    return _read(Path(path), root, models.FeedsFile)


def load(root: Path, reuse: KnowledgeBase | None = None) -> KnowledgeBase:
    """Load everything under root/trends/, collecting problems instead of stopping at the first.

    `reuse`, an earlier load of the same root, lets the signal store take over
    the signal files that did not change since (see `SignalStore.load`).
    """
    root = Path(root)
    kb = KnowledgeBase(root=root)
    trends_dir = root / TRENDS_DIR

    areas_path = trends_dir / AREAS_FILE
    if not areas_path.is_file():
        kb.problems.append(Problem(display_path(areas_path, root), 1, "(file)",
                                   "missing; it lists the areas every trend belongs to"))
    else:
        loaded, problems = _read(areas_path, root, models.AreasFile)
        kb.problems += problems
        if loaded:
            kb.areas, kb.areas_doc = loaded.record.areas, loaded.doc

    feeds_path = trends_dir / FEEDS_FILE
    if feeds_path.is_file():
        loaded, problems = load_feeds(feeds_path, root)
        kb.problems += problems
        if loaded:
            kb.feeds, kb.feeds_doc = loaded.record, loaded.doc

    for file in sorted(trends_dir.glob("*/*.yaml")):
        if file.parent.name == SIGNALS_DIR:
            continue
        kb.trend_paths.append(file)
        loaded, problems = _read(file, root, models.Trend)
        kb.problems += problems
        if loaded:
            kb.trend_files.append(loaded)

    folder = signals_dir(root)
    kb.signals, problems = SignalStore.load(folder, shown=display_path(folder, root),
                                            reuse=reuse.signals if reuse is not None else None)
    kb.problems += problems
    return kb


# ---------------------------------------------------------------- writing


def trend_text(trend: models.Trend) -> str:
    """The canonical text of a trend file: schema header, fields in model order."""
    return dump_yaml(trend.model_dump(mode="json", exclude_none=True), header=SCHEMA_HEADER)


def save_trend(root: Path, trend: models.Trend) -> Path:
    path = trend_path(root, trend.area, trend.id)
    write_atomic(path, trend_text(trend))
    return path
