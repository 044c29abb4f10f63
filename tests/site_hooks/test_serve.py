"""`mkdocs serve --dirty` (make serve): an incremental rebuild serves what a fresh build would.

On every rebuild the hooks render site-src/ again, writing only the files an edit
changed, and MkDocs' own dirty mode renders only those pages (site_hooks/hooks.py).
Here every page and the search index served after an edit are compared with a
plain `mkdocs serve` started afresh on the edited records, and MkDocs' own log
shows how many pages the rebuild rendered. A synthetic knowledge base (from
benchmarks/generate.py) gives signals, charts and tags to go stale.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import Size, generate
from benchmarks.measure import SERVE_OPTIONS, fetch, free_port
from trendkb import models, store
from trendkb.yamlio import read_yaml, write_atomic

BUILT = "Documentation built in"
# What the live-reload server logs once a rebuild is done. Rebuilds are counted by it, not by MkDocs'
# "built in" line: the `mkdocs` command drops any log line it has logged before, so a rebuild that
# takes as long as an earlier build, to the hundredth of a second, logs no "built in" line at all.
REBUILT = "Reloading browsers"
# What MkDocs logs (with --verbose) for each page it renders.
RENDERED = "Running `page_context` event from plugin 'material/search'"


class Server:
    def __init__(self, root: Path, options: list[str]):
        self.port = free_port()
        self.log = root.parent / f"serve-{self.port}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", *options, "-f", str(root / "mkdocs.yml"),
                 "--dev-addr", f"127.0.0.1:{self.port}"], cwd=root, stdout=out, stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str, wanted: str = "", timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.text()
            text = fetch(f"http://127.0.0.1:{self.port}/{path}", timeout=30)
            if text is not None and wanted in text:
                return text
            time.sleep(0.05)
        raise AssertionError(f"{path} never showed {wanted!r}:\n{self.text()[-2000:]}")

    def built(self, count: int, timeout: float = 60) -> str:
        """The log once MkDocs has finished `count` builds: the first one, then `count - 1` rebuilds."""
        deadline = time.monotonic() + timeout
        while self.text().count(BUILT) < 1 or self.text().count(REBUILT) < count - 1:
            assert time.monotonic() < deadline, f"build {count} never finished:\n{self.text()[-2000:]}"
            time.sleep(0.05)
        return self.text()

    def page(self, path: str) -> str:
        # The port and the live-reload epoch differ between two servers; nothing else may.
        text = self.get(path).replace(str(self.port), "PORT")
        return re.sub(r"livereload\(\d+, \d+\)", "livereload()", text)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def edit_trend(path: Path, today: dt.date, change: str) -> str:
    """A researcher's edit: a new summary and a ring move (which the home, area and changes pages show),
    and a new tag, or a new title (which the navigation of every page shows). Returns text it shows."""
    trend = models.Trend.model_validate(read_yaml(path, path.name).data)
    ring = next(r for r in models.Ring if r != trend.ring)
    trend.summary = "Edited while the preview runs."
    trend.ring = ring
    trend.ring_history.append(models.RingChange(date=today, ring=ring, reason="Moved while the preview runs."))
    if change == "tags":
        trend.tags = [*trend.tags, "edited-tag"]
    if change == "title":
        trend.title = "Renamed while the preview runs"
    write_atomic(path, store.trend_text(trend))
    return trend.title if change == "title" else trend.summary


def search_entries(text: str) -> list[str]:
    return sorted(json.dumps(entry, sort_keys=True) for entry in json.loads(text)["docs"])


@pytest.mark.parametrize("change", ["summary", "tags", "title", "content"])
def test_a_rebuild_after_an_edit_serves_what_a_fresh_build_serves(tmp_path, change):
    root = generate(tmp_path / "kb", Size(areas=2, trends=6, papers=120, news=20, months=14, feeds=1))
    path = sorted((root / "trends").glob("synthetic-area-1/*.yaml"))[0]
    pages = ["", "explore/", "emerging/", "changes/", "tags/", "sources/", "examples/", "contributing/",
             "areas/synthetic-area-1/", "areas/synthetic-area-2/", "method/", "api/trends.json", f"trends/{path.stem}/",
             *(f"trends/{other.stem}/" for other in sorted((root / "trends").glob("*/*.yaml"))
               if other.parent.name != "signals" and other != path)]
    first = Server(root, [*SERVE_OPTIONS, "--verbose"])  # --verbose: MkDocs logs the events of each page it renders
    try:
        first.get(f"trends/{path.stem}/", "</html>")
        log = first.built(1)
        everything = log.count(RENDERED)
        assert everything == len(pages) - 1  # every Markdown page; api/trends.json is a file
        time.sleep(1)  # let the watcher settle
        if change == "content":
            method = root / "content" / "method.md"
            method.write_text(method.read_text().replace("\n## ", "\nEdited while the preview runs.\n\n## ", 1))
            first.get("method/", "Edited while the preview runs.")
        else:
            first.get(f"trends/{path.stem}/", edit_trend(path, dt.date.today(), change))
        rendered = first.built(2)[len(log):].count(RENDERED)
        # Only the pages an edit changed, unless the navigation changed: every page shows it.
        assert rendered == everything if change == "title" else 0 < rendered < everything / 2
        second = Server(root, ["--strict"])  # MkDocs' own full build
        try:
            for page in pages:
                assert first.page(page) == second.page(page), page
            assert search_entries(first.get("search/search_index.json")) == \
                search_entries(second.get("search/search_index.json"))
        finally:
            second.stop()
    finally:
        first.stop()
