"""A built site in headless Chromium: serving it on 127.0.0.1, and weighing what a page makes the browser fetch.

Debian's chromium (what `make test` and `make bench` install) is driven through
Playwright with its executable path; no browser is ever downloaded. The
browser tests use the same launch and server.
"""

from __future__ import annotations

import functools
import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a root container with no outside network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Material's search worker and index: fetched on every first visit, and weighed by the search-index figure.
SEARCH_FILES = ("/search/search_index.json", "/assets/javascripts/workers/search.")
SETTLED_MS = 500  # no new response for this long after scrolling: every lazy fetch has started and ended


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1 (uncompressed, as a plain file server); yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    """Debian's headless Chromium, through Playwright."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make chromium` (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _scroll_to_bottom(page) -> None:
    page.evaluate("""async () => {
        for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
            scrollTo(0, y);
            await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 50)));
        }
    }""")


def page_downloads(browser, url: str, scroll: bool, width: int = 1366, height: int = 768) -> dict:
    """What Chromium fetches for a page on a fresh visit, gzip-compressed as a server that compresses sends it.

    Loads `url` in a new context (an empty cache), waits for the network to go
    quiet, and with `scroll` scrolls to the bottom in half-screen steps so every
    lazily drawn chart comes into view, then waits until nothing new arrives.
    Material's search worker and index are counted apart.
    """
    context = browser.new_context(viewport={"width": width, "height": height})
    responses: list = []
    try:
        page = context.new_page()
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        if scroll:
            _scroll_to_bottom(page)
            seen = -1
            while seen != len(responses):
                seen = len(responses)
                page.wait_for_timeout(SETTLED_MS)
            page.wait_for_load_state("networkidle")
        files: dict[str, tuple[int, int]] = {}
        for response in responses:
            if response.status != 200:
                continue
            body = response.body()
            files[urlsplit(response.url).path] = (len(body), len(gzip.compress(body, 6)))
    finally:
        context.close()
    searched = {path: sizes for path, sizes in files.items() if any(part in path for part in SEARCH_FILES)}
    own = {path: sizes for path, sizes in files.items() if path not in searched}
    return {
        "files": sorted(own),
        "kb": round(sum(raw for raw, _ in own.values()) / 1024, 1),
        "gzip_kb": round(sum(zipped for _, zipped in own.values()) / 1024, 1),
        "search_gzip_kb": round(sum(zipped for _, zipped in searched.values()) / 1024, 1),
        "plotly": any(path.endswith("plotly.min.js") for path in own),
    }
