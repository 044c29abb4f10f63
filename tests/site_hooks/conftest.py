"""Site fixtures: the fixture knowledge base with generated signals and hostile strings, built sites,
and the built sites in headless Chromium.

The signals are generated here (synthetic counts, papers and news, clearly not
real data) so the charts and lists have something to show; one trend carries
script and link tricks in every free-text field, to prove they stay inert.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.browser import CHROMIUM, chromium, served
from tests.conftest import DATA, REPO, TODAY
from trendkb import models, store
from trendkb.signals import COUNTS, DOWNLOADS, NEWS, PAPERS, REPO_SNAPSHOTS, STATUS, SignalStore

HOSTILE_SUMMARY = '<script>alert("summary")</script> Fixture summary'
HOSTILE_DESCRIPTION = (
    "Fixture text. <img src=x onerror=alert('img')>\n\n"
    "[click me](javascript:alert('link')) and [data](data:text/html,<script>alert(1)</script>) "
    "and [fine](https://example.org/ok)"
)
HOSTILE_TITLE = "First <img src=x onerror=alert('title')> trend"
HOSTILE_PAPER_TITLE = "<script>alert('paper')</script> Synthetic paper"
FETCHED = dt.datetime(2026, 11, 24, 6, tzinfo=dt.UTC)
ARTIFACTS = REPO / "test-artifacts"  # screenshots for people to look at (git ignores it)


def months_before(today: dt.date, n: int) -> list[str]:
    first = today.year * 12 + today.month - 1 - n
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, first + n)]


def write_signals(root: Path, today: dt.date = TODAY) -> None:
    """Synthetic signals: first-trend rising against a flat baseline, second-trend steady."""
    months = months_before(today, 24)
    counts = []
    for i, month in enumerate(months):
        counts += [
            models.MonthlyCount(subject="first-trend", month=month, count=5 + 2 * i, fetched=FETCHED),
            models.MonthlyCount(subject="baseline:alpha", month=month, count=1000, fetched=FETCHED),
            models.MonthlyCount(subject="second-trend", month=month, count=10, fetched=FETCHED),
            models.MonthlyCount(subject="baseline:beta", month=month, count=500, fetched=FETCHED),
        ]
    papers = [
        models.Paper(arxiv_id="2610.00001", version=1, title=HOSTILE_PAPER_TITLE, authors=["A. Synthetic"],
                     author_count=1, published=dt.date(2026, 10, 3), updated=dt.date(2026, 10, 3),
                     primary_category="cs.LG", abstract="Synthetic abstract.",
                     url="https://arxiv.org/abs/2610.00001", trends=["first-trend"]),
        models.Paper(arxiv_id="2610.00002", version=2, title="Synthetic paper two", authors=["B. Synthetic"],
                     author_count=5, published=dt.date(2026, 10, 9), updated=dt.date(2026, 10, 20),
                     primary_category="stat.ML", abstract="Synthetic abstract.",
                     url="https://arxiv.org/abs/2610.00002", trends=["first-trend", "second-trend"]),
    ]
    news = [models.NewsItem(key="synthetic-1", feed="synthetic-feed", title="Synthetic news <b>item</b>",
                            url="https://example.org/news/1", published=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                            summary="Synthetic.", trends=["second-trend"])]
    statuses = [
        models.SourceStatus(source="arxiv", kind="arxiv", last_attempt=FETCHED, last_success=FETCHED, items_added=2),
        models.SourceStatus(source="news:synthetic-feed", kind="news", last_attempt=FETCHED,
                            last_error="HTTP 503 from https://example.org/feed.xml <script>x</script>"),
    ]
    downloads, snapshots = adoption_signals(today)
    signals = SignalStore(store.signals_dir(root))
    for kind, records in ((COUNTS, counts), (PAPERS, papers), (NEWS, news), (STATUS, statuses),
                          (DOWNLOADS, downloads), (REPO_SNAPSHOTS, snapshots)):
        for record in records:
            signals.put(kind, record)
    signals.save()


# Synthetic adoption evidence: made-up package and repository names, so nothing here passes for real data.
PACKAGES = {"first-trend": ["synthetic-fl", "synthetic-dp"], "second-trend": ["synthetic-automl"]}
REPOS = {"first-trend": ["synthetic-org/fl-kit"], "second-trend": ["synthetic-org/automl-kit"]}


def adoption_signals(today: dt.date = TODAY) -> tuple[list, list]:
    """Synthetic downloads (first-trend's growing, second-trend's shrinking) and weekly repository snapshots."""
    downloads, snapshots = [], []
    for i, month in enumerate(months_before(today, 24)):
        year, number = int(month[:4]), int(month[5:])
        first = dt.date(year, number, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        for package, count in (("synthetic-fl", 2000 + 300 * i), ("synthetic-dp", 800 + 50 * i),
                               ("synthetic-automl", 9000 - 250 * i)):
            downloads.append(models.PackageDownloads(package=package, month=month, downloads=count, first_day=first,
                                                     last_day=last))
    day = today - dt.timedelta(days=7 * 104)
    for week in range(105):
        for repo, stars in (("synthetic-org/fl-kit", 100 + 3 * week + week * week // 20),
                            ("synthetic-org/automl-kit", 4000 + 2 * week)):
            snapshots.append(models.RepoSnapshot(repo=repo, day=day, stars=stars, forks=stars // 10,
                                                 open_issues=12, release="v1.2.0", released=dt.date(2026, 9, 1),
                                                 pushed=day))
        day += dt.timedelta(days=7)
    return downloads, snapshots


def name_adoption(root: Path) -> None:
    for entry in store.load(root).trend_files:
        trend = entry.record
        evidence = trend.evidence.model_copy(update={"packages": PACKAGES[trend.id], "repos": REPOS[trend.id]})
        store.save_trend(root, trend.model_copy(update={"evidence": evidence}))


def make_hostile(root: Path) -> None:
    (entry,) = [entry for entry in store.load(root).trend_files if entry.record.id == "first-trend"]
    hostile = entry.record.model_copy(update={"summary": HOSTILE_SUMMARY, "title": HOSTILE_TITLE,
                                              "description": HOSTILE_DESCRIPTION})
    store.save_trend(root, hostile)


def site_root(tmp: Path, hostile: bool = True) -> Path:
    """A repository-shaped folder: fixture trends and signals, the real mkdocs.yml and pages."""
    root = tmp / "repo"
    shutil.copytree(DATA / "kb", root)
    for page in ("index.md", "contributing.md", "method.md"):
        shutil.copy(REPO / "content" / page, root / "content" / page)
    shutil.copytree(REPO / "content" / "assets", root / "content" / "assets")
    config = (REPO / "mkdocs.yml").read_text().replace(
        "  - site_hooks/hooks.py", f"  - {REPO / 'site_hooks' / 'hooks.py'}")
    (root / "mkdocs.yml").write_text(config)
    write_signals(root)
    name_adoption(root)
    if hostile:
        make_hostile(root)
    return root


ENGINES = ("mkdocs", "zensical")
TRENDKB = Path(sys.executable).with_name("trendkb")  # the venv's console script


def _run(command: list[str], cwd: Path, environ: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **environ})


def make_site(root: Path, out: Path, engine: str = "mkdocs", **environ: str) -> subprocess.CompletedProcess:
    """What `make site` (ENGINE=...) does: `trendkb render` into ROOT/site-src, then the engine builds that
    folder into `out`. On failure, the failing step's result."""
    rendered = _run([str(TRENDKB), "--root", str(root), "render"], root, environ)
    if rendered.returncode != 0:
        return rendered
    source = root / "site-src"
    if engine == "mkdocs":
        return _run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(source / "mkdocs.yml"),
                     "-d", str(out)], root, environ)
    built = _run([sys.executable, "-m", "zensical", "build", "--strict", "--clean", "-f", str(source / "mkdocs.yml")],
                 root, environ)
    if built.returncode == 0:
        shutil.rmtree(out, ignore_errors=True)
        shutil.move(source / "site", out)
    return built


def mkdocs_build(root: Path, out: Path, **environ: str) -> subprocess.CompletedProcess:
    """`mkdocs build` in the repository: the same site, through the hooks (site_hooks/hooks.py)."""
    return _run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(root / "mkdocs.yml"),
                 "-d", str(out)], root, environ)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture knowledge base (with signals and hostile strings) built as `make site` builds it."""
    tmp = tmp_path_factory.mktemp("fixture-site")
    root = site_root(tmp)
    result = make_site(root, tmp / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp / "site"


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory) -> Path:
    """The repository's own knowledge base built as `make site` builds it (its source rendered outside the checkout)."""
    tmp = tmp_path_factory.mktemp("repo-site")
    root = tmp / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "trends", root / "trends")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    result = make_site(root, tmp / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp / "site"


# ---------------------------------------------------------------- the built sites in headless Chromium


@pytest.fixture(scope="module")
def fixture_url(fixture_site) -> Iterator[str]:
    with served(fixture_site) as url:
        yield url


@pytest.fixture(scope="module")
def repo_url(repo_site) -> Iterator[str]:
    with served(repo_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium (installed by `make test`) through Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    with chromium() as launched:
        yield launched


@dataclass
class Watch:
    """What a page did that it should not: console errors, dialogs (a script from a record would open one),
    requests leaving 127.0.0.1."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)

    def assert_clean(self):
        assert self.errors == []
        assert self.dialogs == []
        assert self.hosts <= {"127.0.0.1"}


def watched_page(browser, **context_options):
    """A new tab in a new context, with a `watch` attribute recording what Watch looks for."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    watch = Watch()
    tab.on("console", lambda msg: watch.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    tab.on("request", lambda request: watch.hosts.add(urlsplit(request.url).hostname))

    def on_dialog(dialog):
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.watch = watch
    return tab


@pytest.fixture
def page(browser):
    tab = watched_page(browser)
    yield tab
    tab.context.close()
