"""Rules that span records: identity, references between trends, history, dates, files.

`check(kb, today)` returns located problems; it reads nothing but the
knowledge base it is given (and asks whether example notebooks exist), and the
clock is a parameter so tests can pin it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from trendkb import models
from trendkb.problems import Problem, format_loc
from trendkb.store import EXAMPLES_DIR, KnowledgeBase, Loaded

# A researcher east of UTC may date an entry "tomorrow" by the CI clock:
# allow one day of slack rather than fail their pull request.
CLOCK_SLACK = dt.timedelta(days=1)


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


def _check_trend(entry: Loaded, kb: KnowledgeBase, ids: set[str], today: dt.date) -> list[Problem]:
    trend: models.Trend = entry.record
    path = Path(entry.doc.path)
    problems = []
    area_ids = [area.id for area in kb.areas]

    if trend.id != path.stem:
        problems.append(_at(entry, ("id",), f"'{trend.id}' does not match the file name; "
                                            f"set it to '{path.stem}' or rename the file"))
    folder = path.parent.name
    if folder not in area_ids:
        problems.append(_at(entry, ("area",), f"the folder '{folder}' is not an area in "
                                              f"trends/areas.yaml; use one of {', '.join(area_ids)}"))
    elif trend.area != folder:
        problems.append(_at(entry, ("area",), f"'{trend.area}' does not match the folder '{folder}'; "
                                              "move the file or fix the area"))

    for index, related in enumerate(trend.related):
        if related == trend.id:
            problems.append(_at(entry, ("related", index), "a trend cannot be related to itself"))
        elif related not in ids:
            problems.append(_at(entry, ("related", index), f"no trend has the id '{related}'"))

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
    return problems


def check(kb: KnowledgeBase, today: dt.date) -> list[Problem]:
    """Every cross-record problem in the knowledge base, sorted by file and line."""
    problems = _check_areas(kb) + _check_feeds(kb)
    ids = {trend.id for trend in kb.trends} | {path.stem for path in kb.trend_paths}
    first_file: dict[str, str] = {}
    for entry in kb.trend_files:
        trend = entry.record
        if trend.id in first_file:
            problems.append(_at(entry, ("id",), f"'{trend.id}' is already used by {first_file[trend.id]}"))
        else:
            first_file[trend.id] = entry.doc.path
        problems += _check_trend(entry, kb, ids, today)
    problems += kb.signals.unknown_trends(ids)
    return sorted(problems)


def validate(kb: KnowledgeBase, today: dt.date) -> list[Problem]:
    """Load problems plus cross-record problems, sorted and without repeats."""
    return sorted(set(kb.problems) | set(check(kb, today)))
