"""The limits of the polite HTTP session (`collectors.http`), with the reasons for their defaults.

A module of its own so that the command line can show and override the
defaults without importing the network code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HttpSettings:
    """Limits of the polite session; the defaults are for the real services."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0  # for the whole answer, since a read timeout only bounds each gap
    max_bytes: int = 20_000_000  # a 2000-result arXiv page is about 5 MB
    min_interval: float = 3.0  # arXiv: "no more than one request every three seconds"
    tries: int = 4
    backoff: float = 10.0  # first wait after a failure without Retry-After; doubled while the host keeps failing
    # Seconds of failed requests and the waits they cause that one host may cost a run: a hanging
    # host then costs about 3 minutes instead of 4 tries x 30 s for each of its jobs.
    host_budget: float = 180.0
