"""Full MkDocs builds through the hooks (site_hooks/hooks.py), in temporary folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

from site_hooks.build import Changes, build_site, changes
from tests.conftest import TODAY, snapshot
from tests.site_hooks.activity import active_content
from tests.site_hooks.conftest import mkdocs_build, site_root
from trendkb import store

EXPECTED_FILES = [
    "index.html", "areas/alpha/index.html", "areas/beta/index.html", "trends/first-trend/index.html",
    "trends/second-trend/index.html", "explore/index.html", "changes/index.html", "sources/index.html",
    "tags/index.html", "contributing/index.html", "examples/index.html", "method/index.html",
    "charts/trend-first-trend.json", "charts/area-alpha.json", "api/trends.json", "api/monthly-counts.csv",
    "feeds/changes.xml", "feeds/alpha.xml", "feeds/beta.xml", "assets/javascripts/plotly.min.js",
    "assets/javascripts/trendkb.js", "examples/demo.ipynb",
]


def article(html: str) -> str:
    return re.search(r"<article[^>]*>(.*)</article>", html, flags=re.S).group(1)


def test_every_page_and_export_is_built(fixture_site: Path):
    missing = [name for name in EXPECTED_FILES if not (fixture_site / name).is_file()]
    assert missing == []


def test_untrusted_text_is_inert_on_every_page(fixture_site: Path):
    for page in fixture_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Ours: the filter form on Explore; the radar and sparklines drawn at build time.
        ours = frozenset({"form"}) if page.parent.name == "explore" else frozenset({"svg"})
        assert active_content(article(html), ours) == [], page
        head = html.split("<body", 1)[0]
        assert "<img" not in head and "alert(" not in head.replace("alert(&", ""), page


def test_plotly_is_loaded_lazily_and_chart_data_stays_out_of_search(fixture_site: Path):
    for page in fixture_site.rglob("*.html"):
        assert "plotly.min.js" not in page.read_text(encoding="utf-8"), page
    index = json.loads((fixture_site / "search" / "search_index.json").read_text())
    text = json.dumps(index)
    assert "hovertemplate" not in text and "bdata" not in text and '"bar"' not in text
    trend = next(doc for doc in index["docs"] if doc["location"] == "trends/second-trend/")
    assert trend.get("boost") == 3


def test_invalid_record_fails_the_build_with_the_validate_message(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    record = root / "trends" / "alpha" / "first-trend.yaml"
    record.write_text(record.read_text().replace("ring: trial\nring_history", "ring: adopted\nring_history"))
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 1
    assert "trends/alpha/first-trend.yaml:17: ring: 'adopted' is not one of adopt, trial, assess, hold" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_record_the_store_would_not_read_fails_the_build(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    broken = (root / "trends" / "alpha" / "first-trend.yaml").read_text().replace("ring: trial\n", "ring: adopted\n")
    (root / "trends" / "alpha" / "x.yml").write_text(broken)
    (root / "trends" / "beta" / "sub").mkdir()
    (root / "trends" / "beta" / "sub" / "x.yaml").write_text(broken)
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 1
    assert "trends/alpha/x.yml:1: (file): not read as a trend: rename it to trends/alpha/x.yaml" in result.stderr
    assert "trends/beta/sub/x.yaml:1: (file): not read as a trend" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_writes_nothing_into_the_sources(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    before = snapshot(root)
    assert mkdocs_build(root, tmp_path / "site").returncode == 0
    assert snapshot(root) == before


def test_a_rebuild_writes_only_what_an_edit_changed(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    before = build_site(store.load(root), TODAY)
    assert changes(None, before) is None
    assert changes(before, build_site(store.load(root), TODAY)) == Changes(set(), set(), set())

    record = root / "trends" / "beta" / "second-trend.yaml"
    record.write_text(record.read_text().replace("summary: ", "summary: Edited. ", 1))
    after = build_site(store.load(root), TODAY)
    delta = changes(before, after)
    assert "trends/second-trend.md" in delta.pages and "areas/beta.md" in delta.pages
    assert "trends/first-trend.md" not in delta.pages and "areas/alpha.md" not in delta.pages
    assert delta.files == {"api/trends.json"}

    record.write_text(record.read_text().replace("tags: []", "tags:\n- new-tag"))
    assert changes(after, build_site(store.load(root), TODAY)) is None  # the tags index lists every page
    record.write_text(record.read_text().replace("title: Second fixture trend", "title: Renamed"))
    assert changes(after, build_site(store.load(root), TODAY)) is None  # the navigation shows every title
