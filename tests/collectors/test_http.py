"""The polite session against a real local server: pacing, backoff, timeouts, the size cap,
waits shared by every request to a host, and each host's time budget."""

from __future__ import annotations

import datetime as dt
import itertools
import time

import pytest

from collectors.http import (
    BadAnswer,
    FetchError,
    HostGivenUp,
    HttpSettings,
    PoliteSession,
    RetryLater,
    host_of,
    min_interval,
    quota_wait,
    rate_limit_wait,
    retry_after,
    user_agent,
)
from tests.collectors.conftest import CONTACT, FAST, NOW, FakeClock
from tests.collectors.fakes import Hang, LocalServer, Reply


def session(clock: FakeClock, **settings) -> PoliteSession:
    limits = HttpSettings(**{**FAST.__dict__, **settings})
    return PoliteSession(user_agent(CONTACT), limits, clock=clock, sleep=clock.sleep, now=lambda: NOW)


def gaps(http: PoliteSession) -> list[float]:
    times = [sent.at for sent in http.sent]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def sequence(*replies: Reply):
    """A route answering with each reply in turn, then repeating the last."""
    queue = list(replies)

    def route(request):
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return route


def test_requests_to_one_host_are_three_seconds_apart_by_the_clock(server):
    server.routes["/ok"] = lambda request: Reply(200, b"fine")
    clock = FakeClock()
    http = session(clock)
    started = time.monotonic()
    for _ in range(4):
        assert http.get(server.url("/ok")).content == b"fine"
    assert gaps(http) == [3.0, 3.0, 3.0]
    assert clock.sleeps == [3.0, 3.0, 3.0]
    assert time.monotonic() - started < 2, "the session must sleep through the injected sleeper only"


def test_user_agent_names_the_project_and_contact(server):
    server.routes["/ok"] = lambda request: Reply(200, b"fine")
    session(FakeClock()).get(server.url("/ok"))
    agent = server.log[-1].headers["user-agent"]
    assert agent.startswith("trendkb/") and CONTACT in agent
    assert user_agent("team@example.org").endswith("(+mailto:team@example.org)")


@pytest.mark.parametrize("header, wait", [("7", 7.0), ("Wed, 25 Nov 2026 12:00:20 GMT", 20.0)])
def test_429_waits_as_long_as_retry_after_says(server, header, wait):
    server.routes["/busy"] = sequence(Reply(429, b"slow down", {"Retry-After": header}), Reply(200, b"fine"))
    http = session(FakeClock())
    assert http.get(server.url("/busy")).content == b"fine"
    assert gaps(http) == [wait]


def test_without_retry_after_the_wait_doubles_then_gives_up_with_advice(server):
    server.routes["/down"] = lambda request: Reply(503, b"overloaded")
    http = session(FakeClock(), tries=4, backoff=10.0)
    with pytest.raises(FetchError) as caught:
        http.get(server.url("/down"))
    assert gaps(http) == [10.0, 20.0, 40.0]
    assert "HTTP 503; gave up after 4 tries" in str(caught.value)
    assert "try again later" in str(caught.value) and server.url("/down") in str(caught.value)


def test_a_retry_after_beyond_the_host_budget_is_not_waited_for(server):
    server.routes["/later"] = lambda request: Reply(429, b"", {"Retry-After": "3600"})
    server.routes["/ok"] = lambda request: Reply(200, b"fine")
    clock = FakeClock()
    http = session(clock, host_budget=180.0)
    with pytest.raises(FetchError, match="waiting 3600 s more would take its failures past the 180 s"):
        http.get(server.url("/later"))
    assert len(http.sent) == 1 and clock.sleeps == []
    # The host is given up for the run: nothing more is sent to it, whatever the path.
    with pytest.raises(HostGivenUp, match=r"^not sent: HTTP 429, and waiting 3600 s"):
        http.get(server.url("/ok"))
    assert server.requests_to("/ok") == []


# ---------------------------------------------------------------- waits shared across jobs


def test_a_retry_after_on_the_last_try_delays_the_next_job_s_first_request(server):
    """Regression: the wait was kept only when another try of the same request followed."""
    server.routes["/busy"] = lambda request: Reply(429, b"slow down", {"Retry-After": "5"})
    server.routes["/next"] = lambda request: Reply(200, b"fine")
    http = session(FakeClock(), tries=2)
    with pytest.raises(FetchError, match="HTTP 429; gave up after 2 tries"):
        http.get(server.url("/busy"))  # one job's request: two tries, each answered 429 Retry-After: 5
    http.get(server.url("/next"))  # the next job's first request to the same host
    assert gaps(http) == [5.0, 5.0]


def test_the_backoff_after_a_last_try_carries_over_and_keeps_doubling_until_a_success(server):
    server.routes["/down"] = lambda request: Reply(503, b"overloaded")
    server.routes["/up"] = lambda request: Reply(200, b"fine")
    http = session(FakeClock(), tries=2, backoff=10.0)
    for _ in range(2):
        with pytest.raises(FetchError, match="HTTP 503; gave up after 2 tries"):
            http.get(server.url("/down"))
    http.get(server.url("/up"))
    http.get(server.url("/up"))
    # Four failures in a row: 10, 20, 40, then 80 before the next job's request; a success resets it.
    assert gaps(http) == [10.0, 20.0, 40.0, 80.0, 3.0]
    assert http.lost(host_of(server.url("/up"))) == 150.0


def test_another_host_is_not_held_up_by_a_failing_one(server):
    other = LocalServer().start()
    try:
        server.routes["/busy"] = lambda request: Reply(429, b"", {"Retry-After": "60"})
        other.routes["/ok"] = lambda request: Reply(200, b"fine")
        clock = FakeClock()
        http = session(clock, tries=1)
        with pytest.raises(FetchError):
            http.get(server.url("/busy"))
        asked_at = clock()
        http.get(other.url("/ok"))
        assert http.sent[-1].at == asked_at and clock.sleeps == []
        assert http.lost(host_of(other.url("/ok"))) == 0.0
    finally:
        other.stop()


# ---------------------------------------------------------------- the time budget of a host


def test_a_hanging_host_costs_at_most_its_budget_then_is_not_asked(server):
    clock = FakeClock()
    limits = {"connect_timeout": 0.2, "read_timeout": 0.3, "tries": 4, "backoff": 1.0, "host_budget": 6.0}
    server.routes["/hang"] = Hang(clock, seconds=0.5)  # connect + read timeout, as the session's clock sees it
    http = session(clock, **limits)
    started = clock()
    failures = []
    for _ in range(10):  # ten jobs' requests
        try:
            http.get(server.url("/hang"))
        except FetchError as exc:
            failures.append(exc)
    host = host_of(server.url("/hang"))
    assert http.lost(host) <= 6.0
    # Pacing (3 s between requests) is not lost time; all the rest of the clock's time is.
    asked = len(server.requests_to("/hang"))
    assert clock() - started <= 6.0 + 3.0 * asked
    assert 2 <= asked <= 6, asked
    assert http.given_up(host)
    not_asked = [exc for exc in failures if isinstance(exc, HostGivenUp)]
    assert len(not_asked) >= 8 and all(str(exc).startswith("not sent: no answer within") for exc in not_asked)


def test_with_the_default_settings_a_hanging_host_costs_minutes_not_ten(server):
    clock = FakeClock()
    limits = HttpSettings()
    server.routes["/hang"] = Hang(clock, seconds=limits.connect_timeout + limits.read_timeout, reset=True)
    http = PoliteSession(user_agent(CONTACT), limits, clock=clock, sleep=clock.sleep, now=lambda: NOW)
    started = clock()
    for _ in range(25):  # a daily run's arXiv jobs
        with pytest.raises(FetchError):
            http.get(server.url("/hang"))
    assert http.lost(host_of(server.url("/hang"))) <= limits.host_budget == 180.0
    assert clock() - started <= 180.0 + 3.0 * len(server.requests_to("/hang"))


def test_a_slow_server_times_out_on_every_try(server):
    server.routes["/slow"] = lambda request: Reply(200, b"late", delay=5.0)
    http = session(FakeClock(), tries=2, read_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(FetchError, match="no answer within"):
        http.get(server.url("/slow"))
    assert len(server.requests_to("/slow")) == 2
    assert time.monotonic() - started < 3


def test_a_reset_connection_is_retried_then_reported(server):
    server.routes["/reset"] = lambda request: Reply(reset=True)
    http = session(FakeClock(), tries=2)
    with pytest.raises(FetchError, match="connection failed"):
        http.get(server.url("/reset"))
    assert len(server.requests_to("/reset")) == 2


@pytest.mark.parametrize("send_length", [True, False], ids=["declared", "undeclared"])
def test_a_body_over_the_cap_is_refused_without_retrying(server, send_length):
    server.routes["/big"] = lambda request: Reply(200, b"x" * 50_000, send_length=send_length)
    http = session(FakeClock(), max_bytes=10_000)
    with pytest.raises(FetchError, match="10,000-byte cap"):
        http.get(server.url("/big"))
    assert len(server.requests_to("/big")) == 1


def test_a_client_error_is_not_retried_and_says_what_to_check(server):
    http = session(FakeClock())
    with pytest.raises(FetchError, match=r"HTTP 404 \(not found: check the URL\)"):
        http.get(server.url("/missing"))
    assert len(server.requests_to("/missing")) == 1


def test_checks_decide_between_retrying_and_giving_up(server):
    server.routes["/page"] = sequence(Reply(200, b"empty"), Reply(200, b"full"))

    def check(response):
        if response.content == b"empty":
            raise RetryLater("an empty page")

    http = session(FakeClock())
    assert http.get(server.url("/page"), check=check).content == b"full"
    assert gaps(http) == [10.0]

    def refuse(response):
        raise BadAnswer("not a feed")

    with pytest.raises(FetchError, match=r"^not a feed \(http"):
        http.get(server.url("/page"), check=refuse)


def test_retry_after_parsing():
    assert retry_after("120", NOW) == 120.0
    assert retry_after("Wed, 25 Nov 2026 11:59:00 GMT", NOW) == 0.0  # a date in the past: no wait
    assert retry_after("soon", NOW) is None
    assert retry_after(None, NOW) is None


# ---------------------------------------------------------------- rate-limit headers and the real hosts' minimum


def test_only_an_api_that_reports_its_limits_is_read_as_rate_limiting():
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    reset = str(int(now.timestamp()) + 90)
    github = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    assert rate_limit_wait(403, github, now) == 90.0
    assert rate_limit_wait(429, {"X-RateLimit-Remaining": "12", "Retry-After": "30"}, now) == 30.0
    assert rate_limit_wait(403, {"Content-Type": "text/html"}, now) is None  # a real refusal
    assert rate_limit_wait(429, {"Retry-After": "30"}, now) is None  # overload (arXiv's), backed off as usual
    assert rate_limit_wait(200, github, now) is None
    assert quota_wait(github, now) == 90.0 and quota_wait({"X-RateLimit-Remaining": "3"}, now) is None


def test_the_delay_setting_never_goes_below_a_real_host_s_minimum():
    fast = HttpSettings(min_interval=0.0)
    assert min_interval("export.arxiv.org", fast) == 3.0
    assert min_interval("pypistats.org", fast) == min_interval("api.github.com", fast) == 1.0
    assert min_interval("127.0.0.1:8000", fast) == 0.0
    assert min_interval("pypistats.org", HttpSettings(min_interval=5.0)) == 5.0
