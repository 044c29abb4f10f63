"""Rules beyond one field: identity, references between trends, history, dates, files, drafts.

`check(kb, today)` returns located problems; it reads nothing but the
knowledge base it is given (and the trend files again, to compare them with
their canonical layout, and which example notebooks exist), and the clock is
a parameter so tests can pin it. With the models, this is every rule a record
must meet: the tests check these rules, they hold none of their own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trendkb import models
from trendkb.problems import Loc, Problem, did_you_mean, format_loc
from trendkb.scaffold import PLACEHOLDER_PATTERN
from trendkb.store import EXAMPLES_DIR, KnowledgeBase, Loaded, trend_text

# A researcher east of UTC may date an entry "tomorrow" by the CI clock:
# allow one day of slack rather than fail their pull request.
CLOCK_SLACK = dt.timedelta(days=1)
# The field of the one problem `trendkb fmt` fixes by itself.
LAYOUT = "(layout)"
_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)


def _at(entry: Loaded, loc: tuple, message: str) -> Problem:
    return Problem(entry.doc.path, entry.doc.line_of(loc), format_loc(loc), message)


def _check_areas(kb: KnowledgeBase) -> list[Problem]:
    if kb.areas_doc is None:
        return []
    entry = Loaded(kb.areas, kb.areas_doc)
    problems = []
    seen: set[str] = set()
    for index, area in enumerate(kb.areas):
        if area.id in seen:
            problems.append(_at(entry, ("areas", index, "id"), f"area id '{area.id}' is used twice"))
        seen.add(area.id)
    return problems


def _check_feeds(kb: KnowledgeBase) -> list[Problem]:
    if kb.feeds is None or kb.feeds_doc is None:
        return []
    entry = Loaded(kb.feeds, kb.feeds_doc)
    problems = []
    first: dict[str, int] = {}
    for index, feed in enumerate(kb.feeds.feeds):
        for name, value in (("id", feed.id), ("url", feed.url)):
            key = f"{name}:{value}"
            if key in first:
                problems.append(_at(entry, ("feeds", index, name),
                                    f"'{value}' is already used by feeds[{first[key]}]; list each feed once"))
            else:
                first[key] = index
    return problems


def _check_folder(entry: Loaded, area_ids: list[str]) -> list[Problem]:
    trend: models.Trend = entry.record
    folder = Path(entry.doc.path).parent.name
    if folder not in area_ids:
        return [_at(entry, ("area",), f"the folder '{folder}' is not an area in trends/areas.yaml; "
                                      f"use one of {', '.join(area_ids)}{did_you_mean(folder, area_ids)}")]
    if trend.area not in area_ids:
        return [_at(entry, ("area",), f"'{trend.area}' is not an area in trends/areas.yaml; "
                                      f"did you mean '{folder}', the folder the file is in?")]
    if trend.area != folder:
        return [_at(entry, ("area",), f"'{trend.area}' does not match the folder '{folder}'; "
                                      "move the file or fix the area")]
    return []


def _check_trend(entry: Loaded, kb: KnowledgeBase, ids: set[str], today: dt.date) -> list[Problem]:
    trend: models.Trend = entry.record
    path = Path(entry.doc.path)
    problems = []
    if trend.id != path.stem:
        problems.append(_at(entry, ("id",), f"'{trend.id}' does not match the file name; "
                                            f"set it to '{path.stem}' or rename the file"))
    if kb.areas_doc is not None:  # else trends/areas.yaml says why it cannot be read: blame no trend for it
        problems += _check_folder(entry, [area.id for area in kb.areas])

    for index, related in enumerate(trend.related):
        if related == trend.id:
            problems.append(_at(entry, ("related", index), "a trend cannot be related to itself"))
        elif related not in ids:
            # Stricter than for field names: ids share words ('-trend'), and a wrong guess misleads.
            hint = did_you_mean(related, sorted(ids - {trend.id}), cutoff=0.8)
            problems.append(_at(entry, ("related", index), f"no trend has the id '{related}'{hint}"))

    history = trend.ring_history
    for index in range(1, len(history)):
        if history[index].date <= history[index - 1].date:
            problems.append(_at(entry, ("ring_history", index, "date"),
                                f"{history[index].date} is not after {history[index - 1].date}; "
                                "list ring changes oldest first"))
    if history and history[-1].ring != trend.ring:
        problems.append(_at(entry, ("ring",), f"'{trend.ring}' differs from the last ring_history entry "
                                              f"('{history[-1].ring}'); add a ring change"))

    dated = [(("created",), trend.created), (("updated",), trend.updated)]
    dated += [(("ring_history", i, "date"), change.date) for i, change in enumerate(history)]
    for loc, day in dated:
        if day > today + CLOCK_SLACK:
            problems.append(_at(entry, loc, f"{day} is in the future (today is {today})"))
    if trend.updated < trend.created:
        problems.append(_at(entry, ("updated",), f"{trend.updated} is before created ({trend.created})"))

    examples_dir = kb.root / EXAMPLES_DIR
    for index, example in enumerate(trend.examples):
        if example.notebook and not (examples_dir / example.notebook).is_file():
            problems.append(_at(entry, ("examples", index, "notebook"),
                                f"{EXAMPLES_DIR.as_posix()}/{example.notebook} does not exist"))
    area = next((area for area in kb.areas if area.id == trend.area), None)
    if area and area.notebooks == models.NotebookRule.EVERY and not _links_a_notebook(trend):
        problems.append(_at(entry, ("examples",), f"every trend of the area '{area.id}' links a runnable notebook "
                                                  f"(notebooks: every in trends/areas.yaml); add an example with "
                                                  f"'notebook:' naming a file of {EXAMPLES_DIR.as_posix()}/"))
    return problems


def _links_a_notebook(trend: models.Trend) -> bool:
    return any(example.notebook for example in trend.examples)


def _check_area_notebooks(kb: KnowledgeBase) -> list[Problem]:
    if kb.areas_doc is None:
        return []
    entry = Loaded(kb.areas, kb.areas_doc)
    return [_at(entry, ("areas", index, "notebooks"),
                f"no trend of '{area.id}' links a runnable notebook; add one to a trend's examples, "
                "or set notebooks: optional")
            for index, area in enumerate(kb.areas)
            if area.notebooks == models.NotebookRule.SOME
            and not any(_links_a_notebook(trend) for trend in kb.trends if trend.area == area.id)]


def _check_unlinked_notebooks(kb: KnowledgeBase) -> list[Problem]:
    """A notebook in content/examples/ that no trend names is on no page, so no reader finds it."""
    if len(kb.trend_files) < len(kb.trend_paths):
        return []  # a trend that cannot be read may be the one linking it: its own problem comes first
    linked = {example.notebook for trend in kb.trends for example in trend.examples}
    folder = EXAMPLES_DIR.as_posix()
    return [Problem(f"{folder}/{path.name}", 1, "(file)",
                    f"no trend links this notebook, so no page shows it; name it in a trend's examples "
                    f"(notebook: {path.name}) or remove it")
            for path in sorted((kb.root / EXAMPLES_DIR).glob("*.ipynb")) if path.name not in linked]


def _strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))


def _check_placeholders(entry: Loaded) -> list[Problem]:
    """Text the scaffold (`trendkb new`) wrote for the author to replace."""
    problems = []
    for loc, text in _strings(entry.doc.data):
        if _PLACEHOLDER.search(text):
            shown = text.strip().splitlines()[0]
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            if text.startswith("@"):
                instead = "put your GitHub handle, like '@octocat'"
            elif text.startswith(("http://", "https://")):
                instead = "link the real source"
            else:
                instead = "write it in your own words"
            problems.append(_at(entry, loc, f"still holds the scaffold's placeholder '{shown}'; {instead}"))
    return problems


def _check_layout(entry: Loaded, root: Path) -> list[Problem]:
    """The file as `trendkb fmt` writes it, so that an edit shows as the lines it changed."""
    path = root / entry.doc.path
    if path.read_text(encoding="utf-8") == trend_text(entry.record):
        return []
    return [Problem(entry.doc.path, 1, LAYOUT, f"not in the canonical layout (field order, quoting, line breaks, "
                                               f"schema line); run 'trendkb fmt {entry.doc.path}' to rewrite it")]


def check(kb: KnowledgeBase, today: dt.date) -> list[Problem]:
    """Every cross-record problem in the knowledge base, sorted by file and line."""
    problems = _check_areas(kb) + _check_area_notebooks(kb) + _check_unlinked_notebooks(kb) + _check_feeds(kb)
    ids = {trend.id for trend in kb.trends} | {path.stem for path in kb.trend_paths}
    first_file: dict[str, str] = {}
    for entry in kb.trend_files:
        trend = entry.record
        if trend.id in first_file:
            problems.append(_at(entry, ("id",), f"'{trend.id}' is already used by {first_file[trend.id]}"))
        else:
            first_file[trend.id] = entry.doc.path
        problems += _check_trend(entry, kb, ids, today)
        problems += _check_placeholders(entry)
        problems += _check_layout(entry, kb.root)
    problems += kb.signals.unknown_trends(ids)
    return sorted(problems)


def validate(kb: KnowledgeBase, today: dt.date) -> list[Problem]:
    """Load problems plus cross-record problems, sorted and without repeats."""
    return sorted(set(kb.problems) | set(check(kb, today)))
