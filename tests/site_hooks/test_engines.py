"""The same site under both engines: `make site` (MkDocs) and `make site ENGINE=zensical` (Zensical).

Both build the folder `trendkb render` writes. These are the browser tests that
apply to both: search finds a trend, a chart draws after instant navigation,
and no page makes a request beyond 127.0.0.1 or logs a console error. The rest
of the browser tests (test_browser.py, test_accessibility.py, ...) hold the
MkDocs build to more, and the README lists how the engines differ.
CI's `engines` job runs these (`make test-engines`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from benchmarks.browser import served
from tests.conftest import REPO
from tests.site_hooks.conftest import ARTIFACTS, ENGINES, make_site, site_root, watched_page
from tests.site_hooks.test_browser import drawn_chart

pytestmark = [pytest.mark.browser, pytest.mark.engines]

# What opens each engine's search; both link a result to its page with the query in `h=` (search.highlight).
SEARCH_BOX = {"mkdocs": "input.md-search__input", "zensical": "button.md-search__button"}
RESULT = "a[href*='?h=']"
PAGES = ("", "explore/", "emerging/", "areas/alpha/", "trends/first-trend/", "trends/second-trend/", "changes/",
         "sources/", "tags/", "examples/", "method/", "contributing/")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def sites(engine, tmp_path_factory) -> Iterator[dict[str, str]]:
    """The fixture knowledge base (signals, hostile strings) and the repository's own, built by `engine`, served."""
    tmp = tmp_path_factory.mktemp(f"engine-{engine}")
    fixture = site_root(tmp / "fixture")
    repo = tmp / "repo" / "repo"
    for name in ("content", "trends"):
        shutil.copytree(REPO / name, repo / name)
    shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    for name, root in (("fixture", fixture), ("repo", repo)):
        result = make_site(root, tmp / f"{name}-site", engine)
        assert result.returncode == 0, result.stdout + result.stderr
    with served(tmp / "fixture-site") as fixture_url, served(tmp / "repo-site") as repo_url:
        yield {"fixture": fixture_url, "repo": repo_url}


def test_search_finds_the_trend_a_manager_means(engine, sites, browser):
    page = watched_page(browser)
    page.goto(sites["repo"])
    page.wait_for_load_state("networkidle")  # the search worker has its index
    page.locator(SEARCH_BOX[engine]).click()
    page.keyboard.type("federated learning healthcare")
    # Results update per key stroke; wait for the ones of the whole query (it is in the link).
    page.locator(f"{RESULT}[href*='healthcare']").first.wait_for()
    first = page.locator(RESULT).first
    assert urlsplit(first.get_attribute("href")).path.endswith("/trends/federated-learning-privacy/")
    page.watch.assert_clean()
    page.context.close()


def test_a_chart_draws_after_instant_navigation(engine, sites, browser):
    page = watched_page(browser)
    page.goto(sites["fixture"])
    page.locator("article a[href$='/trends/second-trend/']").first.click()
    page.wait_for_url("**/trends/second-trend/")
    # The page was swapped in place: the chart must still be drawn, by the document$ subscriber.
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    chart = drawn_chart(page)
    assert "second-trend" in chart.get_attribute("data-chart")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"trend-page-{engine}.png"), full_page=True)
    page.watch.assert_clean()
    page.context.close()


def test_no_page_reaches_beyond_the_site_or_logs_an_error(engine, sites, browser):
    page = watched_page(browser)
    for path in PAGES:
        page.goto(sites["fixture"] + path)
        page.wait_for_load_state("networkidle")
        assert page.title(), path
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"contributing-{engine}.png"))
    page.watch.assert_clean()
    page.context.close()
