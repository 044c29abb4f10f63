"""Located problems: what is wrong, in which file, on which line, in which field.

Every check in trendkb reports `Problem`s instead of raising, so one run can
list all of them, sorted, in the `file:line: field: message` form that editors
understand, and as GitHub annotations (`github_annotation`) in CI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


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


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command: an error shown on that line of the pull request."""
    return (f"::error file={_escape_property(problem.path)},line={problem.line},"
            f"title={_escape_property(problem.field)}::{_escape_data(problem.message)}")
