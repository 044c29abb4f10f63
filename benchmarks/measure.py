"""How each figure of the benchmark is measured: child processes, `mkdocs serve`, built pages.

Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import gzip
import json
import os
import posixpath
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from trendkb import models, store
from trendkb.yamlio import read_yaml, write_atomic

# What `make serve` passes (tests/benchmarks checks the Makefile says the same): MkDocs' --dirty
# renders only the pages whose rendered source an edit changed (see site_hooks/hooks.py); it warns on
# every dirty build, so not strict.
SERVE_OPTIONS = ["--dirty", "--no-strict"]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # the child's maximum resident set size
    cpu_seconds: float  # user and system time of the child: steadier than wall time on a busy machine
    code: int
    output: str  # stdout and stderr, for the error message when it failed


# A small, fresh Python between this process and the measured command. A child forked from this
# process starts out holding this process's resident memory, and the kernel counts that in the child's
# peak even after it runs another program (a `python -c pass` measured 435 MB from a 400 MB parent), so
# the command is forked from the small one, which reports that command's own usage.
_SPAWN = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump([usage.ru_maxrss, usage.ru_utime + usage.ru_stime], out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(command: list[str], cwd: Path, timeout: float = 1800, env: dict | None = None) -> Run:
    """Run a command, timing it and reading its peak memory from the kernel's accounting of that command.

    os.wait4 returns the resource usage of the one child it waits for (and its
    own waited-for children), so each measurement is separate even though they
    all start from this process; no psutil, no /usr/bin/time. The wall time
    includes starting the small Python in between (about 20 ms).
    """
    log = cwd / f".bench-{uuid.uuid4().hex}.log"
    usage_file = log.with_suffix(".usage")
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", _SPAWN, str(usage_file), *command], cwd=cwd,
                                   stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        killer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        killer.start()
        try:
            _, status, _ = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    output = log.read_text(encoding="utf-8", errors="replace")
    log.unlink()
    maxrss_kb, cpu_seconds = json.loads(usage_file.read_text()) if usage_file.exists() else (0, 0.0)
    usage_file.unlink(missing_ok=True)
    return Run(seconds, maxrss_kb / 1024, cpu_seconds, process.returncode, output)


def checked(result: Run, what: str) -> Run:
    if result.code != 0:
        raise RuntimeError(f"{what} failed with exit code {result.code}:\n{result.output[-3000:]}")
    return result


# ---------------------------------------------------------------- mkdocs serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float) -> str | None:
    """The page's text, or None while the server is not answering (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(url: str, wanted: str, deadline: float, process: subprocess.Popen, log: Path) -> float:
    """Poll `url` until its text contains `wanted`; returns when it did (time.perf_counter)."""
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited with code {process.returncode}")
        if "An error happened during the rebuild" in log.read_text(errors="replace"):
            raise RuntimeError("mkdocs serve failed to rebuild")
        # The dev server holds a request while it rebuilds, so the timeout must cover a rebuild.
        text = fetch(url, timeout=max(1.0, deadline - time.perf_counter()))
        if text is not None and wanted in text:
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {wanted!r} in time")


def edit_summary(path: Path, marker: str) -> None:
    """Change one trend's summary, as a researcher would, writing the file atomically."""
    trend = models.Trend.model_validate(read_yaml(path, path.name).data)
    trend.summary = f"Edited for the benchmark ({marker})."
    write_atomic(path, store.trend_text(trend))


def serve_rebuild(root: Path, python: str, timeout: float = 900) -> dict:
    """Start `mkdocs serve`, edit one trend file, and time until the served trend page shows the edit.

    The clock starts when the edited file is in place and stops when an HTTP
    GET of the trend page returns the new summary: file watching, the rebuild
    and serving it are all inside.
    """
    path = min((root / store.TRENDS_DIR).glob("*/*.yaml"), key=lambda p: p.stem)  # a trend file: <area>/<id>.yaml
    port = free_port()
    url = f"http://127.0.0.1:{port}/trends/{path.stem}/"
    log = root / ".bench-serve.log"
    command = [python, "-m", "mkdocs", "serve", *SERVE_OPTIONS, "-f", str(root / "mkdocs.yml"),
               "--dev-addr", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        start = time.perf_counter()
        wait_for(url, "</html>", start + timeout, process, log)
        first = time.perf_counter() - start
        time.sleep(1.0)  # let the watcher settle after the first build
        marker = uuid.uuid4().hex[:12]
        edit_summary(path, marker)
        edited = time.perf_counter()
        shown = wait_for(url, marker, edited + timeout, process, log)
        # MkDocs' own count of the rebuild: from the start of on_config to the end of the build.
        built = re.findall(r"Documentation built in ([0-9.]+) seconds", log.read_text(errors="replace"))
        return {"first_build_s": round(first, 2), "rebuild_s": round(shown - edited, 2),
                "rebuild_mkdocs_s": float(built[-1]) if len(built) > 1 else None, "trend": path.stem}
    except (RuntimeError, TimeoutError) as exc:
        raise RuntimeError(f"{exc}; serve log:\n{log.read_text(errors='replace')[-3000:]}") from None
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


# ---------------------------------------------------------------- what a browser downloads


class _References(HTMLParser):
    """The files a page makes the browser fetch: stylesheets, scripts, icons, chart specs, Material's config."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, url)
        self._config = False
        self.config: dict = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        rel = (attr.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel:
            self.found.append(("css", attr["href"]))
        elif tag == "link" and "icon" in rel:
            self.found.append(("icon", attr["href"]))
        elif tag == "script" and attr.get("src"):
            self.found.append(("js", attr["src"]))
        elif tag == "script" and attr.get("id") == "__config":
            self._config = True
        if attr.get("data-chart"):
            self.found.append(("charts", attr["data-chart"]))

    def handle_data(self, data: str) -> None:
        if self._config:
            self.config = json.loads(data)
            self._config = False


def _resolve(page: str, url: str) -> str:
    url = re.split(r"[?#]", url, maxsplit=1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), url))


def page_weight(site: Path, page: str) -> dict:
    """Bytes of a built page and everything it makes a browser fetch, raw and gzip-compressed.

    A static reading of the built files: the page; its stylesheets, scripts and
    icon; the chart specs its placeholders name; the search worker and index,
    which Material's script fetches on every page load (once per visit: the
    browser caches them); plotly.js, which trendkb.js fetches only when the
    page has a chart.
    """
    parser = _References()
    parser.feed((site / page).read_text(encoding="utf-8"))
    parts: list[tuple[str, str]] = [("html", page)]
    parts += [(kind, _resolve(page, url)) for kind, url in parser.found]
    if parser.config.get("search"):
        # The worker's path is relative to the page; the index is fetched from the site's base.
        base = _resolve(page, parser.config.get("base", ".") + "/")
        parts += [("search", _resolve(page, parser.config["search"])),
                  ("search", posixpath.join(base, "search/search_index.json"))]
    if any(kind == "charts" for kind, _ in parts):
        js = next(url for kind, url in parts if kind == "js" and url.endswith("trendkb.js"))
        parts.append(("plotly", posixpath.join(posixpath.dirname(js), "plotly.min.js")))
    sizes: dict[str, int] = {}
    zipped: dict[str, int] = {}
    for kind, rel in dict.fromkeys(parts):
        data = (site / rel).read_bytes()
        sizes[kind] = sizes.get(kind, 0) + len(data)
        zipped[kind] = zipped.get(kind, 0) + len(gzip.compress(data, 6))
    own = ("html", "css", "js", "icon", "charts")
    return {
        "bytes": sizes,
        "page_kb": round(sum(sizes.get(k, 0) for k in own) / 1024, 1),
        "page_gzip_kb": round(sum(zipped.get(k, 0) for k in own) / 1024, 1),
        "search_kb": round(sizes.get("search", 0) / 1024, 1),
        "search_gzip_kb": round(zipped.get("search", 0) / 1024, 1),
        "plotly_kb": round(sizes.get("plotly", 0) / 1024, 1),
        "plotly_gzip_kb": round(zipped.get("plotly", 0) / 1024, 1),
    }


def largest_html(site: Path) -> tuple[str, int]:
    page = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    return page.relative_to(site).as_posix(), page.stat().st_size
