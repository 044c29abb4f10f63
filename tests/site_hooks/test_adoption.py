"""Adoption on the site (site_hooks/adoption.py and trendkb/adoption.py), on synthetic signals, without MkDocs."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from site_hooks import adoption, pages
from site_hooks.build import build_site
from site_hooks.context import SiteContext
from tests.conftest import TODAY
from tests.site_hooks.conftest import site_root
from trendkb import models, store
from trendkb.adoption import Basis, adoption_of
from trendkb.momentum import Label
from trendkb.signals import DOWNLOADS


@pytest.fixture
def ctx(tmp_path) -> SiteContext:
    return SiteContext(store.load(site_root(tmp_path, hostile=False)), TODAY)


def full_month(package: str, month: str, downloads: int) -> models.PackageDownloads:
    first = dt.date(int(month[:4]), int(month[5:]), 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return models.PackageDownloads(package=package, month=month, downloads=downloads, first_day=first, last_day=last)


def trend_naming(packages: list[str], repos: list[str], kb_root) -> models.Trend:
    trend = store.load(kb_root).trends[0]
    return trend.model_copy(update={"evidence": trend.evidence.model_copy(
        update={"packages": packages, "repos": repos})})


MONTHS = [f"2025-{m:02d}" for m in range(10, 13)] + [f"2026-{m:02d}" for m in range(1, 12)]  # to Nov 2026


def test_adoption_momentum_follows_the_research_rule_on_downloads(kb_root):
    trend = trend_naming(["Pkg_A", "pkg-b"], [], kb_root)
    # Both packages in full for 2025-11 .. 2026-10; pkg-b's first month is cut, and November is running.
    records = [full_month("pkg-a", m, 100 if m < "2026-05" else 150) for m in MONTHS[1:-1]]
    records += [full_month("pkg-b", m, 100) for m in MONTHS[1:-1]]
    records.append(models.PackageDownloads(package="pkg-b", month="2025-10", downloads=5,
                                           first_day=dt.date(2025, 10, 29), last_day=dt.date(2025, 10, 31)))
    records.append(models.PackageDownloads(package="pkg-a", month="2026-11", downloads=10,
                                           first_day=dt.date(2026, 11, 1), last_day=dt.date(2026, 11, 24)))
    result = adoption_of([trend], records, [], TODAY)[trend.id]
    assert result.downloads["month"].tolist() == MONTHS[1:-1]
    assert result.downloads["downloads"].tolist()[-1] == 250
    assert (result.momentum.label, round(result.momentum.change, 3), result.basis) == (Label.RISING, 0.25,
                                                                                       Basis.DOWNLOADS)
    few = [full_month("pkg-a", m, 20) for m in MONTHS[1:-1]] + [full_month("pkg-b", m, 20) for m in MONTHS[1:-1]]
    assert adoption_of([trend], few, [], TODAY)[trend.id].momentum.label == Label.TOO_FEW_DOWNLOADS


def test_without_a_year_of_downloads_the_stars_gained_decide(kb_root):
    trend = trend_naming(["pkg-a"], ["Org/Repo"], kb_root)
    downloads = [full_month("pkg-a", m, 1000) for m in MONTHS[-6:-1]]  # five months: not enough
    snapshots = []
    day, stars = dt.date(2025, 1, 5), 1000
    while day < TODAY:
        stars += 10 if day < dt.date(2026, 5, 1) else 14  # 40% more stars a week in the last six months
        snapshots.append(models.RepoSnapshot(repo="org/repo", day=day, stars=stars, forks=1, open_issues=0))
        day += dt.timedelta(days=7)
    result = adoption_of([trend], downloads, snapshots, TODAY)[trend.id]
    assert result.basis == Basis.STARS and result.momentum.label == Label.RISING
    assert 0.3 < result.momentum.change < 0.5
    assert result.stars["month"].iloc[-1] == "2026-11"  # the chart has the month in progress, momentum not
    assert [s.day for s in result.latest] == [snapshots[-1].day]
    # A month without a snapshot breaks the run of gains: the nine months after it are too few to compare.
    gap = [s for s in snapshots if (s.day.year, s.day.month) != (2026, 1)]
    result = adoption_of([trend], downloads, gap, TODAY)[trend.id]
    assert (result.momentum.label, result.basis) == (Label.NO_DATA, None)
    assert result.stars["gained"].isna().sum() == 2  # the first month, and the one after the gap


def test_the_view_places_trends_in_the_quadrant_their_momenta_say(ctx):
    section = adoption.research_vs_adoption_section(ctx, "index.md")
    placed, missing = adoption.points(ctx, "index.md")
    assert {p.title: p.quadrant.key for p in placed} == {
        "First fixture trend": "hot-adopted",  # papers and downloads growing
        "Second fixture trend": "hot-not-adopted",  # papers steady (+0%, on the line), downloads falling
    } and missing == []
    assert section.count('<svg class="tkb-quad__svg"') == 2  # wide and narrow
    assert "<script" not in section and "data-chart" not in section  # no chart library on the home page
    for quadrant in adoption.QUADRANTS:
        assert quadrant.name in section
    assert ('<a xlink:href="trends/first-trend/"><title>First fixture trend: research +35%, adoption +27%</title>'
            in section)  # the link's name, and its tooltip
    words = section[section.index("<summary>The chart in words"):]
    assert ('<h4>Rising in research and in use (1)</h4><ul><li><a href="trends/first-trend/">First fixture trend</a> '
            '+35% / +27%</li></ul>') in words
    assert "<h4>Cooling in research and in use (0)</h4><ul><li>none</li></ul>" in words


def test_labels_never_overlap_and_stay_inside_even_when_crowded():
    points = [adoption.Point(f"Trend number {i}", f"t{i}/", (i % 7 - 3) / 10, (i % 5 - 2) / 10) for i in range(40)]
    for name, layout in adoption.LAYOUTS.items():
        svg = adoption.draw(points, name, layout, "test")
        boxes = []
        for x, y, text in re.findall(r'<text class="tkb-quad__label" font-size="\d+"><tspan x="([\d.]+)" '
                                     r'y="([\d.]+)">([^<]+)</tspan>', svg):
            width = adoption.text_width(text, layout.font)
            boxes.append((float(x), float(y) - layout.font, float(x) + width, float(y) + 4))
        assert 5 <= len(boxes) < 40  # some labels fit, the rest are dots with their title
        assert all(b[0] >= 0 and b[2] <= layout.width for b in boxes)
        assert not any(adoption._box_overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        assert svg.count("<circle") == 40  # every trend is a dot, labelled or not


def test_no_trend_with_both_figures_says_what_is_missing(bare_kb_ctx):
    section = adoption.research_vs_adoption_section(bare_kb_ctx, "index.md")
    assert "No trend has both figures yet" in section and "<svg" not in section


@pytest.fixture
def bare_kb_ctx(kb_root) -> SiteContext:
    return SiteContext(store.load(kb_root), TODAY)


def test_the_trend_page_shows_adoption_beside_research(ctx):
    page = pages.trend_page(ctx, ctx.trends["first-trend"], {"trend-first-trend", "adoption-first-trend"})
    assert 'adoption: <strong><a href="../../method/#adoption">rising (' in page
    pair = page[page.index('<div class="tkb-pair">'):]
    assert pair.index("<h3>Research</h3>") < pair.index("<h3>Adoption</h3>")
    assert 'data-chart="../../charts/adoption-first-trend.json"' in pair
    assert "<code>synthetic-fl</code>, <code>synthetic-dp</code>, <code>synthetic-org/fl-kit</code>" in pair
    assert '<a href="https://github.com/synthetic-org/fl-kit" rel="noopener nofollow">synthetic-org/fl-kit</a>' in pair
    assert pair.count("<summary>The chart as a table</summary>") == 2


def test_a_trend_naming_nothing_says_how_to_add_evidence(bare_kb_ctx):
    page = pages.trend_page(bare_kb_ctx, bare_kb_ctx.trends["first-trend"], set())
    assert "names no PyPI package or GitHub repository yet" in page and "evidence.packages" in page


def test_the_chart_and_the_exports_carry_the_series(ctx):
    site = build_site(ctx.kb, TODAY)
    spec = json.loads(site.files["charts/adoption-first-trend.json"])
    assert [trace["name"] for trace in spec["data"]] == ["synthetic-fl downloads", "synthetic-dp downloads",
                                                         "synthetic-org/fl-kit stars"]
    assert spec["data"][2]["yaxis"] == "y2" and spec["layout"]["barmode"] == "stack"
    trends = {t["id"]: t for t in json.loads(site.files["api/trends.json"])["trends"]}
    first = trends["first-trend"]
    assert first["packages"] == ["synthetic-fl", "synthetic-dp"] and first["adoption_momentum"] == "rising"
    assert first["adoption_basis"] == "downloads" and first["downloads"][-1] == {"month": "2026-10",
                                                                                 "downloads": 2000 + 300 * 23 + 800
                                                                                 + 50 * 23}
    lines = site.files["api/adoption.csv"].splitlines()
    assert lines[0] == "trend,month,downloads,stars"
    assert "first-trend,2026-10,10850," in "\n".join(lines)
    explore = site.pages["explore.md"]
    assert '<select name="adoption">' in explore and '<option value="too few downloads">' in explore
    assert '<option value="too few downloads">' not in explore[:explore.index('<select name="adoption">')]


def test_backfilled_months_are_marked_as_counting_mirrors(tmp_path):
    kb = store.load(site_root(tmp_path, hostile=False))
    old = next(r for r in kb.signals.records(DOWNLOADS) if r.package == "synthetic-fl")
    kb.signals.put(DOWNLOADS, old.model_copy(update={"source": models.DownloadsSource.CLICKPY}))
    ctx = SiteContext(kb, TODAY)
    block = adoption.trend_block(ctx, "trends/first-trend.md", ctx.trends["first-trend"], {"adoption-first-trend"})
    assert "months marked † come from ClickPy and include mirrors" in block
    assert f"<tr><th scope=\"row\">{old.month}</th><td>{old.downloads:,} †</td>" in block
    bars = adoption.chart(ctx, ctx.trends["first-trend"])["data"][0]
    assert bars["marker"]["opacity"][:2] == [0.5, 1]
