"""MkDocs hooks (registered under `hooks:` in mkdocs.yml): `mkdocs build` and `mkdocs serve` over the render step.

How the site gets built, and why this way:

- `make site` runs `trendkb render`, which writes the site's source to site-src/
  (site_hooks/render.py), then an engine on that folder alone: `mkdocs build`, or
  `zensical build` with ENGINE=zensical. Neither uses these hooks (Zensical
  ignores hooks).
- `make serve` runs `mkdocs serve --dirty` on the repository's mkdocs.yml. On the
  first build and on every rebuild, on_config loads the records (taking over the
  signal files that did not change, see store.load), renders the same folder, and
  points MkDocs at it. The render writes only the files whose content changed, so
  MkDocs' own dirty mode renders just those pages again. One process keeps the
  loaded knowledge base between rebuilds, which the 2 s edit-to-page target needs;
  a watcher of its own beside `mkdocs serve` would have to load it again, or
  keep a second copy.
- MkDocs watches trends/ and content/ (`watch:` in mkdocs.yml) and not the rendered
  folder (on_serve): each rebuild writes into it, and watching it would start a
  second rebuild after every one.
- Material's search plugin merges a dirty build's index on the assumption that one
  page was rendered; an edit renders several (the trend, its area, the home page,
  Explore), and the index kept old entries beside new ones. So in dirty mode the
  index is written again in full from every page's entries, each kept from the
  build that last rendered the page, using Material's own SearchIndex.
- Tags are generated pages (site_hooks/pages.py), not Material's tags plugin, whose
  listing would hold only the pages a dirty build renders.
- MkDocs warns on every dirty build, and `strict` turns warnings into failures, so
  `make serve` passes --no-strict; `make site` stays strict.
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

from material.plugins.search.plugin import SearchIndex
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from site_hooks import render
from trendkb import store

# MkDocs keeps this module across `mkdocs serve` rebuilds.
_kb: store.KnowledgeBase | None = None  # the last load, whose unchanged signal files the next one takes over
_dirty = False  # `mkdocs serve --dirty`
_entries: dict[str, list[dict]] = {}  # a page's source path -> its search entries, from the build that last rendered it
_pages: list[str] = []  # the source paths of this build's pages, in MkDocs' order


def on_startup(command: str, dirty: bool) -> None:
    global _dirty
    _dirty = dirty


def on_config(config):
    global _kb
    root = Path(config.config_file_path).parent
    today = dt.date.today()
    try:
        _kb = render.load_valid(root, today, reuse=_kb)
    except render.InvalidKnowledgeBase as exc:
        listing = "\n".join(str(problem) for problem in exc.problems)
        raise PluginError(f"{exc}; run 'trendkb validate' after fixing them:\n{listing}") from None
    # The records live on between rebuilds: spare them the collector's full passes until the build ends
    # (the signal store already froze what its load made; this adds the trends and the checks' objects).
    gc.freeze()
    try:
        rendered = render.render(root, _kb, today)
    except render.RenderError as exc:
        raise PluginError(str(exc)) from None
    config.docs_dir = str(rendered.docs)
    config.nav = rendered.nav
    return config


def on_serve(server, config, builder):
    server.unwatch(config.docs_dir)
    return server


def on_files(files, config):
    _pages[:] = [file.src_uri for file in files.documentation_pages()]
    return files


def _search(config):
    """Material's search plugin when this build is incremental and the plugin is on."""
    search = config.plugins.get("material/search") if _dirty else None
    return search if search is not None and search.config.enabled else None


@event_priority(100)  # before Material's search plugin, which removes the data-search-* marks it reads
def on_page_context(context, page, config, nav):
    search = _search(config)
    if search is not None:
        index = SearchIndex(**search.config)
        index.add_entry_from_context(page)
        _entries[page.file.src_uri] = index.entries
    return context


@event_priority(-100)  # after Material's search plugin has written its own index
def on_post_build(config) -> None:
    search = _search(config)
    if search is not None:
        index = SearchIndex(**search.config)
        index.entries = [entry for src in _pages for entry in _entries.get(src, [])]
        path = Path(config.site_dir) / "search" / "search_index.json"
        path.write_text(index.generate_search_index(None), encoding="utf-8")
    # Hand the frozen objects back to the collector, or each `mkdocs serve` rebuild would
    # pin another build's worth of cycles in memory for the rest of the session.
    gc.unfreeze()


def on_build_error(error) -> None:
    gc.unfreeze()
