"""Kind declarations (trendkb/signals/kinds.py): what the registry accepts, and what it refuses to start with."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pydantic import BaseModel

from trendkb import models
from trendkb.signals import COUNTS, NEWS, PAPERS, Kind, register, registered


class Reading(BaseModel):
    name: str
    day: dt.date
    value: int
    tags: list[str] = []


@pytest.mark.parametrize("changes, message", [
    ({"name": "Not A Slug"}, "is not a slug"),
    ({"path": "readings.yaml"}, "must be relative and end in .jsonl or .csv"),
    ({"path": "../outside.jsonl"}, "must be relative"),
    ({"path": "readings/{month}.jsonl"}, "give 'month' exactly when the path has {month}"),
    ({"key": ("nmae",)}, "Reading has no field ['nmae']"),
    ({"path": "readings.csv"}, "a CSV row holds plain values, not tags"),
    ({"path": "status.jsonl"}, "its files would mix with those of status"),
], ids=["name", "format", "escape", "month", "key", "csv-list", "clash"])
def test_declarations_that_cannot_work_are_refused_at_once(changes, message):
    kind = Kind(**{"name": "readings", "model": Reading, "key": ("name", "day"), "path": "readings.jsonl",
                   **changes})
    with pytest.raises(ValueError, match=re.escape(message)):
        register(kind)
    assert kind.name not in {k.name for k in registered()}


def test_the_built_in_kinds_say_where_each_record_goes():
    paper = models.Paper(arxiv_id="2610.00001", version=1, title="t", authors=[], author_count=0,
                         published=dt.date(2026, 10, 31), updated=dt.date(2026, 11, 2), primary_category="cs.LG",
                         abstract="", url="https://arxiv.org/abs/2610.00001", trends=["x"])
    assert PAPERS.file_of(paper) == "arxiv/2026-10.jsonl" and PAPERS.key_of(paper) == ("2610.00001",)
    assert (PAPERS.format, PAPERS.pattern, COUNTS.format, NEWS.pattern) == (".jsonl", "arxiv/*.jsonl", ".csv",
                                                                           "news/*.jsonl")
    assert [kind.name for kind in registered()][:3] == ["papers", "news", "counts"]
