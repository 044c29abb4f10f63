"""Located problems: what is wrong, in which file, on which line, in which field.

Every check in trendkb reports `Problem`s instead of raising, so one run can
list all of them, sorted, in the `file:line: field: message` form that editors
understand, and as GitHub annotations (`github_annotation`) in CI. `parse_record` and `validation_problems` turn
pydantic's errors into such problems, in words a researcher can act on.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from trendkb import models

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class Located(Protocol):
    """Data read from a file that can say on which line each part of it is."""

    path: str
    data: Any

    def line_of(self, loc: Loc) -> int: ...


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as the user should see it: relative to root (or the cwd) when inside it."""
    path = Path(path)
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def format_loc(loc: Loc) -> str:
    """('use_cases', 2, 'title') -> 'use_cases[2].title'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_ALL_FIELDS = sorted(
    {name for model in vars(models).values()
     if isinstance(model, type) and issubclass(model, BaseModel)
     for name in model.model_fields}
)
_PATTERN_HELP = {
    models.SLUG_PATTERN: "a slug: lower-case letters, digits and single hyphens, like 'edge-inference'",
    models.MONTH_PATTERN: "a month written YYYY-MM",
    models.ARXIV_ID_PATTERN: "an arXiv id without version, like '1706.03762'",
    models.NOTEBOOK_PATTERN: "a notebook file name in content/examples/, like 'federated-averaging.ipynb'",
    models.OWNER_PATTERN: "a GitHub user or team, like '@octocat' or '@org/team'",
    models.PACKAGE_PATTERN: "a PyPI project name: letters, digits and . _ -, starting and ending with a letter or "
                            "digit, like 'opacus'",
    models.REPO_PATTERN: "a GitHub repository written owner/name, like 'optuna/optuna'",
}


def _data_loc(data: Any, loc: tuple) -> Loc:
    """Keep the parts of a pydantic loc that index into the data (drops union/validator tags)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier():
            out.append(part)  # a missing key: name it, it has no line of its own
            break
        else:
            continue
        out.append(part)
    return tuple(out)


def did_you_mean(value: str, choices: list[str], cutoff: float = 0.6) -> str:
    """'; did you mean 'adopt'?' when a choice is close to value, else ''."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=cutoff)
    return f"; did you mean '{close[0]}'?" if close else ""


def _message(error: dict[str, Any], loc: Loc) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        hint = did_you_mean(name, _ALL_FIELDS) or "; remove it or check the schema"
        return f"unknown field '{name}'{hint}"
    if value is None and kind.endswith("_type"):
        return "has no value; fill it in"
    if kind == "enum":
        allowed = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"'{value}' is not one of {allowed}{did_you_mean(str(value), allowed.split(', '))}"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERN_HELP.get(ctx.get("pattern"), f"text matching {ctx.get('pattern')}")
        return f"'{value}' is not {wanted}"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return f"'{value}' is not a date; write it as YYYY-MM-DD"
    if kind.startswith("datetime"):
        return f"'{value}' is not a date and time; write it as YYYY-MM-DDTHH:MM:SSZ"
    if kind == "string_too_short":
        return "is empty; fill it in"
    if kind == "string_too_long":
        return f"is {len(value)} characters long; keep it to {ctx.get('max_length')}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "list_type":
        return "should be a list (one '- item' per line)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "should be a mapping of fields (key: value lines)"
    if kind == "string_type":
        return "should be text, not a list or mapping"
    if kind == "greater_than_equal":
        return f"{value} is less than the minimum, {ctx.get('ge')}"
    if kind in ("int_parsing", "int_type"):
        return f"'{value}' is not a whole number"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def validation_problems(exc: ValidationError, doc: Located, prefix: Loc = ()) -> list[Problem]:
    """Turn a pydantic error into located problems, one per failing field."""
    problems = set()
    for error in exc.errors(include_url=False):
        loc = _data_loc(doc.data, (*prefix, *error["loc"]))
        field_name = format_loc(loc) or "(top level)"
        problems.add(Problem(doc.path, doc.line_of(loc), field_name, _message(error, loc)))
    return sorted(problems)


def parse_record(model: type[M], doc: Located) -> tuple[M | None, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [Problem(doc.path, doc.line_of(()), "(top level)",
                              f"expected a mapping of {model.__name__} fields, found {_kind(doc.data)}")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_problems(exc, doc)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return "a single value"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command: an error shown on that line of the pull request."""
    return (f"::error file={_escape_property(problem.path)},line={problem.line},"
            f"title={_escape_property(problem.field)}::{_escape_data(problem.message)}")
