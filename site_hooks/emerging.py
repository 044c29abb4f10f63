"""The Emerging page, its home-page section, its export and its Method-page section, from `trendkb.emerging`.

The detector runs once per build (`SiteContext.emerging`); the builders below
turn its candidates into Markdown and JSON, with build-time SVG sparklines. Each
candidate's "Propose as a trend" link opens GitHub's new-file page in the
configured repository with the `trendkb.scaffold.proposal` text filled in.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pandas as pd

from site_hooks import svg
from site_hooks.context import SiteContext, trend_src
from site_hooks.markup import NO_SEARCH, esc, front_matter, html_block, link
from trendkb import emerging, models
from trendkb.scaffold import proposal, slugify
from trendkb.store import trend_text

PAGE = "emerging.md"
HOME_SHOWN = 3
NO_LISTINGS = ("No arXiv listing statistics have been collected yet. `trendkb collect listings` adds each day's "
               "new papers, and `--backfill-months 24` reads two years at once.")


def sparkline(candidate: emerging.Candidate) -> str:
    """Papers per month using the phrase (a month under the floor drawn as none), linked to arXiv's search."""
    frame = pd.DataFrame({"month": [m.month for m in candidate.months],
                          "papers": [m.papers or 0 for m in candidate.months]})
    search = "https://arxiv.org/search/?" + urlencode({"query": f'"{candidate.term}"', "searchtype": "all"})
    return svg.sparkline(frame, candidate.term, search) or ""


def anchor(candidate: emerging.Candidate) -> str:
    return f"topic-{candidate.area}-{slugify(candidate.term)}"


def growth_text(candidate: emerging.Candidate) -> str:
    return f"\u00d7{candidate.growth:.1f}"  # the multiplication sign


def notebook_for(ctx: SiteContext, area: str, closest: str | None) -> str | None:
    """A notebook a proposal in `area` can start from: the closest trend's, else any of the area's trends'."""
    trends = ([ctx.trends[closest]] if closest in ctx.trends else []) + ctx.trends_in(area)
    return next((e.notebook for t in trends for e in t.examples if e.notebook), None)


def propose_url(ctx: SiteContext, candidate: emerging.Candidate) -> str | None:
    """GitHub's new-file page in the configured repository, with the proposal's YAML filled in."""
    repo = ctx.settings.repo_url
    if not repo or not repo.startswith("https://github.com/"):
        return None
    trend = proposal(ctx.areas[candidate.area], candidate.term, list(candidate.examples), ctx.today,
                     notebook_for(ctx, candidate.area, candidate.closest))
    query = urlencode({"filename": f"trends/{trend.area}/{trend.id}.yaml", "value": trend_text(trend)},
                      quote_via=quote)
    return f"{repo.rstrip('/')}/new/{quote(ctx.settings.branch)}?{query}"


# ---------------------------------------------------------------- the page


def page(ctx: SiteContext) -> str:
    found = ctx.emerging
    out = [front_matter(title="Emerging topics", hide=["toc"],
                        description="Phrases rising in the arXiv listings of each area that no trend covers yet."),
           "# Emerging topics\n",
           f"Phrases whose share of an area's new arXiv papers has grown over the last {emerging.RECENT} "
           "complete months, steadily and against their own history, and that no trend on this site covers yet. "
           "They are found from monthly phrase counts of the areas' arXiv listings; the "
           f"[Method]({ctx.md(PAGE, 'method.md')}#emerging-topics) page says how. "
           "A candidate is a lead for a researcher, not a verdict: "
           "read its example papers, then propose it as a trend by pull request.\n"]
    if not found.months:
        out.append('!!! note "No data yet"\n    ' + NO_LISTINGS + "\n")
    for area in ctx.areas.values():
        out.append(f"## {esc(area.title)}\n")
        out.append(area_block(ctx, found, area))
    if found.covered:
        out.append("## Rising, and already covered\n")
        out.append("These phrases pass the same tests, but an existing trend names them (in its title, tags, news "
                   "keywords or arXiv query), so they are not candidates.\n")
        out.append(html_block(f'<ul class="tkb-covered" {NO_SEARCH}>', *(
            f"<li><strong>{esc(c.term)}</strong> in {esc(ctx.areas[c.area].title)}, {growth_text(c)}: "
            f"covered by {_trend_link(ctx, c.covered_by)}"
            + (f' <small class="tkb-muted">(also: {esc(", ".join(c.variants))})</small>' if c.variants else "")
            + "</li>" for c in found.covered[:30]), "</ul>"))
    return "\n".join(out)


def _trend_link(ctx: SiteContext, trend_id: str | None) -> str:
    trend = ctx.trends.get(trend_id or "")
    if trend is None:
        return '<span class="tkb-muted">no trend shares a word with it</span>'
    return f'<a href="{esc(ctx.rel(PAGE, trend_src(trend.id)))}">{esc(trend.title)}</a>'


def area_block(ctx: SiteContext, found: emerging.Detection, area: models.Area) -> str:
    months = found.months.get(area.id, [])
    topics = [c for c in found.topics if c.area == area.id]
    needed = emerging.RECENT + emerging.MIN_HISTORY
    if not months:
        return "No listing statistics for this area yet.\n"
    if len(months) < needed:
        return (f"The listings cover {len(months)} complete month(s) of this area ({months[0]} to {months[-1]}); "
                f"candidates need at least {needed}.\n")
    if not topics:
        return f"No phrase passes the tests in {months[0]} to {months[-1]}.\n"
    rows = []
    for candidate in topics:
        spark = sparkline(candidate)
        examples = ", ".join(link(f"https://arxiv.org/abs/{i}", f"arXiv:{i}") for i in candidate.examples)
        propose = propose_url(ctx, candidate)
        action = (f'<a class="tkb-propose" href="{esc(propose)}" rel="noopener nofollow">Propose as a trend</a>'
                  if propose else "")
        variants = (f'<br><small class="tkb-muted">also: {esc(", ".join(candidate.variants))}</small>'
                    if candidate.variants else "")
        rows.append(
            f'<tr id="{esc(anchor(candidate))}"><td><strong>{esc(candidate.term)}</strong>{variants}'
            f"<br><small>{examples}</small></td>"
            f'<td title="share of the area\'s papers, last {emerging.RECENT} months against the months before">'
            f"{growth_text(candidate)}</td><td>{spark}</td><td>{candidate.recent_papers}</td>"
            f"<td>{_trend_link(ctx, candidate.closest)}</td><td>{action}</td></tr>")
    head = ("<tr><th>Phrase and example papers</th><th>Growth</th><th>Papers per month</th>"
            f"<th>Papers, last {emerging.RECENT} months</th><th>Closest trend</th><th></th></tr>")
    return html_block(f"<p>From {esc(months[0])} to {esc(months[-1])}.</p>",
                      f'<table class="tkb-table tkb-emerging" {NO_SEARCH}>', f"<thead>{head}</thead>", "<tbody>",
                      *rows, "</tbody></table>")


def home_section(ctx: SiteContext) -> str:
    """The top topics, for the home page."""
    found = ctx.emerging
    page_link = ctx.md("index.md", PAGE)
    out = ["## Emerging topics\n"]
    if not found.topics:
        text = NO_LISTINGS if not found.months else "No phrase in the arXiv listings passes the tests this month."
        return "\n".join([*out, text + f" See [Emerging topics]({page_link}).\n"])
    items = [f'<li><a href="{esc(ctx.rel("index.md", PAGE))}#{esc(anchor(c))}"><strong>{esc(c.term)}</strong></a> '
             f"in {esc(ctx.areas[c.area].title)}: {growth_text(c)} its earlier share, "
             f"{c.recent_papers} papers in {emerging.RECENT} months</li>" for c in found.topics[:HOME_SHOWN]]
    out.append("Phrases rising in the arXiv listings that no trend covers yet.\n")
    out.append(html_block('<ul class="tkb-emerging-top">', *items, "</ul>"))
    out.append(f"[Every candidate, by area]({page_link})\n")
    return "\n".join(out)


# ---------------------------------------------------------------- the export


def export(ctx: SiteContext) -> str:
    """api/emerging.json: the topics, best first, and the rising phrases that trends cover."""
    found = ctx.emerging
    def item(candidate: emerging.Candidate) -> dict:
        return {
            "term": candidate.term, "area": candidate.area, "score": candidate.score, "growth": candidate.growth,
            "recent_papers": candidate.recent_papers, "examples": list(candidate.examples),
            "covered_by": candidate.covered_by, "closest_trend": candidate.closest,
            "variants": list(candidate.variants),
            "months": [{"month": m.month, "papers": m.papers, "area_papers": m.total} for m in candidate.months],
            "url": ctx.absolute(PAGE) + f"#{anchor(candidate)}",
            "propose_url": None if candidate.covered_by else propose_url(ctx, candidate),
        }

    data = {"generated": str(ctx.today), "method": emerging.parameters(),
            "months": {area: {"first": m[0], "last": m[-1], "count": len(m)} for area, m in found.months.items()},
            "topics": [item(c) for c in found.topics], "covered": [item(c) for c in found.covered]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- the method


def method_text() -> str:
    """How candidates are found, with the parameters the code uses (the Method page's Emerging topics section)."""
    e = emerging
    return "\n".join([
        "**What is counted.** Every paper in an area's arXiv categories: each day's new and cross-listed "
        "submissions (arXiv's daily listing), and whole months read through the arXiv API. Titles and "
        "abstracts are cut into phrases of one to four words, without stop words, numbers or LaTeX, with "
        "plurals and British and American spellings counted as one. Only counts are kept: for each area and "
        "month, its number of papers and how many of them used each phrase (the commonest phrases, a few "
        "thousand a month), with up to three example papers. A month is read through the API once it has "
        "settled, a week after it ends.",
        "",
        f"**Growth.** For each area and phrase, the share of the area's papers that used the phrase in the last "
        f"**{e.RECENT} complete months** is compared with its share in up to **{e.HISTORY} months before them** "
        f"(at least {e.MIN_HISTORY}). Growth is the ratio of the two shares, each with half a paper added so a "
        "phrase never seen before is not a division by zero. The month in progress is never used.",
        "",
        "**Small counts.** The score is not the ratio but a cautious lower bound of it: the logarithm of the "
        f"ratio minus {e.Z} standard errors (a one-sided 95% bound, with the usual normal approximation for a "
        "ratio of counts). Two papers against none has a large ratio and a wide margin, and scores below zero. "
        f"A candidate also needs at least **{e.MIN_RECENT_PAPERS} papers** in the {e.RECENT} months.",
        "",
        "**Many phrases at once.** Thousands of phrases are tested in each area, so some would pass any fixed "
        "threshold by chance. Only phrases that pass the Benjamini-Hochberg procedure at a false discovery rate "
        f"of {e.FALSE_DISCOVERIES:.0%} are kept: among them, about that share at most is expected to be chance.",
        "",
        "**Bursts.** The window's busiest month for the phrase is left out of the score, so a conference "
        f"deadline or one prolific group's month cannot carry it, and the last {e.LATEST} months must still "
        f"run at {e.LATEST_GROWTH} times the earlier share or more.",
        "",
        "**Rare phrases.** A month stores a phrase only when enough of its papers used it (the month's floor). "
        "An unstored earlier month counts as the most it can have had (the floor less one), an unstored recent "
        "month as none, so a gap never makes a phrase look as if it grew.",
        "",
        "**Already covered.** A phrase is dropped when a trend names it: when it contains, or is part of, the "
        "trend's title, a tag, a news keyword or a phrase of its arXiv query (a one-word name covers only that "
        "word). Those phrases are listed apart.",
        "",
        "**Near duplicates.** Candidates of an area where one phrase is part of another (or has the same words) "
        f"are one topic, named by its longest phrase with at least {e.SAME_TOPIC:.0%} of the group's papers; the "
        "others are shown beside it. A phrase rising in several areas is shown in the one where it scores "
        f"highest. Each area shows its best {e.TOP}; the home page the best {HOME_SHOWN} overall.",
        "",
        "**Closest trend** is the one whose names share the largest part of their words with the phrase. "
        "**Propose as a trend** opens a new trend file on GitHub, filled in with the phrase, an arXiv query in "
        "the area's categories and the example papers; replace every TODO and open the pull request.",
        "",
        "**Caveats.** A phrase is not a topic: a new name for an old idea rises too, and an idea spread over "
        "many wordings may never rise. arXiv is not all research, and the listings are not all of arXiv. The "
        "tests are run on thousands of phrases at once, so expect the odd false lead; the example papers are "
        "there to check.",
    ]) + "\n"
