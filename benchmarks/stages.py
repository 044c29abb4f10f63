"""Time each stage of the render step on one repository root.

    python -m benchmarks.stages ROOT [--signals KIND,KIND...]

With --signals, prints only the seconds the signal store takes to read and
check those kinds (the target of the store is for papers, news and counts).
Otherwise prints one JSON object: seconds for reading and checking the collected signals
alone (the signal store's load, and the check that every trend they name
exists), for load and validate of the whole knowledge base, then each stage of
`build_site` (momentum, charts, pages, exports). It runs in a process of its
own, so one knowledge base's heap does not slow the next measurement.
(`trendkb render` writes the folder that plain MkDocs and Zensical build; the
benchmark times it as a whole, in benchmarks/run.py.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from site_hooks import render
from site_hooks.build import build_site
from trendkb import store
from trendkb.signals import SignalStore, registered
from trendkb.validate import validate


def timed_signals(root: Path, names: list[str]) -> dict[str, float]:
    kinds = [kind for kind in registered() if kind.name in names]
    start = time.perf_counter()
    signals, problems = SignalStore.load(store.signals_dir(root), kinds=kinds)
    problems += signals.unknown_trends({path.stem for path in (root / store.TRENDS_DIR).glob("*/*.yaml")})
    seconds = time.perf_counter() - start
    # The other kinds' files are strays to a store that knows only these; their problems are not the point.
    if any(problem.field != "(file)" for problem in problems):
        raise SystemExit(f"{root}: problems in the signals, first: {problems[0]}")
    return {"signals: " + ", ".join(names): seconds}


def timed_build(root: Path, today: dt.date) -> dict[str, float]:
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
    problems = validate(kb, today)
    timings["load and validate"] = time.perf_counter() - start
    if problems:
        raise SystemExit(f"{root}: {len(problems)} problem(s), first: {problems[0]}")
    build_site(kb, today, render.settings(render.read_config(root), os.environ), timings)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--signals", metavar="KINDS", help="time only the signal store on these kinds, comma-separated")
    args = parser.parse_args(argv)
    if args.signals:
        json.dump(timed_signals(args.root, args.signals.split(",")), sys.stdout)
    else:
        json.dump(timed_build(args.root, dt.date.today()), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
