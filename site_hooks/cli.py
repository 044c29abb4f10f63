"""`trendkb render`: the site's source written to a folder, for MkDocs or Zensical to build.

The core's CLI finds this module through the `trendkb.commands` entry point
(pyproject.toml), as it finds `collect`, so the core never imports the site.
The page builders are imported only when `render` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from trendkb.cli import INVALID, OK, UsageError, github_format, print_problems, repository_root


def cmd_render(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    from site_hooks import render

    root = repository_root(args)
    try:
        kb = render.load_valid(root, today())
    except render.InvalidKnowledgeBase as exc:
        print_problems(exc.problems, github_format(args))
        return INVALID
    try:
        rendered = render.render(root, kb, today(), Path(args.out) if args.out else None)
    except render.RenderError as exc:
        raise UsageError(str(exc)) from None
    print(f"rendered {rendered.files} files into {rendered.docs}: {len(rendered.written)} written, "
          f"{len(rendered.removed)} removed{', a new config' if rendered.config_changed else ''}", file=sys.stderr)
    return OK


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `render` to the trendkb command line."""
    render_cmd = commands.add_parser(
        "render", help="check the records, then write the site's source (pages, charts, exports, plotly.js and "
                       "an mkdocs.yml with the navigation) for MkDocs or Zensical to build; exit 1 if invalid")
    render_cmd.add_argument("--out", metavar="DIR",
                            help="folder to write (default: site-src/ in the repository); only changed files "
                                 "are written")
    render_cmd.add_argument("--format", choices=("text", "github"), default=None,
                            help="how to print problems, as for validate")
    render_cmd.set_defaults(run=cmd_render)
