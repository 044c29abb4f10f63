"""One `trendkb collect` run: lock, load, run every job, save, record status, report.

The order of things, and why:
1. Take the lock, then load the knowledge base (so we read what the last run wrote).
2. Refuse to start (ConfigError, exit 2) before any request when the setup is
   wrong: stored signal files that do not validate (we would write over them),
   an unknown --trend, no feed list, no contact for the User-Agent.
3. Run the jobs of each collector in turn, those that succeeded least recently
   first (never first of all): when a host throttles every run after a few dozen
   requests, each run moves the rotation on instead of refreshing the same jobs.
   A job that fails is recorded and the run goes on; a job whose host the polite
   session has given up (its time budget is spent) is recorded as not asked.
   After every job the store saves what changed (each file atomically), so an
   interrupted run keeps what it finished and the next run resumes from there.
   A dry run saves nothing.
4. Record one status per source, save, and print the summary table.

Exit code: 0 when every job succeeded, 1 when some failed (the rest is stored).
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import os
import pkgutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pydantic import TypeAdapter, ValidationError

import collectors
from collectors.base import (
    DEFAULT_ARXIV_URL,
    DEFAULT_CLICKPY_URL,
    DEFAULT_GITHUB_API_URL,
    DEFAULT_LISTING_URL,
    DEFAULT_PYPISTATS_URL,
    CollectError,
    Collector,
    ConfigError,
    Context,
    Job,
    Options,
    Tally,
    registered,
    utc_now_seconds,
)
from collectors.http import PoliteSession, Sent, user_agent
from collectors.report import Reporter, Row
from collectors.text import trim
from trendkb import deployment, models, store
from trendkb.problems import display_path
from trendkb.signals import STATUS, WAITING_JOBS, LockHeld, RunLock, clean_leftovers

ERROR_CHARS = 2000  # of a status record's last_error
JOB_ERROR_CHARS = 400  # of each failed job's part in it

__all__ = ["DEFAULT_ARXIV_URL", "DEFAULT_CLICKPY_URL", "DEFAULT_GITHUB_API_URL", "DEFAULT_LISTING_URL",
           "DEFAULT_PYPISTATS_URL", "ConfigError", "Environment", "Options", "choices", "collect"]


@dataclass
class Environment:
    """The world outside a run: clocks, sleeping, output streams, environment variables."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    tty: bool | None = None  # None: ask the error stream (progress bars only on a terminal)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)


def system_environment() -> Environment:
    return Environment()


@dataclass
class Outcome:
    """What a run did, for the caller and the tests."""

    exit_code: int
    rows: list[Row]
    written: list[Path]  # files saved
    pending: list[Path]  # files a dry run would have changed
    requests: list[Sent]


def _import_sources() -> None:
    """Import every module of the package: a source registers itself there, so adding one is adding its module."""
    for module in pkgutil.iter_modules(collectors.__path__):
        importlib.import_module(f"collectors.{module.name}")


def choices() -> list[str]:
    """What `trendkb collect` accepts: every registered source, and 'all'."""
    _import_sources()
    return [*sorted(registered()), "all"]


def collect(root: Path, what: str, options: Options, env: Environment | None = None) -> Outcome:
    """Run the collectors named by `what` (a source name, or 'all') over the repository at `root`."""
    env = env or system_environment()
    root = Path(root)
    _import_sources()
    sources = registered()
    names = sorted(sources) if what == "all" else [what]  # by name, whatever order the modules load in
    if any(name not in sources for name in names):
        raise ConfigError(f"unknown source '{what}'; choose one of {', '.join(choices())}")
    with _terminate_as_interrupt(), _locked(store.signals_dir(root)):
        clean_leftovers(store.signals_dir(root))
        kb = store.load(root)
        _check_setup(kb, options)
        feeds = _feeds(root, options)
        contact = _contact(deployment.load(root, env.environ, feeds.contact if feeds else None))
        http = PoliteSession(user_agent(contact), options.http, clock=env.clock, sleep=env.sleep, now=env.now)
        signals = kb.signals
        ctx = Context(kb=kb, signals=signals, http=http, options=options, now=env.now, feeds=feeds,
                      checkpoint=(lambda: None) if options.dry_run else signals.save)
        plans = [(collector, collector.jobs()) for collector in (sources[name](ctx) for name in names)]
        try:
            rows = _run(plans, ctx, env)
        finally:
            http.close()
        if not options.dry_run:
            signals.save()
        written = sorted(signals.written)
        pending = sorted(signals.pending()) if options.dry_run else []
    footer = _footer(root, written, pending, options.dry_run)
    Reporter(env.out, env.err, _tty(env)).summary(rows, footer)
    code = 1 if any(row.error for row in rows) else 0
    return Outcome(exit_code=code, rows=rows, written=written, pending=pending, requests=list(http.sent))


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The signals folder's lock; another run holding it is a setup problem (exit 2)."""
    try:
        with RunLock(folder):
            yield
    except LockHeld as exc:
        raise ConfigError(str(exc)) from None


def rotation(jobs: list[Job], waiting_since: Callable[[Job], dt.datetime | None]) -> list[Job]:
    """The jobs in the order to run them: those waiting their turn first, longest waiting first, then the
    rest (they succeeded in their last run); jobs that tie keep the collector's order. Waiting since the
    first run a job missed orders the jobs as their last successes do: least recently succeeded first."""
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(jobs, key=lambda job: (waiting_since(job) is None, waiting_since(job) or never))


@dataclass
class _Outcomes:
    """How a collector's jobs went, by source: tallies, failures, and jobs not asked."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    failures: dict[str, list[tuple[str | None, str]]] = field(default_factory=dict)
    not_asked: dict[str, list[tuple[str | None, str]]] = field(default_factory=dict)  # (label, reason)


def _run(plans: list[tuple[Collector, list[Job]]], ctx: Context, env: Environment) -> list[Row]:
    rows: list[Row] = []
    signals, now = ctx.signals, utc_now_seconds(ctx.now())

    def waiting_since(job: Job) -> dt.datetime | None:
        record = signals.get(WAITING_JOBS, job.source, job.label)
        return record.waiting_since if record else None

    with Reporter(env.out, env.err, _tty(env)) as report:
        for collector, jobs in plans:
            jobs = rotation(jobs, waiting_since)
            report.begin(collector.name, len(jobs))
            done = _Outcomes()
            # A source with several jobs (arXiv: one per trend) names the job in its error.
            shared = {job.source for job in jobs if sum(other.source == job.source for other in jobs) > 1}
            for job in jobs:
                tally, error = Tally(), None
                reason = ctx.http.given_up(job.host) if job.host else None
                label = job.label if job.source in shared else None
                if reason is not None:
                    error = f"not asked: {reason}"
                    done.not_asked.setdefault(job.source, []).append((label, reason))
                else:
                    error = _attempt(job, tally, ctx.options.debug)
                    if error:
                        done.failures.setdefault(job.source, []).append((label, error))
                if error:
                    tally.failed += 1
                    if waiting_since(job) is None:
                        signals.put(WAITING_JOBS, models.WaitingJob(source=job.source, job=job.label,
                                                                    waiting_since=now))
                else:
                    signals.remove(WAITING_JOBS, job.source, job.label)
                done.tallies.setdefault(job.source, Tally()).add(tally)
                ctx.checkpoint()
                report.job_done(collector.name, job.label, tally, error)
            rows += _record_status(collector, jobs, done, ctx)
    return rows


def _attempt(job: Job, tally: Tally, debug: bool) -> str | None:
    """Run one job; the message of its failure, or None."""
    try:
        job.work(tally)
    except CollectError as exc:
        return str(exc)
    except Exception as exc:
        if debug:
            raise
        return f"internal error: {exc.__class__.__name__}: {exc}; rerun with --debug and report it"
    return None


def _error_text(failures: list[tuple[str | None, str]], not_asked: list[tuple[str | None, str]]) -> str:
    """One status message for a source's failed jobs, the first few in full, then only their names;
    then the jobs not asked, by reason."""
    parts = [trim(f"{label}: {message}" if label else message, JOB_ERROR_CHARS) for label, message in failures[:3]]
    if len(failures) > 3:
        parts.append(f"{len(failures) - 3} more failed: " + ", ".join(str(label) for label, _ in failures[3:]))
    text = "; ".join(parts)
    if len(failures) > 1:
        text = f"{len(failures)} jobs failed: {text}"
    for reason in dict.fromkeys(reason for _, reason in not_asked):
        labels = [label for label, why in not_asked if why == reason and label]
        skipped = trim(reason, JOB_ERROR_CHARS)
        skipped = f"{len(labels)} not asked ({skipped}): {', '.join(labels)}" if labels else f"not asked: {skipped}"
        text = f"{text}; {skipped}" if text else skipped
    return trim(text, ERROR_CHARS)


def _record_status(collector: Collector, jobs: list[Job], done: _Outcomes, ctx: Context) -> list[Row]:
    signals, now = ctx.signals, utc_now_seconds(ctx.now())
    rows = []
    for source, tally in done.tallies.items():
        old = signals.get(STATUS, source)
        failures, not_asked = done.failures.get(source, []), done.not_asked.get(source, [])
        if failures or not_asked:
            status = models.SourceStatus(
                source=source, kind=collector.name, last_attempt=now,
                last_success=old.last_success if old else None,
                items_added=old.items_added if old else 0,
                last_error=_error_text(failures, not_asked),
            )
        else:
            # items_added counts the whole day, so a second run the same day that finds nothing new
            # does not erase what the first one found.
            same_day = old is not None and old.last_success is not None and old.last_success.date() == now.date()
            added = tally.new + (old.items_added if same_day else 0)
            status = models.SourceStatus(source=source, kind=collector.name, last_attempt=now, last_success=now,
                                         items_added=added, last_error=None)
        signals.put(STATUS, status)
        rows.append(Row(source, tally, status.last_error))
    owned = collector.sources()
    if owned is not None and ctx.options.trend is None:
        # A feed taken out of feeds.yaml, or a trend removed, should not linger on the Sources page or in the rotation.
        mine = set(owned) | {status.source for status in signals.records(STATUS) if status.kind == collector.name}
        current = {(job.source, job.label) for job in jobs}
        for waiting in signals.records(WAITING_JOBS):
            if waiting.source in mine and (waiting.source, waiting.job) not in current:
                signals.remove(WAITING_JOBS, waiting.source, waiting.job)
        for status in signals.records(STATUS):
            if status.kind == collector.name and status.source not in owned:
                signals.remove(STATUS, status.source)
    return rows


def _check_setup(kb: store.KnowledgeBase, options: Options) -> None:
    signals_prefix = display_path(store.signals_dir(kb.root), kb.root) + "/"
    broken = [problem for problem in kb.problems if problem.path.startswith(signals_prefix)]
    if broken:
        shown = "\n".join(f"  {problem}" for problem in broken[:10])
        raise ConfigError("stored signal files do not validate, and this run would write over them; fix or "
                          f"remove them first ('trendkb validate' lists every problem):\n{shown}")
    ids = sorted(trend.id for trend in kb.trends)
    if not ids:
        raise ConfigError("no valid trends to collect for; run 'trendkb validate'")
    if options.trend and options.trend not in ids:
        close = difflib.get_close_matches(options.trend, ids, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "'trendkb validate' lists the trends"
        raise ConfigError(f"no valid trend has the id '{options.trend}'; {hint}")


def _feeds(root: Path, options: Options) -> models.FeedsFile | None:
    if options.feeds_path is None:
        path = root / store.TRENDS_DIR / store.FEEDS_FILE
        if not path.is_file():
            return None  # fine for arXiv alone; the news collector says what to do
    else:
        path = Path(options.feeds_path)
        if not path.is_file():
            raise ConfigError(f"{path}: no such feed list; pass an existing file with --feeds")
    loaded, problems = store.load_feeds(path, root)
    if problems:
        shown = "\n".join(f"  {problem}" for problem in problems[:10])
        raise ConfigError(f"the feed list has problems; fix them and run again:\n{shown}")
    return loaded.record if loaded else None


def _contact(identity: deployment.Identity) -> str:
    if not identity.contact:
        raise ConfigError("no contact for the User-Agent: set extra.trendkb.repo_url in mkdocs.yml (its issues page "
                          "becomes the contact), or 'contact' in trends/feeds.yaml, or the TRENDKB_CONTACT "
                          "environment variable")
    try:
        return TypeAdapter(models.Contact).validate_python(identity.contact)
    except ValidationError:
        raise ConfigError(f"the contact {identity.contact!r} (from {identity.contact_from}) is neither an e-mail "
                          "address nor an http(s) URL") from None


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a cancelled CI job) like Ctrl-C, so the lock is released and finished work kept."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _tty(env: Environment) -> bool:
    if env.tty is not None:
        return env.tty
    isatty = getattr(env.err, "isatty", None)
    return bool(isatty and isatty())


def _footer(root: Path, written: list[Path], pending: list[Path], dry_run: bool) -> list[str]:
    def show(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    if dry_run:
        if not pending:
            return ["dry run: nothing would change"]
        return [f"dry run: nothing written; {len(pending)} file(s) would change:", *(f"  {show(p)}" for p in pending)]
    if not written:
        return ["no file changed"]
    return [f"wrote {len(written)} file(s):", *(f"  {show(p)}" for p in written)]
