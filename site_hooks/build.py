"""The whole generated site as text: pages, chart specs, exports and the navigation.

`build_site` is the one entry point. It takes a validated knowledge base and
returns everything to publish, keyed by site path; the MkDocs hooks only hand
these to MkDocs, and another engine could write them to disk instead.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd

from site_hooks import charts, exports, pages
from site_hooks.context import Settings, SiteContext, area_src, trend_src
from site_hooks.reference import schema_reference
from trendkb.store import KnowledgeBase

HOME_MARKER = "<!-- trendkb:home -->"
REFERENCE_MARKER = "<!-- trendkb:schema-reference -->"


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
    """Every chart that has data, by name; a chart without data is absent, not empty."""
    specs: dict[str, dict | None] = {}
    points = pd.DataFrame(
        [(t.title, ctx.areas[t.area].title, str(t.ring), ctx.rel("index.md", trend_src(t.id)))
         for t in ctx.trends.values()],
        columns=["title", "area", "ring", "url"],
    )
    specs["radar"] = charts.radar(points, [a.title for a in ctx.areas.values()])
    for trend in ctx.trends.values():
        frame = ctx.series[trend.id]
        specs[f"spark-{trend.id}"] = charts.sparkline(frame)
        specs[f"trend-{trend.id}"] = charts.trend_chart(frame, f"{trend.title}: {ctx.momenta[trend.id].text}")
    for area in ctx.areas.values():
        specs[f"area-{area.id}"] = charts.area_chart({t.title: ctx.series[t.id] for t in ctx.trends_in(area.id)})
    return {name: spec for name, spec in specs.items() if spec is not None}


def build_site(kb: KnowledgeBase, today: dt.date, settings: Settings | None = None) -> Site:
    ctx = SiteContext(kb=kb, today=today, settings=settings or Settings())
    specs = chart_specs(ctx)
    names = set(specs)
    site = Site(nav=pages.nav(ctx))
    site.markers = {HOME_MARKER: pages.home_sections(ctx, names), REFERENCE_MARKER: schema_reference()}
    for area in ctx.areas.values():
        site.pages[area_src(area.id)] = pages.area_page(ctx, area, names)
        site.files[f"feeds/{area.id}.xml"] = exports.area_feed(ctx, area.id)
    for trend in ctx.trends.values():
        site.pages[trend_src(trend.id)] = pages.trend_page(ctx, trend, names)
    site.pages["explore.md"] = pages.explore_page(ctx)
    site.pages["examples.md"] = pages.examples_page(ctx)
    site.pages["changes.md"] = pages.changes_page(ctx)
    site.pages["sources.md"] = pages.sources_page(ctx)
    site.pages["tags.md"] = pages.tags_page()
    site.files.update({f"charts/{name}.json": json.dumps(spec, separators=(",", ":")) for name, spec in specs.items()})
    site.files["api/trends.json"] = exports.trends_json(ctx)
    site.files["api/monthly-counts.csv"] = exports.monthly_counts_csv(ctx)
    site.files["feeds/changes.xml"] = exports.changes_feed(ctx)
    return site
