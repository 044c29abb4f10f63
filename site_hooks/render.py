"""The site's source on disk: one folder from which MkDocs or Zensical builds the whole site.

`trendkb render` (site_hooks/cli.py), `make site` and the MkDocs hooks behind
`make serve` all write it through `render`:

    DIR/mkdocs.yml   the repository's mkdocs.yml with the navigation, without `hooks:` and `watch:`
    DIR/docs/        content/ with the generated sections of its pages filled in, every generated
                     page, chart spec and export, and plotly.js from the installed plotly package
    DIR/site/        where an engine builds it unless told otherwise (Zensical builds only inside
                     the folder of its config)

Only files whose bytes change are written, each atomically, and files that are
no longer part of the site are removed, so a file's modification time says when
its content last changed: that is what MkDocs' `--dirty` mode reads. Every page
shows the navigation and the site's settings, so when the config changes, every
page's time moves on too.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import plotly
import yaml

from site_hooks.build import Site, build_site
from site_hooks.context import Settings
from trendkb import deployment, store
from trendkb.problems import Problem
from trendkb.validate import validate
from trendkb.yamlio import replace_atomic

DEFAULT_OUT = "site-src"  # under the repository root; git ignores it
CONFIG_FILE = "mkdocs.yml"
DOCS = "docs"
SITE = "site"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_TARGET = "assets/javascripts/plotly.min.js"  # beside trendkb.js, which fetches it when a chart nears the screen
CONFIG_HEADER = ("# Written by `trendkb render` from the repository's mkdocs.yml, with the navigation; edit that one.\n"
                 "# `mkdocs build -f` or `zensical build -f` this file builds the whole site, without hooks.\n")
ENGINE_ONLY = ("hooks", "watch")  # what only the repository's own MkDocs run uses (site_hooks/hooks.py)


class RenderError(Exception):
    """The site's source cannot be written as asked: a config that cannot be read, a clash of paths."""


class InvalidKnowledgeBase(Exception):
    """The records have problems; nothing is rendered from them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"the knowledge base has {len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Rendered:
    folder: Path
    nav: list
    files: int  # how many files the docs folder holds
    written: list[str]  # paths under docs/ whose content changed
    removed: list[str]  # paths under docs/ that are no longer part of the site
    config_changed: bool

    @property
    def docs(self) -> Path:
        return self.folder / DOCS

    @property
    def config(self) -> Path:
        return self.folder / CONFIG_FILE


def read_config(root: Path) -> dict:
    """The repository's mkdocs.yml as plain data."""
    path = Path(root) / CONFIG_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RenderError(f"{path}: cannot be read ({exc.strerror}); run this in the repository, "
                          "next to mkdocs.yml") from None
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: not plain YAML ({exc}); the render reads mkdocs.yml without "
                          "MkDocs' own tags such as !ENV") from None
    if not isinstance(data, dict):
        raise RenderError(f"{path}: expected the MkDocs settings as a mapping")
    return data


def settings(config: Mapping, environ: Mapping[str, str]) -> Settings:
    """What the page builders take from mkdocs.yml, and from the environment (TRENDKB_REPO_URL)."""
    own = (config.get("extra") or {}).get("trendkb") or {}
    identity = deployment.resolve(own, environ)
    return Settings(repo_url=identity.repo_url, branch=identity.branch, site_url=config.get("site_url"),
                    directory_urls=config.get("use_directory_urls", True),
                    stale_after_days=int(own.get("stale_after_days", Settings.stale_after_days)))


def engine_config(config: Mapping, nav: list) -> dict:
    """The config an engine builds the rendered folder with."""
    out = {key: value for key, value in config.items() if key not in ENGINE_ONLY}
    out.update(docs_dir=DOCS, site_dir=SITE, nav=nav)
    return out


def source_files(content: Path, site: Site) -> dict[str, bytes | Path]:
    """Every file of the docs folder, by its path there: its bytes, or the file to copy."""
    files: dict[str, bytes | Path] = {}
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(content)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue  # MkDocs leaves hidden files out too
        files[rel.as_posix()] = site.fill(path.read_text(encoding="utf-8")).encode() if path.suffix == ".md" else path
    generated = {**site.pages, **site.files}
    clash = sorted(files.keys() & generated.keys())
    if clash:
        raise RenderError(f"{content.name}/{clash[0]} has the path of a generated page or file; rename it")
    files.update((path, text.encode()) for path, text in generated.items())
    files[PLOTLY_TARGET] = PLOTLY_JS
    return files


def write_tree(folder: Path, files: Mapping[str, bytes | Path]) -> tuple[list[str], list[str]]:
    """Make `folder` hold exactly `files`: write those that changed, remove the rest. Returns both lists."""
    written = [rel for rel, data in files.items()
               if replace_atomic(folder / rel, data if isinstance(data, bytes) else data.read_bytes(), durable=False)]
    removed = []
    for path in sorted(folder.rglob("*"), reverse=True):  # a folder's files before the folder
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in files:
            path.unlink()
            removed.append(rel)
    return written, sorted(removed)


def check_folder(folder: Path, root: Path, content: Path) -> None:
    """Refuse a folder whose files a render would overwrite or remove without owning them."""
    where = folder.resolve()
    for source in (content.resolve(), (root / store.TRENDS_DIR).resolve()):
        if where == source or source in where.parents:
            raise RenderError(f"{folder} is inside {source.name}/, which people write; render somewhere else")
    if where == root.resolve() or where in root.resolve().parents:
        raise RenderError(f"{folder} holds the repository; render into a folder of its own, e.g. {DEFAULT_OUT}/")
    config = folder / CONFIG_FILE
    if folder.is_dir() and any(folder.iterdir()) and not (
            config.is_file() and config.read_text(encoding="utf-8").startswith(CONFIG_HEADER)):
        raise RenderError(f"{folder} holds files that `trendkb render` did not write, and a render removes what is "
                          "not part of the site; give a new or empty folder")


def load_valid(root: Path, today: dt.date, reuse: store.KnowledgeBase | None = None) -> store.KnowledgeBase:
    """The knowledge base, checked as `trendkb validate` checks it; `reuse` takes over unchanged signal files."""
    kb = store.load(root, reuse=reuse)
    problems = validate(kb, today)
    if problems:
        raise InvalidKnowledgeBase(problems)
    return kb


def render(root: Path, kb: store.KnowledgeBase, today: dt.date, out: Path | None = None) -> Rendered:
    """Write the site's source for the validated `kb` into `out` (default: ROOT/site-src)."""
    root = Path(root)
    config = read_config(root)
    folder = Path(out) if out is not None else root / DEFAULT_OUT
    content = root / config.get("docs_dir", "docs")
    check_folder(folder, root, content)
    site = build_site(kb, today, settings(config, os.environ))
    files = source_files(content, site)
    written, removed = write_tree(folder / DOCS, files)
    text = CONFIG_HEADER + yaml.safe_dump(engine_config(config, site.nav), sort_keys=False, allow_unicode=True)
    config_changed = replace_atomic(folder / CONFIG_FILE, text.encode(), durable=False)
    if config_changed:
        for rel in files:
            if rel.endswith(".md"):
                os.utime(folder / DOCS / rel)
    return Rendered(folder=folder, nav=site.nav, files=len(files), written=written, removed=removed,
                    config_changed=config_changed)
