"""MkDocs hooks (registered under `hooks:` in mkdocs.yml): the thin adapter over `build_site`.

Event order in a build: on_config loads and validates the records and builds
the whole site in memory (it runs again on every `mkdocs serve` rebuild, which
`watch: [trends]` triggers); on_files adds the generated pages and files with
File.generated, so nothing is written into content/; on_page_markdown fills
the markers in hand-written pages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import plotly
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from site_hooks.build import Site, build_site
from site_hooks.context import Settings
from trendkb import store
from trendkb.validate import validate

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_site: Site | None = None


def on_config(config):
    global _site
    root = Path(config.config_file_path).parent
    kb = store.load(root)
    problems = validate(kb, dt.date.today())
    if problems:
        listing = "\n".join(str(problem) for problem in problems)
        raise PluginError(f"the knowledge base has {len(problems)} problem(s); "
                          f"run 'trendkb validate' after fixing them:\n{listing}")
    own = (config.extra or {}).get("trendkb", {})
    settings = Settings(repo_url=own.get("repo_url"), branch=own.get("branch", "main"),
                        site_url=config.site_url, directory_urls=config.use_directory_urls)
    _site = build_site(kb, dt.date.today(), settings)
    config.nav = _site.nav
    return config


def on_files(files: Files, config) -> Files:
    for path, text in {**_site.pages, **_site.files}.items():
        files.append(File.generated(config, path, content=text))
    files.append(File.generated(config, "assets/javascripts/plotly.min.js", abs_src_path=str(PLOTLY_JS)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    return _site.fill(markdown)
