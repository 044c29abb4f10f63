"""The whole generated site as text: pages, chart specs, exports and the navigation.

`build_site` is the one entry point. It takes a validated knowledge base and
returns everything to publish, keyed by site path; site_hooks/render.py writes
it to disk for MkDocs or Zensical to build.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from site_hooks import adoption, charts, emerging, exports, method, pages
from site_hooks.context import Settings, SiteContext, area_src, trend_src
from site_hooks.reference import schema_reference, signals_reference
from trendkb.store import KnowledgeBase

HOME_MARKER = "<!-- trendkb:home -->"
REFERENCE_MARKER = "<!-- trendkb:schema-reference -->"
SIGNALS_MARKER = "<!-- trendkb:signals-reference -->"
MOMENTUM_MARKER = "<!-- trendkb:momentum-rules -->"
ADOPTION_MARKER = "<!-- trendkb:adoption-rules -->"
RINGS_MARKER = "<!-- trendkb:rings -->"
FRESHNESS_MARKER = "<!-- trendkb:freshness -->"
EMERGING_MARKER = "<!-- trendkb:emerging-method -->"


@dataclass
class Site:
    pages: dict[str, str] = field(default_factory=dict)  # docs path of a Markdown page -> source
    files: dict[str, str] = field(default_factory=dict)  # site path of any other file -> text
    nav: list = field(default_factory=list)
    markers: dict[str, str] = field(default_factory=dict)  # marker in a hand-written page -> its text

    def fill(self, markdown: str) -> str:
        """A hand-written page with its markers replaced by generated sections."""
        for marker, text in self.markers.items():
            markdown = markdown.replace(marker, text)
        return markdown


def chart_specs(ctx: SiteContext) -> dict[str, dict]:
    """Every interactive chart that has data, by name; a chart without data is absent, not empty."""
    specs: dict[str, dict | None] = {}
    for trend in ctx.trends.values():
        specs[f"trend-{trend.id}"] = charts.trend_chart(ctx.series[trend.id], trend.title)
        specs[f"adoption-{trend.id}"] = adoption.chart(ctx, trend)
    for area in ctx.areas.values():
        specs[f"area-{area.id}"] = charts.area_chart({t.title: ctx.series[t.id] for t in ctx.trends_in(area.id)})
    return {name: spec for name, spec in specs.items() if spec is not None}


@contextmanager
def _stage(timings: dict[str, float] | None, name: str) -> Iterator[None]:
    """Add the seconds the block takes to timings[name] (the benchmarks read them); no-op without timings."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def build_site(kb: KnowledgeBase, today: dt.date, settings: Settings | None = None,
               timings: dict[str, float] | None = None) -> Site:
    """Everything to publish. Pass `timings` to get the seconds spent in each stage
    (momentum, emerging, charts, pages, exports) added to it."""
    ctx = SiteContext(kb=kb, today=today, settings=settings or Settings())
    with _stage(timings, "momentum"):
        ctx.momenta  # noqa: B018 (computed once here, so the stages below are timed without it)
        ctx.adoption  # noqa: B018
    with _stage(timings, "emerging"):
        ctx.emerging  # noqa: B018 (found once here, like momentum)
    with _stage(timings, "charts"):
        specs = chart_specs(ctx)
        names = set(specs)
        files = {f"charts/{name}.json": json.dumps(spec, separators=(",", ":")) for name, spec in specs.items()}
    site = Site(nav=pages.nav(ctx))
    with _stage(timings, "pages"):
        site.markers = {HOME_MARKER: pages.home_sections(ctx), REFERENCE_MARKER: schema_reference(),
                        SIGNALS_MARKER: signals_reference(kb.signals.kinds),
                        MOMENTUM_MARKER: method.momentum_rules(), ADOPTION_MARKER: method.adoption_rules(),
                        RINGS_MARKER: method.ring_meanings(pages.RING_HELP),
                        FRESHNESS_MARKER: pages.freshness(ctx, "method.md"),
                        EMERGING_MARKER: emerging.method_text()}
        for area in ctx.areas.values():
            site.pages[area_src(area.id)] = pages.area_page(ctx, area, names)
        for trend in ctx.trends.values():
            site.pages[trend_src(trend.id)] = pages.trend_page(ctx, trend, names)
        site.pages["explore.md"] = pages.explore_page(ctx)
        site.pages[emerging.PAGE] = emerging.page(ctx)
        site.pages["examples.md"] = pages.examples_page(ctx)
        site.pages["changes.md"] = pages.changes_page(ctx)
        site.pages["sources.md"] = pages.sources_page(ctx)
        site.pages["tags.md"] = pages.tags_page(ctx)
    with _stage(timings, "exports"):
        for area in ctx.areas.values():
            files[f"feeds/{area.id}.xml"] = exports.area_feed(ctx, area.id)
        files["api/trends.json"] = exports.trends_json(ctx)
        files["api/monthly-counts.csv"] = exports.monthly_counts_csv(ctx)
        files["api/adoption.csv"] = adoption.adoption_csv(ctx)
        files["api/emerging.json"] = emerging.export(ctx)
        files["feeds/changes.xml"] = exports.changes_feed(ctx)
    site.files = files
    return site
