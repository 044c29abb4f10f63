"""The Method page: hand-written in content/method.md, its rules and numbers filled from the code."""

from __future__ import annotations

import re
from pathlib import Path

from site_hooks import method
from site_hooks.build import ADOPTION_MARKER, EMERGING_MARKER, FRESHNESS_MARKER, MOMENTUM_MARKER, RINGS_MARKER
from tests.conftest import REPO
from trendkb import adoption, momentum
from trendkb.momentum import Label


def test_the_rules_state_every_label_with_the_numbers_the_code_uses(monkeypatch):
    rules = method.momentum_rules()
    assert [re.sub(r"\*\*", "", line.split(":")[0][2:]) for line in rules.splitlines() if line.startswith("- ")] \
        == [Label.NO_DATA, Label.TOO_FEW, Label.NEW, Label.RISING, Label.FALLING, Label.STEADY]
    assert "last **6 complete months**" in rules and "fewer than 30 papers in those 12 months" in rules
    assert "at least 20% above" in rules
    monkeypatch.setattr(momentum, "WINDOW", 3)
    monkeypatch.setattr(momentum, "THRESHOLD", 0.25)
    changed = method.momentum_rules()
    assert "last **3 complete months**" in changed and "at least 25% above" in changed


def test_the_adoption_rules_carry_the_numbers_the_code_uses(monkeypatch):
    rules = method.adoption_rules()
    assert "last **6 complete months**" in rules and "change of **20%** or more" in rules
    assert "Fewer than 1,000 downloads in the 12 months gives **too few downloads**" in rules
    assert "Fewer than 30 new stars in the 12 months gives **too few new stars**" in rules
    monkeypatch.setattr(adoption, "MIN_DOWNLOADS", 5000)
    assert "Fewer than 5,000 downloads" in method.adoption_rules()


def test_the_page_holds_each_marker_and_the_sections_the_site_promises():
    text = (REPO / "content" / "method.md").read_text(encoding="utf-8")
    for marker in (MOMENTUM_MARKER, ADOPTION_MARKER, RINGS_MARKER, FRESHNESS_MARKER, EMERGING_MARKER):
        assert text.count(marker) == 1, marker
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["Papers per month", "The area baseline", "Momentum", "Adoption", "News", "Rings",
                        "Sources and how fresh they are", "Emerging topics", "Known biases"]
    for caveat in ("arXiv is not all research", "Keyword queries miss and over-match",
                   "The current month is incomplete", "Downloads are not users", "Stars are not users"):
        assert caveat in text


def test_the_built_page_is_filled_and_in_the_navigation(fixture_site: Path):
    html = (fixture_site / "method" / "index.html").read_text(encoding="utf-8")
    assert "trendkb:" not in html  # every marker filled
    assert 'id="momentum"' in html and "too few papers" in html and "worth a real project" in html
    assert "Last successful collection" in html
    home = (fixture_site / "index.html").read_text(encoding="utf-8")
    assert 'href="method/"' in home  # the navigation on every page


def test_every_momentum_label_on_the_built_site_links_to_the_method(fixture_site: Path):
    labels = "|".join(re.escape(label.value) for label in Label)
    found: dict[str, set[str]] = {"momentum": set(), "adoption": set()}
    for page in fixture_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        article = re.search(r"<article[^>]*>(.*)</article>", html, flags=re.S).group(1)
        for match in re.finditer(rf"(<a href=\"[^\"]*\">)?(?:{labels}) \([+-]\d+%\)", article):
            section = re.search(r"method/#(momentum|adoption)\"", match.group(1) or "")
            assert section, (page, match.group(0))
            found[section.group(1)].add(page.relative_to(fixture_site).parent.as_posix())
    assert {".", "explore", "areas/alpha", "trends/first-trend"} <= found["momentum"]
    assert {"explore", "trends/first-trend"} <= found["adoption"]
