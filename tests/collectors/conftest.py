"""Fixtures for the collector tests: a guard against the internet, the local servers, a fake clock,
and a `world`: a copy of the fixture knowledge base wired to fake arXiv and two fake feeds, which
live on another host (another port of 127.0.0.1), as the real feeds live on other hosts than arXiv."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from collectors.base import Options
from collectors.http import HttpSettings
from collectors.run import Environment, Outcome, collect
from tests.collectors.fakes import FakeArxiv, FakeFeed, LocalServer, Reply, Request, Route
from trendkb import store

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
CONTACT = "https://github.com/trendkb/trendkb/issues"
FIRST = 'abs:"fixture"'  # first-trend's query in tests/data/kb
SECOND = 'abs:"second fixture"'  # second-trend's
ALPHA, BETA = "cat:cs.LG", "cat:stat.ML"  # the two areas' baselines
COUNTS = {
    (FIRST, "2026-10"): 31, (FIRST, "2026-11"): 17,
    (SECOND, "2026-10"): 4, (SECOND, "2026-11"): 6,
    (ALPHA, "2026-10"): 9100, (ALPHA, "2026-11"): 7400,
    (BETA, "2026-10"): 1200, (BETA, "2026-11"): 950,
}
# Short timeouts so fault tests take a fraction of a second; the pacing and backoff
# waits keep their real values, since only the fake clock sees them.
FAST = HttpSettings(connect_timeout=1.0, read_timeout=0.3, deadline=5.0, max_bytes=100_000, tries=3)
API = "/api/query"
PYPISTATS = "/pypistats/api"  # an endpoint base with a path, as the real one has
GITHUB = "/github"
LISTINGS = "/rss/"
# The fixture areas' daily listing: a weekend's, with nothing announced.
WEEKEND_LISTING = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>cs.LG+stat.ML updates on arXiv.org</title>'
                   b"<pubDate>Sun, 22 Nov 2026 00:00:00 -0500</pubDate></channel></rss>")


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Any connection or name lookup beyond this machine's loopback fails the test."""
    real_connect, real_lookup = socket.socket.connect, socket.getaddrinfo

    def loopback(host: object) -> bool:
        if host in ("localhost", None):
            return True
        try:
            return ipaddress.ip_address(str(host)).is_loopback
        except ValueError:
            return False

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not loopback(address[0]):
            raise AssertionError(f"a test tried to connect to {address}")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if not loopback(host):
            raise AssertionError(f"a test tried to look up {host}")
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self, start: float = 1000.0):
        self.time = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += max(0.0, seconds)


@pytest.fixture
def server():
    local = LocalServer().start()
    yield local
    local.stop()


@pytest.fixture
def news_server():
    local = LocalServer().start()
    yield local
    local.stop()


@dataclass
class Run:
    outcome: Outcome
    out: str
    err: str
    clock: FakeClock

    @property
    def code(self) -> int:
        return self.outcome.exit_code


@dataclass
class World:
    """A repository copy whose sources all live on the local server."""

    root: Path
    server: LocalServer  # arXiv's host
    arxiv: FakeArxiv
    news: LocalServer  # the feeds' host
    feeds: dict[str, FakeFeed] = field(default_factory=dict)

    @property
    def signals(self) -> Path:
        return self.root / "trends" / "signals"

    def options(self, **overrides) -> Options:
        settings = {"arxiv_url": self.server.url(API), "listing_url": self.server.url(LISTINGS),
                    "pypistats_url": self.server.url(PYPISTATS), "github_api_url": self.server.url(GITHUB),
                    "page_size": 2, "http": FAST, **overrides}
        return Options(**settings)

    def run(self, what: str = "all", *, now: dt.datetime = NOW, clock: FakeClock | None = None,
            tty: bool = False, environ: dict | None = None, **overrides) -> Run:
        clock = clock or FakeClock()
        out, err = io.StringIO(), io.StringIO()
        env = Environment(clock=clock, sleep=clock.sleep, now=lambda: now, out=out, err=err, tty=tty,
                          environ=environ or {})
        outcome = collect(self.root, what, self.options(**overrides), env)
        return Run(outcome, out.getvalue(), err.getvalue(), clock)

    def host_of(self, path: str) -> LocalServer:
        """The server that answers `path`."""
        return self.server if path in self.server.routes else self.news

    def break_route(self, path: str, reply: Reply | Route, when=lambda request: True) -> None:
        """From now on, answer requests to `path` that `when` picks with `reply` (a Reply or a route)."""
        host = self.host_of(path)
        original = host.routes[path]

        def route(request: Request) -> Reply:
            if not when(request):
                return original(request)
            return reply(request) if callable(reply) else reply

        host.routes[path] = route


def feeds_yaml(server: LocalServer) -> str:
    return f"""contact: {CONTACT}
feeds:
- id: research
  title: Research Blog (fixture)
  url: {server.url('/research.rss')}
  homepage: https://blog.example.org/
- id: lab
  title: Lab News (fixture)
  url: {server.url('/lab.atom')}
  homepage: https://lab.example.com/
"""


@pytest.fixture
def world(kb_root: Path, server: LocalServer, news_server: LocalServer) -> World:
    arxiv = FakeArxiv()
    arxiv.papers = {FIRST: "first-trend.xml", SECOND: "second-trend.xml"}
    arxiv.counts = dict(COUNTS)
    server.routes[API] = arxiv
    server.routes[LISTINGS + "cs.LG+stat.ML"] = lambda request: Reply(200, WEEKEND_LISTING,
                                                                      {"Content-Type": "application/rss+xml"})
    feeds = {
        "research": FakeFeed("research-blog.rss"),
        # Served without an ETag, so the collector's conditional GET has only Last-Modified to go on.
        "lab": FakeFeed("lab-news.atom", "application/atom+xml", etag=False),
    }
    news_server.routes["/research.rss"] = feeds["research"]
    news_server.routes["/lab.atom"] = feeds["lab"]
    (kb_root / "trends" / "feeds.yaml").write_text(feeds_yaml(news_server), encoding="utf-8")
    return World(kb_root, server, arxiv, news_server, feeds)


def name_evidence(root: Path, field: str, **by_trend: list[str]) -> None:
    """Set evidence.<field> (packages or repos) of fixture trends (trend id -> names), as a researcher would."""
    for entry in store.load(root).trend_files:
        if entry.record.id in by_trend:
            evidence = entry.record.evidence.model_copy(update={field: by_trend[entry.record.id]})
            store.save_trend(root, entry.record.model_copy(update={"evidence": evidence}))
