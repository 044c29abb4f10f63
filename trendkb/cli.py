"""The `trendkb` command line: validate, new, schema, fmt, diff, signals-diff, signals-prune, and plugins' commands.

Commands that need more than the core (`collect`, from the collectors package)
come in through the `trendkb.commands` entry point: a function that adds its
subcommand to the parser. So the core never imports them, and a package that
adds a command is installed, not wired in here.

Each command is a small function from parsed arguments to an exit code:
0 success, 1 invalid records, 2 usage or configuration errors. Problems go to
stdout as `file:line: field: message` (and also as GitHub annotations with
`--format github`, the default inside GitHub Actions); one-line errors go to
stderr. A traceback is shown only with `--debug`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from trendkb import __version__, revisions, store
from trendkb.changes import compare, read_versions, summary
from trendkb.problems import Problem, did_you_mean, display_path, github_annotation
from trendkb.scaffold import new_trend
from trendkb.schema import schema_text
from trendkb.signals import LockHeld, RunLock, SignalStore
from trendkb.signals import compare as signal_changes
from trendkb.validate import LAYOUT, validate
from trendkb.yamlio import write_atomic

OK, INVALID, USAGE = 0, 1, 2
COMMANDS_GROUP = "trendkb.commands"


class UsageError(Exception):
    """A mistake in how the command was called or configured; exit code 2."""


def repository_root(args: argparse.Namespace, near: Path | None = None) -> Path:
    """The repository given with --root, else the one holding `near` (or the working directory)."""
    if args.root:
        root = Path(args.root)
        if not (root / store.TRENDS_DIR / store.AREAS_FILE).is_file():
            raise UsageError(f"{root} has no {store.TRENDS_DIR}/{store.AREAS_FILE}; "
                             "pass the repository folder with --root")
        return root
    found = store.find_root(near or Path.cwd())
    if found is None:
        raise UsageError(f"no {store.TRENDS_DIR}/{store.AREAS_FILE} in {near or Path.cwd()} or above; "
                         "run this inside the trendkb repository or pass --root")
    return found


def github_format(args: argparse.Namespace) -> bool:
    chosen = getattr(args, "format", None)
    if chosen is None:
        return os.environ.get("GITHUB_ACTIONS") == "true"
    return chosen == "github"


def print_problems(problems: Sequence[Problem], github: bool = False) -> None:
    """Each problem on its own line (and as a GitHub annotation), then a count and what to do, on stderr."""
    for problem in problems:
        print(problem)
    if github:
        for problem in problems:
            print(github_annotation(problem))
    files = len({problem.path for problem in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    print(f"{len(problems)} {noun} in {files} file{'s' if files != 1 else ''}; "
          "fix them and run 'trendkb validate' again", file=sys.stderr)


def _within(shown: str, root: Path, paths: list[Path]) -> bool:
    where = (root / shown).resolve()
    return any(where == path or path in where.parents for path in paths)


def _load_checked(args: argparse.Namespace, today: Callable[[], dt.date]):
    """Root, knowledge base, the PATH arguments, and the problems that fall within them."""
    paths = [Path(p).resolve() for p in args.paths]
    for given, path in zip(args.paths, paths, strict=True):
        if not path.exists():
            raise UsageError(f"{given}: no such file or folder")
    root = repository_root(args, paths[0] if paths else None)
    roots = {store.find_root(path) for path in paths}
    if len(roots) > 1 or (paths and root.resolve() not in roots and not args.root):
        raise UsageError("the paths belong to different knowledge bases; validate one at a time")
    trends_dir = (root / store.TRENDS_DIR).resolve()
    for given, path in zip(args.paths, paths, strict=True):
        if path != trends_dir and trends_dir not in path.parents:
            raise UsageError(f"{given} is not under {store.TRENDS_DIR}/; give files or folders of {trends_dir}")
    kb = store.load(root)
    problems = validate(kb, today())
    if paths:
        problems = [p for p in problems if _within(p.path, root, paths)]
    return root, kb, paths, problems


def cmd_validate(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    _, kb, _, problems = _load_checked(args, today)
    if problems:
        print_problems(problems, github_format(args))
        return INVALID
    signals = sum(kb.signals.count(kind) for kind in kb.signals.kinds if kind.evidence)
    print(f"OK: {len(kb.trends)} trends in {len(kb.areas)} areas, {signals} collected signals",
          file=sys.stderr)
    return OK


def cmd_new(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    root = repository_root(args)
    kb = store.load(root)
    area_ids = [area.id for area in kb.areas]
    if args.area not in area_ids:
        raise UsageError(f"unknown area '{args.area}'; choose one of {', '.join(area_ids) or '(none loaded)'}"
                         f"{did_you_mean(args.area, area_ids)}")
    try:
        trend = new_trend(args.area, args.title, today())
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    path = store.trend_path(root, args.area, trend.id)
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists; edit it, or pick another title")
    if trend.id in {t.id for t in kb.trends}:
        raise UsageError(f"a trend with the id '{trend.id}' exists in another area; pick another title")
    store.save_trend(root, trend)
    print(f"wrote {path.relative_to(root)}: replace every TODO, then run 'trendkb validate'")
    return OK


def cmd_schema(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    root = repository_root(args)
    target = root / store.TRENDS_DIR / store.SCHEMA_FILE
    kb = store.load(root)
    if kb.areas_doc is None:
        raise UsageError(f"the schema lists the areas, and {store.TRENDS_DIR}/{store.AREAS_FILE} cannot be read; "
                         "run 'trendkb validate' and fix it first")
    text = schema_text([area.id for area in kb.areas])
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(f"{target.relative_to(root)} is out of date; run 'trendkb schema' and commit it",
                  file=sys.stderr)
            return INVALID
        return OK
    changed = write_atomic(target, text)
    print(f"{'wrote' if changed else 'unchanged:'} {target.relative_to(root)}")
    return OK


def cmd_fmt(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    root, kb, paths, problems = _load_checked(args, today)
    # The layout is what fmt fixes; any other problem must be fixed by hand first.
    problems = [problem for problem in problems if problem.field != LAYOUT]
    if problems:
        print_problems(problems, github_format(args))
        return INVALID
    stale = []
    for entry in kb.trend_files:
        if paths and not _within(entry.doc.path, root, paths):
            continue
        path = root / entry.doc.path
        text = store.trend_text(entry.record)
        if path.read_text(encoding="utf-8") != text:
            stale.append(entry.doc.path)
            if not args.check:
                write_atomic(path, text)
    verb = "not in canonical form" if args.check else "reformatted"
    for name in stale:
        print(f"{verb}: {name}")
    return INVALID if (stale and args.check) else OK


def cmd_diff(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    root = repository_root(args)
    base, head = args.base, args.head
    if head is None and ".." in base:
        base, _, head = base.partition("...") if "..." in base else base.partition("..")
        head = head or "HEAD"
    try:
        # BASE...HEAD: what HEAD changed since it forked from BASE, as a pull request shows it.
        since = revisions.merge_base(root, base, head) if args.head is None and "..." in args.base else base
        before = revisions.files_at(root, since)
        after = revisions.files_at(root, head) if head else revisions.files_on_disk(root)
    except revisions.RevisionError as exc:
        raise UsageError(str(exc)) from None
    print(summary(compare(read_versions(before), read_versions(after)), base, head), end="")
    return OK


def cmd_signals_diff(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    root = repository_root(args)
    share = args.max_changed_share
    if not 0 <= share <= 1:
        raise UsageError(f"--max-changed-share {share} is not a share; give a number from 0 to 1, e.g. 0.25")
    try:
        files = revisions.signal_files_at(root, args.base)
    except revisions.RevisionError as exc:
        raise UsageError(str(exc)) from None
    with tempfile.TemporaryDirectory() as folder:
        for path, data in files.items():
            (Path(folder) / path).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / path).write_bytes(data)
        before, problems = SignalStore.load(store.signals_dir(Path(folder)))
    if problems:
        raise UsageError(f"the collected signals at {args.base} do not validate ({problems[0]}); compare with "
                         "a revision whose signals do")
    signals = store.signals_dir(root)
    after, problems = SignalStore.load(signals, shown=display_path(signals, root))
    if problems:
        # A refresh that leaves broken files is never routine.
        print_problems(problems)
        return INVALID
    changes = signal_changes.compare(before, after)
    decision = signal_changes.verdict(changes, share)
    print(signal_changes.summary(changes, decision, args.base), end="")
    return OK if decision.routine else INVALID


def cmd_signals_prune(args: argparse.Namespace, today: Callable[[], dt.date]) -> int:
    root = repository_root(args)
    kb = store.load(root)
    folder = store.signals_dir(root)
    shown = display_path(folder, root)
    broken = [problem for problem in kb.problems if problem.path.startswith(shown + "/")]
    if broken:
        # Saving would write the files without their broken lines: those must be fixed by hand first.
        print_problems(broken)
        return INVALID
    known = {trend.id for trend in kb.trends} | {path.stem for path in kb.trend_paths}
    try:
        with RunLock(folder):
            changed = kb.signals.forget_trends(known)
            written = kb.signals.save()
    except LockHeld as exc:
        raise UsageError(str(exc)) from None
    if not changed:
        print("nothing to prune: every collected record names trends that exist", file=sys.stderr)
        return OK
    for name, (kept, removed) in changed.items():
        print(f"{name}: {removed} removed" + (f", {kept} kept for their other trends" if kept else ""))
    print(f"changed {len(written)} file(s) under {shown}/; review them with 'git diff' and commit them with "
          "the change to the trends", file=sys.stderr)
    return OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trendkb", description="Keep the machine-learning trends knowledge base in shape."
    )
    parser.add_argument("--version", action="version", version=f"trendkb {__version__}")
    parser.add_argument("--root", help="repository folder holding trends/ (default: the nearest one at or above "
                                       "the first PATH given, else the current folder)")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate_cmd = commands.add_parser("validate", help="check every record; exit 1 if any is invalid")
    validate_cmd.add_argument("paths", nargs="*", metavar="PATH",
                              help="files or folders under trends/ to report on, checked against the whole "
                                   "knowledge base (default: all of trends/)")
    validate_cmd.add_argument("--format", choices=("text", "github"), default=None,
                              help="github: also print each problem as a GitHub Actions annotation "
                                   "(default: github when GITHUB_ACTIONS=true, else text)")
    validate_cmd.set_defaults(run=cmd_validate)

    new_cmd = commands.add_parser("new", help="write a trend scaffold to fill in")
    new_cmd.add_argument("area", metavar="AREA", help="area id, e.g. automl")
    new_cmd.add_argument("title", metavar="TITLE", help='trend title, e.g. "Neural architecture search"')
    new_cmd.set_defaults(run=cmd_new)

    schema_cmd = commands.add_parser("schema", help="write trends/schema.json from the models")
    schema_cmd.add_argument("--check", action="store_true", help="only check that the file is current")
    schema_cmd.set_defaults(run=cmd_schema)

    fmt_cmd = commands.add_parser("fmt", help="rewrite trend files in canonical form")
    fmt_cmd.add_argument("--check", action="store_true", help="only list files that would change")
    fmt_cmd.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: all trends)")
    fmt_cmd.set_defaults(run=cmd_fmt)

    diff_cmd = commands.add_parser(
        "diff", help="summarise in Markdown what changed in the trends: added, removed, ring moves, edited fields")
    diff_cmd.add_argument("base", metavar="BASE", help="the older revision (branch, tag, commit), or a range "
                                                       "BASE..HEAD (BASE...HEAD: from where HEAD forked)")
    diff_cmd.add_argument("head", metavar="HEAD", nargs="?",
                          help="the newer revision (default: the working tree, saved files included)")
    diff_cmd.set_defaults(run=cmd_diff)

    signals_cmd = commands.add_parser(
        "signals-diff", help="summarise in Markdown what changed in the collected signals since BASE; exit 1 when "
                             "a person should review it (stored records removed, or too many changed)")
    signals_cmd.add_argument("base", metavar="BASE", help="the revision to compare the working tree with, e.g. HEAD")
    signals_cmd.add_argument("--max-changed-share", metavar="SHARE", type=float,
                             default=signal_changes.DEFAULT_MAX_CHANGED_SHARE,
                             help="the share of stored records a routine refresh may change (default: %(default)s)")
    signals_cmd.set_defaults(run=cmd_signals_diff)

    prune_cmd = commands.add_parser(
        "signals-prune", help="take the ids of trends that no longer exist (removed or renamed) out of the "
                              "collected signals, and the records left about no trend")
    prune_cmd.set_defaults(run=cmd_signals_prune)

    for plugin in entry_points(group=COMMANDS_GROUP):
        _add_plugin(plugin, commands)
    return parser


def _add_plugin(plugin: EntryPoint, commands: argparse._SubParsersAction) -> None:
    try:
        plugin.load()(commands)
    except Exception as exc:
        # One broken plugin must not take 'validate' down with it.
        print(f"trendkb: the '{plugin.name}' command could not be loaded ({exc.__class__.__name__}: {exc}); "
              "reinstall with 'make' or 'pip install -e .'", file=sys.stderr)


def main(argv: Sequence[str] | None = None, today: Callable[[], dt.date] = dt.date.today) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return USAGE if exc.code else OK
    try:
        return args.run(args, today)
    except UsageError as exc:
        print(f"trendkb: error: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("trendkb: interrupted; nothing was left half-written", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"trendkb: internal error: {exc.__class__.__name__}: {exc}; "
              "rerun with --debug and report it", file=sys.stderr)
        return USAGE


if __name__ == "__main__":
    sys.exit(main())
