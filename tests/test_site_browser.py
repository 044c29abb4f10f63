"""The built site in headless Chromium: it loads, navigates, searches, and stays on localhost.

Uses Debian's chromium (installed by `make test`) through Playwright; no browser
is ever downloaded.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a sandboxed root container with no outside network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        check=True, cwd=REPO, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_home_navigation_and_search_stay_local(site_url, browser):
    page = browser.new_page()
    errors, hosts = [], set()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))

    page.goto(site_url)
    assert page.locator("article h1").inner_text() == "trendkb"

    page.get_by_role("link", name="Contributing").first.click()
    page.wait_for_url("**/contributing/")
    assert page.locator("article h1").inner_text() == "Contributing a trend"

    page.wait_for_load_state("networkidle")  # the search worker has its index
    page.locator("input.md-search__input").click()
    page.keyboard.type("canonical layout")
    first_hit = page.locator(".md-search-result__item a").first
    first_hit.wait_for(timeout=10_000)
    assert "contributing" in first_hit.get_attribute("href")

    assert errors == []
    assert hosts == {"127.0.0.1"}
