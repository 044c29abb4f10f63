"""What the JSON APIs (PyPI Stats, GitHub) have in common: reading an answer strictly, and naming its faults.

An answer must be a whole JSON document of the expected shape. An HTML page
with status 200 (a maintenance page, a captive portal, a wrong URL) and a
document cut short are answers asking again will not fix: they are BadAnswer,
so the job fails with that reason and the stored records stay as they were.
"""

from __future__ import annotations

import json
from typing import Any

from collectors.http import BadAnswer, Response

MAX_BYTES = 5_000_000  # 180 days of one package's downloads is ~15 KB; a repository's answer ~10 KB


def read_json(response: Response, service: str) -> Any:
    """The parsed body of `response`; raises BadAnswer naming `service` when it is not a whole JSON document."""
    body = response.content
    head = body.lstrip()[:256].lower()
    if not head:
        raise BadAnswer(f"{service} sent an empty answer instead of JSON")
    if head.startswith((b"<!doctype html", b"<html")) or "html" in response.headers.get("Content-Type", ""):
        raise BadAnswer(f"{service} answered with an HTML page instead of JSON; the service may be down, or the "
                        "URL is not its API")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise BadAnswer(f"the answer from {service} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(body.rstrip()) - 1 or exc.msg.startswith("Unterminated")
        reason = "it ends in the middle of the document, so it was cut short" if cut else exc.msg
        raise BadAnswer(f"the answer from {service} is not valid JSON (at character {exc.pos}): {reason}") from None


def checker(service: str):
    """The check the polite session runs on every answer of `service`: the body is whole JSON."""

    def check(response: Response) -> None:
        if response.status_code == 200:
            read_json(response, service)

    return check


def count(value: Any, what: str) -> int:
    """A count from an answer: a whole number of at least 0, else BadAnswer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadAnswer(f"{what} is {value!r}, not a count")
    return value
