"""Page builders: SiteContext in, Markdown page source out.

Fixed headings are Markdown (so they feed the table of contents and search
sections); everything that comes from a record, a paper or a feed is emitted
as escaped HTML through `markup`, so no record can inject markup or links.
The radar and the sparklines are inline SVG drawn here at build time (no
script, no chart library). The interactive charts are placeholders
(`<div class="tkb-chart" data-chart=...>`) pointing at JSON specs written next
to the pages, each followed by a table of its numbers; the chart data never
enters the search index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from site_hooks import adoption, emerging, equivalents, radar, svg
from site_hooks.context import SiteContext, area_src, trend_src
from site_hooks.markup import NO_SEARCH, esc, front_matter, html_block, link, render_markdown
from trendkb import models
from trendkb.momentum import Label

NO_SIGNALS = ("No arXiv papers or news items have been collected yet. They are added by the "
              "collectors' scheduled refresh; the [Sources](SOURCES) page shows when each source last ran.")
NO_RUNS = "No collector has run yet, so there is nothing to show. The scheduled refresh fills this page."
# The What changed page shows this many of the newest changes; every trend page keeps its whole
# ring history, and the Atom feed the latest. At 500 trends the full list made an 830 KB page.
CHANGES_SHOWN = 300
RING_HELP = {
    "adopt": "use it now where it fits",
    "trial": "worth a real project with a fallback",
    "assess": "explore and prototype; not yet for production",
    "hold": "do not start new work with it",
}


def chart(ctx: SiteContext, page: str, name: str, label: str) -> str:
    """An interactive chart, drawn by trendkb.js when it nears the screen; a table of its numbers follows it."""
    return (f'<div class="tkb-chart" data-chart="{esc(ctx.rel(page, f"charts/{name}.json"))}" '
            f'role="figure" aria-label="{esc(label)}"></div>')  # a figure, not an image: plotly adds buttons


def no_signals(ctx: SiteContext, page: str) -> str:
    text = NO_SIGNALS.replace("SOURCES", ctx.md(page, "sources.md"))
    return '!!! note "No data yet"\n    ' + text + "\n"


def ring_badge(ring: str) -> str:
    return f'<span class="tkb-ring tkb-ring--{esc(ring)}" title="{esc(RING_HELP[ring])}">{esc(ring)}</span>'


def trend_link(ctx: SiteContext, page: str, trend: models.Trend) -> str:
    return f'<a href="{esc(ctx.rel(page, trend_src(trend.id)))}">{esc(trend.title)}</a>'


def momentum_link(ctx: SiteContext, page: str, trend_id: str) -> str:
    """A trend's momentum label, linked to the Method page that says how it is computed."""
    # Kept short: Explore has one per trend, and at 500 trends every byte counts 500 times.
    return f'<a href="{esc(ctx.rel(page, "method.md"))}#momentum">{esc(ctx.momenta[trend_id].text)}</a>'


def sparkline(ctx: SiteContext, page: str, trend: models.Trend) -> str:
    href = ctx.rel(page, trend_src(trend.id)) + "#momentum"
    return svg.sparkline(ctx.series[trend.id], trend.title, href) or '<span class="tkb-muted">no data yet</span>'


def trend_table(ctx: SiteContext, page: str, trends: Iterable[models.Trend], show_area: bool = False) -> str:
    """Rows of trend, momentum, ring, (area,) and sparkline: on a phone the first columns show, the rest scroll."""
    head = "<tr><th>Trend</th><th>Momentum</th><th>Ring</th>" + ("<th>Area</th>" if show_area else "") + \
           "<th>Papers per month</th></tr>"
    rows = []
    for trend in trends:
        area = f"<td>{esc(ctx.areas[trend.area].title)}</td>" if show_area else ""
        rows.append(f"<tr><td>{trend_link(ctx, page, trend)}<br><small>{esc(trend.summary)}</small></td>"
                    f"<td>{momentum_link(ctx, page, trend.id)}</td><td>{ring_badge(trend.ring)}</td>{area}"
                    f"<td>{sparkline(ctx, page, trend)}</td></tr>")
    return html_block('<table class="tkb-table">', f"<thead>{head}</thead>", "<tbody>", *rows, "</tbody></table>")


def explore_link(ctx: SiteContext, page: str, **query: str) -> str:
    """Explore with filters and sort order in its address (the keys trendkb.js reads)."""
    return ctx.rel(page, "explore.md") + "?" + urlencode(query)


# ---------------------------------------------------------------- changes


def changes(ctx: SiteContext) -> list[tuple[models.RingChange, models.Trend, str | None]]:
    """Every ring decision as (change, trend, previous ring or None for a new entry), newest first."""
    out = []
    for trend in ctx.trends.values():
        previous = None
        for change in trend.ring_history:
            out.append((change, trend, previous))
            previous = change.ring
    return sorted(out, key=lambda item: (item[0].date, item[1].title), reverse=True)


def change_line(ctx: SiteContext, page: str, change, trend, previous) -> str:
    what = (f"moved from {ring_badge(previous)} to {ring_badge(change.ring)}" if previous
            else f"added in {ring_badge(change.ring)}")
    return f"<li><time>{change.date}</time> {trend_link(ctx, page, trend)} {what}: {esc(change.reason)}</li>"


# ---------------------------------------------------------------- home


HOME = "index.md"
RISING_SHOWN = 6


def rising_section(ctx: SiteContext) -> str:
    ranked = sorted((t for t in ctx.trends.values() if ctx.momenta[t.id].change is not None),
                    key=lambda t: ctx.momenta[t.id].change, reverse=True)
    body = trend_table(ctx, HOME, ranked[:RISING_SHOWN], show_area=True) if ranked else no_signals(ctx, HOME)
    return "## What is rising\n\n" + body


def radar_section(ctx: SiteContext) -> str:
    """Every trend by area and ring; in each cell the fastest rising first (see radar.py)."""
    def rank(trend: models.Trend) -> tuple:
        change = ctx.momenta[trend.id].change
        return (change is None, -(change or 0.0), trend.title.lower())

    blips = [radar.Blip(t.title, ctx.rel(HOME, trend_src(t.id)), t.area, str(t.ring))
             for t in sorted(ctx.trends.values(), key=rank)]
    areas = [(a.id, a.title) for a in ctx.areas.values()]
    by_momentum = str(EXPLORE_SORTABLE.index("Momentum"))
    figure = radar.radar(areas, blips, lambda area, ring: explore_link(
        ctx, HOME, area=area, ring=ring, sort=by_momentum, dir="desc"))
    rings = "; ".join(f"**{ring}**: {text}" for ring, text in RING_HELP.items())
    return (f"## The radar\n\nEvery trend by area and ring ({rings}). Each title opens its trend. A cell lists "
            "its fastest rising trends first; when it holds more than fit, the rest are one click away in Explore.\n"
            + html_block(figure))


def research_vs_adoption_section(ctx: SiteContext) -> str:
    return adoption.research_vs_adoption_section(ctx, HOME)


def changes_section(ctx: SiteContext) -> str:
    recent = changes(ctx)[:8]
    return ("## What changed lately\n"
            + html_block('<ul class="tkb-changes">', *(change_line(ctx, HOME, *item) for item in recent), "</ul>")
            + f"[All changes]({ctx.md(HOME, 'changes.md')}) · [Atom feed]({ctx.md(HOME, 'feeds/changes.xml')})\n")


def freshness_section(ctx: SiteContext) -> str:
    return "## How fresh the data is\n\n" + freshness(ctx, HOME)


def stale_notice(ctx: SiteContext, page: str = HOME) -> str:
    """A warning for the top of the home page when the newest successful collection is older than
    `stale_after_days` (mkdocs.yml extra.trendkb), or when none succeeded; nothing before the first run."""
    if not ctx.statuses:
        return ""
    last = max((s.last_success for s in ctx.statuses if s.last_success), default=None)
    age = (ctx.today - last.date()).days if last else None
    if age is not None and age <= ctx.settings.stale_after_days:
        return ""
    when = (f"The newest successful collection is from {last:%Y-%m-%d}, {age} days ago" if last
            else "No collection has succeeded yet")
    return (f'!!! warning "The collected data may be out of date"\n    {when}: the momentum, papers and news on '
            f"this site may lag behind. The scheduled refresh may be failing or switched off; "
            f"[Sources]({ctx.md(page, 'sources.md')}) shows when each source last worked, and why it failed.\n")


# The home page, one section each; a new view of the home page is one more function here.
HOME_SECTIONS = (stale_notice, rising_section, radar_section, research_vs_adoption_section, emerging.home_section,
                 changes_section, freshness_section)


def home_sections(ctx: SiteContext) -> str:
    return "\n".join(section(ctx) for section in HOME_SECTIONS)


def freshness(ctx: SiteContext, page: str) -> str:
    if not ctx.statuses:
        return no_signals(ctx, page)
    last = max((s.last_success for s in ctx.statuses if s.last_success), default=None)
    failing = [s.source for s in ctx.statuses if s.last_error]
    text = f"Last successful collection: **{last:%Y-%m-%d %H:%M} UTC**." if last else "No collection has succeeded yet."
    if failing:
        text += f" {len(failing)} source(s) failed on their last run; see [Sources]({ctx.md(page, 'sources.md')})."
    return text + "\n"


# ---------------------------------------------------------------- area


def area_page(ctx: SiteContext, area: models.Area, charts: set[str]) -> str:
    """`charts`: the names of the chart specs that exist (a chart with no data has none)."""
    page = area_src(area.id)
    trends = ctx.trends_in(area.id)
    out = [front_matter(title=area.title, description=area.summary, search={"boost": 2})]
    out.append(html_block(f"<h1>{esc(area.title)}</h1>", f"<p>{esc(area.summary)}</p>"))
    out.append("## Trends\n")
    out.append(trend_table(ctx, page, trends) if trends else "No trends in this area yet.\n")
    out.append("## Papers per month\n")
    if f"area-{area.id}" in charts:
        out.append(html_block(chart(ctx, page, f"area-{area.id}", f"papers per month in {area.title}"),
                              equivalents.area_table({t.title: ctx.series[t.id] for t in trends})))
    else:
        out.append(no_signals(ctx, page))
    out.append(f"Atom feed of new papers and news in this area: "
               f"[feeds/{area.id}.xml]({ctx.md(page, f'feeds/{area.id}.xml')})\n")
    return "\n".join(out)


# ---------------------------------------------------------------- trend


def trend_page(ctx: SiteContext, trend: models.Trend, charts: set[str]) -> str:
    page = trend_src(trend.id)
    area = ctx.areas[trend.area]
    keywords = sorted({*trend.evidence.news_keywords, *(tag.replace("-", " ") for tag in trend.tags)})
    out = [front_matter(title=trend.title, description=trend.summary, tags=trend.tags or None,
                        search={"boost": 3})]
    out.append(html_block(
        f"<h1>{esc(trend.title)}</h1>",
        f'<p class="tkb-lead">{esc(trend.summary)}</p>',
        f'<p>{ring_badge(trend.ring)} in <a href="{esc(ctx.rel(page, area_src(area.id)))}">{esc(area.title)}</a>'
        f" · momentum: <strong>{momentum_link(ctx, page, trend.id)}</strong>"
        f" · adoption: <strong>{adoption.adoption_link(ctx, page, trend.id)}</strong></p>",
        f'<p class="tkb-keywords">Keywords: {esc(", ".join(keywords))}</p>',
        tag_links(ctx, page, trend.tags) if trend.tags else "",
    ))
    out.append("## What it is\n")
    out.append(html_block(render_markdown(trend.description)))
    out.append("## Why it matters\n")
    out.append(html_block(render_markdown(trend.why_it_matters)))
    out.append("## Ring history\n")
    out.append(html_block('<ol class="tkb-timeline">', *(
        f"<li><time>{change.date}</time> {ring_badge(change.ring)} {esc(change.reason)}</li>"
        for change in trend.ring_history), "</ol>"))
    out.append("## Momentum\n")
    # Research and adoption side by side where the page is wide enough (trendkb.css), one above the other if not.
    beside = adoption.trend_block(ctx, page, trend, charts)
    if f"trend-{trend.id}" in charts:
        out.append(html_block(
            '<div class="tkb-pair"><section class="tkb-research">', "<h3>Research</h3>",
            f"<p>Momentum {momentum_link(ctx, page, trend.id)}: papers per month (bars) and their share of the "
            "area's arXiv papers (line).</p>",
            chart(ctx, page, f"trend-{trend.id}", f"papers per month for {trend.title}"),
            equivalents.trend_table(ctx.series[trend.id]), "</section>", beside, "</div>"))
    else:
        out.append(no_signals(ctx, page))
        out.append(html_block('<div class="tkb-pair">', beside, "</div>"))
    out.append("## Use cases\n")
    for case in trend.use_cases:
        out.append(html_block(f"<h3>{esc(case.title)}</h3>", f'<p class="tkb-muted">{esc(case.sector)}</p>',
                              f"<p>{esc(case.description)}</p>"))
    out.append("## Runnable examples\n")
    out.append(examples_block(ctx, page, trend) if trend.examples else "No runnable example yet.\n")
    out.append("## Latest papers and news\n")
    out.append(signals_block(ctx, page, trend))
    out.append("## References\n")
    out.append(html_block("<ul>", *(
        f"<li>{link(ref.url, ref.title)} <small>({esc(ref.kind)}"
        + (f", arXiv:{esc(ref.arxiv_id)}" if ref.arxiv_id else "") + ")</small></li>"
        for ref in trend.evidence.references), "</ul>"))
    related = [ctx.trends[r] for r in trend.related if r in ctx.trends]
    if related:
        out.append("## Related trends\n")
        out.append(html_block(f"<ul {NO_SEARCH}>", *(f"<li>{trend_link(ctx, page, r)}</li>" for r in related),
                              "</ul>"))
    out.append("## About this entry\n")
    edit = ctx.edit_url(trend)
    owners = ", ".join(esc(owner) for owner in trend.owners)
    out.append(html_block(
        f"<div {NO_SEARCH}>",
        f"<p>Created {trend.created}, updated {trend.updated}. Owners: {owners}.</p>",
        f"<p>{link(edit, 'Edit this entry')} (trends/{esc(trend.area)}/{esc(trend.id)}.yaml)</p>" if edit
        else f"<p>Source: trends/{esc(trend.area)}/{esc(trend.id)}.yaml</p>",
        "</div>",
    ))
    return "\n".join(out)


def notebook_links(ctx: SiteContext, page: str, notebook: str) -> str:
    """Open in Colab (when the repository is known), download, and the command to run it locally."""
    colab = ctx.colab_url(notebook)
    parts = [link(colab, "Open in Colab")] if colab else []
    parts.append(f'<a href="{esc(ctx.rel(page, f"examples/{notebook}"))}" download>Download notebook</a>')
    parts.append(f"run locally: <code>make example NAME={esc(notebook.removesuffix('.ipynb'))}</code>"
                 f" or <code>jupyter execute content/examples/{esc(notebook)}</code>")
    return " · ".join(parts)


def examples_block(ctx: SiteContext, page: str, trend: models.Trend) -> str:
    items = []
    for example in trend.examples:
        if example.notebook:
            items.append(f"<li><strong>{esc(example.title)}</strong>: {esc(example.shows)}<br>"
                         f"{notebook_links(ctx, page, example.notebook)}</li>")
        else:
            items.append(f"<li><strong>{link(example.url or '', example.title)}</strong>: {esc(example.shows)}</li>")
    return html_block('<ul class="tkb-examples">', *items, "</ul>")


def examples_page(ctx: SiteContext) -> str:
    """Every notebook that a trend names, with what it shows and the trends it belongs to."""
    page = "examples.md"
    notebooks: dict[str, tuple[models.Example, list[models.Trend]]] = {}
    for trend in ctx.trends.values():
        for example in trend.examples:
            if example.notebook:
                notebooks.setdefault(example.notebook, (example, []))[1].append(trend)
    out = [front_matter(title="Runnable examples",
                        description="Notebooks that show each trend's idea working, in a minute, on a CPU."),
           "# Runnable examples\n",
           "Small notebooks that show a trend's idea working, on a laptop CPU in under a minute, with data "
           "generated in the notebook or shipped with scikit-learn. Each checks its own result, and the test "
           "suite runs every one of them.\n"]
    if not notebooks:
        out.append("No notebook examples yet.\n")
    for notebook, (example, trends) in sorted(notebooks.items()):
        out.append(html_block(
            f"<h2>{esc(example.title)}</h2>",
            f"<p>{esc(example.shows)}</p>",
            f"<p>{notebook_links(ctx, page, notebook)}</p>",
            "<p>Trends: " + ", ".join(trend_link(ctx, page, t) for t in trends) + "</p>",
        ))
    return "\n".join(out)


def signals_block(ctx: SiteContext, page: str, trend: models.Trend, limit: int = 8) -> str:
    papers = ctx.papers_by_trend.get(trend.id, [])[:limit]
    news = ctx.news_by_trend.get(trend.id, [])[:limit]
    if not papers and not news:
        return no_signals(ctx, page)
    dated = [(p.published.isoformat(), f"<li><time>{p.published}</time> {link(p.url, p.title)} "
                                       f"<small>arXiv:{esc(p.arxiv_id)}, {esc(', '.join(p.authors[:3]))}"
                                       f"{' et al.' if p.author_count > 3 else ''}</small></li>")
             for p in papers]
    dated += [(n.published.date().isoformat(), f"<li><time>{n.published:%Y-%m-%d}</time> {link(n.url, n.title)} "
                                               f"<small>{esc(n.feed)}</small></li>")
              for n in news]
    items = [item for _, item in sorted(dated, key=lambda pair: pair[0], reverse=True)]
    return html_block(f'<ul class="tkb-signals" {NO_SEARCH}>', *items, "</ul>")


# ---------------------------------------------------------------- explore, changes, sources, tags


# Explore's sortable columns, in order; a column's index is its `sort` value in the address.
EXPLORE_SORTABLE = ("Trend", "Area", "Ring", "Momentum", "Adoption")
# The labels research momentum can take (the others are adoption momentum's).
RESEARCH_LABELS = [Label.RISING, Label.STEADY, Label.FALLING, Label.NEW, Label.TOO_FEW, Label.NO_DATA]


def explore_page(ctx: SiteContext) -> str:
    page = "explore.md"
    rows = []
    for trend in ctx.trends.values():
        mom, used = ctx.momenta[trend.id], ctx.adoption[trend.id].momentum
        change = "" if mom.change is None else f"{mom.change:.4f}"
        use_change = "" if used.change is None else f"{used.change:.4f}"
        rows.append(
            f'<tr data-area="{esc(trend.area)}" data-ring="{esc(trend.ring)}" data-momentum="{esc(mom.label)}" '
            f'data-adoption="{esc(used.label)}" data-tags="{esc(" ".join(trend.tags))}">'
            f'<td data-sort="{esc(trend.title.lower())}">{trend_link(ctx, page, trend)}</td>'
            f'<td data-sort="{esc(trend.area)}">{esc(ctx.areas[trend.area].title)}</td>'
            f'<td data-sort="{list(models.Ring).index(trend.ring)}">{ring_badge(trend.ring)}</td>'
            f'<td data-sort="{change}">{momentum_link(ctx, page, trend.id)}</td>'
            f'<td data-sort="{use_change}">{adoption.adoption_link(ctx, page, trend.id)}</td>'
            f'<td>{esc(", ".join(trend.tags))}</td></tr>'
        )
    options = {
        "area": [(a.id, a.title) for a in ctx.areas.values()],
        "ring": [(r.value, r.value) for r in models.Ring],
        "momentum": [(label.value, label.value) for label in RESEARCH_LABELS],
        "adoption": [(label.value, label.value) for label in adoption.LABELS],
    }
    selects = [
        f'<label>{name.title()} <select name="{name}"><option value="">any</option>'
        + "".join(f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in values) + "</select></label>"
        for name, values in options.items()
    ]
    tags = sorted({tag for t in ctx.trends.values() for tag in t.tags})
    tag_boxes = "".join(
        f'<label class="tkb-tag"><input type="checkbox" name="tag" value="{esc(tag)}"> {esc(tag)}</label>'
        for tag in tags
    )
    return "\n".join([
        front_matter(title="Explore", description="Every trend in one filterable, sortable table.", hide=["toc"]),
        "# Explore\n",
        "Filter by area, ring, research momentum, adoption momentum and tags (several tags match any of them); "
        "choose a column heading to sort by it, and again to reverse. The address bar keeps the view, so a "
        f"copied link opens the same table. [How momentum is computed]({ctx.md(page, 'method.md')}#momentum), "
        f"and [adoption momentum]({ctx.md(page, 'method.md')}#adoption).\n",
        html_block('<form class="tkb-filters" data-tkb-explore>', *selects,
                   f'<details class="tkb-tags"><summary>Tags <span data-tkb-tag-count></span></summary>'
                   f"{tag_boxes}</details>",
                   '<button type="reset">Clear</button>', "</form>",
                   '<p class="tkb-count" aria-live="polite"></p>',
                   '<table class="tkb-table" data-tkb-sortable><thead><tr>',
                   *(f'<th data-key="{key}" aria-sort="none"><button type="button">{name}</button></th>'
                     for key, name in enumerate(EXPLORE_SORTABLE)),
                   "<th>Tags</th></tr></thead><tbody>",
                   *rows, "</tbody></table>"),
    ])


def changes_page(ctx: SiteContext) -> str:
    """The newest CHANGES_SHOWN changes by month. Left out of search: each trend page has its ring history."""
    page = "changes.md"
    out = [front_matter(title="What changed", description="Ring moves and new entries, newest first.",
                        search={"exclude": True}),
           "# What changed\n",
           f"Ring moves and new entries, newest first. Also as an [Atom feed]({ctx.md(page, 'feeds/changes.xml')}).\n"]
    everything = changes(ctx)
    by_month: dict[str, list[str]] = {}
    for item in everything[:CHANGES_SHOWN]:
        by_month.setdefault(f"{item[0].date:%Y-%m}", []).append(change_line(ctx, page, *item))
    for month, lines in by_month.items():
        out.append(f"## {month}\n")
        out.append(html_block('<ul class="tkb-changes">', *lines, "</ul>"))
    if len(everything) > CHANGES_SHOWN:
        out.append(f"Older changes ({len(everything) - CHANGES_SHOWN}) are in the ring history on each trend's page.\n")
    return "\n".join(out)


def sources_page(ctx: SiteContext) -> str:
    page = "sources.md"
    out = [front_matter(title="Sources", description="Each collector source, its last good fetch and failures."),
           "# Sources\n",
           "Each collector source with its last successful fetch, the items it added and its last failure; "
           "the stalest first.\n"]
    if not ctx.statuses:
        out.append('!!! note "No data yet"\n    ' + NO_RUNS + "\n")
    else:
        def when(value):
            return f"{value:%Y-%m-%d %H:%M} UTC" if value else "never"

        rows = [f"<tr><td>{esc(s.source)}</td><td>{esc(s.kind)}</td><td>{when(s.last_attempt)}</td>"
                f"<td>{when(s.last_success)}</td><td>{s.items_added}</td>"
                f"<td>{esc(s.last_error) if s.last_error else 'none'}</td></tr>" for s in stale_first(ctx.statuses)]
        out.append(html_block('<table class="tkb-table"><thead><tr><th>Source</th><th>Kind</th>'
                              "<th>Last attempt</th><th>Last success</th><th>Items added</th>"
                              "<th>Last failure</th></tr></thead><tbody>", *rows, "</tbody></table>"))
    out.append("## What is stored\n")
    out.append("Every kind of collected record, as kept in the repository under `trends/signals/`.\n")
    signals = ctx.kb.signals
    kinds = [kind for kind in signals.kinds if kind.evidence]
    rows = [f"<tr><td>{esc(kind.title or kind.name)}</td><td>{esc(kind.about)}</td>"
            f"<td>{signals.count(kind):,}</td><td>{len(signals.files(kind)):,}</td></tr>" for kind in kinds]
    out.append(html_block('<table class="tkb-table"><thead><tr><th>Kind</th><th>What it holds</th>'
                          "<th>Records</th><th>Files</th></tr></thead><tbody>", *rows, "</tbody></table>"))
    out.append("## Downloads\n")
    out.append("\n".join(f"- [{name}]({ctx.md(page, path)}): {what}" for name, path, what in [
        ("trends.json", "api/trends.json", "every trend with its ring, momentum and URL"),
        ("monthly-counts.csv", "api/monthly-counts.csv", "arXiv papers per month per trend and baseline"),
        ("adoption.csv", "api/adoption.csv", "downloads and stars per month per trend"),
        ("emerging.json", "api/emerging.json", "the emerging topics, best first, with their monthly counts"),
        ("changes.xml", "feeds/changes.xml", "Atom feed of ring moves and new entries"),
        *((f"{a.id}.xml", f"feeds/{a.id}.xml", f"Atom feed of new papers and news in {a.title}")
          for a in ctx.areas.values()),
    ]) + "\n")
    return "\n".join(out)


def stale_first(statuses: Iterable[models.SourceStatus]) -> list[models.SourceStatus]:
    """Sources in the order to worry about them: never successful, then oldest last success first;
    on the same last success, the failing ones first."""
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(statuses, key=lambda s: (s.last_success is not None, s.last_success or never,
                                           s.last_error is None, s.source))


def tag_href(ctx: SiteContext, page: str, tag: str) -> str:
    # The anchors Material's tags plugin used, so links to them keep working.
    return f"{ctx.rel(page, 'tags.md')}#tag:{tag}"


def tag_links(ctx: SiteContext, page: str, tags: list[str]) -> str:
    return ('<nav class="md-tags" aria-label="Tags">'
            + "".join(f'<a class="md-tag" href="{esc(tag_href(ctx, page, tag))}">{esc(tag)}</a>' for tag in tags)
            + "</nav>")


def tags_page(ctx: SiteContext) -> str:
    """Every tag with the trends that carry it. Generated here rather than by Material's tags plugin, whose
    listing holds only the pages an incremental `mkdocs serve` rebuild renders; so both engines show the same.
    Left out of search: every trend page carries its tags, which the search index holds."""
    page = "tags.md"
    by_tag: dict[str, list[models.Trend]] = {}
    for trend in ctx.trends.values():
        for tag in trend.tags:
            by_tag.setdefault(tag, []).append(trend)
    out = [front_matter(title="Tags", search={"exclude": True}), "# Tags\n",
           "Every tag and the trends that carry it.\n" if by_tag else "No trend has a tag yet.\n"]
    for tag in sorted(by_tag):  # a tag is a slug (the models' rule), so it is safe in a Markdown heading
        out.append(f'## <span class="md-tag">{tag}</span> {{#tag:{tag}}}\n')
        out.append(html_block("<ul>", *(f"<li>{trend_link(ctx, page, trend)}</li>" for trend in by_tag[tag]), "</ul>"))
    return "\n".join(out)


def nav(ctx: SiteContext) -> list:
    """The site navigation, in MkDocs' nav format."""
    # Themes print nav titles without escaping them.
    areas = [{esc(area.title): [{"Overview": area_src(area.id)},
                                *({esc(t.title): trend_src(t.id)} for t in ctx.trends_in(area.id))]}
             for area in ctx.areas.values()]
    return [{"Home": "index.md"}, {"Explore": "explore.md"}, {"Emerging": "emerging.md"}, {"Areas": areas},
            {"Method": "method.md"},
            {"Examples": "examples.md"}, {"What changed": "changes.md"}, {"Sources": "sources.md"},
            {"Tags": "tags.md"},
            {"Contributing": "contributing.md"}]
