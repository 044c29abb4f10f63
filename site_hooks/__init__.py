"""The site: pure builders that turn the knowledge base into pages, charts and exports.

`build.build_site` returns every generated file as text; `render.py` writes them,
with content/ and plotly.js, into one folder that MkDocs or Zensical builds
(`trendkb render`, `make site`); `hooks.py` is the thin MkDocs adapter over the
render that `make serve` uses. Nothing here writes into `content/`, and nothing
but `hooks.py` imports MkDocs or Material.
"""
