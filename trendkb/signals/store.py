"""Every collected record under trends/signals/, read, checked, merged and saved in one place.

`SignalStore.load` reads the files of every registered kind and reports what
is wrong with them as located problems; anything else found in the folder is
a problem too, so no file is skipped unseen. The collectors then `put` and
`remove` records, and `save` writes back only the files whose text changed,
each atomically, with lines sorted by record key: a run that learns nothing
leaves every file as it was, and one that adds N records adds about N lines.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel

from trendkb import models
from trendkb.problems import Problem
from trendkb.signals import formats
from trendkb.signals.kinds import Kind, registered, year_month
from trendkb.signals.lock import LOCK_NAME
from trendkb.yamlio import is_leftover_temp, write_atomic

R = TypeVar("R", bound=BaseModel)
Outcome = Literal["new", "updated", "same"]

_TREND_ID = re.compile(models.SLUG_PATTERN)
# Per file. A month of papers at arXiv's full volume is a few MB; this only stops a runaway file.
MAX_FILE_BYTES = 50_000_000


@contextmanager
def _no_collection() -> Iterator[None]:
    """Keep the cyclic garbage collector off the records a bulk read builds; they all stay alive.

    The collector would walk the growing heap again and again while the read
    runs, and then once more, in full, at the next collection after it, and
    again at each full collection while the site is built: 40% of the load
    time at 100,000 papers, and more after. Records hold no reference cycles,
    so reference counting alone frees them. The collector is paused during
    the read and everything alive after it is frozen (`gc.freeze`): later
    collections skip it. A long-running caller that loads again and again
    (`mkdocs serve`) hands the frozen objects back with `gc.unfreeze()` when
    a build is done, so the cycles of that build are still collected.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class SignalStore:
    """The records of every kind, in memory, each filed where its kind says; saved file by file."""

    def __init__(self, folder: Path, kinds: list[Kind] | None = None, shown: str = "trends/signals"):
        self.folder = Path(folder)
        self.shown = shown  # how problems name the folder
        self.kinds = list(kinds) if kinds is not None else registered()
        # kind name -> file (relative to the folder) -> key -> record
        self._files: dict[str, dict[str, dict[tuple, BaseModel]]] = {kind.name: {} for kind in self.kinds}
        self._file_of: dict[str, dict[tuple, str]] = {kind.name: {} for kind in self.kinds}
        self._lines: dict[str, dict[str, dict[tuple, int]]] = {kind.name: {} for kind in self.kinds}  # as loaded
        self._dirty: dict[str, set[str]] = {kind.name: set() for kind in self.kinds}
        # Each file read cleanly, by its stamp (inode, size, modification time), for a later load to take over.
        self._clean: dict[str, tuple[int, int, int]] = {}
        self._edited = False  # records were put or removed: memory no longer mirrors the files
        self.written: list[Path] = []  # every file this store saved, in order

    # ------------------------------------------------------------ reading

    @classmethod
    def load(cls, folder: Path, kinds: list[Kind] | None = None, shown: str = "trends/signals",
             reuse: SignalStore | None = None) -> tuple[SignalStore, list[Problem]]:
        """Read every kind's files; a file or line that fails is left out and reported.

        `reuse` is an earlier, unedited load of the same folder (`mkdocs serve`
        keeps one): a file it read cleanly and that has the same inode, size and
        modification time is taken over instead of read again. A one-trend edit
        then rebuilds without reading 100 MB of signals (1.5 s on the benchmark's
        large knowledge base). The store replaces files (a new inode), and an
        editor changes the time, so a changed file is always read.
        """
        store = cls(folder, kinds, shown)
        usable = reuse is not None and reuse.folder == store.folder and not reuse._edited
        earlier = reuse if usable else None
        problems: list[Problem] = []
        claimed: set[Path] = set()
        with _no_collection():
            for kind in store.kinds:
                for path in sorted(store.folder.glob(kind.pattern)):
                    if path.is_file():
                        claimed.add(path)
                        if not (earlier and store._take_over(kind, path, earlier)):
                            problems += store._read(kind, path)
        problems += store._strays(claimed)
        return store, problems

    def _take_over(self, kind: Kind, path: Path, earlier: SignalStore) -> bool:
        """Take a file's records from an earlier load, if it read the same file cleanly; False otherwise."""
        name = path.relative_to(self.folder).as_posix()
        stamp = _stamp(path)
        if earlier._clean.get(name) != stamp or kind.name not in earlier._files:
            return False
        bucket = earlier._files[kind.name].get(name, {})
        file_of = self._file_of[kind.name]
        if file_of.keys() & bucket.keys():
            return False  # a record now also in another file: read it again, to report that
        self._files[kind.name][name] = dict(bucket)
        self._lines[kind.name][name] = dict(earlier._lines[kind.name].get(name, {}))
        file_of.update(dict.fromkeys(bucket, name))
        self._clean[name] = stamp
        return True

    def _read(self, kind: Kind, path: Path) -> list[Problem]:
        name = path.relative_to(self.folder).as_posix()
        shown = f"{self.shown}/{name}"
        stamp = _stamp(path)
        if kind.month is not None and not _is_month_file(kind, name):
            return [Problem(shown, 1, "(file)", f"is not named like {kind.path} (a month written YYYY-MM)")]
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [Problem(shown, 1, "(file)", f"the file is {size / 1e6:.1f} MB; signal files are limited to "
                                                f"{MAX_FILE_BYTES / 1e6:.0f} MB")]
        records, problems = formats.decode(kind, path.read_bytes(), shown)
        bucket = self._files[kind.name].setdefault(name, {})
        lines = self._lines[kind.name].setdefault(name, {})
        file_of, key_of = self._file_of[kind.name], kind.key_of
        # Only month files can hold a record in the wrong file; compare numbers, not names, for speed.
        month_field, year, month = kind.month, 0, 0
        if month_field is not None:
            stem = name[len(kind.path.split("{month}")[0]):]
            year, month = int(stem[:4]), int(stem[5:7])
        for line, record in records:
            key = key_of(record)
            if month_field is not None and year_month(getattr(record, month_field)) != (year, month):
                problems.append(Problem(shown, line, month_field, f"this record belongs in "
                                                                  f"{self.shown}/{kind.file_of(record)}; move the "
                                                                  "line there"))
            elif key in file_of:
                first = f"{self.shown}/{file_of[key]}:{self._lines[kind.name][file_of[key]][key]}"
                problems.append(Problem(shown, line, ",".join(kind.key),
                                        f"{_show_key(key)} is already stored at {first}; keep one of them"))
            else:
                bucket[key] = record
                file_of[key] = name
                lines[key] = line
        if not problems:
            self._clean[name] = stamp
        return problems

    def _strays(self, claimed: set[Path]) -> list[Problem]:
        if not self.folder.is_dir():
            return []
        problems = []
        known = ", ".join(kind.path for kind in self.kinds)
        for path in sorted(self.folder.rglob("*")):
            if path.is_dir() or path in claimed or path.name == LOCK_NAME or is_leftover_temp(path):
                continue  # a run's lock and a killed run's temp files: git ignores them, the next run cleans up
            name = path.relative_to(self.folder).as_posix()
            problems.append(Problem(f"{self.shown}/{name}", 1, "(file)",
                                    f"not a file of any signal kind (they are: {known}); only the collectors "
                                    "write here, so remove it"))
        return problems

    def records(self, kind: Kind[R]) -> list[R]:
        """Every record of a kind, sorted by key."""
        found = [record for records in self._files[kind.name].values() for record in records.items()]
        return [record for _, record in sorted(found, key=lambda item: item[0])]

    def get(self, kind: Kind[R], *key: object) -> R | None:
        name = self._file_of[kind.name].get(key)
        return None if name is None else self._files[kind.name][name][key]

    def where(self, kind: Kind[R]) -> Iterator[tuple[R, str, int]]:
        """Each record as loaded, with the file (as shown) and line it came from, in file order."""
        for name in sorted(self._files[kind.name]):
            lines = self._lines[kind.name].get(name, {})
            shown = f"{self.shown}/{name}"
            for key, record in self._files[kind.name][name].items():
                if key in lines:
                    yield record, shown, lines[key]

    def unknown_trends(self, trend_ids: set[str]) -> list[Problem]:
        """A problem for each stored reference to a trend id that is not in `trend_ids`."""
        problems = []
        for kind in self.kinds:
            if kind.trends_field is None:
                continue
            named = attrgetter(kind.trends_field)
            for record, shown, line in self.where(kind):
                if trend_ids.issuperset(named(record)):
                    continue  # nearly always: one set operation instead of a loop per record
                for position, trend_id in enumerate(named(record)):
                    if trend_id not in trend_ids:
                        problems.append(Problem(shown, line, f"{kind.trends_field}[{position}]",
                                                f"no trend has the id '{trend_id}'; if it was removed or "
                                                f"renamed, 'trendkb signals-prune' takes it out of the "
                                                "collected records"))
        return problems

    def forget_trends(self, known: set[str]) -> dict[str, tuple[int, int]]:
        """Take every trend id not in `known` out of the records, for a trend removed or renamed.

        A record listing such an id keeps its other trends, and goes when it has none left; a record
        about such a trend alone (its `trend_key`) goes. Returns, per kind that changed, how many
        records were kept for their other trends and how many were removed. Saving is the caller's.
        """
        changed: dict[str, tuple[int, int]] = {}
        for kind in self.kinds:
            kept = removed = 0
            for record in self.records(kind):
                if kind.trends_field is not None:
                    named = getattr(record, kind.trends_field)
                    left = [trend_id for trend_id in named if trend_id in known]
                    if len(left) == len(named):
                        continue
                    # Around put: a kind's merge (papers add up their trend ids) would bring the id back.
                    self.remove(kind, *kind.key_of(record))
                    if left:
                        self.put(kind, record.model_copy(update={kind.trends_field: left}))
                        kept += 1
                    else:
                        removed += 1
                elif kind.trend_key is not None:
                    value = getattr(record, kind.trend_key)
                    if value not in known and _TREND_ID.match(value):
                        self.remove(kind, *kind.key_of(record))
                        removed += 1
            if kept or removed:
                changed[kind.name] = (kept, removed)
        return changed

    def count(self, kind: Kind) -> int:
        return len(self._file_of[kind.name])

    def files(self, kind: Kind) -> list[str]:
        """The kind's files that hold records, relative to the folder."""
        return sorted(name for name, records in self._files[kind.name].items() if records)

    # ------------------------------------------------------------ changing

    def put(self, kind: Kind[R], record: R) -> Outcome:
        """Store a record: new, or merged with the stored one of the same key as the kind says."""
        key = kind.key_of(record)
        old = self.get(kind, *key)
        if old is not None:
            if kind.merge is not None:
                record = kind.merge(old, record)
            if record == old:
                return "same"
            self._take(kind, key)
        name = kind.file_of(record)
        self._files[kind.name].setdefault(name, {})[key] = record
        self._file_of[kind.name][key] = name
        self._dirty[kind.name].add(name)
        self._edited = True
        return "new" if old is None else "updated"

    def remove(self, kind: Kind, *key: object) -> bool:
        """Forget a record; False when there was none."""
        if key not in self._file_of[kind.name]:
            return False
        self._take(kind, key)
        return True

    def _take(self, kind: Kind, key: tuple) -> None:
        name = self._file_of[kind.name].pop(key)
        del self._files[kind.name][name][key]
        self._lines[kind.name].get(name, {}).pop(key, None)
        self._dirty[kind.name].add(name)
        self._edited = True

    # ------------------------------------------------------------ writing

    def pending(self) -> dict[Path, str | None]:
        """The files a save would change: their new text, or None for a file left empty (removed)."""
        out: dict[Path, str | None] = {}
        for kind in self.kinds:
            for name in sorted(self._dirty[kind.name]):
                path = self.folder / name
                records = self._files[kind.name].get(name, {})
                if not records:
                    if path.is_file():
                        out[path] = None
                    continue
                text = formats.encode(kind, (records[key] for key in sorted(records)))
                if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
                    out[path] = text
        return out

    def save(self) -> list[Path]:
        """Write every changed file atomically (and remove emptied ones); returns the files changed."""
        changed = []
        for path, text in self.pending().items():
            if text is None:
                path.unlink()
            elif not write_atomic(path, text):
                continue
            changed.append(path)
            if path not in self.written:
                self.written.append(path)
        for dirty in self._dirty.values():
            dirty.clear()
        return changed


def _stamp(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_ino, status.st_size, status.st_mtime_ns


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the temp files a killed run left in the folder; returns them."""
    if not Path(folder).is_dir():
        return []
    found = [path for path in Path(folder).rglob("*") if path.is_file() and is_leftover_temp(path)]
    for path in found:
        path.unlink(missing_ok=True)
    return found


def _is_month_file(kind: Kind, name: str) -> bool:
    head, tail = kind.path.split("{month}")
    month = models.MONTH_PATTERN.removeprefix("^").removesuffix("$")
    return re.fullmatch(re.escape(head) + month + re.escape(tail), name) is not None


def _show_key(key: tuple) -> str:
    return ", ".join(f"'{part}'" for part in key)
