"""The built sites in headless Chromium: charts, instant navigation, search, Explore, palettes.

Debian's chromium (installed by `make test`) is driven through Playwright; no
browser is ever downloaded (fixtures in conftest.py). Every page is watched for
console errors, dialogs (a script from a record would open one) and requests
leaving 127.0.0.1. Screenshots of the home and a trend page land in test-artifacts/.
Search, and charts after instant navigation under both engines: test_engines.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.site_hooks.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def drawn_chart(page, selector: str = ".tkb-chart"):
    """The first chart, scrolled into view, once plotly has drawn it, with at least one data trace in its SVG."""
    page.locator(selector).first.scroll_into_view_if_needed()
    chart = page.locator(f"{selector}[data-drawn]").first
    chart.wait_for(timeout=15_000)
    assert chart.locator("svg.main-svg g.trace").count() >= 1
    return chart


def test_chart_draws_on_direct_load_and_after_instant_navigation(page, fixture_url):
    page.goto(fixture_url + "trends/second-trend/")
    drawn_chart(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trend-page.png"), full_page=True)

    page.goto(fixture_url)
    page.locator(".tkb-radar__svg[data-layout=wide]").wait_for()  # drawn at build time: no script, no plotly
    page.screenshot(path=str(ARTIFACTS / "home-page.png"), full_page=True)
    page.locator("article a[href$='/trends/second-trend/']").first.click()
    page.wait_for_url("**/trends/second-trend/")
    # Material swapped the page in place: the chart must still be drawn, by the document$ subscriber.
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    chart = drawn_chart(page)
    assert "second-trend" in chart.get_attribute("data-chart")
    page.watch.assert_clean()


def test_the_adoption_chart_draws_beside_the_research_chart(page, fixture_url):
    page.goto(fixture_url + "trends/first-trend/")
    chart = drawn_chart(page, ".tkb-adoption .tkb-chart")
    assert chart.locator("g.trace.bars").count() == 2 and chart.locator("g.trace.scatter").count() == 1
    assert "synthetic-org/fl-kit stars" in chart.locator(".legend").text_content()
    research = drawn_chart(page, ".tkb-research .tkb-chart")
    assert research.get_attribute("data-chart").endswith("trend-first-trend.json")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".tkb-pair").screenshot(path=str(ARTIFACTS / "trend-research-and-adoption.png"))
    page.goto(fixture_url)
    quadrant = page.locator(".tkb-quad__svg[data-layout=wide]")
    assert quadrant.is_visible() and page.locator(".tkb-quad__svg[data-layout=narrow]").is_hidden()
    assert quadrant.locator("a").count() == 2
    page.locator(".tkb-quad").screenshot(path=str(ARTIFACTS / "research-vs-adoption.png"))
    quadrant.locator("a[*|href$='trends/second-trend/']").click()  # a dot opens its trend
    page.wait_for_url("**/trends/second-trend/")
    page.watch.assert_clean()


def test_explore_filters_and_sorts_by_adoption(page, fixture_url):
    page.goto(fixture_url + "explore/?adoption=falling")
    visible = page.locator("table[data-tkb-sortable] tbody tr:not([hidden])")
    assert visible.evaluate_all("rows => rows.map(r => r.dataset.adoption)") == ["falling"]
    assert page.locator("select[name=adoption]").input_value() == "falling"
    page.select_option("select[name=adoption]", "")
    page.locator("th[data-key='4'] button").click()
    page.locator("th[data-key='4'] button").click()
    assert parse_qs(urlsplit(page.url).query) == {"sort": ["4"], "dir": ["desc"]}
    order = visible.evaluate_all("rows => rows.map(r => Number(r.cells[4].dataset.sort))")
    assert len(order) == 2 and order == sorted(order, reverse=True) and order[0] > 0 > order[1]
    page.watch.assert_clean()


def test_hostile_records_run_no_script(page, fixture_url):
    for path in ("", "trends/first-trend/", "areas/alpha/", "explore/", "changes/", "sources/", "tags/"):
        page.goto(fixture_url + path)
        page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelectorAll('article img').length") == 0
    page.goto(fixture_url + "trends/first-trend/")
    assert "<script>alert(\"summary\")</script> Fixture summary" in page.locator(".tkb-lead").inner_text()
    page.watch.assert_clean()


def test_plotly_loads_only_when_a_chart_comes_into_view(page, fixture_url):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url)
            if "plotly" in request.url or "/charts/" in request.url else None)
    page.set_viewport_size({"width": 1280, "height": 400})
    page.goto(fixture_url)
    assert page.locator(".tkb-spark svg").count() >= 1  # the home page's charts are inline SVG
    page.keyboard.press("End")
    page.wait_for_load_state("networkidle")
    page.goto(fixture_url + "trends/first-trend/")
    page.wait_for_load_state("networkidle")
    assert fetched == []  # neither the library nor the chart's data before the chart is near the screen
    drawn_chart(page)
    names = [url.rsplit("/", 1)[1] for url in fetched]
    # The adoption chart sits right under the research chart: its spec comes when it is near the screen too.
    assert names[:2] == ["plotly.min.js", "trend-first-trend.json"]
    assert set(names[2:]) <= {"adoption-first-trend.json"}
    drawn_chart(page, ".tkb-adoption .tkb-chart")
    assert [url.rsplit("/", 1)[1] for url in fetched].count("plotly.min.js") == 1  # fetched once for both


def test_dark_palette_redraws_charts(page, fixture_url):
    page.goto(fixture_url + "trends/second-trend/")
    chart = drawn_chart(page)

    def tick_colour():
        return chart.locator("g.xtick text").first.evaluate("node => getComputedStyle(node).fill")

    light = tick_colour()
    page.locator("label[for='__palette_1']").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function(
        "([light]) => getComputedStyle(document.querySelector('.tkb-chart g.xtick text')).fill !== light",
        arg=[light],
    )
    assert tick_colour() != light
    page.watch.assert_clean()


def test_explore_filters_sort_and_round_trip_through_the_url(page, repo_url):
    page.goto(repo_url + "explore/")
    rows = page.locator("table[data-tkb-sortable] tbody tr")
    total = rows.count()
    assert total >= 18

    page.select_option("select[name=area]", "automl")
    visible = page.locator("table[data-tkb-sortable] tbody tr:not([hidden])")
    assert visible.count() == 4
    assert parse_qs(urlsplit(page.url).query) == {"area": ["automl"]}

    page.select_option("select[name=area]", "")
    page.locator("details.tkb-tags summary").click()
    page.check("input[name=tag][value=privacy]")
    page.check("input[name=tag][value=gdpr]")
    with_either = visible.count()
    areas = set(visible.evaluate_all("rows => rows.map(r => r.dataset.tags)"))
    assert all("privacy" in tags.split() or "gdpr" in tags.split() for tags in areas)
    page.locator("th[data-key='0'] button").click()
    page.locator("th[data-key='0'] button").click()
    query = parse_qs(urlsplit(page.url).query)
    assert sorted(query.pop("tag")) == ["gdpr", "privacy"]
    assert query == {"sort": ["0"], "dir": ["desc"]}
    titles = visible.evaluate_all("rows => rows.map(r => r.cells[0].dataset.sort)")
    assert titles == sorted(titles, reverse=True)

    copied = page.url
    page.goto(repo_url)
    page.goto(copied)
    assert page.locator("input[name=tag][value=gdpr]").is_checked()
    assert visible.count() == with_either < total
    assert visible.evaluate_all("rows => rows.map(r => r.cells[0].dataset.sort)") == titles
    page.watch.assert_clean()

