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
- reads the rate-limit headers (GitHub's and others'): a 403 or 429 that says it
  is a rate limit (`retry-after`, or `x-ratelimit-remaining: 0` with
  `x-ratelimit-reset`) is waited out like overload, and an answer that says the
  quota is spent makes the next request to that host wait for its reset. A host
  that is still rate limiting after the last try, or asks for a longer wait
  than the run allows, is given up for the run: every later request to it
  raises HostGivenUp without being sent, so no quota is wasted and the run
  records the rest as not asked.

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

from trendkb import __version__

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
    """The host is not asked again in this run (it kept rate limiting); the request was not sent."""


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


@dataclass(frozen=True)
class HttpSettings:
    """Limits of the polite session; the defaults are for the real services."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0  # for the whole answer, since a read timeout only bounds each gap
    max_bytes: int = 20_000_000  # a 2000-result arXiv page is about 5 MB
    min_interval: float = 3.0  # arXiv: "no more than one request every three seconds"
    tries: int = 4
    backoff: float = 10.0  # first wait when the server gives no Retry-After; doubled each time
    max_wait: float = 300.0  # a server asking for longer than this is given up on for this run


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

    A 403 or 429 with Retry-After (GitHub's secondary limits), or with
    x-ratelimit-remaining 0 and x-ratelimit-reset (its primary limit, in epoch
    seconds). A 403 without them is a real refusal, and a 429 without them is
    overload, backed off from as usual.
    """
    if status not in (403, 429):
        return None
    after = retry_after(headers.get("Retry-After"), now)
    if after is not None:
        return after
    return quota_wait(headers, now)


def quota_wait(headers: Mapping[str, str], now: dt.datetime) -> float | None:
    """Seconds until the quota resets, when x-ratelimit-remaining says it is spent; else None."""
    if headers.get("X-RateLimit-Remaining", "").strip() != "0":
        return None
    reset = headers.get("X-RateLimit-Reset", "").strip()
    if not reset.isdigit():
        return None
    return max(0.0, int(reset) - now.timestamp())


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


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
        # Per host: the earliest time (by self.clock) the next request may go out.
        self._not_before: dict[str, float] = {}
        self._given_up: dict[str, str] = {}  # host -> why it is not asked again in this run

    def close(self) -> None:
        self._http.close()

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
        body over the size cap, or still failing after `settings.tries` attempts.
        """
        limits = self.settings
        host = _host(url)
        for attempt in range(1, limits.tries + 1):
            if host in self._given_up:
                raise HostGivenUp(f"not asked: {self._given_up[host]}; try again later", url)
            self._wait_turn(host)
            try:
                response = self._attempt(url, headers or {}, ok, check, max_bytes or limits.max_bytes)
            except _Transient as failure:
                wait = failure.wait
                if wait is None:
                    wait = limits.backoff * 2 ** (attempt - 1)
                # Whoever asks this host next waits too, also after this request's last try.
                self._not_before[host] = max(self._not_before.get(host, 0.0), self.clock() + min(wait, limits.max_wait))
                if failure.rate_limited and (attempt == limits.tries or wait > limits.max_wait):
                    self._given_up[host] = f"{host} rate limited this run ({failure.reason})"
                if attempt == limits.tries:
                    raise FetchError(f"{failure.reason}; gave up after {limits.tries} tries, "
                                     "the server seems overloaded or unreachable: try again later", url) from None
                if wait > limits.max_wait:
                    raise FetchError(f"{failure.reason}; the server asks us to wait {wait:.0f} s, more than the "
                                     f"{limits.max_wait:.0f} s this run allows: try again later", url) from None
            else:
                self._mind_quota(host, response)
                return response
            finally:
                interval = max(limits.min_interval, MIN_INTERVALS.get(host, 0.0))
                self._not_before[host] = max(self._not_before.get(host, 0.0), self.clock() + interval)
        raise AssertionError("unreachable: the loop returns or raises")

    def _mind_quota(self, host: str, response: Response) -> None:
        """When an answer says the quota is spent, the next request to the host waits for its reset."""
        wait = quota_wait(response.headers, self.now())
        if wait is None:
            return
        if wait > self.settings.max_wait:
            self._given_up[host] = f"{host}'s rate limit is spent for {wait / 60:.0f} more minutes"
        else:
            self._not_before[host] = max(self._not_before.get(host, 0.0), self.clock() + wait)

    def _wait_turn(self, host: str) -> None:
        delay = self._not_before.get(host, 0.0) - self.clock()
        if delay > 0:
            self.sleep(delay)

    def _attempt(self, url: str, headers: Mapping[str, str], ok: tuple[int, ...],
                 check: Callable[[Response], None] | None, max_bytes: int) -> Response:
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
            body = self._read(answer, url, max_bytes)
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

    def _read(self, answer: requests.Response, url: str, max_bytes: int) -> bytes:
        limits = self.settings
        declared = answer.headers.get("Content-Length", "")
        # The declared length is of the compressed body; the decompressed one is capped below.
        if declared.isdigit() and int(declared) > max_bytes and not answer.headers.get("Content-Encoding"):
            raise FetchError(f"the answer is {int(declared):,} bytes, over the {max_bytes:,}-byte cap", url)
        deadline = time.monotonic() + limits.deadline
        chunks, size = [], 0
        try:
            for chunk in answer.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"the answer is over the {max_bytes:,}-byte cap", url)
                chunks.append(chunk)
                # Real time on purpose: a server trickling bytes must not hold the run forever.
                if time.monotonic() > deadline:
                    raise _Transient(f"the answer took longer than {limits.deadline:.0f} s")
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
