"""Untrusted text to safe HTML (site_hooks/markup.py)."""

from __future__ import annotations

from site_hooks.markup import esc, link, render_markdown, safe_url


def test_plain_text_is_escaped_including_quotes():
    assert esc('<a href="x">\'') == "&lt;a href=&quot;x&quot;&gt;&#x27;"


def test_only_absolute_http_links_survive():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "//evil.example", "/local", "ftp://x"):
        assert safe_url(bad) is None, bad
    assert link("javascript:alert(1)", "<b>label</b>") == "&lt;b&gt;label&lt;/b&gt;"
    assert link("https://e.org/?a=1&b=2", "x") == '<a href="https://e.org/?a=1&amp;b=2" rel="noopener nofollow">x</a>'


def test_markdown_keeps_formatting_and_drops_active_content():
    html = render_markdown(
        "**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[bad](javascript:alert(3)) [ok](https://example.org) <a href='x' onclick='alert(4)'>c</a>"
    )
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener nofollow">ok</a>' in html
    for gone in ("<script", "alert(1)", "<img", "onerror", "javascript:", "onclick"):
        assert gone not in html, gone
