"""Safe HTML from untrusted text: records, papers and feed items never become live markup.

Plain fields are escaped; the one Markdown field people write (a trend's
description and its paragraphs) is rendered and then cleaned with nh3, keeping
only formatting tags and http(s) links.
"""

from __future__ import annotations

import functools
import html
import json
from urllib.parse import urlsplit

import markdown
import nh3

# One converter, reset before each text: building one per call was a third of the time for a short text.
_MARKDOWN = markdown.Markdown(extensions=["tables", "sane_lists"])
# Machine-collected lists, bookkeeping and chart tables are left out of the search index (Material
# reads this attribute): they made up a third of it at 500 trends, and a search should find trends
# by what people wrote about them. The pages still show them.
NO_SEARCH = 'data-search-exclude="true"'
ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "a", "blockquote", "h3", "h4",
                "table", "thead", "tbody", "tr", "th", "td", "hr"}


def esc(text: object) -> str:
    """Text safe inside HTML elements and quoted attributes."""
    return html.escape(str(text), quote=True)


def safe_url(url: str) -> str | None:
    """The URL if it is absolute http(s), else None: links to anything else are dropped."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def link(url: str, label: str) -> str:
    """An external link, or the label alone when the URL is not http(s)."""
    href = safe_url(url)
    if href is None:
        return esc(label)
    return f'<a href="{esc(href)}" rel="noopener nofollow">{esc(label)}</a>'


@functools.lru_cache(maxsize=4096)  # a `mkdocs serve` rebuild renders the same texts again
def render_markdown(text: str) -> str:
    """Markdown written by a contributor, as HTML with no scripts, handlers or odd links."""
    rendered = _MARKDOWN.reset().convert(text)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https"},
        link_rel="noopener nofollow",
    )


def front_matter(**fields: object) -> str:
    """YAML front matter. MkDocs themes print title and description without escaping
    (in <title>, the nav, meta tags), so both are escaped here."""
    for key in ("title", "description"):
        if isinstance(fields.get(key), str):
            fields[key] = esc(fields[key])
    # JSON is valid YAML and quotes every string, so no title can break the header.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def html_block(*lines: str) -> str:
    """Raw HTML surrounded by blank lines, so Markdown leaves it alone."""
    return "\n" + "\n".join(lines) + "\n\n"
