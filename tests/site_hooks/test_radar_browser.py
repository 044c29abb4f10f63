"""The radar, and research vs adoption, in Chromium at 18, 60 and 200 trends, on a 1366-pixel screen and a
390-pixel phone.

The knowledge bases are synthetic (benchmarks.generate: "Synthetic trend
0042: ..."), built as `make site` builds the site. Measured on the rendered
page: the bounding box of every text in the radar that shows, so no label
may overlap another, stick out of the radar or past the screen's right edge,
or be shrunk; and every trend must be reachable, either as a title on the
radar or through its cell's "and N more" link into Explore. The research vs
adoption view gets the same checks on its labels, and each of its dots must
open its trend.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from benchmarks.browser import served
from benchmarks.generate import Size, generate
from tests.site_hooks.conftest import ARTIFACTS, make_site, watched_page

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": ({"width": 1366, "height": 768}, "wide"), "phone": ({"width": 390, "height": 844}, "narrow")}
TOLERANCE = 0.5  # px: boxes that only touch do not overlap


@pytest.fixture(scope="module", params=[18, 60, 200], ids=lambda n: f"{n}-trends")
def synthetic_site(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"radar-{request.param}")
    root = generate(tmp / "kb", Size(areas=5, trends=request.param, papers=0, news=0, months=13, feeds=1))
    result = make_site(root, tmp / "site")
    assert result.returncode == 0, result.stderr
    with served(tmp / "site") as url:
        yield request.param, url, tmp / "site"


def trend_paths(site: Path) -> set[str]:
    return {"/" + page.parent.relative_to(site).as_posix() + "/" for page in (site / "trends").glob("*/index.html")}


def radar_geometry(page) -> dict:
    """The radar that shows: its layout, box, scale, and every text's box and link, as the browser laid them out."""
    return page.evaluate("""() => {
        const svg = [...document.querySelectorAll('.tkb-radar__svg')].find(s => getComputedStyle(s).display !== 'none');
        const box = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            const link = t.closest('a');
            return {text: t.textContent, x: r.left, y: r.top, right: r.right, bottom: r.bottom,
                    href: link ? new URL(link.getAttribute('xlink:href'), location.href).href : null,
                    more: t.classList.contains('tkb-radar__more')};
        });
        return {layout: svg.dataset.layout, left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                scale: box.width / svg.viewBox.baseVal.width, viewport: innerWidth,
                shown: document.querySelectorAll('.tkb-radar__svg').length, texts};
    }""")


def overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for a, b in combinations(texts, 2)
            if a["x"] < b["right"] - TOLERANCE and b["x"] < a["right"] - TOLERANCE
            and a["y"] < b["bottom"] - TOLERANCE and b["y"] < a["bottom"] - TOLERANCE]


def reachable(page, geometry: dict) -> set[str]:
    """Trend pages linked from the radar, directly or from the Explore view each "more" link opens."""
    found = {urlsplit(t["href"]).path for t in geometry["texts"] if t["href"] and not t["more"]}
    for more in (t["href"] for t in geometry["texts"] if t["more"]):
        page.goto(more)
        rows = page.locator("table[data-tkb-sortable] tbody tr:not([hidden]) td:first-child a")
        found |= {urlsplit(urljoin(more, href)).path for href in rows.evaluate_all("as => as.map(a => a.href)")}
    return found


@pytest.mark.parametrize("device", VIEWPORTS)
def test_no_label_overlaps_and_every_trend_can_be_reached(browser, synthetic_site, device):
    count, url, site = synthetic_site
    viewport, layout = VIEWPORTS[device]
    page = watched_page(browser, viewport=viewport)
    try:
        page.goto(url)
        geometry = radar_geometry(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"radar-{count}-{device}.png"), full_page=True, clip={
            "x": 0, "y": geometry["top"] + page.evaluate("scrollY"), "width": viewport["width"],
            "height": geometry["bottom"] - geometry["top"]})
        assert geometry["layout"] == layout
        assert geometry["scale"] >= 0.99  # drawn at its size, not shrunk into illegibility
        assert geometry["right"] <= geometry["viewport"]
        texts = geometry["texts"]
        if count == 18 and device == "desktop":
            assert not any(t["more"] for t in texts)  # a knowledge base this size reads whole on the radar
        outside = [t["text"] for t in texts if t["x"] < geometry["left"] - TOLERANCE
                   or t["right"] > geometry["right"] + TOLERANCE or t["bottom"] > geometry["bottom"] + TOLERANCE]
        assert outside == []
        assert overlapping(texts) == []
        assert reachable(page, geometry) == trend_paths(site)
        page.watch.assert_clean()
    finally:
        page.context.close()


def quadrant_geometry(page) -> dict:
    """Research vs adoption as the browser drew it: the drawing that shows, its box, and its texts and dots."""
    return page.evaluate("""() => {
        const svg = [...document.querySelectorAll('.tkb-quad__svg')].find(s => getComputedStyle(s).display !== 'none');
        const box = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text.tkb-quad__label, text.tkb-quad__name')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, x: r.left, y: r.top, right: r.right, bottom: r.bottom};
        });
        const dots = [...svg.querySelectorAll('a')].map(
            a => new URL(a.getAttribute('xlink:href'), location.href).pathname);
        return {layout: svg.dataset.layout, left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                scale: box.width / svg.viewBox.baseVal.width, viewport: innerWidth, texts, dots,
                rows: document.querySelectorAll('.tkb-quad + details li a').length};
    }""")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_research_vs_adoption_labels_never_overlap_and_every_dot_opens_its_trend(browser, synthetic_site, device):
    count, url, site = synthetic_site
    viewport, layout = VIEWPORTS[device]
    page = watched_page(browser, viewport=viewport)
    try:
        page.goto(url)
        geometry = quadrant_geometry(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"research-vs-adoption-{count}-{device}.png"), full_page=True, clip={
            "x": 0, "y": geometry["top"] + page.evaluate("scrollY"), "width": viewport["width"],
            "height": geometry["bottom"] - geometry["top"]})
        assert geometry["layout"] == layout and geometry["scale"] >= 0.99
        assert geometry["right"] <= geometry["viewport"]
        texts = geometry["texts"]
        labelled = sum(t["text"].startswith("Synthetic trend") for t in texts)
        assert labelled >= (min(count // 3, 10) if device == "desktop" else 1)  # the rest are dots with a title
        outside = [t["text"] for t in texts if t["x"] < geometry["left"] - TOLERANCE
                   or t["right"] > geometry["right"] + TOLERANCE or t["bottom"] > geometry["bottom"] + TOLERANCE]
        assert outside == [] and overlapping(texts) == []
        # Most synthetic trends have a year of downloads or stars; each placed one is a dot linking its page.
        assert count // 2 <= len(geometry["dots"]) == geometry["rows"] <= count
        assert set(geometry["dots"]) <= trend_paths(site)
        page.watch.assert_clean()
    finally:
        page.context.close()
