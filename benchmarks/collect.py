"""Collector throughput: large arXiv result pages and large feeds, served from 127.0.0.1, through `collect`.

The run is the real one (`collectors.run.collect`: the polite session, the
`arxiv` package with our strict page check, feedparser, matching, the signal
store writing YAML), on a one-trend synthetic knowledge base, with one change
for the benchmark only: no politeness delay between requests. The documents
are synthetic and generated here; nothing leaves this machine.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections.abc import Callable
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from benchmarks.generate import Size, generate
from collectors.base import Options
from collectors.http import HttpSettings
from collectors.run import Environment, collect
from trendkb.yamlio import dump_yaml, write_atomic

TREND = "synthetic-trend-0000"
KEYWORD = "synthetic keyword 0000"  # one of the generated trend's news keywords, so every item is stored
NO_DELAY = HttpSettings(min_interval=0.0, backoff=0.1, tries=2, max_bytes=50_000_000)
_ATOM_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
              'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
              "<title>Synthetic arXiv answer</title><id>http://arxiv.org/api/synthetic</id>"
              "<updated>{now}</updated>\n<opensearch:totalResults>{total}</opensearch:totalResults>\n"
              "<opensearch:startIndex>{start}</opensearch:startIndex>\n"
              "<opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>\n")
WORD_TEXT = "generated benchmark data not a real paper about synthetic keyword 0000 and edge devices"
WORDS = WORD_TEXT.split()


def _text(n: int, words: int) -> str:
    return " ".join(WORDS[(n + i) % len(WORDS)] for i in range(words))


def arxiv_entry(n: int, when: dt.datetime) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    authors = "".join(f"<author><name>Synthetic Author {n % 97 + k}</name></author>" for k in range(6))
    return (f"<entry><id>http://arxiv.org/abs/2611.{n:05d}v1</id><updated>{stamp}</updated>"
            f"<published>{stamp}</published><title>Synthetic paper {n}: {_text(n, 10)}</title>"
            f"<summary>{_text(n, 160)}</summary>{authors}"
            f'<link href="http://arxiv.org/abs/2611.{n:05d}v1" rel="alternate" type="text/html"/>'
            f'<arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>'
            f'<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/></entry>\n')


class _Documents:
    """The answers the local server gives: arXiv pages (newest first) and two feeds."""

    def __init__(self, entries: int, items: int, now: dt.datetime):
        self.now = now
        # Newest first, one minute apart, all within the last days (the collector's window).
        self.entries = [arxiv_entry(n + 1, now - dt.timedelta(minutes=n)) for n in range(entries)]
        self.rss = self._rss(items).encode()
        self.atom = self._atom(items).encode()

    def arxiv(self, params: dict[str, str]) -> bytes:
        query = params.get("search_query", "")
        start, size = int(params.get("start", "0")), int(params.get("max_results", "10"))
        if "submittedDate" in query:  # a monthly count: the total, and one entry as arXiv sends
            total, chosen = 42, self.entries[:1]
        else:
            total, chosen = len(self.entries), self.entries[start:start + size]
        head = _ATOM_HEAD.format(now=self.now.strftime("%Y-%m-%dT%H:%M:%SZ"), total=total, start=start,
                                 size=len(chosen))
        return (head + "".join(chosen) + "</feed>\n").encode()

    def _rss(self, items: int) -> str:
        body = "".join(
            f"<item><title>Synthetic news {n}: {KEYWORD} {_text(n, 6)}</title>"
            f"<link>https://example.org/synthetic/rss/{n}</link><guid>synthetic-rss-{n}</guid>"
            f"<pubDate>{format_datetime(self.now - dt.timedelta(minutes=n))}</pubDate>"
            f"<description>{escape('<p>' + _text(n, 60) + '</p>')}</description></item>\n"
            for n in range(items))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                "<title>Synthetic RSS</title><link>https://example.org/synthetic/</link>"
                f"<description>Generated benchmark data</description>\n{body}</channel></rss>\n")

    def _atom(self, items: int) -> str:
        body = "".join(
            f"<entry><title>Synthetic post {n}: {KEYWORD} {_text(n, 6)}</title>"
            f'<link href="https://example.org/synthetic/atom/{n}" rel="alternate"/>'
            f"<id>tag:example.org,2026:synthetic-{n}</id>"
            f"<updated>{(self.now - dt.timedelta(minutes=n)).strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>"
            f'<summary type="html">{escape("<p>" + _text(n, 60) + "</p>")}</summary></entry>\n'
            for n in range(items))
        return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                "<title>Synthetic Atom</title><id>tag:example.org,2026:synthetic</id>"
                f"<updated>{self.now.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>\n{body}</feed>\n")


Answer = Callable[[str, dict[str, str]], tuple[int, str, bytes]]  # (path, query) -> (status, content type, body)


def local_server(answer: Answer) -> ThreadingHTTPServer:
    """An HTTP server on an ephemeral port of 127.0.0.1 that answers GET requests with `answer`."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, kind, body = answer(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def _server(documents: _Documents) -> ThreadingHTTPServer:
    def answer(path: str, params: dict[str, str]) -> tuple[int, str, bytes]:
        if path == "/api/query":
            return 200, "application/atom+xml", documents.arxiv(params)
        if path == "/feed.rss":
            return 200, "application/rss+xml", documents.rss
        if path == "/feed.atom":
            return 200, "application/atom+xml", documents.atom
        return 404, "text/plain", b"not found"

    return local_server(answer)


def _timed(root: Path, what: str, options: Options) -> tuple[float, int, int]:
    """Seconds, entries received and entries stored by one `collect` run."""
    env = Environment(out=io.StringIO(), err=io.StringIO(), tty=False)
    start = time.perf_counter()
    outcome = collect(root, what, options, env)
    seconds = time.perf_counter() - start
    if outcome.exit_code != 0:
        errors = "; ".join(row.error for row in outcome.rows if row.error)
        raise RuntimeError(f"collect {what} failed: {errors}")
    return seconds, sum(row.tally.fetched for row in outcome.rows), sum(row.tally.new for row in outcome.rows)


def throughput(work: Path, entries: int, items: int, page_size: int) -> dict:
    """Entries per second for `entries` arXiv results (pages of `page_size`) and two feeds of `items` each."""
    root = generate(work / "collect-kb", Size(areas=1, trends=1, papers=0, news=0, months=1, feeds=1))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    documents = _Documents(entries, items, now)
    server = _server(documents)
    base = f"http://127.0.0.1:{server.server_port}"
    feeds = root / "bench-feeds.yaml"
    write_atomic(feeds, dump_yaml({"contact": "https://example.org/synthetic/contact", "feeds": [
        {"id": "synthetic-rss", "title": "Synthetic RSS", "url": f"{base}/feed.rss",
         "homepage": "https://example.org/synthetic/"},
        {"id": "synthetic-atom", "title": "Synthetic Atom", "url": f"{base}/feed.atom",
         "homepage": "https://example.org/synthetic/"},
    ]}))
    since = (now - dt.timedelta(days=365)).date()
    try:
        arxiv = _timed(root, "arxiv", Options(trend=TREND, since=since, arxiv_url=f"{base}/api/query",
                                              page_size=page_size, http=NO_DELAY))
        news = _timed(root, "news", Options(since=since, feeds_path=feeds, http=NO_DELAY))
    finally:
        server.shutdown()
        server.server_close()
    page_kb = len(documents.arxiv({"start": "0", "max_results": str(page_size)})) / 1024
    return {
        "arxiv": {"entries": arxiv[1], "stored": arxiv[2], "seconds": round(arxiv[0], 2),
                  "per_second": round(arxiv[1] / arxiv[0]), "page_size": page_size, "page_kb": round(page_kb)},
        "feeds": {"entries": news[1], "stored": news[2], "seconds": round(news[0], 2),
                  "per_second": round(news[1] / news[0]), "feed_kb": round(len(documents.rss) / 1024)},
    }
