"""What a refresh does to the collected signals, and whether it may merge without a person.

`compare` sets two stores side by side, kind by kind: records added, changed
(same key, other content) and removed. `verdict` decides whether the change is
routine: nothing stored is removed, and no more than a share of the stored
evidence changed. Both only look at evidence kinds (papers, news, counts, ...):
the collectors' bookkeeping changes on every run. `summary` writes it all as
Markdown for a pull request or a run's summary. All three are pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from trendkb.signals.kinds import Kind
from trendkb.signals.store import SignalStore

# A daily refresh changes a few percent of the stored records (this month's counts, new versions of
# papers); a source that suddenly rewrites most of them is more likely broken than right.
DEFAULT_MAX_CHANGED_SHARE = 0.25


@dataclass(frozen=True)
class KindChange:
    """One kind's records before and after."""

    kind: Kind
    stored: int  # records before
    added: int
    changed: int
    removed: int


@dataclass(frozen=True)
class Verdict:
    """May the change merge by itself; if not, why."""

    routine: bool
    reasons: list[str]
    detail: str  # the numbers behind the decision, in one sentence


def compare(before: SignalStore, after: SignalStore) -> list[KindChange]:
    """Every evidence kind known to both stores, with its counts of added, changed and removed records."""
    names = {kind.name for kind in before.kinds}
    out = []
    for kind in after.kinds:
        if not kind.evidence or kind.name not in names:
            continue
        old = {kind.key_of(record): record for record in before.records(kind)}
        new = {kind.key_of(record): record for record in after.records(kind)}
        changed = sum(1 for key in old.keys() & new.keys() if old[key] != new[key])
        out.append(KindChange(kind, stored=len(old), added=len(new.keys() - old.keys()), changed=changed,
                              removed=len(old.keys() - new.keys())))
    return out


def verdict(changes: list[KindChange], max_share: float = DEFAULT_MAX_CHANGED_SHARE) -> Verdict:
    """Routine when nothing stored is removed and at most `max_share` of the stored records changed."""
    stored = sum(change.stored for change in changes)
    changed = sum(change.changed for change in changes)
    share = changed / stored if stored else 0.0
    reasons = []
    removed = [change for change in changes if change.removed]
    if removed:
        which = ", ".join(f"{change.kind.title or change.kind.name}: {change.removed}" for change in removed)
        reasons.append(f"{sum(change.removed for change in removed)} stored records would be removed ({which})")
    if share > max_share:
        reasons.append(f"{changed} of {stored} stored records changed ({share:.0%}), more than the "
                       f"{max_share:.0%} a routine refresh may change")
    detail = (f"{sum(change.added for change in changes)} added, {changed} of {stored} stored records changed "
              f"({share:.0%}; at most {max_share:.0%} may), {sum(change.removed for change in changes)} removed")
    return Verdict(routine=not reasons, reasons=reasons, detail=detail)


def summary(changes: list[KindChange], decision: Verdict, base: str) -> str:
    """Markdown: a table of the changes by kind, then the decision and its reasons."""
    lines = [f"## Collected signals since {base}", "",
             "| kind | stored before | added | changed | removed |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {change.kind.title or change.kind.name} | {change.stored} | {change.added} | {change.changed} "
              f"| {change.removed} |" for change in changes]
    lines.append("")
    if decision.routine:
        lines.append(f"**Routine: may merge by itself** ({decision.detail}).")
    else:
        lines.append(f"**Needs a review** ({decision.detail}):")
        lines += [f"- {reason}" for reason in decision.reasons]
    return "\n".join(lines) + "\n"
