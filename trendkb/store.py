"""The knowledge base on disk: where each file lives, and loading it into models.

Layout, relative to the repository root:

    trends/areas.yaml              the areas (people)
    trends/feeds.yaml              the news feeds the collectors read (people)
    trends/<area>/<trend>.yaml     one trend per file (people)
    trends/signals/                what the collectors write (see trendkb.signals)

Every other file under trends/ (outside signals/, which the signal store
reads) is an error naming it: nothing is skipped silently (`sort_trend_files`).

`load` never raises on bad content: every file that cannot be read or does not
fit its model becomes a located `Problem`, and the rest still loads, so one run
reports everything. Cross-record rules are checked by `trendkb.validate`.
"""

from __future__ import annotations

import fnmatch
import os
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
    signals: SignalStore = field(init=False)  # the collected records; empty until `load` reads them
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
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

    trend_files, unknown = sort_trend_files(files_under_trends(root))
    kb.problems += unknown
    for file in (root / name for name in trend_files):
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


# ---------------------------------------------------------------- what each file under trends/ is


# Files people keep at the top of trends/, beside the area folders and signals/.
TOP_LEVEL_FILES = (AREAS_FILE, FEEDS_FILE, SCHEMA_FILE)
# Left by editors and the system while someone works, and ignored by git (.gitignore):
# reporting them would stop `make serve` on every save.
EDITOR_LITTER = ("*~", ".*.swp", ".*.swo", ".#*", "#*#", ".DS_Store", "Thumbs.db")


def files_under_trends(root: Path) -> list[str]:
    """Every file under root/trends/ outside signals/, as '/'-separated paths from the root."""
    found = []
    trends_dir = Path(root) / TRENDS_DIR
    for folder, subfolders, names in os.walk(trends_dir):
        here = Path(folder).relative_to(root).as_posix()
        if folder == str(trends_dir) and SIGNALS_DIR in subfolders:
            subfolders.remove(SIGNALS_DIR)  # the signal store's: it reports what it does not know
        # os.walk does not enter linked folders: name them, so they are reported rather than skipped.
        found += [f"{here}/{name}" for name in names]
        found += [f"{here}/{name}" for name in subfolders if (Path(folder) / name).is_symlink()]
    return sorted(found)


def _unknown(name: str, message: str) -> Problem:
    return Problem(name, 1, "(file)", message)


def sort_trend_files(names: list[str]) -> tuple[list[str], list[Problem]]:
    """Split paths under trends/ (from the root, '/'-separated) into trend files and problems.

    A trend file is trends/<folder>/<id>.yaml (whether the folder is an area is a
    rule of `trendkb.validate`). Any other file is a problem saying where it
    should go, except the known top-level files, signals/ and editor litter.
    """
    trend_files, problems = [], []
    for name in sorted(names):
        parts = name.split("/")[1:]
        if (parts[0] == SIGNALS_DIR and len(parts) > 1) or any(
                fnmatch.fnmatchcase(parts[-1], pattern) for pattern in EDITOR_LITTER):
            continue
        stem, dot, extension = parts[-1].rpartition(".")
        if len(parts) == 1:
            if parts[0] not in TOP_LEVEL_FILES:
                problems.append(_unknown(name, f"{TRENDS_DIR}/ holds only {', '.join(TOP_LEVEL_FILES)}, "
                                               f"{SIGNALS_DIR}/ and one folder per area; a trend goes in "
                                               f"{TRENDS_DIR}/<area>/<id>.yaml"))
        elif len(parts) == 2 and parts[-1].endswith(".yaml") and stem:
            trend_files.append(name)
        elif dot and extension.lower() in ("yaml", "yml") and stem:
            wanted = f"{TRENDS_DIR}/{parts[0]}/{stem}.yaml"
            how = "rename it to" if len(parts) == 2 else "trends are not read from sub-folders; move it to"
            problems.append(_unknown(name, f"not read as a trend: {how} {wanted}"))
        else:
            problems.append(_unknown(name, f"not a trend record: each trend is one {TRENDS_DIR}/<area>/<id>.yaml "
                                           "file; move this file out of trends/ (notebooks go in "
                                           f"{EXAMPLES_DIR.as_posix()}/) or delete it"))
    return trend_files, problems


# ---------------------------------------------------------------- writing


def trend_text(trend: models.Trend) -> str:
    """The canonical text of a trend file: schema header, fields in model order."""
    return dump_yaml(trend.model_dump(mode="json", exclude_none=True), header=SCHEMA_HEADER)


def save_trend(root: Path, trend: models.Trend) -> Path:
    path = trend_path(root, trend.area, trend.id)
    write_atomic(path, trend_text(trend))
    return path
