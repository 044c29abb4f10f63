"""A new source is one collector module plus one kind declaration; this test-only source proves it.

Everything the source needs is in this file: its record model, the declaration
of its kind, and its collector. Both are registered the way the built-in ones
are, and nothing in trendkb/, collectors/ or site_hooks/ knows about them, yet
`trendkb collect` runs it, the store files and validates its records, and the
Sources page shows it.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import Field

from collectors import base
from collectors.base import CollectError, Collector, Job, Tally
from collectors.http import FetchError
from collectors.run import choices
from site_hooks.build import build_site
from tests.collectors.conftest import NOW, World
from tests.collectors.fakes import Reply
from tests.conftest import TODAY, stored
from trendkb import models, signals, store
from trendkb.validate import validate


class Release(models.Record):
    """How many releases a trend's reference project had on a day (test-only)."""

    trend: models.Slug
    day: dt.date
    releases: int = Field(ge=0)
    trends: list[models.Slug]


RELEASES = signals.Kind(
    name="test-releases", model=Release, key=("trend", "day"), path="test-releases/{month}.jsonl", month="day",
    trends_field="trends", title="Releases (test-only source)", about="Release counts from a local test server.",
)


class ReleaseCollector(Collector):
    name = "test-releases"
    url = ""  # the test points it at its local server

    def jobs(self) -> list[Job]:
        return [Job(self.name, f"trend {t.id}", lambda tally, t=t: self._trend(t, tally)) for t in self.ctx.trends()]

    def sources(self) -> list[str]:
        return [self.name]

    def _trend(self, trend: models.Trend, tally: Tally) -> None:
        try:
            answer = json.loads(self.ctx.http.get(f"{self.url}?trend={trend.id}").content)
        except FetchError as exc:
            raise CollectError(str(exc)) from None
        tally.fetched += 1
        record = Release(trend=trend.id, day=self.ctx.now().date(), releases=answer["releases"], trends=[trend.id])
        tally.count(self.ctx.signals.put(RELEASES, record))


@pytest.fixture
def releases(world: World):
    signals.register(RELEASES)
    base.register(ReleaseCollector)
    ReleaseCollector.url = world.server.url("/releases")
    world.server.routes["/releases"] = lambda request: Reply(
        200, json.dumps({"releases": len(request.params["trend"])}).encode(), {"Content-Type": "application/json"})
    yield world
    base.unregister(ReleaseCollector.name)
    signals.unregister(RELEASES.name)


def test_a_registered_source_is_collected_validated_and_shown(releases):
    world = releases
    assert "test-releases" in choices()
    run = world.run("test-releases")
    assert run.code == 0, run.out
    path = world.signals / "test-releases" / f"{NOW:%Y-%m}.jsonl"
    assert path.read_text().splitlines() == [
        '{"trend":"first-trend","day":"2026-11-25","releases":11,"trends":["first-trend"]}',
        '{"trend":"second-trend","day":"2026-11-25","releases":12,"trends":["second-trend"]}',
    ]
    kb = store.load(world.root)
    assert validate(kb, TODAY) == []
    assert [r.releases for r in stored(world.root, RELEASES)] == [11, 12]
    sources = build_site(kb, TODAY).pages["sources.md"]
    assert "<td>Releases (test-only source)</td><td>Release counts from a local test server.</td><td>2</td>" in sources
    assert "<tr><td>test-releases</td><td>test-releases</td>" in sources


def test_its_records_get_the_same_checks_as_any_other(releases):
    world = releases
    assert world.run("test-releases").code == 0
    path = world.signals / "test-releases" / f"{NOW:%Y-%m}.jsonl"
    path.write_text(path.read_text().replace('"releases":12', '"releases":-1').replace("first-trend", "gone-trend"))
    problems = [str(p) for p in validate(store.load(world.root), TODAY)]
    assert problems == [
        "trends/signals/test-releases/2026-11.jsonl:1: trends[0]: no trend has the id 'gone-trend'; if it was "
        "removed or renamed, 'trendkb signals-prune' takes it out of the collected records",
        "trends/signals/test-releases/2026-11.jsonl:2: releases: -1 is less than the minimum, 0",
    ]


def test_a_failing_answer_is_a_failed_job_and_costs_no_stored_record(releases):
    world = releases
    assert world.run("test-releases").code == 0
    path = world.signals / "test-releases" / f"{NOW:%Y-%m}.jsonl"
    before = path.read_text()
    world.server.routes["/releases"] = lambda request: Reply(404)
    run = world.run("test-releases", now=NOW + dt.timedelta(hours=1))
    assert run.code == 1 and "HTTP 404" in run.out
    assert path.read_text() == before
    status = {s.source: s for s in stored(world.root, signals.STATUS)}["test-releases"]
    assert status.kind == "test-releases" and "HTTP 404" in status.last_error
