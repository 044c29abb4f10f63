"""The detector, on statistics made here: what rises steadily is found; bursts, small counts, declines,
covered and duplicate phrases are not listed as topics."""

from __future__ import annotations

import datetime as dt

from trendkb import emerging, models
from trendkb.emerging import detect, discoveries, merge_duplicates, trend_terms

FETCHED = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
MONTHS = [f"{2024 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(24)]  # 2024-11 .. 2026-10
CURRENT = "2026-11"
TOTAL = 1000


def stats(series: dict[str, list[int]], area: str = "alpha", floor: int = 3, total: int = TOTAL):
    """Listing records for one area: `series` maps a phrase to its papers per month (under the floor: unstored)."""
    months = [models.ListingMonth(month=m, area=area, papers=total, floor=floor, source="api", fetched=FETCHED)
              for m in MONTHS]
    terms = [models.ListingTerm(month=m, phrase=phrase, papers={area: n}, examples=[f"{m[2:4]}{m[5:]}.{i:05d}"])
             for phrase, counts in series.items() for i, (m, n) in enumerate(zip(MONTHS, counts, strict=True))
             if n >= floor]
    return months, terms


def background(n: int = 300) -> dict[str, list[int]]:
    """Steady phrases with a little made-up wobble, so the false discovery control has something to do."""
    return {f"steady phrase{chr(97 + i % 26)}{chr(97 + i // 26)}": [20 + (i * 7 + m * 3) % 9 for m in range(24)]
            for i in range(n)}


RISING = [0] * 18 + [8, 14, 20, 26, 32, 38]


def topics(series, trends=(), **kwargs):
    return detect(*stats(series, **kwargs), trends, CURRENT).topics


def test_a_steady_rise_is_found_and_steady_phrases_are_not():
    found = topics({**background(), "liquid tensor routing": RISING})
    assert [t.term for t in found] == ["liquid tensor routing"]
    (topic,) = found
    assert topic.recent_papers == sum(RISING[-6:]) and topic.growth > 5 and topic.score > 0
    assert [m.papers for m in topic.months][-6:] == RISING[-6:] and topic.months[0].papers is None
    assert topic.examples[0].startswith("2610.")  # newest month first


def test_small_counts_one_month_bursts_and_declines_are_not_topics():
    found = topics({**background(),
                    "two paper idea": [0] * 23 + [3],  # two or three papers last month
                    "conference season": [4] * 20 + [90, 4, 4, 4],  # one big month in the window
                    "prolific group": [0] * 22 + [60, 0],
                    "fading idea": [40] * 12 + [30, 24, 18, 12, 9, 6] + [5] * 6,
                    "past burst": [5] * 18 + [5, 60, 60, 5, 5, 5]})  # up, but no longer
    assert found == []


def test_the_month_in_progress_is_not_used():
    months, terms = stats({"liquid tensor routing": RISING})
    # A huge month in progress changes nothing.
    months.append(models.ListingMonth(month=CURRENT, area="alpha", papers=10, floor=2, source="rss", fetched=FETCHED))
    terms.append(models.ListingTerm(month=CURRENT, phrase="sudden thing", papers={"alpha": 9}, examples=[]))
    found = detect(months, terms, [], CURRENT)
    assert [t.term for t in found.topics] == ["liquid tensor routing"]
    assert found.months["alpha"][-1] == "2026-10"


def test_unstored_history_counts_as_the_most_it_can_have_been():
    # Always just under the floor of 10, then just over it: no growth, though the stored numbers start at 10.
    hovering = [9] * 18 + [10, 11, 10, 12, 11, 10]
    assert topics({"hovering phrase": hovering}, floor=10) == []
    assert [t.term for t in topics({"rising phrase": [0] * 18 + [20, 30, 40, 50, 60, 70]}, floor=10)] == \
        ["rising phrase"]


def test_too_little_history_gives_no_candidates():
    months, terms = stats({"liquid tensor routing": RISING})
    recent = [m for m in months if m.month >= MONTHS[-11]]
    assert detect(recent, terms, [], CURRENT).topics == []


def trend(**evidence) -> models.Trend:
    from trendkb.scaffold import new_trend

    base = new_trend("alpha", "Sheaf networks", dt.date(2026, 1, 1))
    return base.model_copy(update={"tags": ["graph-learning"],
                                   "evidence": base.evidence.model_copy(update=evidence)})


def test_a_trend_covers_its_names_and_the_phrases_around_them():
    covering = trend(arxiv_query='abs:"token pruning" AND (abs:LLM OR abs:privacy) AND cat:cs.LG',
                     news_keywords=["tensor routing"])
    assert trend_terms(covering) >= {"sheaf network", "graph learning", "tensor routing", "token pruning", "llm"}
    found = detect(*stats({**background(), "liquid tensor routing": RISING, "counterfactual token pruning": RISING,
                           "token": RISING, "privacy": RISING, "privacy budget": RISING}), [covering], CURRENT)
    assert {c.term: (c.covered_by, c.variants) for c in found.covered} == {
        "liquid tensor routing": ("sheaf-networks", ()), "privacy": ("sheaf-networks", ()),
        "counterfactual token pruning": ("sheaf-networks", ("token",))}  # near duplicates merged here too
    # A one-word name ('privacy') covers only itself.
    assert [t.term for t in found.topics] == ["privacy budget"]


def test_near_duplicates_are_one_topic_named_by_its_longest_phrase():
    found = topics({**background(), "neural sheaf diffusion": RISING, "neural sheaf": RISING,
                    "sheaf diffusion": RISING, "sheaf": [r + 2 for r in RISING]})
    assert [(t.term, t.variants) for t in found] == [
        ("neural sheaf diffusion", ("neural sheaf", "sheaf", "sheaf diffusion"))]


def test_a_topic_is_named_by_the_phrase_that_carries_the_growth():
    # 'attention' rises only through 'sheaf attention': the topic is 'sheaf attention', not 'attention'.
    attention = [200 + r for r in RISING]
    broad = emerging.Candidate("attention", "alpha", 0.2, 1.2, sum(attention[-6:]), (), ())
    merged = merge_duplicates([*topics({**background(), "sheaf attention": RISING}), broad])
    assert [(t.term, t.variants) for t in merged] == [("sheaf attention", ("attention",))]


def test_a_phrase_rising_in_two_areas_is_shown_once():
    first = stats({"liquid tensor routing": RISING}, area="alpha")
    second = stats({"liquid tensor routing": [r // 2 for r in RISING]}, area="beta")
    found = detect(first[0] + second[0], first[1] + second[1], [], CURRENT).topics
    assert [(t.term, t.area) for t in found] == [("liquid tensor routing", "alpha")]


def test_false_discovery_control_keeps_strong_findings_among_many_tests():
    z = [5.0, 4.0] + [1.0] * 998  # two real findings among a thousand tests, the rest noise at z = 1
    assert discoveries(z).tolist() == [True, True] + [False] * 998
    assert not discoveries([2.0] + [0.0] * 999).any()  # alone, z = 2 would pass at 5%; among a thousand it does not
