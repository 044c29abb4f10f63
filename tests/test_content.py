"""The committed knowledge base under trends/: valid, and covering what the project promises.

Every rule a record must meet is `trendkb validate`'s (the models and trendkb/validate.py);
this file holds none of its own. What it adds is the project's promise about the bundled
content as a whole: five areas with at least three trends each, and the use cases named below.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import REPO
from trendkb import store
from trendkb.validate import validate

KB = store.load(REPO)

AREAS = ["generative-ai", "tinyml", "edge-federated", "responsible-ai", "automl"]
# Use cases the knowledge base promises to cover, as words a use-case title must contain.
PROMISED_USE_CASES = [
    "personalised education", "drug discovery", "virtual tourism", "predictive maintenance",
    "smart agriculture", "wearable health monitoring", "smart-city traffic", "personalised healthcare",
    "industrial automation", "fair lending", "transparent diagnostics", "privacy-preserving analysis",
    "marketing optimisation", "churn prediction", "fraud detection",
]


def test_committed_records_are_valid():
    assert [str(p) for p in validate(KB, dt.date.today())] == []


def test_five_areas_each_with_trends():
    assert [area.id for area in KB.areas] == AREAS
    per_area = {area: [t.id for t in KB.trends if t.area == area] for area in AREAS}
    assert all(len(ids) >= 3 for ids in per_area.values()), per_area
    assert len(KB.trends) >= 18


@pytest.mark.parametrize("use_case", PROMISED_USE_CASES)
def test_promised_use_case_is_covered(use_case):
    def norm(text: str) -> str:
        return re.sub(r"[\s-]+", " ", text.lower()).replace("personalized", "personalised").replace(
            "optimization", "optimisation")

    titles = [norm(case.title) for trend in KB.trends for case in trend.use_cases]
    assert any(norm(use_case) in title for title in titles), f"no use case titled '{use_case}'"
