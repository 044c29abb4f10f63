"""A real HTTP server on 127.0.0.1 for the collector tests, and the services it plays.

`LocalServer` answers GET requests through a route table (path -> function of
the request), logs every request, and can misbehave on demand: answer late,
reset the connection, send any status, headers or body.

`FakeArxiv` plays the arXiv API from the Atom documents in
tests/data/collectors/arxiv/: it pages through a document's entries for any
start/max_results, with the opensearch header set as arXiv sets it, and
answers month-restricted queries with a total from a table (and one entry).

`FakeFeed` serves one feed document with an ETag and a Last-Modified, and
answers 304 when the client sends them back.

`Hang` plays a host that never answers, moving the test's fake clock on by
the time each request costs the client.

`FakePypiStats` and `FakeGitHub` play the two adoption sources' JSON APIs.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree

DATA = Path(__file__).parent.parent / "data" / "collectors"
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@dataclass(frozen=True)
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-case names


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (the test's teardown cuts it short)
    reset: bool = False  # drop the connection with a TCP reset instead of answering
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


Route = Callable[[Request], Reply]


class Hang:
    """A host that never answers: each request costs the client `seconds` (its connect and read
    timeouts), by which the fake clock moves on. The real answer comes too late to matter, or with
    `reset`, the connection breaks at once, standing for a timeout longer than a test should wait."""

    def __init__(self, clock, seconds: float, reset: bool = False):
        self.clock, self.seconds, self.reset = clock, seconds, reset

    def __call__(self, request) -> Reply:
        self.clock.time += self.seconds
        return Reply(reset=True) if self.reset else Reply(200, b"too late", delay=5.0)


class LocalServer:
    """A threaded HTTP server on an ephemeral port of 127.0.0.1."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.release = threading.Event()  # set at teardown so delayed answers stop waiting
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Request(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                                  {k.lower(): v for k, v in self.headers.items()})
                server.log.append(request)
                route = server.routes.get(parts.path)
                reply = route(request) if route else Reply(404, b"not found", {"Content-Type": "text/plain"})
                if reply.delay:
                    server.release.wait(reply.delay)
                if reply.reset:
                    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.send_length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.body:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to do

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean; the log list records everything

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> LocalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]


# ---------------------------------------------------------------- arXiv


_MONTH_QUERY = re.compile(r"^\((?P<query>.*)\) AND submittedDate:\[(?P<y>\d{4})(?P<m>\d{2})010000 TO "
                          r"(?P<ey>\d{4})(?P<em>\d{2})(?P<ed>\d{2})2359\]$")


def atom_document(name: str) -> etree._Element:
    return etree.fromstring((DATA / "arxiv" / name).read_bytes())


class FakeArxiv:
    """The arXiv API over fixture documents: `papers` maps a query to a document, `counts` (query, month) to a total."""

    def __init__(self) -> None:
        self.papers: dict[str, str] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.newer: dict[str, list[etree._Element]] = {}  # entries updated since the document, newest first

    def __call__(self, request: Request) -> Reply:
        query = request.params.get("search_query", "")
        start = int(request.params.get("start", "0"))
        size = int(request.params.get("max_results", "10"))
        month = _MONTH_QUERY.match(query)
        if month:
            base, key = month["query"], f"{month['y']}-{month['m']}"
            total = self.counts.get((base, key), 0)
            # Like arXiv, a count answer carries the first matching entry; any fixture entry will do.
            entries = (self._entries(base) or atom_document("first-trend.xml").findall(f"{ATOM}entry"))[:1]
            entries = entries if total else []
            return self.page(self.papers.get(base, "first-trend.xml"), total, 0, entries)
        if request.params.get("sortBy") != "lastUpdatedDate" or request.params.get("sortOrder") != "descending":
            return Reply(400, b"this fake serves newest-updated-first queries only")
        entries = self._entries(query)
        return self.page(self.papers.get(query, "first-trend.xml"), len(entries), start, entries[start:start + size])

    def _entries(self, query: str) -> list[etree._Element]:
        if query not in self.papers:
            return []
        return self.newer.get(query, []) + atom_document(self.papers[query]).findall(f"{ATOM}entry")

    @staticmethod
    def page(skeleton: str, total: int, start: int, entries: list[etree._Element]) -> Reply:
        """An API answer shaped like arXiv's: the document's head, fresh opensearch numbers, these entries."""
        root = atom_document(skeleton)
        for entry in root.findall(f"{ATOM}entry"):
            root.remove(entry)
        for name, value in (("totalResults", total), ("startIndex", start), ("itemsPerPage", len(entries))):
            element = root.find(f"{OPENSEARCH}{name}")
            element.text = str(value)
        for entry in entries:
            root.append(copy.deepcopy(entry))
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return Reply(200, body, {"Content-Type": "application/atom+xml; charset=utf-8"})


# ---------------------------------------------------------------- feeds


class FakeFeed:
    """One feed document, with conditional GET as real feed servers do it."""

    def __init__(self, name: str, content_type: str = "application/rss+xml; charset=utf-8",
                 last_modified: str = "Tue, 24 Nov 2026 16:00:00 GMT", etag: bool = True):
        self.body = (DATA / "news" / name).read_bytes()
        self.content_type = content_type
        self.last_modified = last_modified
        self.etag = etag

    def replace(self, old: bytes, new: bytes, last_modified: str) -> None:
        """Change the document (a new post), as its server would."""
        assert old in self.body
        self.body = self.body.replace(old, new)
        self.last_modified = last_modified

    def __call__(self, request: Request) -> Reply:
        tag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        headers = {"Last-Modified": self.last_modified}
        if self.etag:
            headers["ETag"] = tag
        if self.etag and request.headers.get("if-none-match") == tag:
            return Reply(304, b"", headers)
        since = request.headers.get("if-modified-since")
        if not self.etag and since and parsedate_to_datetime(since) >= parsedate_to_datetime(self.last_modified):
            return Reply(304, b"", headers)
        return Reply(200, self.body, {"Content-Type": self.content_type, **headers})


# ---------------------------------------------------------------- PyPI Stats and GitHub


def json_reply(data: object, headers: dict[str, str] | None = None) -> Reply:
    return Reply(200, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})})


class FakePypiStats:
    """PyPI Stats' `overall` endpoint under `base`: `days[package]` maps a day to its downloads without mirrors.

    Like the real service it answers both series unless asked for one, leaves out days without
    downloads, and answers an unknown package with 404."""

    def __init__(self, server: LocalServer, base: str):
        self.server, self.base = server, base
        self.days: dict[str, dict[dt.date, int]] = {}

    def path(self, package: str) -> str:
        return f"{self.base}/packages/{package}/overall"

    def serve(self, package: str, days: dict[dt.date, int]) -> None:
        self.days[package] = days
        self.server.routes[self.path(package)] = lambda request, p=package: self.answer(p, request)

    def answer(self, package: str, request: Request) -> Reply:
        mirrors = request.params.get("mirrors")
        categories = {"false": ["without_mirrors"], "true": ["with_mirrors"]}.get(mirrors,
                                                                                  ["with_mirrors", "without_mirrors"])
        rows = [{"category": category, "date": day.isoformat(),
                 "downloads": count * (2 if category == "with_mirrors" else 1)}
                for category in categories for day, count in sorted(self.days[package].items()) if count]
        return json_reply({"data": rows, "package": package, "type": "overall_downloads"})


class FakeGitHub:
    """GitHub's repository and latest-release endpoints under `base`; a repository without releases answers 404."""

    def __init__(self, server: LocalServer, base: str):
        self.server, self.base = server, base
        self.repos: dict[str, dict] = {}
        self.releases: dict[str, dict] = {}
        self.headers: dict[str, str] = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59"}

    def serve(self, repo: str, stars: int, forks: int = 3, issues: int = 4, pushed: str = "2026-11-20T08:00:00Z",
              release: tuple[str, str] | None = None) -> None:
        self.repos[repo] = {"full_name": repo, "stargazers_count": stars, "forks_count": forks,
                            "open_issues_count": issues, "pushed_at": pushed, "private": False}
        if release:
            self.releases[repo] = {"tag_name": release[0], "published_at": release[1], "draft": False}
        self.server.routes[f"{self.base}/repos/{repo}"] = lambda request, r=repo: json_reply(
            self.repos[r], self.headers)
        self.server.routes[f"{self.base}/repos/{repo}/releases/latest"] = lambda request, r=repo: (
            json_reply(self.releases[r], self.headers) if r in self.releases
            else Reply(404, b'{"message": "Not Found"}', {"Content-Type": "application/json", **self.headers}))
