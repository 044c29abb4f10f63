"""The Emerging page's builders: what they say with no data, and the proposal link they build."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from site_hooks import emerging
from site_hooks.build import build_site
from site_hooks.context import Settings, SiteContext
from tests.conftest import TODAY
from tests.trendkb.test_emerging import RISING, background, stats
from trendkb import store
from trendkb.signals import LISTING_MONTHS, LISTING_TERMS


def context(root, settings: Settings | None = None) -> SiteContext:
    return SiteContext(kb=store.load(root), today=TODAY, settings=settings or Settings())


def with_listings(root) -> None:
    kb = store.load(root)
    months, terms = stats({**background(), "liquid tensor routing": RISING})
    for kind, records in ((LISTING_MONTHS, months), (LISTING_TERMS, terms)):
        for record in records:
            kb.signals.put(kind, record)
    kb.signals.save()


def test_without_listings_every_part_says_how_to_get_them(kb_root):
    site = build_site(store.load(kb_root), TODAY)
    assert "No arXiv listing statistics have been collected yet" in site.pages["emerging.md"]
    assert "## Emerging topics" in next(iter(site.markers.values()))
    assert "**Small counts.**" in site.markers["<!-- trendkb:emerging-method -->"]
    assert json.loads(site.files["api/emerging.json"])["topics"] == []
    assert {"Emerging": "emerging.md"} in site.nav


def test_a_topic_is_listed_with_its_proposal(kb_root):
    with_listings(kb_root)
    ctx = context(kb_root, Settings(repo_url="https://github.com/octo/kb", branch="dev"))
    (topic,) = ctx.emerging.topics
    page = emerging.page(ctx)
    assert 'id="topic-alpha-liquid-tensor-routing"' in page and "Propose as a trend" in page
    link = urlsplit(emerging.propose_url(ctx, topic))
    assert link.path == "/octo/kb/new/dev"
    query = parse_qs(link.query)
    assert query["filename"] == ["trends/alpha/liquid-tensor-routing.yaml"]
    assert "arxiv_query: abs:\"liquid tensor routing\" AND (cat:cs.LG)" in query["value"][0]
    assert "#topic-alpha-liquid-tensor-routing" in emerging.home_section(ctx)
    assert '<a class="tkb-spark"' in page  # the build-time SVG sparkline


def test_no_proposal_link_without_a_github_repository(kb_root):
    with_listings(kb_root)
    ctx = context(kb_root)
    assert emerging.propose_url(ctx, ctx.emerging.topics[0]) is None
    assert "tkb-propose" not in emerging.page(ctx)
