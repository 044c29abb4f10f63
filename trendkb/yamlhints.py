"""YAML syntax errors explained: where the mistake is (line and column), and what usually causes it.

libyaml names the symptom ("mapping values are not allowed in this context"),
often on a line after the real mistake. `explain` turns its error into the
line to fix, the column, and a hint for the mistakes people make by hand: a
colon in an unquoted value, a tab, a line indented one step too far or not far
enough, a quote left open. Pure: the error and the file's text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# `key: value` at the start of a line, optionally as a list item (`- key: value`).
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s#'\"{\[][^:#]*?):(?: +(?P<value>.*))?$")


@dataclass(frozen=True)
class Explained:
    line: int
    message: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int | None:
    """Where the key of a `key: value` line starts (after any `- `), or None."""
    match = _KEY_LINE.match(line)
    if not match:
        return None
    return len(match["indent"]) + len(match["dash"] or "")


def _previous_content(lines: list[str], index: int) -> int | None:
    """Index of the nearest line above `index` that holds something other than a comment."""
    for above in range(index - 1, -1, -1):
        stripped = lines[above].strip()
        if stripped and not stripped.startswith("#"):
            return above
    return None


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _colon_hint(line: str, column: int) -> str | None:
    """A value holding ': ' that libyaml read as a second key; the hint shows the quoted line."""
    match = _KEY_LINE.match(line)
    if not match or not match["value"] or match.start("value") > column:
        return None
    value = match["value"].rstrip()
    fixed = f"{match['indent']}{match['dash'] or ''}{match['key']}: {_quoted(value)}"
    return f"the value of '{match['key']}' contains ': '; quote the whole value: {fixed.strip()}"


def _indent_hint(lines: list[str], index: int) -> str | None:
    """A key line indented deeper or shallower than the keys around it."""
    line = lines[index]
    column = _key_column(line)
    above = _previous_content(lines, index)
    if column is None:
        return None
    match = _KEY_LINE.match(lines[above]) if above is not None else None
    if match and column > _key_column(lines[above]) and match["value"]:
        return (f"this line is indented more than '{match['key'].strip()}' on line {above + 1}, "
                f"which already has a value; line its key up with the key above it")
    siblings = sorted({_key_column(text) for text in lines[:index] if _key_column(text) is not None})
    if siblings and column not in siblings:
        used = " or ".join(map(str, siblings))
        return (f"this line is indented {column} space(s), which lines up with no key above it "
                f"(they start at {used} spaces); indent it like the keys of the block it belongs to")
    return None


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    """The line to fix and the message (with the column) for a libyaml syntax error in `text`."""
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines() or [""]
    index = mark.line if mark else 0
    column = mark.column + 1 if mark else 1
    problem = exc.problem or str(exc)
    context = exc.context_mark
    hint = None
    if index >= len(lines):  # libyaml gave up at the end of the file: point at where it ends
        index = len(lines) - 1
        column = len(lines[index]) + 1
        hint = "the file ends before the value is complete; close every '[', '{' and quote you opened"
    line = lines[index]

    if "tab" in problem or "\t" in line[:_indent(line) + 1]:
        tab = line.find("\t")
        column = tab + 1 if tab >= 0 else column
        problem = "a tab character"
        hint = "indent YAML with spaces, never tabs"
    elif problem.startswith("mapping values are not allowed"):
        hint = _colon_hint(line, mark.column)
        if hint is None:
            above = _previous_content(lines, index)
            if above is not None and _KEY_LINE.match(lines[above]) is None and ":" in lines[above]:
                hint = f"line {above + 1} has a colon without a space after it; write 'key: value'"
            else:
                hint = _indent_hint(lines, index)
    elif problem.startswith("did not find expected key"):
        if re.search(r""":\s+(['"]).*\1\s*[^\s#]""", line):
            hint = "a value that starts with a quote must end with it; quote the whole value or none of it"
        else:
            hint = _indent_hint(lines, index)
    elif problem.startswith("could not find expected ':'") and context is not None:
        # The real mistake is the line the scanner started on, not where it gave up.
        index, column = context.line, context.column + 1
        hint = ("this line is not 'key: value': a list item needs '- ' with a space, "
                "and the lines of a text block (after '|') must be indented like the first one")
    elif exc.context and "quoted scalar" in exc.context and context is not None:
        index, column = context.line, context.column + 1
        problem = "this quote is never closed"
        hint = "end the value with the same quote it starts with"
    elif exc.context and ("flow sequence" in exc.context or "flow mapping" in exc.context) and context is not None:
        hint = f"the bracket opened on line {context.line + 1}, column {context.column + 1} is not closed"

    message = f"YAML syntax error at column {column}: {problem}"
    return Explained(index + 1, f"{message}; {hint}" if hint else message)
