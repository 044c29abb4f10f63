"""GitHub repositories: one snapshot a day of every repository the trends name (`evidence.repos`).

One job per repository, all reporting into the status record 'github'. A job
asks `<base>/repos/<owner>/<name>` (stars, forks, open issues, last push) and
`<base>/repos/<owner>/<name>/releases/latest` (base: `--github-api-url`,
`TRENDKB_GITHUB_API_URL`, default https://api.github.com); a repository without
releases answers 404 there, which is no failure. Both answers make one
snapshot keyed by repository and UTC day, so a second run on the same day
replaces that day's snapshot (with the same answers: nothing changes), and
the series of stars grows by a snapshot a day.

With `GITHUB_TOKEN` set (the refresh workflow passes it), requests carry it,
to the configured API host only, which lifts GitHub's limit from 60 to 5,000
requests an hour. The rate-limit headers are handled by the polite session:
see collectors/http.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from collectors.base import CollectError, Collector, Job, Tally, register
from collectors.http import BadAnswer, FetchError, Response, host_of
from collectors.jsonapi import MAX_BYTES, checker, count, read_json
from trendkb import models
from trendkb.models import repo_key
from trendkb.signals import REPO_SNAPSHOTS

SERVICE = "GitHub's API"
# The media type and API version GitHub asks clients to name.
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
TAG_CHARS = 100


# ---------------------------------------------------------------- pure parts


def _day(value: Any, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)).astimezone(dt.UTC).date()
    except ValueError:
        raise BadAnswer(f"{what} is {value!r}, not a date and time") from None


def snapshot(repo: str, day: dt.date, about: Any, release: Any | None) -> models.RepoSnapshot:
    """The snapshot from the repository's answer and its latest release's (None: it has none)."""
    if not isinstance(about, dict):
        raise BadAnswer(f"{SERVICE} sent {type(about).__name__} where a repository belongs")
    tag = released = None
    if release is not None:
        if not isinstance(release, dict) or not isinstance(release.get("tag_name"), str):
            raise BadAnswer(f"the latest release from {SERVICE} has no tag_name")
        tag = release["tag_name"].strip()[:TAG_CHARS] or None
        released = _day(release.get("published_at"), "the release's published_at")
    return models.RepoSnapshot(
        repo=repo, day=day,
        stars=count(about.get("stargazers_count"), "stargazers_count"),
        forks=count(about.get("forks_count"), "forks_count"),
        open_issues=count(about.get("open_issues_count"), "open_issues_count"),
        release=tag, released=released, pushed=_day(about.get("pushed_at"), "pushed_at"),
    )


def repos_of(trends: Iterable[models.Trend]) -> dict[str, list[str]]:
    """Each repository the trends name (lower case), with the ids of the trends naming it."""
    named: dict[str, list[str]] = {}
    for trend in trends:
        for name in trend.evidence.repos:
            named.setdefault(repo_key(name), []).append(trend.id)
    return dict(sorted(named.items()))


# ---------------------------------------------------------------- the collector


@register
class GithubCollector(Collector):
    name = "github"

    def sources(self) -> list[str]:
        return [self.name]

    def jobs(self) -> list[Job]:
        # Every job asks the one API host: once the run gives it up (rate limited), the rest are not asked.
        host = host_of(self.ctx.options.github_api_url)
        return [Job(self.name, f"repository {repo}", lambda tally, r=repo, t=trends: self._repo(r, t, tally),
                    host=host) for repo, trends in repos_of(self.ctx.trends()).items()]

    def _get(self, url: str) -> Response:
        headers = dict(HEADERS)
        if self.ctx.options.github_token:
            headers["Authorization"] = f"Bearer {self.ctx.options.github_token}"
        try:
            return self.ctx.http.get(url, headers=headers, ok=(200, 404), check=checker(SERVICE),
                                     max_bytes=MAX_BYTES)
        except FetchError as exc:
            raise CollectError(str(exc)) from None

    def _repo(self, repo: str, trends: list[str], tally: Tally) -> None:
        url = f"{self.ctx.options.github_api_url.rstrip('/')}/repos/{repo}"
        about = self._get(url)
        if about.status_code == 404:
            raise CollectError(f"{SERVICE} has no repository '{repo}' (HTTP 404): it may have been removed or made "
                               f"private; correct evidence.repos of {', '.join(trends)} ({url})")
        latest = self._get(f"{url}/releases/latest")
        try:
            record = snapshot(repo, self.ctx.now().astimezone(dt.UTC).date(), read_json(about, SERVICE),
                              read_json(latest, SERVICE) if latest.status_code == 200 else None)
        except BadAnswer as exc:
            raise CollectError(f"{exc} ({url})") from None
        tally.fetched += 1
        tally.count(self.ctx.signals.put(REPO_SNAPSHOTS, record))
