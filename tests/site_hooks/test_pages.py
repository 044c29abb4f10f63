"""Page builders (site_hooks/pages.py, context.py, reference.py), without MkDocs."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from site_hooks import pages
from site_hooks.build import build_site
from site_hooks.context import Settings, SiteContext
from site_hooks.reference import schema_reference, signals_reference
from tests.conftest import TODAY
from tests.site_hooks.activity import active_content
from tests.site_hooks.conftest import HOSTILE_PAPER_TITLE, HOSTILE_SUMMARY, HOSTILE_TITLE, site_root
from trendkb import models, signals, store

SETTINGS = Settings(repo_url="https://github.com/example/trendkb", branch="main")


@pytest.fixture
def ctx(tmp_path) -> SiteContext:
    return SiteContext(store.load(site_root(tmp_path)), TODAY, SETTINGS)


@pytest.fixture
def bare_ctx(kb_root) -> SiteContext:
    """The fixture knowledge base with no signals collected."""
    return SiteContext(store.load(kb_root), TODAY, SETTINGS)


def sections(markdown: str) -> list[str]:
    return re.findall(r"^## (.+)$", markdown, flags=re.M)


def test_trend_page_has_every_section_and_link(ctx):
    trend = ctx.trends["first-trend"]
    page = pages.trend_page(ctx, trend, {"trend-first-trend"})
    assert sections(page) == ["What it is", "Why it matters", "Ring history", "Momentum", "Use cases",
                              "Runnable examples", "Latest papers and news", "References", "Related trends",
                              "About this entry"]
    assert 'data-chart="../../charts/trend-first-trend.json"' in page
    assert '<a href="../../areas/alpha/">Fixture area alpha</a>' in page
    assert '<a href="../second-trend/">Second fixture trend</a>' in page
    assert ("https://colab.research.google.com/github/example/trendkb/blob/main/content/examples/demo.ipynb"
            in page)
    assert '<a href="../../examples/demo.ipynb" download>Download notebook</a>' in page
    assert "jupyter execute content/examples/demo.ipynb" in page
    assert "https://github.com/example/trendkb/edit/main/trends/alpha/first-trend.yaml" in page
    assert page.index("2024-01-10") < page.index("2025-03-01")  # ring history oldest first
    assert 'momentum: <strong><a href="../../method/#momentum">rising (' in page
    assert "<summary>The chart as a table</summary>" in page  # the momentum chart's text equivalent
    assert 'tags: ["fixture"]' in page and 'search: {"boost": 3}' in page
    assert '<a class="md-tag" href="../../tags/#tag:fixture">fixture</a>' in page


def test_tags_page_lists_each_tag_with_its_trends(ctx):
    page = pages.tags_page(ctx)
    assert 'search: {"exclude": true}' in page
    assert re.findall(r"^## .*$", page, flags=re.M) == ['## <span class="md-tag">fixture</span> {#tag:fixture}']
    section = page.split("{#tag:fixture}", 1)[1]
    assert '<a href="../trends/first-trend/">' in section and "second-trend" not in section  # only its trends


def test_hostile_strings_are_inert_on_the_trend_page(ctx):
    page = pages.trend_page(ctx, ctx.trends["first-trend"], set())
    assert active_content(page) == []
    assert pages.esc(HOSTILE_SUMMARY) in page
    assert pages.esc(HOSTILE_PAPER_TITLE) in page
    assert f'title: "{pages.esc(HOSTILE_TITLE)}"' in page


def test_pages_without_signals_say_so_and_draw_no_chart(bare_ctx):
    site = build_site(bare_ctx.kb, TODAY, SETTINGS)
    assert [name for name in site.files if name.startswith("charts/")] == []
    trend_page = site.pages["trends/first-trend.md"]
    assert "data-chart" not in trend_page
    assert trend_page.count("No arXiv papers or news items have been collected yet") == 2
    assert "No collector has run yet" in site.pages["sources.md"]
    home = site.markers["<!-- trendkb:home -->"]
    assert "What is rising" in home and "no data yet" not in home  # no table of nothing
    assert home.count("tkb-radar__trend") == 3 * 2  # both trends, in each of the radar's three layouts


def test_home_ranks_rising_trends_and_shows_freshness(ctx):
    home = pages.home_sections(ctx)
    assert sections(home) == ["What is rising", "The radar", "Research vs adoption", "Emerging topics",
                              "What changed lately",
                              "How fresh the data is"]
    rising = home[home.index("## What is rising"):home.index("## The radar")]
    assert rising.index("first-trend") < rising.index("second-trend")
    assert '<a class="tkb-spark" href="trends/first-trend/#momentum"' in rising  # inline SVG, not a chart spec
    assert "data-chart" not in home
    assert '<a href="method/#momentum">rising (' in rising
    assert "Last successful collection: **2026-11-24 06:00 UTC**" in home
    assert "1 source(s) failed on their last run" in home


def test_home_warns_when_the_newest_collection_is_older_than_the_setting(ctx):
    assert "!!! warning" not in pages.home_sections(ctx)  # collected yesterday (FETCHED)
    late = SiteContext(ctx.kb, TODAY + dt.timedelta(days=5), SETTINGS)
    home = pages.home_sections(late)
    assert home.startswith('!!! warning "The collected data may be out of date"\n    The newest successful '
                           "collection is from 2026-11-24, 6 days ago")
    assert "[Sources](sources.md)" in home
    patient = SiteContext(ctx.kb, TODAY + dt.timedelta(days=5), Settings(stale_after_days=6))
    assert "!!! warning" not in pages.home_sections(patient)


def test_home_warns_when_no_collection_ever_succeeded(ctx):
    failing = [s.model_copy(update={"last_success": None}) for s in ctx.statuses]
    ctx.__dict__["statuses"] = failing
    assert "No collection has succeeded yet" in pages.stale_notice(ctx, "index.md")


def test_no_warning_before_the_first_collection(bare_ctx):
    assert pages.stale_notice(bare_ctx, "index.md") == ""


def test_explore_rows_carry_filter_attributes(ctx):
    page = pages.explore_page(ctx)
    assert ('<tr data-area="alpha" data-ring="trial" data-momentum="rising" data-adoption="rising" '
            'data-tags="fixture">') in page
    assert '<a href="../method/#momentum">steady (' in page
    assert '<th data-key="0" aria-sort="none"><button type="button">Trend</button></th>' in page  # keyboard-sortable
    assert '<option value="beta">Fixture area beta</option>' in page
    assert '<input type="checkbox" name="tag" value="fixture">' in page


def test_examples_page_lists_each_notebook_with_its_links_and_trends(ctx):
    page = pages.examples_page(ctx)
    assert "<h2>Demo notebook</h2>" in page
    assert "https://colab.research.google.com/github/example/trendkb/blob/main/content/examples/demo.ipynb" in page
    assert '<a href="demo.ipynb" download>Download notebook</a>' in page  # the page is examples/
    assert "<code>make example NAME=demo</code>" in page
    assert "Trends: <a href=\"../trends/first-trend/\">" in page
    assert "External demo" not in page  # URL examples stay on their trend pages


def test_changes_are_newest_first_by_month_with_moves_and_new_entries(ctx):
    page = pages.changes_page(ctx)
    assert sections(page) == ["2025-06", "2025-03", "2024-01"]
    assert "<time>2025-03-01</time>" in page and "moved from" in page.split("## 2025-03")[1].split("##")[0]
    assert "added in" in page.split("## 2024-01")[1]
    assert 'search: {"exclude": true}' in page  # trend pages hold the same history


def test_changes_page_shows_the_newest_and_says_where_the_rest_is(ctx, monkeypatch):
    monkeypatch.setattr(pages, "CHANGES_SHOWN", 2)
    page = pages.changes_page(ctx)
    assert page.count("<li>") == 2 and sections(page) == ["2025-06", "2025-03"]
    assert "Older changes (1) are in the ring history on each trend's page." in page


def test_sources_page_lists_status_and_escapes_errors(ctx):
    page = pages.sources_page(ctx)
    assert "<td>news:synthetic-feed</td>" in page
    # The stale first: the feed never succeeded, arXiv did yesterday.
    assert page.index("<td>news:synthetic-feed</td>") < page.index("<td>arxiv</td>")
    assert "HTTP 503 from https://example.org/feed.xml &lt;script&gt;x&lt;/script&gt;" in page
    assert "[trends.json](api/trends.json)" in page


def test_stale_sources_come_first():
    def status(source, day, error=None):
        when = dt.datetime(2026, 11, day, tzinfo=dt.UTC) if day else None
        return models.SourceStatus(source=source, kind="news", last_attempt=when, last_success=when,
                                   last_error=error)

    ordered = pages.stale_first([status("a-fresh", 24), status("b-old", 20), status("c-never", None),
                                 status("d-old-failing", 20, "HTTP 503")])
    assert [s.source for s in ordered] == ["c-never", "d-old-failing", "b-old", "a-fresh"]


def test_nav_lists_every_area_and_trend(ctx):
    nav = pages.nav(ctx)
    areas = next(item["Areas"] for item in nav if "Areas" in item)
    assert [next(iter(a)) for a in areas] == ["Fixture area alpha", "Fixture area beta"]
    assert {"Overview": "areas/alpha.md"} in areas[0]["Fixture area alpha"]


def test_schema_reference_documents_every_field():
    reference = schema_reference()
    for model in (models.Trend, models.UseCase, models.RingChange, models.Evidence, models.Reference,
                  models.Example, models.Area):
        for name in model.model_fields:
            assert f"<code>{name}</code>" in reference, f"{model.__name__}.{name} is undocumented"
    assert "<td><code>ring</code></td><td>adopt | trial | assess | hold</td><td>yes</td>" in reference
    # Written as Markdown: a bare <area> would be an unknown HTML tag, and vanish from the page.
    assert "One trend: a file trends/&lt;area&gt;/&lt;id&gt;.yaml." in reference


def test_signals_reference_documents_every_kind_and_field():
    reference = signals_reference(signals.registered())
    for kind in signals.registered():
        assert f"<code>trends/signals/{kind.path}</code>" in reference
        for name in kind.model.model_fields:
            assert f"<code>{name}</code>" in reference, f"{kind.model.__name__}.{name} is undocumented"
    assert ("<tr><td>Monthly paper counts</td><td><code>trends/signals/counts.csv</code></td>"
            "<td>CSV: one record a row, under a header</td><td>subject, month</td></tr>") in reference


def test_relative_links_work_with_and_without_directory_urls(ctx):
    assert ctx.rel("trends/a.md", "areas/b.md") == "../../areas/b/"
    assert ctx.rel("index.md", "charts/x.json") == "charts/x.json"
    assert ctx.rel("trends/a.md", "index.md") == "../../"
    assert ctx.rel("trends/a.md", "trends/a.md") == "./"
    assert ctx.rel("trends/a.md", "trends/ab.md") == "../ab/"  # a shared prefix of letters is not a folder
    assert ctx.rel("areas/b.md", "charts/x.json") == "../../charts/x.json"
    flat = SiteContext(ctx.kb, TODAY, Settings(directory_urls=False))
    assert flat.rel("trends/a.md", "areas/b.md") == "../areas/b.html"
    assert flat.rel("trends/a.md", "index.md") == "../index.html"
    assert flat.rel("index.md", "trends/a.md") == "trends/a.html"
