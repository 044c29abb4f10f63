"""The polite HTTP session every collector request goes through.

One session per run, shared by all collectors, so that its memory of when it
last asked each host holds for the whole run. It:

- sends a User-Agent naming the project and a contact (from trends/feeds.yaml),
- puts a connect timeout, a read timeout and an overall deadline on every request,
- reads at most `max_bytes` of any answer (decompressed), so a runaway body cannot fill memory,
- waits at least `min_interval` seconds between two requests to the same host
  (arXiv's terms ask for one request every three seconds; feed hosts get the same courtesy),
- backs off on 429, 502, 503, 504, timeouts and broken connections: it honours
  Retry-After when the server sends it and doubles its own wait when not, and
  gives up after `tries` attempts with a message saying what to do next,
- reads the rate-limit headers of APIs that report their limits (GitHub's): a
  403 or 429 that says it is a rate limit (`retry-after`, or
  `x-ratelimit-remaining: 0` with `x-ratelimit-reset`) is waited out like
  overload; a host still rate limiting after the last try is given up for the
  run (below), so no quota is wasted; and an answer saying the quota is spent
  makes the next request to that host wait for its reset, or gives the host up
  when that is beyond its budget.

What it learns about a host holds for every later request to that host, whichever
job makes it: a Retry-After, or the backoff after a request's last try, delays the
next request there, and the backoff keeps doubling while the host keeps failing.

Each host also has a time budget for the run (`host_budget`, 3 minutes by default):
the seconds its failures cost, that is failed requests and the waits they caused.
A host that hangs or keeps refusing is given up for the rest of the run before it
costs more than that: no attempt starts that could overrun the budget (a hang costs
at most the connect and read timeouts), and no wait is begun that would. Every later
request to it raises `HostGivenUp` without being sent, and the run records the rest
of that host's jobs as not asked; other hosts go on.

The clock and the sleeper are parameters: tests check the spacing with a fake
clock instead of waiting for real.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from collectors.limits import HttpSettings
from trendkb import __version__

__all__ = ["MIN_INTERVALS", "BadAnswer", "FetchError", "HostGivenUp", "HttpSettings", "PoliteSession", "Response",
           "RetryLater", "Sent", "host_of", "min_interval", "quota_wait", "rate_limit_wait", "retry_after",
           "user_agent"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# The least time between two requests to each real host, whatever `min_interval` (--source-delay) says:
# arXiv's terms ask for three seconds; PyPI Stats asks its users for restraint (its data changes once a
# day) and GitHub for requests made one after another, a second apart for the heavier ones.
MIN_INTERVALS = {"export.arxiv.org": 3.0, "arxiv.org": 3.0, "pypistats.org": 1.0, "api.github.com": 1.0}


class FetchError(Exception):
    """A request that failed for good; the message reads 'what went wrong (url)'."""

    def __init__(self, what: str, url: str):
        super().__init__(f"{what} ({url})")
        self.what = what
        self.url = url


class HostGivenUp(FetchError):
    """The host is not asked again in this run (its time budget is spent, or it kept rate limiting); the request
    was not sent."""


class RetryLater(Exception):
    """Raised by a response check: the answer looks like overload, so back off and ask again."""


class BadAnswer(Exception):
    """Raised by a response check: the answer cannot be used, and asking again will not help."""


@dataclass(frozen=True)
class Response:
    """A complete answer. `status_code` and `content` match what requests offers, so the
    `arxiv` package can use it in place of a `requests.Response`."""

    url: str
    status_code: int
    headers: Mapping[str, str]
    content: bytes


@dataclass(frozen=True)
class Sent:
    """One request as the session saw it: when (by its clock) and where."""

    at: float
    url: str


def user_agent(contact: str) -> str:
    """'trendkb/0.1.0 (+https://...)' or '(+mailto:...)': who we are and how to reach us."""
    reach = contact if contact.startswith(("http://", "https://")) else f"mailto:{contact}"
    return f"trendkb/{__version__} (+{reach})"


def retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def rate_limit_wait(status: int, headers: Mapping[str, str], now: dt.datetime) -> float | None:
    """Seconds a rate-limited answer asks us to wait; None when the answer is not a rate limit.

    A rate limit is a 403 or 429 from an API that reports its limits
    (x-ratelimit-* headers, as GitHub's does) with Retry-After (GitHub's
    secondary limits) or with x-ratelimit-remaining 0 and x-ratelimit-reset
    (its primary limit, in epoch seconds). A 403 without them is a real
    refusal, and a 429 without them (arXiv's) is overload, backed off from as usual.
    """
    if status not in (403, 429) or not any(name.lower().startswith("x-ratelimit-") for name in headers):
        return None
    after = retry_after(headers.get("Retry-After"), now)
    return after if after is not None else quota_wait(headers, now)


def quota_wait(headers: Mapping[str, str], now: dt.datetime) -> float | None:
    """Seconds until the quota resets, when x-ratelimit-remaining says it is spent; else None."""
    if headers.get("X-RateLimit-Remaining", "").strip() != "0":
        return None
    reset = headers.get("X-RateLimit-Reset", "").strip()
    return max(0.0, int(reset) - now.timestamp()) if reset.isdigit() else None


def min_interval(host: str, settings: HttpSettings) -> float:
    """Seconds between two requests to `host`: the setting, but never less than the real host's minimum."""
    return max(settings.min_interval, MIN_INTERVALS.get(host, 0.0))


def host_of(url: str) -> str:
    """The host a URL's requests count against: its name and port, as in the URL."""
    return urlsplit(url).netloc.lower()


@dataclass
class _Host:
    """What the session knows about one host during the run."""

    ready_at: float = 0.0  # the earliest time (by the session's clock) the next request may go out
    failing: int = 0  # failures in a row: the next backoff is `backoff` times 2 ** (failing - 1)
    lost: float = 0.0  # seconds of failed requests and of the waits they caused
    last_failure: str = ""  # what went wrong last
    given_up: str | None = None  # why the host is not asked again in this run


class _Transient(Exception):
    """One attempt failed in a way that may pass: wait (`wait` seconds if the server said) and retry."""

    def __init__(self, reason: str, wait: float | None = None, rate_limited: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.rate_limited = rate_limited


@dataclass
class PoliteSession:
    """GET with pacing, timeouts, a size cap and backoff. See the module docstring."""

    agent: str
    settings: HttpSettings = field(default_factory=HttpSettings)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    sent: list[Sent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._http = requests.Session()
        self._http.max_redirects = 5
        self._http.headers["User-Agent"] = self.agent
        self._hosts: dict[str, _Host] = {}

    def close(self) -> None:
        self._http.close()

    def given_up(self, host: str) -> str | None:
        """Why `host` is not asked again in this run, or None while it may be."""
        state = self._hosts.get(host)
        return self._give_up_if_spent(state) if state else None

    def lost(self, host: str) -> float:
        """Seconds that failures at `host` have cost this run so far."""
        state = self._hosts.get(host)
        return state.lost if state else 0.0

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        check: Callable[[Response], None] | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """The answer to GET url, once its status is in `ok` and `check` (if any) accepts it.

        Raises FetchError when the request fails for good: a status outside `ok`
        that is not worth retrying, an answer `check` rejects with BadAnswer, a
        body over the size cap, or still failing after `settings.tries` attempts;
        HostGivenUp when the host has used up its budget, so the request was not sent.
        """
        limits = self.settings
        name = host_of(url)
        host = self._hosts.setdefault(name, _Host())
        for attempt in range(1, limits.tries + 1):
            self._may_ask(host, url)
            self._wait_turn(host)
            started = self.clock()
            try:
                # A body that trickles in is cut off by the deadline, which the budget's remainder shortens.
                deadline = min(limits.deadline, limits.host_budget - host.lost)
                response = self._attempt(url, headers or {}, ok, check, max_bytes or limits.max_bytes, deadline)
            except _Transient as failure:
                host.lost += self.clock() - started
                host.failing += 1
                host.last_failure = failure.reason
                wait = failure.wait if failure.wait is not None else limits.backoff * 2 ** (host.failing - 1)
                if host.lost + wait > limits.host_budget:
                    host.given_up = (f"{failure.reason}, and waiting {wait:.0f} s more would take its failures past "
                                     f"the {limits.host_budget:.0f} s this run allows a host")
                    raise FetchError(f"{host.given_up}; not asking it again in this run: try again later",
                                     url) from None
                # Whichever job asks this host next waits too, even after this request's last try.
                host.lost += wait
                host.ready_at = max(host.ready_at, self.clock() + wait)
                if attempt == limits.tries and failure.rate_limited:
                    # Asking again in this run would only spend quota the host says we do not have.
                    host.given_up = f"{failure.reason} after {limits.tries} tries"
                if attempt == limits.tries:
                    raise FetchError(f"{failure.reason}; gave up after {limits.tries} tries, "
                                     "the server seems overloaded or unreachable: try again later", url) from None
            except FetchError:
                host.lost += self.clock() - started
                raise
            else:
                host.failing = 0
                self._mind_quota(host, response)
                return response
            finally:
                host.ready_at = max(host.ready_at, self.clock() + min_interval(name, limits))
        raise AssertionError("unreachable: the loop returns or raises")

    def _may_ask(self, host: _Host, url: str) -> None:
        """Raise HostGivenUp when the host is given up for this run."""
        reason = self._give_up_if_spent(host)
        if reason is not None:
            raise HostGivenUp(f"not sent: {reason}; try again later", url)

    def _give_up_if_spent(self, host: _Host) -> str | None:
        """The host's reason to be given up; one more unanswered request that could overrun its budget is one."""
        limits = self.settings
        if host.given_up is None and host.lost + limits.connect_timeout + limits.read_timeout > limits.host_budget:
            host.given_up = (f"{host.last_failure or 'failures'}; its failures cost {host.lost:.0f} s, and one more "
                             f"unanswered request could take them past the {limits.host_budget:.0f} s this run "
                             "allows a host")
        return host.given_up

    def _mind_quota(self, host: _Host, response: Response) -> None:
        """An answer that says the quota is spent: the next request waits for its reset, if the budget allows."""
        wait = quota_wait(response.headers, self.now())
        if wait is None:
            return
        if host.lost + wait > self.settings.host_budget:
            host.given_up = (f"its rate limit is spent for {wait / 60:.0f} more minutes, longer than the "
                             f"{self.settings.host_budget:.0f} s this run allows a host")
        else:
            host.ready_at = max(host.ready_at, self.clock() + wait)

    def _wait_turn(self, host: _Host) -> None:
        delay = host.ready_at - self.clock()
        if delay > 0:
            self.sleep(delay)

    def _attempt(self, url: str, headers: Mapping[str, str], ok: tuple[int, ...],
                 check: Callable[[Response], None] | None, max_bytes: int, deadline: float) -> Response:
        limits = self.settings
        self.sent.append(Sent(self.clock(), url))
        try:
            answer = self._http.get(url, headers=dict(headers), stream=True, allow_redirects=True,
                                    timeout=(limits.connect_timeout, limits.read_timeout))
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            raise FetchError(f"not a usable URL: {exc}", url) from None
        except requests.exceptions.Timeout:
            raise _Transient(f"no answer within {limits.connect_timeout:.0f}+{limits.read_timeout:.0f} s") from None
        except requests.exceptions.RequestException as exc:
            raise _Transient(f"connection failed: {_reason(exc)}") from None
        try:
            status = answer.status_code
            limited = rate_limit_wait(status, answer.headers, self.now())
            if limited is not None:
                raise _Transient(f"HTTP {status} (rate limited)", limited, rate_limited=True)
            if status in RETRY_STATUSES:
                raise _Transient(f"HTTP {status}", retry_after(answer.headers.get("Retry-After"), self.now()))
            if status not in ok:
                raise FetchError(f"HTTP {status}{_hint(status)}", url)
            body = self._read(answer, url, max_bytes, deadline)
        finally:
            answer.close()
        response = Response(url=answer.url or url, status_code=status, headers=answer.headers, content=body)
        if check is not None:
            try:
                check(response)
            except RetryLater as exc:
                raise _Transient(str(exc)) from None
            except BadAnswer as exc:
                raise FetchError(str(exc), url) from None
        return response

    def _read(self, answer: requests.Response, url: str, max_bytes: int, deadline: float) -> bytes:
        limits = self.settings
        declared = answer.headers.get("Content-Length", "")
        # The declared length is of the compressed body; the decompressed one is capped below.
        if declared.isdigit() and int(declared) > max_bytes and not answer.headers.get("Content-Encoding"):
            raise FetchError(f"the answer is {int(declared):,} bytes, over the {max_bytes:,}-byte cap", url)
        until = time.monotonic() + deadline
        chunks, size = [], 0
        try:
            for chunk in answer.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"the answer is over the {max_bytes:,}-byte cap", url)
                chunks.append(chunk)
                # Real time on purpose: a server trickling bytes must not hold the run forever.
                if time.monotonic() > until:
                    raise _Transient(f"the answer took longer than {deadline:.0f} s")
        except requests.exceptions.Timeout:
            raise _Transient(f"the answer stalled for over {limits.read_timeout:.0f} s") from None
        except requests.exceptions.RequestException as exc:
            raise _Transient(f"connection broke while reading: {_reason(exc)}") from None
        return b"".join(chunks)


def _reason(exc: Exception) -> str:
    # requests nests the cause several levels deep; the innermost one is the readable one.
    inner: BaseException = exc
    while True:
        nested = inner.args[0] if inner.args and isinstance(inner.args[0], BaseException) else None
        nested = nested or getattr(inner, "reason", None) or inner.__cause__ or inner.__context__
        if not isinstance(nested, BaseException) or nested is inner:
            break
        inner = nested
    text = str(inner) or inner.__class__.__name__
    return text if len(text) < 160 else text[:157] + "..."


def _hint(status: int) -> str:
    if status == 404:
        return " (not found: check the URL)"
    if status in (401, 403):
        return " (refused: the server does not let us read this)"
    if status == 304:
        return " (not modified, though we did not ask for that)"
    return ""
