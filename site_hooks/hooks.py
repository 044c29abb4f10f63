"""MkDocs hooks (registered under `hooks:` in mkdocs.yml): the thin adapter over `build_site`.

Event order in a build: on_config loads and validates the records and builds
the whole site in memory (it runs again on every `mkdocs serve` rebuild, which
`watch: [trends]` triggers); on_files adds the generated pages and files with
File.generated, so nothing is written into content/; on_page_markdown fills
the markers in hand-written pages.

`mkdocs serve --dirty` (what `make serve` runs) rebuilds incrementally: MkDocs
writes again only the pages whose `is_modified()` is true, and for generated
pages that is always true, so on_files tells it which pages really changed
since the last build (`build.changes`): a one-trend edit then renders a handful
of pages instead of every one. Two plugins keep state per page, and are told
about the pages MkDocs skips: Material's search index keeps their entries, and
the tags plugin hears their tags (on_nav). When the navigation or any tags
change, everything is rebuilt; a plain `mkdocs build` always builds everything.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
from pathlib import Path

import plotly
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from site_hooks.build import Site, build_site, changes
from site_hooks.context import Settings
from trendkb import deployment, store
from trendkb.validate import validate

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_site: Site | None = None
# The last load: MkDocs keeps this module across `mkdocs serve` rebuilds, and a rebuild
# takes over the signal files that did not change since (see store.load).
_kb: store.KnowledgeBase | None = None
# The tags plugin's listing: always rendered again, from the tags of every page (see on_nav).
TAGS_INDEX = "<!-- material/tags"
_incremental = False  # `mkdocs serve --dirty`
_built: Site | None = None  # what the last successful build published
_skipped: list[File] = []  # pages this build leaves as they are


def _not_modified() -> bool:
    return False


def _modified() -> bool:
    return True


def on_startup(command: str, dirty: bool) -> None:
    global _incremental
    _incremental = command == "serve" and dirty
    if _incremental:
        # MkDocs warns that a dirty build may leave navigation and links stale (and --strict turns
        # the warning into a failure); these hooks rebuild every page when the navigation changes.
        logging.getLogger("mkdocs.commands.build").addFilter(
            lambda record: "A 'dirty' build is being performed" not in record.getMessage())


def on_config(config):
    global _site, _kb
    root = Path(config.config_file_path).parent
    kb = _kb = store.load(root, reuse=_kb)
    problems = validate(kb, dt.date.today())
    if problems:
        listing = "\n".join(str(problem) for problem in problems)
        raise PluginError(f"the knowledge base has {len(problems)} problem(s); "
                          f"run 'trendkb validate' after fixing them:\n{listing}")
    # The records live until the build ends: spare them the garbage collector's full
    # passes while the pages are built and rendered (they are still freed by reference counting).
    gc.freeze()
    own = (config.extra or {}).get("trendkb", {})
    identity = deployment.resolve(own, os.environ)  # TRENDKB_REPO_URL overrides extra.trendkb.repo_url
    settings = Settings(repo_url=identity.repo_url, branch=identity.branch, site_url=config.site_url,
                        directory_urls=config.use_directory_urls,
                        stale_after_days=int(own.get("stale_after_days", Settings.stale_after_days)))
    _site = build_site(kb, dt.date.today(), settings)
    config.nav = _site.nav
    return config


def on_files(files: Files, config) -> Files:
    search = config.plugins.get("material/search")
    # Without the last build's search index the skipped pages would drop out of search: build everything.
    delta = changes(_built, _site) if _incremental and getattr(search, "search_index_prev", None) else None
    for path, text in {**_site.pages, **_site.files}.items():
        file = File.generated(config, path, content=text)
        if delta is not None and path not in delta.pages and path not in delta.files:
            file.is_modified = _not_modified
        files.append(file)
    files.append(File.generated(config, "assets/javascripts/plotly.min.js", abs_src_path=str(PLOTLY_JS)))
    _skipped.clear()
    if _incremental:
        for file in files.documentation_pages():
            text = file.content_string
            if TAGS_INDEX in text or (file.generated_by is None
                                      and (delta is None or any(marker in text for marker in delta.markers))):
                file.is_modified = _modified  # the tags index, a new navigation, or generated sections that changed
            elif not file.is_modified():
                _skipped.append(file)
        if search is not None:
            # Material's search plugin assumes a dirty build renders one page, and merges the last
            # index on that basis; instead, start this build's index from the last one's entries for
            # the pages it skips, and let the rendered pages add theirs.
            skipped = {file.url for file in _skipped}
            if skipped:
                search.search_index.entries[:0] = [entry for entry in search.search_index_prev.entries
                                                   if entry["location"].split("#")[0] in skipped]
            search.search_index_prev = None
    return files


def on_nav(nav, config, files):
    # Pages MkDocs skips are not read, so the tags plugin would not see their tags (the tags
    # index would lose them, and rendered pages their tag links): read them and replay the event.
    for file in _skipped:
        file.page.read_source(config)
        config.plugins.on_page_markdown(file.page.markdown, page=file.page, config=config, files=files)
    return nav


def on_post_build(config) -> None:
    global _built
    _built = _site
    # Hand the frozen objects back to the collector, or each `mkdocs serve` rebuild would
    # pin another build's worth of cycles in memory for the rest of the session.
    gc.unfreeze()


def on_build_error(error) -> None:
    gc.unfreeze()


def on_page_markdown(markdown: str, page, config, files) -> str:
    return _site.fill(markdown)
