"""Accessibility in Chromium: axe-core on five pages in both palettes, Explore by keyboard alone, phone layout.

axe-core comes bundled in axe-playwright-python (nothing is fetched); a
violation of "serious" or "critical" impact fails. The pages are the fixture
site's, which has charts, collected signals and hostile strings. Screenshots
of each page on a 390-pixel phone land in test-artifacts/.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.site_hooks.conftest import ARTIFACTS, watched_page

pytestmark = pytest.mark.browser

AXE_PAGES = ["", "areas/alpha/", "trends/first-trend/", "explore/", "method/"]
PHONE_PAGES = [*AXE_PAGES, "trends/second-trend/", "changes/", "sources/", "examples/", "contributing/", "tags/"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES, ids=lambda p: p.strip("/") or "home")
def test_axe_finds_no_serious_violation(browser, fixture_url, axe, path, scheme):
    page = watched_page(browser, color_scheme=scheme)
    try:
        page.goto(fixture_url + path)
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        for chart in page.locator(".tkb-chart").all():  # check the charts as drawn, too
            chart.scroll_into_view_if_needed()
            page.locator(".tkb-chart[data-drawn]").first.wait_for(timeout=15_000)
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")  # tables inside them
        results = axe.run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
        assert blocking == [], results.generate_report()
        page.watch.assert_clean()
    finally:
        page.context.close()


def focused(page) -> str:
    """The focused element as 'tag[name=...] text', e.g. 'select[name=area] ...' or 'button Clear'."""
    return page.evaluate("""() => { const e = document.activeElement;
        const name = e.name ? '[name=' + e.name + ']' : '';
        return e.tagName.toLowerCase() + name + ' ' + (e.textContent || '').trim(); }""")


def tab_to(page, wanted: str, limit: int = 200) -> None:
    """Press Tab until the focused element's description starts with `wanted`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page).startswith(wanted):
            return
    raise AssertionError(f"{wanted!r} was never reached with Tab")


def query(page) -> dict:
    # Read from the page itself: Playwright learns of history.replaceState a moment later.
    return parse_qs(page.evaluate("location.search").lstrip("?"))


def test_explore_works_with_the_keyboard_alone(page, repo_url):
    page.goto(repo_url + "explore/")
    rows = page.locator("table[data-tkb-sortable] tbody tr:not([hidden])")
    total = rows.count()
    tab_to(page, "select[name=area]")
    page.keyboard.press("ArrowDown")  # the first area
    first_area = page.locator("select[name=area] option").nth(1).get_attribute("value")
    assert query(page) == {"area": [first_area]}
    assert 0 < rows.count() < total
    tab_to(page, "summary Tags")
    page.keyboard.press("Enter")
    assert page.locator("details.tkb-tags").evaluate("d => d.open")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert len(query(page)["tag"]) == 1
    tab_to(page, "button Clear")
    page.keyboard.press("Enter")
    assert rows.count() == total
    tab_to(page, "button Trend")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus can be seen
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert query(page) == {"sort": ["0"], "dir": ["desc"]}
    titles = rows.evaluate_all("rows => rows.map(r => r.cells[0].dataset.sort)")
    assert titles == sorted(titles, reverse=True)
    assert page.locator("th[data-key='0']").get_attribute("aria-sort") == "descending"
    tab_to(page, "a")  # on into the table: the first trend's link
    page.keyboard.press("Enter")
    page.wait_for_url("**/trends/**")
    page.watch.assert_clean()


# Text whose box passes the right edge of the screen, unless it is inside a box that scrolls sideways.
CUT_OFF = """() => {
    const scrolls = e => { for (; e && e !== document.body; e = e.parentElement) {
        const x = getComputedStyle(e).overflowX;
        if ((x === 'auto' || x === 'scroll') && e.getBoundingClientRect().right <= innerWidth + 0.5) return true;
    } return false; };
    const walker = document.createTreeWalker(document.querySelector('.md-container'), NodeFilter.SHOW_TEXT);
    const cut = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim() || scrolls(node.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
            if (r.width > 0 && r.right > innerWidth + 0.5) { cut.push(node.textContent.trim().slice(0, 60)); break; }
        }
    }
    return cut;
}"""


@pytest.mark.parametrize("path", PHONE_PAGES, ids=lambda p: p.strip("/") or "home")
def test_on_a_phone_no_text_is_cut_off_and_tables_scroll_in_their_own_box(browser, fixture_url, path):
    page = watched_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page.goto(fixture_url + path)
        page.wait_for_load_state("networkidle")
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"phone-{path.strip('/').replace('/', '-') or 'home'}.png"),
                        full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page never scrolls sideways
        assert page.evaluate(CUT_OFF) == []
        for table in page.locator("article table").all():
            box = table.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390.5
        page.watch.assert_clean()
    finally:
        page.context.close()
