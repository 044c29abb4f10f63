"""The committed knowledge base under trends/: valid, canonical, and covering what it promises."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import REPO
from trendkb import store
from trendkb.models import ReferenceKind
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


def test_every_trend_file_is_canonical_and_declares_the_schema():
    for entry in KB.trend_files:
        text = (REPO / entry.doc.path).read_text(encoding="utf-8")
        assert text.startswith(store.SCHEMA_HEADER + "\n"), entry.doc.path
        assert text == store.trend_text(entry.record), f"{entry.doc.path}: run 'trendkb fmt'"


def test_papers_on_arxiv_carry_matching_ids():
    for trend in KB.trends:
        for ref in trend.evidence.references:
            if ref.arxiv_id:
                assert ref.url in (f"https://arxiv.org/abs/{ref.arxiv_id}", f"https://arxiv.org/pdf/{ref.arxiv_id}")
            if ref.url.startswith("https://arxiv.org/abs/"):
                assert ref.arxiv_id, f"{trend.id}: {ref.title} links arXiv but has no arxiv_id"
        assert any(ref.kind == ReferenceKind.PAPER for ref in trend.evidence.references) or trend.area in (
            "responsible-ai", "automl"), f"{trend.id} cites no paper"


def test_no_scaffold_placeholders_remain():
    for entry in KB.trend_files:
        text = (REPO / entry.doc.path).read_text(encoding="utf-8")
        assert "TODO" not in text and "your-github-handle" not in text, entry.doc.path
