"""What a change does to the trends: added, removed, ring moves and edited fields, as Markdown.

`read_versions` parses the trend files of one version of the knowledge base
(path -> bytes), `compare` sets two versions side by side, and `summary`
writes the result for people: a pull request's step summary, or a terminal.
All three are pure; `trendkb.revisions` reads the files from git or the disk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from trendkb.yamlio import DEFAULT_MAX_BYTES, YamlProblem, parse_yaml


@dataclass(frozen=True)
class TrendVersion:
    """One trend file as it is in one version; `data` is None when the file cannot be read."""

    path: str
    data: dict[str, Any] | None
    problem: str = ""

    @property
    def id(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def area(self) -> str:
        return PurePosixPath(self.path).parent.name

    @property
    def title(self) -> str:
        title = (self.data or {}).get("title")
        return title if isinstance(title, str) and title.strip() else self.id

    @property
    def ring(self) -> str | None:
        ring = (self.data or {}).get("ring")
        return ring if isinstance(ring, str) else None


@dataclass(frozen=True)
class RingMove:
    trend: TrendVersion
    old: str
    new: str
    date: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Edit:
    trend: TrendVersion
    fields: list[str]


@dataclass
class Changes:
    added: list[TrendVersion] = field(default_factory=list)
    removed: list[TrendVersion] = field(default_factory=list)
    moves: list[RingMove] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    unreadable: list[TrendVersion] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.added, self.removed, self.moves, self.edits, self.unreadable))


def read_versions(files: Mapping[str, bytes]) -> dict[str, TrendVersion]:
    """Trend files (path -> content) by trend id, each parsed or marked unreadable."""
    versions: dict[str, TrendVersion] = {}
    for path in sorted(files):
        raw = files[path]
        try:
            if len(raw) > DEFAULT_MAX_BYTES:
                raise ValueError(f"larger than {DEFAULT_MAX_BYTES / 1e6:.1f} MB")
            doc = parse_yaml(raw.decode("utf-8").removeprefix("\ufeff"), path)
            if not isinstance(doc.data, dict):
                raise ValueError("not a mapping of fields")
            version = TrendVersion(path, doc.data)
        except YamlProblem as exc:
            version = TrendVersion(path, None, exc.problem.message)
        except (UnicodeDecodeError, ValueError) as exc:
            version = TrendVersion(path, None, str(exc))
        # Two files with one id is a problem `trendkb validate` reports; here both are kept.
        versions[version.id if version.id not in versions else path] = version
    return versions


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Top-level fields that differ, one level deeper inside mappings ('evidence.references')."""
    names = list(after) + [name for name in before if name not in after]
    fields = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            fields += [f"{name}.{inner}" for inner in changed_fields(old, new)]
        else:
            fields.append(name)
    return fields


def _last_decision(trend: TrendVersion, ring: str) -> tuple[str, str]:
    """Date and reason of the newest ring_history entry that set `ring`."""
    history = (trend.data or {}).get("ring_history")
    for change in reversed(history if isinstance(history, list) else []):
        if isinstance(change, dict) and change.get("ring") == ring:
            return str(change.get("date") or ""), str(change.get("reason") or "")
    return "", ""


def compare(base: Mapping[str, TrendVersion], head: Mapping[str, TrendVersion]) -> Changes:
    changes = Changes()
    for key in sorted(set(base) | set(head), key=lambda k: (head.get(k) or base[k]).path):
        before, after = base.get(key), head.get(key)
        if after is None:
            changes.removed.append(before)
        elif after.data is None:
            changes.unreadable.append(after)
        elif before is None:
            changes.added.append(after)
        elif before.data is None:
            changes.edits.append(Edit(after, ["(the whole file: it could not be read before)"]))
        else:
            fields = changed_fields(before.data, after.data)
            if before.path != after.path:
                fields.insert(0, f"(moved from {before.path})")
            if fields:
                changes.edits.append(Edit(after, fields))
            if before.ring and after.ring and before.ring != after.ring:
                changes.moves.append(RingMove(after, before.ring, after.ring, *_last_decision(after, after.ring)))
    return changes


_MARKDOWN = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str) -> str:
    """Text from a record, safe inside Markdown: no links, emphasis or HTML of its own."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _code(text: str) -> str:
    """Text in a code span, which nothing but a backtick can end."""
    return "`" + text.replace("`", "'") + "`"


def _name(trend: TrendVersion) -> str:
    return f"**{_md(trend.title)}** ({_code(f'{trend.area}/{trend.id}')})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(changes: Changes, base: str, head: str | None = None) -> str:
    """Markdown for people: what changed in the trends from revision `base` to `head` (or the working tree)."""
    span = f"from {_code(base)} to {_code(head)}" if head else f"since {_code(base)}"
    title = f"## Trend changes {span}\n\n"
    if not changes:
        return title + "No trend record changed.\n"
    counts = [(changes.added, "trend", " added"), (changes.removed, "trend", " removed"),
              (changes.moves, "ring move", ""), (changes.edits, "trend", " edited"),
              (changes.unreadable, "file", " that cannot be read")]
    counts = [_count(len(items), noun) + tail for items, noun, tail in counts if items]
    parts = [title + ", ".join(counts) + ".\n"]

    def section(title: str, lines: list[str]) -> None:
        if lines:
            parts.append(f"### {title}\n\n" + "\n".join(f"- {line}" for line in lines) + "\n")

    section("Added", [f"{_name(t)}, ring {_md(t.ring or '?')}" for t in changes.added])
    section("Removed", [_name(t) for t in changes.removed])
    section("Ring moves", [
        f"{_name(m.trend)}: {_md(m.old)} → {_md(m.new)}"
        + (f" on {_md(m.date)}" if m.date else "") + (f": {_md(m.reason)}" if m.reason else "")
        for m in changes.moves])
    section("Edited", [f"{_name(e.trend)}: {', '.join(_code(name) for name in e.fields)}" for e in changes.edits])
    section("Cannot be read", [f"{_code(t.path)}: {_md(t.problem)}; run `trendkb validate` for the details"
                               for t in changes.unreadable])
    return "\n".join(parts)
