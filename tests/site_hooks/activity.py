"""Finds markup that could act in a browser: scripts, event handlers, non-http(s) links."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

ACTIVE_TAGS = {"script", "iframe", "object", "embed", "img", "svg", "style", "form", "base", "meta"}


class _Finder(HTMLParser):
    def __init__(self, allowed_tags: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS - self.allowed_tags:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "xlink:href", "src", "action", "formaction") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme not in ("", "http", "https"):
                    self.found.append(f"<{tag} {name}={value}>")


def active_content(html: str, allowed_tags: frozenset[str] = frozenset()) -> list[str]:
    finder = _Finder(set(allowed_tags))
    finder.feed(html)
    return finder.found
