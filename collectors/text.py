"""Turning untrusted text from feeds and arXiv into the plain text and links we store.

Everything a feed says is untrusted: titles and summaries may carry markup,
scripts or escaped markup that turns into markup once decoded, and links may
use any scheme. feedparser's own sanitiser misses known vectors, so every feed
field is reduced to plain text here with nh3 (tags dropped, script and style
contents removed), and only http(s) links survive. arXiv's fields are plain
text already (a `<` there is mathematics, not a tag), so they are only tidied.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3

# C0/C1 control characters (but not tab/newline, which become spaces anyway) and
# bidirectional overrides, which can make a title read differently than it is.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
# After decoding, something that still looks like a tag: '<' followed by a letter, '/' or '!'.
_TAGLIKE = re.compile(r"<[A-Za-z/!]")
# Block-level tags separate words ("</p><p>"); removing them must leave a space behind.
_BLOCK_TAG = re.compile(r"<(/?)(p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|section|article|figure)\b",
                        re.IGNORECASE)
# Parameters that only say where a click came from; dropping them makes the same article one key.
_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref|source)$", re.IGNORECASE)


def tidy(text: str | None) -> str:
    """Plain text with control characters removed and runs of whitespace made one space."""
    if not text:
        return ""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def strip_markup(text: str | None) -> str:
    """Plain text of an HTML fragment: tags and script/style contents gone, entities decoded.

    Some feeds escape their markup twice, so decoding can reveal new tags; those
    are stripped too (a few rounds at most), rather than stored as text that a
    careless page could render.
    """
    value = text or ""
    for _ in range(3):
        value = html.unescape(nh3.clean(_BLOCK_TAG.sub(r" <\1\2", value), tags=set(), attributes={},
                                         strip_comments=True))
        if not _TAGLIKE.search(value):
            break
    else:
        value = value.replace("<", "\u2039").replace(">", "\u203a")
    return tidy(value)


def trim(text: str, limit: int) -> str:
    """Text cut to at most `limit` characters at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "\u2026"


def http_url(value: str | None) -> str | None:
    """The link if it is a plain http(s) URL with a host, else None (javascript:, data:, relative...)."""
    if not value:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in value) or len(value) > 2000:
        return None
    return value


def normalise_link(url: str) -> str:
    """A key for 'the same article': https, lower-case host, no default port, fragment or tracking parameters."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    return urlunsplit(("https", host, path, query, ""))
