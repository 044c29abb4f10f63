"""Full builds as `make site` runs them (render, then MkDocs), and through the hooks (site_hooks/hooks.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import snapshot
from tests.site_hooks.activity import active_content
from tests.site_hooks.conftest import make_site, mkdocs_build, site_root

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


def test_the_deployment_settings_reach_the_site(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("stale_after_days: 3", "stale_after_days: 0"))
    result = mkdocs_build(root, tmp_path / "site", TRENDKB_REPO_URL="https://github.com/acme-lab/ml-trends")
    assert result.returncode == 0, result.stderr
    trend = (tmp_path / "site" / "trends" / "second-trend" / "index.html").read_text(encoding="utf-8")
    assert "https://github.com/acme-lab/ml-trends/edit/main/trends/beta/second-trend.yaml" in trend
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # The fixture's last collection is from 2026-11-24: older than 0 days by the time any test runs.
    assert 'class="admonition warning"' in home and "The collected data may be out of date" in home


def test_invalid_record_fails_the_build_with_the_validate_message(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    record = root / "trends" / "alpha" / "first-trend.yaml"
    record.write_text(record.read_text().replace("ring: trial\nring_history", "ring: adopted\nring_history"))
    line = "trends/alpha/first-trend.yaml:17: ring: 'adopted' is not one of adopt, trial, assess, hold"
    rendered = make_site(root, tmp_path / "site")
    assert rendered.returncode == 1
    assert line in rendered.stdout and "fix them and run 'trendkb validate' again" in rendered.stderr
    hooked = mkdocs_build(root, tmp_path / "site")
    assert hooked.returncode == 1 and line in hooked.stderr
    assert "Traceback" not in rendered.stderr + hooked.stderr
    assert not (root / "site-src").exists() and not (tmp_path / "site").exists()


def test_a_record_the_store_would_not_read_fails_the_build(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    broken = (root / "trends" / "alpha" / "first-trend.yaml").read_text().replace("ring: trial\n", "ring: adopted\n")
    (root / "trends" / "alpha" / "x.yml").write_text(broken)
    (root / "trends" / "beta" / "sub").mkdir()
    (root / "trends" / "beta" / "sub" / "x.yaml").write_text(broken)
    result = make_site(root, tmp_path / "site")
    assert result.returncode == 1
    assert "trends/alpha/x.yml:1: (file): not read as a trend: rename it to trends/alpha/x.yaml" in result.stdout
    assert "trends/beta/sub/x.yaml:1: (file): not read as a trend" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_build_writes_nothing_into_the_sources(tmp_path: Path):
    root = site_root(tmp_path, hostile=False)
    sources = {name: snapshot(root / name) for name in ("content", "trends")}
    assert make_site(root, tmp_path / "site").returncode == 0
    assert mkdocs_build(root, tmp_path / "hooked").returncode == 0
    assert {name: snapshot(root / name) for name in sources} == sources


def test_the_hooks_build_the_same_site_as_make_site(tmp_path: Path):
    """`mkdocs build` in the repository renders the same folder through the hooks and builds it the same way."""
    root = site_root(tmp_path)
    assert make_site(root, tmp_path / "site").returncode == 0
    assert mkdocs_build(root, tmp_path / "hooked").returncode == 0
    built, hooked = snapshot(tmp_path / "site"), snapshot(tmp_path / "hooked")
    assert built.keys() == hooked.keys()
    assert [name for name in built if built[name] != hooked[name]] == []
