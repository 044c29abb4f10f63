"""Emerging topics: phrases whose share of an area's arXiv papers has grown, that no trend covers yet.

`detect` is a pure function: the listing statistics (papers per area and
month, and how many of them used each phrase) and the trends in, ranked
candidates out. For each area and phrase it compares the last `RECENT`
complete months (the window) with up to `HISTORY` months before them (the
history), as rates per paper, so the growth of arXiv itself does not count:

- Growth is the ratio of the two rates, each with half a paper added
  (Haldane's correction), so a phrase never seen before does not divide by zero.
- Small counts: the score is the lower end of a one-sided confidence interval
  of the log rate ratio (normal approximation, `Z` standard errors below the
  estimate). Two papers against none is a large ratio with a wide interval,
  and scores below zero. A phrase needs `MIN_RECENT_PAPERS` in the window too.
- Bursts: the window's busiest month for the phrase is left out of the score,
  so one conference deadline or one prolific group cannot carry it, and the
  last `LATEST` months must still run at `LATEST_GROWTH` times the history rate.
- Months below the floor: a phrase is stored for a month only when at least
  `floor` papers used it. An unstored history month counts as `floor - 1`
  papers (the most it can have had) and an unstored window month as none,
  so the gaps never make a phrase look as if it grew.
- Covered: a phrase that contains a trend's term, or is part of one, is no
  candidate (terms: its title, tags, news keywords and the phrases of its
  arXiv query, in the same word forms as the counted phrases). A one-word term
  covers only that word: a tag like 'privacy' must not hide every phrase with it.
- Near duplicates: candidates of an area where one phrase is part of another
  ('neural sheaf', 'sheaf diffusion', 'neural sheaf diffusion') are one topic,
  named by its longest phrase that still has at least `SAME_TOPIC` of the
  group's papers. A phrase rising in several areas is shown in the area
  where it scores highest.

The month in progress is never used: its counts are still growing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from trendkb import models
from trendkb.phrases import normal_phrases

RECENT = 6  # months in the window
HISTORY = 18  # at most this many months before the window
MIN_HISTORY = 6  # an area with fewer months of history has no candidates yet
Z = 1.645  # standard errors below the estimate: a one-sided 95% lower bound
FALSE_DISCOVERIES = 0.05  # expected share of chance findings among the phrases kept (per area)
MIN_RECENT_PAPERS = 10  # papers using the phrase in the window
LATEST = 2  # months at the end of the window that must still be high
LATEST_GROWTH = 1.5  # their rate against the history rate
SAME_TOPIC = 0.8  # a longer phrase names a topic when it has this share of its strongest phrase's window papers
TOP = 10  # candidates kept per area
EXAMPLES = 3  # example papers per candidate

_QUERY_TERM = re.compile(r'(?:\b(?:abs|ti|all):)?"(?P<quoted>[^"]+)"|\b(?:abs|ti|all):(?P<word>[^\s()"]+)')


@dataclass(frozen=True)
class Month:
    """One month of a candidate's history."""

    month: str
    papers: int | None  # papers using the phrase; None when below the month's floor (not stored)
    total: int  # the area's papers that month


@dataclass(frozen=True)
class Candidate:
    term: str
    area: str
    score: float  # lower confidence bound of the log growth, busiest window month left out; higher is stronger
    growth: float  # window rate / history rate
    recent_papers: int  # papers using the phrase in the window
    months: tuple[Month, ...]  # the window and its history, oldest first
    examples: tuple[str, ...]  # arXiv ids, newest month first
    variants: tuple[str, ...] = ()  # near-duplicate phrases merged into this one
    covered_by: str | None = None  # the trend that covers the phrase
    closest: str | None = None  # for a candidate no trend covers: the trend that shares most words with it


@dataclass(frozen=True)
class Detection:
    topics: list[Candidate]  # not covered, best first; at most TOP per area
    covered: list[Candidate]  # rising, but a trend covers them (near duplicates merged); best first
    months: dict[str, list[str]] = field(default_factory=dict)  # area -> the months the detector used


# ---------------------------------------------------------------- what trends cover


def trend_terms(trend: models.Trend) -> set[str]:
    """The phrases a trend already stands for: title, tags, news keywords and its arXiv query's terms."""
    texts = [trend.title, *trend.evidence.news_keywords, *(tag.replace("-", " ") for tag in trend.tags)]
    for match in _QUERY_TERM.finditer(trend.evidence.arxiv_query):
        texts.append(match["quoted"] or match["word"])
    return {phrase for text in texts for phrase in normal_phrases(text)}


def _inside(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """True when `part` is a run of consecutive words of `whole`."""
    n = len(part)
    return any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def covers(term: str, phrase: str) -> bool:
    t, p = tuple(term.split()), tuple(phrase.split())
    return _inside(p, t) or (len(t) > 1 and _inside(t, p))


def covering_trend(phrase: str, terms: dict[str, set[str]]) -> str | None:
    for trend_id in sorted(terms):
        if any(covers(term, phrase) for term in terms[trend_id]):
            return trend_id
    return None


def closest_trend(phrase: str, area: str, terms: dict[str, set[str]], areas: dict[str, str]) -> str | None:
    """The trend whose terms share the largest part of their words with the phrase; None when none shares one."""
    words = set(phrase.split())
    best, best_key = None, (0.0, False)
    for trend_id in sorted(terms):
        overlap = max((len(words & set(term.split())) / len(words | set(term.split())) for term in terms[trend_id]),
                      default=0.0)
        key = (overlap, areas.get(trend_id) == area)  # a trend of the same area wins a tie
        if overlap > 0 and key > best_key:
            best, best_key = trend_id, key
    return best


# ---------------------------------------------------------------- the statistics


@dataclass
class _Area:
    months: list[str]
    totals: np.ndarray  # papers per month
    floors: np.ndarray
    phrases: list[str]
    counts: np.ndarray  # phrases x months; NaN where not stored
    examples: dict[str, list[tuple[str, list[str]]]]  # phrase -> [(month, ids)]


def _areas(months: Iterable[models.ListingMonth], terms: Iterable[models.ListingTerm],
           current: str) -> dict[str, _Area]:
    by_area: dict[str, dict[str, models.ListingMonth]] = {}
    for record in months:
        if record.month < current and record.papers > 0:
            by_area.setdefault(record.area, {})[record.month] = record
    used = {area: sorted(found)[-(RECENT + HISTORY):] for area, found in by_area.items()}
    index = {area: {month: i for i, month in enumerate(found)} for area, found in used.items()}
    cells: dict[str, dict[str, dict[int, int]]] = {}
    examples: dict[str, dict[str, list[tuple[str, list[str]]]]] = {}
    for term in terms:
        for area, papers in term.papers.items():
            column = index.get(area, {}).get(term.month)
            if column is None:
                continue
            cells.setdefault(area, {}).setdefault(term.phrase, {})[column] = papers
            if term.examples:
                examples.setdefault(area, {}).setdefault(term.phrase, []).append((term.month, term.examples))
    out = {}
    for area, found in used.items():
        phrases = sorted(cells.get(area, {}))
        counts = np.full((len(phrases), len(found)), np.nan)
        for row, phrase in enumerate(phrases):
            for column, papers in cells[area][phrase].items():
                counts[row, column] = papers
        out[area] = _Area(found, np.array([by_area[area][m].papers for m in found], dtype=float),
                          np.array([by_area[area][m].floor for m in found], dtype=float), phrases, counts,
                          examples.get(area, {}))
    return out


@dataclass(frozen=True)
class _Scored:
    row: int
    score: float
    growth: float
    recent: int


def _score(area: _Area) -> list[_Scored]:
    """Every phrase of the area that passes the tests, with its score."""
    n = len(area.months)
    if n < RECENT + MIN_HISTORY or not area.phrases:
        return []
    window, history = slice(n - RECENT, n), slice(0, n - RECENT)
    seen = area.counts
    recent = np.nan_to_num(seen[:, window], nan=0.0)
    past = np.where(np.isnan(seen[:, history]), area.floors[history] - 1, seen[:, history])
    total_recent, total_past = area.totals[window].sum(), area.totals[history].sum()
    x_recent, x_past = recent.sum(axis=1), past.sum(axis=1)
    past_rate = (x_past + 0.5) / total_past
    growth = ((x_recent + 0.5) / total_recent) / past_rate
    # Leave out each phrase's busiest window month (by rate, so a big month is not favoured).
    busiest = np.argmax(recent / area.totals[window], axis=1)
    rows = np.arange(len(area.phrases))
    x_rest = x_recent - recent[rows, busiest]
    total_rest = total_recent - area.totals[window][busiest]
    log_rest = np.log(((x_rest + 0.5) / total_rest) / past_rate)
    error = np.sqrt(1 / (x_rest + 0.5) + 1 / (x_past + 0.5))
    score = log_rest - Z * error
    latest = recent[:, -LATEST:].sum(axis=1)
    latest_rate = (latest + 0.5) / area.totals[window][-LATEST:].sum()
    keep = ((score > 0) & (x_recent >= MIN_RECENT_PAPERS) & (latest_rate >= LATEST_GROWTH * past_rate)
            & discoveries(log_rest / error))
    return [_Scored(int(row), float(score[row]), float(growth[row]), int(x_recent[row]))
            for row in np.flatnonzero(keep)]


def discoveries(z: np.ndarray, rate: float = FALSE_DISCOVERIES) -> np.ndarray:
    """Which one-sided z statistics are growth, with the Benjamini-Hochberg procedure at `rate`.

    Thousands of phrases are tested at once, so a fixed threshold would let
    dozens through by chance; this keeps the expected share of chance findings
    among those kept at `rate`.
    """
    if not len(z):
        return np.zeros(0, dtype=bool)
    p = np.array([0.5 * math.erfc(value / math.sqrt(2)) for value in z])
    order = np.argsort(p)
    ranked = p[order] <= rate * np.arange(1, len(p) + 1) / len(p)
    passed = np.zeros(len(p), dtype=bool)
    if ranked.any():
        passed[order[:np.flatnonzero(ranked)[-1] + 1]] = True
    return passed


def _candidate(area_id: str, area: _Area, scored: _Scored) -> Candidate:
    phrase = area.phrases[scored.row]
    months = tuple(Month(month, None if math.isnan(value) else int(value), int(total))
                   for month, value, total in zip(area.months, area.counts[scored.row], area.totals, strict=True))
    ids: list[str] = []
    for _, found in sorted(area.examples.get(phrase, []), reverse=True):
        ids += [i for i in found if i not in ids]
    return Candidate(term=phrase, area=area_id, score=round(scored.score, 4), growth=round(scored.growth, 2),
                     recent_papers=scored.recent, months=months, examples=tuple(ids[:EXAMPLES]))


def _related(a: str, b: str) -> bool:
    x, y = tuple(a.split()), tuple(b.split())
    return _inside(x, y) or _inside(y, x) or set(x) == set(y)


def merge_duplicates(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates, best first, with near duplicates merged into one topic (in the area of the phrase that names
    it), best first."""
    # Connected groups: 'neural sheaf' and 'sheaf diffusion' are one topic through 'neural sheaf diffusion'.
    owner = list(range(len(candidates)))

    def root(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for i, first in enumerate(candidates):
        for j in range(i):
            if _related(first.term, candidates[j].term):
                owner[root(i)] = root(j)
    members: dict[int, list[Candidate]] = {}
    for i, candidate in enumerate(candidates):
        members.setdefault(root(i), []).append(candidate)
    groups = [sorted(group, key=lambda c: (-c.score, c.term)) for group in members.values()]
    out = []
    for group in groups:
        strongest = group[0]  # the best score: the phrase that carries the growth
        named = max((m for m in group if m.recent_papers >= SAME_TOPIC * strongest.recent_papers),
                    key=lambda m: (len(m.term.split()), m.score))
        others = tuple(sorted({m.term for m in group} - {named.term}))
        out.append(Candidate(**{**named.__dict__, "score": strongest.score, "variants": others}))
    return sorted(out, key=lambda c: (-c.score, c.term))


def detect(months: Iterable[models.ListingMonth], terms: Iterable[models.ListingTerm],
           trends: Iterable[models.Trend], current: str) -> Detection:
    """Ranked emerging topics from the listing statistics; `current` is the month in progress (YYYY-MM)."""
    trends = list(trends)
    covered_terms = {trend.id: trend_terms(trend) for trend in trends}
    trend_areas = {trend.id: trend.area for trend in trends}
    areas = _areas(months, terms, current)
    rising: list[Candidate] = []
    for area_id in sorted(areas):
        area = areas[area_id]
        rising += [_candidate(area_id, area, scored) for scored in _score(area)]
    rising.sort(key=lambda c: (-c.score, c.term, c.area))
    open_phrases, covered = [], []
    for candidate in rising:
        owner = covering_trend(candidate.term, covered_terms)
        if owner is None:
            open_phrases.append(candidate)
        elif candidate.term not in {c.term for c in covered}:  # each covered phrase once, where it scores best
            covered.append(Candidate(**{**candidate.__dict__, "covered_by": owner}))
    # A phrase rising in several areas, and its near duplicates, are one topic.
    covered = sorted((merged for owner in {c.covered_by for c in covered}
                      for merged in merge_duplicates([c for c in covered if c.covered_by == owner])),
                     key=lambda c: (-c.score, c.term))
    topics, shown = [], {}
    for candidate in merge_duplicates(open_phrases):
        if shown.get(candidate.area, 0) < TOP:
            shown[candidate.area] = shown.get(candidate.area, 0) + 1
            closest = closest_trend(candidate.term, candidate.area, covered_terms, trend_areas)
            topics.append(Candidate(**{**candidate.__dict__, "closest": closest}))
    return Detection(topics=topics, covered=covered, months={a: area.months for a, area in areas.items()})


def parameters() -> dict[str, float]:
    """The detector's settings, for the Method page and the export."""
    return {"recent_months": RECENT, "history_months": HISTORY, "min_history_months": MIN_HISTORY, "z": Z,
            "false_discovery_rate": FALSE_DISCOVERIES, "min_recent_papers": MIN_RECENT_PAPERS,
            "latest_months": LATEST, "latest_growth": LATEST_GROWTH, "same_topic_share": SAME_TOPIC,
            "top_per_area": TOP}
