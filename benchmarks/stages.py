"""Time each stage of our hooks on one repository root, and write the same pages out for plain MkDocs.

    python -m benchmarks.stages ROOT [--plain DIR]

Prints one JSON object: seconds for reading and checking the collected signals
alone (the signal store's load, and the check that every trend they name
exists), for load and validate of the whole knowledge base, then each stage of
`build_site` (momentum, charts, pages, exports). It runs in a process of its
own, so one knowledge base's heap does not slow the next measurement.

With --plain, it also writes what the hooks would hand to MkDocs as files: a
docs folder (content/ with its markers filled, every generated page and file,
plotly.js) and an mkdocs.yml without hooks whose nav is the one the hooks
set. Building that is "plain MkDocs on the same pages", the baseline of the
overhead ratio; it is also what moving to another engine would start from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import shutil
import sys
import time
from pathlib import Path

import yaml

from site_hooks.build import Site, build_site
from site_hooks.context import Settings
from site_hooks.hooks import PLOTLY_JS
from trendkb import store
from trendkb.signals import SignalStore
from trendkb.validate import validate


def settings_of(config: dict) -> Settings:
    """The settings the hooks take from mkdocs.yml (see site_hooks/hooks.py on_config)."""
    own = (config.get("extra") or {}).get("trendkb", {})
    return Settings(repo_url=own.get("repo_url"), branch=own.get("branch", "main"),
                    site_url=config.get("site_url"), directory_urls=config.get("use_directory_urls", True))


def timed_build(root: Path, today: dt.date) -> tuple[Site, dict[str, float], dict]:
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    timings: dict[str, float] = {}
    start = time.perf_counter()
    signals, problems = SignalStore.load(store.signals_dir(root))
    problems += signals.unknown_trends({path.stem for path in (root / store.TRENDS_DIR).glob("*/*.yaml")})
    timings["signals: load and validate"] = time.perf_counter() - start
    if problems:
        raise SystemExit(f"{root}: {len(problems)} problem(s) in the signals, first: {problems[0]}")
    del signals
    start = time.perf_counter()
    kb = store.load(root)
    gc.freeze()  # as the hooks do
    problems = validate(kb, today)
    timings["load and validate"] = time.perf_counter() - start
    if problems:
        raise SystemExit(f"{root}: {len(problems)} problem(s), first: {problems[0]}")
    site = build_site(kb, today, settings_of(config), timings)
    return site, timings, config


def write_plain(root: Path, site: Site, config: dict, out: Path) -> Path:
    """A docs folder and an mkdocs.yml without hooks that build the same site; returns the config path."""
    docs = out / "docs"
    shutil.copytree(root / config.get("docs_dir", "docs"), docs)
    for page in docs.rglob("*.md"):
        page.write_text(site.fill(page.read_text(encoding="utf-8")), encoding="utf-8")
    for path, text in {**site.pages, **site.files}.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shutil.copy(PLOTLY_JS, docs / "assets" / "javascripts" / "plotly.min.js")
    plain = {key: value for key, value in config.items() if key not in ("hooks", "watch")}
    plain.update(docs_dir="docs", nav=site.nav)
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--plain", type=Path, help="also write the pages for plain MkDocs into this new folder")
    args = parser.parse_args(argv)
    site, timings, config = timed_build(args.root, dt.date.today())
    if args.plain:
        write_plain(args.root, site, config, args.plain)
    json.dump(timings, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
