"""`trendkb collect` and `trendkb doctor`: the command line of the collectors.

The core's CLI finds this module through the `trendkb.commands` entry points
(pyproject.toml) and calls `add_command` and `add_doctor` with its subcommand parser. This
module stays light: every `trendkb` command line loads it, and the network
code (requests, feedparser, the arxiv package) is imported only when
`collect` runs. The source names are checked then, against the registered
collectors, so a new source needs no edit here.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from collectors.limits import HttpSettings
from trendkb.cli import UsageError, repository_root


def cmd_collect(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    from collectors import run as collect_run

    root = repository_root(args)
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(f"--since {args.since!r} is not a date; write it as YYYY-MM-DD") from None
        if since > today():
            raise UsageError(f"--since {since} is in the future (today is {today()})")
    if not 0 <= args.backfill_months <= 240:
        raise UsageError("--backfill-months takes a number of months from 0 to 240")
    if args.source_delay is not None and not 0 <= args.source_delay <= 60:
        raise UsageError("--source-delay takes a number of seconds from 0 to 60")
    if not 60 <= args.host_budget <= 3600:
        raise UsageError("--host-budget takes a number of seconds from 60 (room for one unanswered request) "
                         "to 3600")
    listing_url = args.listing_url or os.environ.get("TRENDKB_LISTING_URL") or collect_run.DEFAULT_LISTING_URL
    if not listing_url.startswith(("http://", "https://")):
        raise UsageError(f"the arXiv listing URL {listing_url!r} does not start with http:// or https://")
    settings = HttpSettings(host_budget=args.host_budget)
    if args.source_delay is not None:
        settings = dataclasses.replace(settings, min_interval=args.source_delay)
    options = collect_run.Options(
        trend=args.trend, since=since, backfill_months=args.backfill_months,
        arxiv_url=_endpoint(args.arxiv_url, "TRENDKB_ARXIV_URL", collect_run.DEFAULT_ARXIV_URL, "arXiv API"),
        listing_url=listing_url,
        pypistats_url=_endpoint(args.pypistats_url, "TRENDKB_PYPISTATS_URL", collect_run.DEFAULT_PYPISTATS_URL,
                                "PyPI Stats API"),
        github_api_url=_endpoint(args.github_api_url, "TRENDKB_GITHUB_API_URL", collect_run.DEFAULT_GITHUB_API_URL,
                                 "GitHub API"),
        github_token=os.environ.get("GITHUB_TOKEN") or None, backfill_downloads=args.backfill_downloads,
        clickpy_url=_endpoint(args.clickpy_url, "TRENDKB_CLICKPY_URL", collect_run.DEFAULT_CLICKPY_URL,
                              "ClickPy (ClickHouse)"),
        feeds_path=Path(args.feeds) if args.feeds else None, dry_run=args.dry_run, debug=args.debug, http=settings,
    )
    try:
        return collect_run.collect(root, args.source, options, collect_run.system_environment()).exit_code
    except collect_run.ConfigError as exc:
        raise UsageError(str(exc)) from None


def _endpoint(given: str | None, variable: str, default: str, what: str) -> str:
    """An endpoint from its option, else its environment variable, else the real service's."""
    url = given or os.environ.get(variable) or default
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"the {what} URL {url!r} does not start with http:// or https://")
    return url


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `collect` to the trendkb command line."""
    collect_cmd = commands.add_parser(
        "collect", help="fetch new signals (arXiv papers and counts, news items, ...) into trends/signals/; "
                        "exit 1 if a source failed (the rest is stored)")
    collect_cmd.add_argument("source", nargs="?", default="all", metavar="SOURCE",
                             help="the source to collect, e.g. arxiv or news (an unknown name lists them), "
                                  "or all (the default)")
    collect_cmd.add_argument("--trend", metavar="ID", help="only this trend (and its area's arXiv baseline)")
    collect_cmd.add_argument("--since", metavar="DATE",
                             help="papers updated and news published on or after DATE (YYYY-MM-DD), "
                                  "instead of from where the last run stopped")
    collect_cmd.add_argument("--backfill-months", metavar="N", type=int, default=0,
                             help="also count arXiv papers (listings: read every paper) for the N months "
                                  "before this one; resumable, finished months are not asked again")
    collect_cmd.add_argument("--dry-run", action="store_true", help="fetch and report, but write nothing")
    collect_cmd.add_argument("--arxiv-url", metavar="URL",
                             help="arXiv API endpoint (default: $TRENDKB_ARXIV_URL, else arXiv's own, "
                                  "export.arxiv.org)")
    collect_cmd.add_argument("--pypistats-url", metavar="URL",
                             help="PyPI Stats API base, to which /packages/<name>/overall is appended (default: "
                                  "$TRENDKB_PYPISTATS_URL, else https://pypistats.org/api)")
    collect_cmd.add_argument("--github-api-url", metavar="URL",
                             help="GitHub API base, to which /repos/<owner>/<name> is appended (default: "
                                  "$TRENDKB_GITHUB_API_URL, else https://api.github.com); $GITHUB_TOKEN, when set, "
                                  "is sent there and nowhere else")
    collect_cmd.add_argument("--backfill-downloads", action="store_true",
                             help="also ask ClickPy's public ClickHouse for each package's monthly downloads before "
                                  "PyPI Stats' 180 days (mirrors included, and marked so on the site)")
    collect_cmd.add_argument("--clickpy-url", metavar="URL",
                             help="ClickHouse HTTP endpoint for --backfill-downloads (default: $TRENDKB_CLICKPY_URL, "
                                  "else https://sql-clickhouse.clickhouse.com)")
    collect_cmd.add_argument("--source-delay", metavar="SECONDS", type=float,
                             help="seconds between two requests to one host (default: 3); the real arXiv, "
                                  "PyPI Stats and GitHub hosts never get less than their documented minimum")
    collect_cmd.add_argument("--listing-url", metavar="URL",
                             help="arXiv's daily listing feeds, to which the categories are added (default: "
                                  "$TRENDKB_LISTING_URL, else https://rss.arxiv.org/rss/)")
    collect_cmd.add_argument("--feeds", metavar="FILE", help="feed list to read (default: trends/feeds.yaml)")
    collect_cmd.add_argument("--host-budget", metavar="SECONDS", type=float, default=HttpSettings.host_budget,
                             help="seconds of failed requests and backoff one host may cost the run before its "
                                  "remaining jobs are skipped as not asked (default: %(default).0f)")
    collect_cmd.set_defaults(run=cmd_collect)


def cmd_doctor(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    from collectors import doctor
    from collectors import run as collect_run

    root = repository_root(args)
    env = collect_run.system_environment()
    online = doctor.online_session(root, env.environ, env.clock, env.sleep) if args.online else None
    try:
        findings = doctor.examine(root, env.environ, online)
    finally:
        if online is not None:
            online.http.close()
    return doctor.report(findings, env.out)


def add_doctor(commands: argparse._SubParsersAction) -> None:
    """Add `doctor` to the trendkb command line."""
    doctor_cmd = commands.add_parser(
        "doctor", help="check this deployment before its first scheduled run (repository and contact, feeds, "
                       "workflows, Pages, secrets) and print a fix for each problem; exit 1 if any")
    doctor_cmd.add_argument("--online", action="store_true",
                            help="also fetch each feed once, politely, and ask GitHub's API whether Pages and the "
                                 "workflows are enabled (GITHUB_TOKEN, if set, is sent to GitHub only)")
    doctor_cmd.set_defaults(run=cmd_doctor)
