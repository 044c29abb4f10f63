"""The two file formats of collected records: JSON Lines and CSV, both read strictly.

`encode` is the only writer: the same records always give the same bytes
(keys in model order, compact JSON, text kept on one line and never
re-wrapped), so a record that did not change never shows in a diff.
`decode` is the only reader: every record is checked against its model, and
whatever is wrong (bad JSON, a duplicate key, a field that fails the model)
becomes a `file:line: field: message` problem instead of an exception.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jiter
from pydantic import BaseModel, ValidationError

from trendkb.problems import Loc, Problem, validation_problems
from trendkb.signals.kinds import Kind

# Characters that some tools take for the end of a line (Python's splitlines, some editors) although
# JSON lets them stand: written escaped, so every record is one line for every tool.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_DUPLICATE = re.compile(r'^Detected duplicate key "(?P<key>.*)" at line \d+ column (?P<column>\d+)$')
_POSITION = re.compile(r" at line \d+ column (?P<column>\d+)$")


@dataclass
class _Line:
    """One record's data and the line it is on: every field of a record shares that line."""

    path: str
    data: Any
    line: int
    lines: dict = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        return self.line


def describe(kind: Kind) -> str:
    """The kind's format in a few words, for people."""
    if kind.format == ".jsonl":
        return "JSON Lines: one record a line"
    return "CSV: one record a row, under a header"


def encode(kind: Kind, records: Iterable[BaseModel]) -> str:
    """The text of one file holding `records`, which the caller gives sorted by key."""
    if kind.format == ".jsonl":
        return "".join(_one_line(record.model_dump_json()) + "\n" for record in records)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = list(kind.model.model_fields)
    writer.writerow(names)
    for record in records:
        row = record.model_dump(mode="json")
        writer.writerow(["" if row[name] is None else row[name] for name in names])
    return out.getvalue()


def _one_line(text: str) -> str:
    for character, escaped in _LINE_BREAKS.items():
        if character in text:
            text = text.replace(character, escaped)
    return text


def decode(kind: Kind, data: bytes, shown: str) -> tuple[list[tuple[int, BaseModel]], list[Problem]]:
    """The records of one file with their line numbers, and the problems of the lines that fail."""
    if kind.format == ".jsonl":
        return _decode_jsonl(kind, data, shown)
    return _decode_csv(kind, data, shown)


def _decode_jsonl(kind: Kind, data: bytes, shown: str) -> tuple[list[tuple[int, BaseModel]], list[Problem]]:
    records, problems = [], []
    validate, parse = kind.model.model_validate, jiter.from_json
    for number, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue  # a blank line, or the end of the file
        try:
            # Only keys repeat from line to line: caching every string would cost more than it saves.
            values = parse(raw, catch_duplicate_keys=True, cache_mode="keys")
        except ValueError as exc:
            problems.append(_json_problem(str(exc), shown, number))
            continue
        if not isinstance(values, dict):
            problems.append(Problem(shown, number, "(line)",
                                    f"expected a JSON object with the fields of {kind.model.__name__}"))
            continue
        try:
            records.append((number, validate(values)))
        except ValidationError as exc:
            problems += validation_problems(exc, _Line(shown, values, number))
    return records, problems


def _json_problem(message: str, shown: str, number: int) -> Problem:
    duplicate = _DUPLICATE.match(message)
    if duplicate:
        return Problem(shown, number, duplicate["key"] or "(line)",
                       f"duplicate key '{duplicate['key']}' (column {duplicate['column']}); keep one of them")
    position = _POSITION.search(message)
    where = f" at column {position['column']}" if position else ""
    reason = _POSITION.sub("", message)
    return Problem(shown, number, "(line)", f"not valid JSON{where}: {reason}; each line holds one JSON object")


def _decode_csv(kind: Kind, data: bytes, shown: str) -> tuple[list[tuple[int, BaseModel]], list[Problem]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return [], [Problem(shown, line, "(file)", f"byte 0x{data[exc.start]:02x} is not UTF-8")]
    names = list(kind.model.model_fields)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, problems = [], []
    try:
        header = next(reader, None)
        if header != names:
            return [], [Problem(shown, 1, "(header)", f"the first row must name the columns {','.join(names)}")]
        for row in reader:
            number = reader.line_num
            if not any(row):
                continue
            if len(row) != len(names):
                problems.append(Problem(shown, number, "(row)", f"has {len(row)} cells; expected {len(names)}, "
                                                                f"one for each of {','.join(names)}"))
                continue
            values = {name: (cell if cell != "" else None) for name, cell in zip(names, row, strict=True)}
            try:
                records.append((number, kind.model.model_validate(values)))
            except ValidationError as exc:
                problems += validation_problems(exc, _Line(shown, values, number))
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, "(row)", f"not valid CSV: {exc}"))
    return records, problems
