"""The site: pure builders that turn the knowledge base into pages, charts and exports.

`build.build_site` returns every generated file as text; `hooks.py` is the thin
MkDocs adapter that hands those files to MkDocs. Nothing here writes into
`content/`, and nothing but `hooks.py` imports MkDocs, so the same output can
be written to disk for another engine.
"""
