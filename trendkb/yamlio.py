"""Strict YAML reading and stable, atomic YAML writing.

Reading builds plain Python values (dicts, lists, strings, None) straight from
libyaml's event stream, so that:

- nothing but plain data can come out (no tags, no objects),
- anchors and aliases are refused before anything is expanded (no alias bombs),
- duplicate keys are errors instead of silently keeping the last one,
- every scalar stays a string ("2106.10010" is an arXiv id, not a float); the
  pydantic models turn strings into dates and numbers where a field asks for it,
- every key and list item remembers its line, so errors can be located.

Writing emits keys in the order given, literal blocks for multi-line text and
plain dates, so a load-then-save of a file we wrote is byte-identical, and
replaces the file atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from trendkb.problems import Loc, Problem, format_loc
from trendkb.yamlhints import explain

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

NULLS = {"", "~", "null", "Null", "NULL"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DEFAULT_MAX_BYTES = 1_000_000



class YamlProblem(Exception):
    """A file that cannot be read as plain YAML data; carries the located problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Document:
    """Data read from one YAML file, with the line of every key and list item."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest known part of `loc` (a missing field points at its parent)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _fail(path: str, line: int, what: str, message: str) -> YamlProblem:
    return YamlProblem(Problem(path, line, what, message))


def _field_name(loc: Loc) -> str:
    return format_loc(loc) or "(top level)"


def parse_yaml(text: str, path: str) -> Document:
    """Parse one YAML document into plain data with line numbers, or raise YamlProblem."""
    doc = Document(path=path, data=None)
    # Each open container: [value, loc, pending key (mappings only), key line, seen keys]
    stack: list[list[Any]] = []
    documents = 0
    root_set = False

    def here() -> str:
        if not stack:
            return _field_name(())
        top = stack[-1]
        if isinstance(top[0], dict) and top[2] is not None:
            return _field_name((*top[1], top[2]))
        if isinstance(top[0], list):
            return _field_name((*top[1], len(top[0])))
        return _field_name(top[1])

    def place(value: Any, line: int) -> Loc | None:
        nonlocal root_set
        if not stack:
            doc.data = value
            root_set = True
            doc.lines[()] = line
            return ()
        top = stack[-1]
        container, loc = top[0], top[1]
        if isinstance(container, list):
            item_loc = (*loc, len(container))
            container.append(value)
            doc.lines[item_loc] = line
            return item_loc
        if top[2] is None:
            if not isinstance(value, str):
                raise _fail(path, line, _field_name(loc), "mapping keys must be plain words")
            if value in top[4]:
                raise _fail(
                    path, line, _field_name((*loc, value)),
                    f"duplicate key '{value}' (first at line {top[4][value]}); keep one of them",
                )
            top[4][value] = line
            top[2], top[3] = value, line
            return None
        key, key_line = top[2], top[3]
        top[2] = None
        container[key] = value
        doc.lines[(*loc, key)] = key_line
        return (*loc, key)

    try:
        for event in yaml.parse(text, Loader=Loader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _fail(path, line, "(file)", "only one YAML document per file; remove the '---'")
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _fail(
                    path, line, here(),
                    "anchors and aliases (&name, *name) are not allowed; write the value out in full",
                )
            tag = getattr(event, "tag", None)
            if tag not in (None, "!"):
                raise _fail(path, line, here(), f"YAML tags like '{tag}' are not allowed; remove the tag")
            if isinstance(event, yaml.ScalarEvent):
                plain = event.implicit[0]
                value = None if plain and event.value in NULLS else event.value
                place(value, line)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                    raise _fail(path, line, _field_name(stack[-1][1]), "mapping keys must be plain words")
                loc = place(container, line)
                stack.append([container, loc, None, 0, {}])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        explained = explain(exc, text)
        raise _fail(path, explained.line, "(yaml)", explained.message) from None
    except yaml.YAMLError as exc:
        raise _fail(path, 1, "(yaml)", f"cannot read YAML: {exc}") from None
    if not root_set:
        raise _fail(path, 1, "(file)", "the file is empty")
    return doc


def _decode(raw: bytes, display: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _fail(
            display, line, "(file)",
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def read_yaml(file: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse a file, refusing oversized and non-UTF-8 ones before parsing."""
    size = file.stat().st_size
    if size > max_bytes:
        raise _fail(
            display, 1, "(file)",
            f"the file is {size / 1e6:.1f} MB; files here are limited to {max_bytes / 1e6:.1f} MB",
        )
    return parse_yaml(_decode(file.read_bytes(), display), display)


class _Dumper(_BaseDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if DATE_RE.match(value):
        # Written plain, as people write dates; our reader keeps it a string either way.
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any, header: str | None = None) -> str:
    """YAML text for plain data (dicts, lists, str, int, None), keys in the order given."""
    body = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
        default_flow_style=False, indent=2,
    )
    return (f"{header}\n" if header else "") + body


TEMP_SUFFIX = ".tmp"


def is_leftover_temp(path: Path) -> bool:
    """True for a temp file `write_atomic` makes: one a killed process can leave behind."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def write_atomic(path: Path, text: str) -> bool:
    """Replace `path` with `text` via a temp file in the same folder, synced to disk; False if unchanged."""
    return replace_atomic(path, text.encode("utf-8"))


def replace_atomic(path: Path, data: bytes, durable: bool = True) -> bool:
    """Replace `path` with `data` via a temp file in the same folder; False if it already held them.

    A reader sees the old file or the new one, never a part. `durable=False` skips the sync to disk,
    for files that are rebuilt from others anyway (the rendered site source).
    """
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
